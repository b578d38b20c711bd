/**
 * Thin promise wrappers over node:fs callbacks (libuv thread pool): cheaper than fs.promises.FileHandle on
 * the hot path and never block the main thread. (Default import: calls go through the live module object.)
 */
import fs from 'node:fs';

/** Writes buf[0, length) at `position`, looping over short writes. */
export function writeFully(fd: number, buf: Buffer, length: number, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = 0;
    const step = (err: NodeJS.ErrnoException | null, written: number): void => {
      if (err !== null) return reject(err);
      done += written;
      if (done >= length) return resolve();
      if (written === 0) return reject(new Error(`write returned 0 bytes at position ${position + done}`));
      fs.write(fd, buf, done, length - done, position + done, step);
    };
    fs.write(fd, buf, 0, length, position, step);
  });
}

export function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err === null ? resolve() : reject(err))));
}

export function fsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err === null ? resolve() : reject(err))));
}

/** Segment open flags: with `dsync`, every write returns only once durable (O_DSYNC: one system call, no fdatasync). */
export function segmentFlags(create: boolean, dsync: boolean): number {
  const c = fs.constants;
  return c.O_RDWR | (create ? c.O_CREAT | c.O_EXCL : 0) | (dsync ? c.O_DSYNC : 0);
}

export function openFd(path: string, flags: string | number): Promise<number> {
  return new Promise((resolve, reject) => fs.open(path, flags, 0o600, (err, fd) => (err === null ? resolve(fd) : reject(err))));
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (err) => (err === null ? resolve() : reject(err))));
}

export function ftruncate(fd: number, length: number): Promise<void> {
  return new Promise((resolve, reject) => fs.ftruncate(fd, length, (err) => (err === null ? resolve() : reject(err))));
}

/** fsyncs a directory so that file creations, renames and removals in it are durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fd = await openFd(dir, 'r');
  try {
    await fsync(fd);
  } finally {
    await closeFd(fd);
  }
}
