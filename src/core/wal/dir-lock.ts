/**
 * Exclusive lock on a WAL directory that survives kill -9 without flock.
 *
 * The lock file `wal.lock` holds `<pid> <start-ticks> <nonce>`. It is taken atomically with link(2) of a
 * private temp file (fails with EEXIST when present). A present lock is stale when its pid is gone, is a
 * zombie, or now belongs to a different process (its start time in /proc/<pid>/stat differs: pid reuse).
 * A stale lock is stolen by renaming it aside, checking that what was moved is the stale content read
 * before (otherwise a live owner just re-took it: it is put back and we fail), then retrying the link.
 * The same process opening a directory twice also fails: its own pid is alive.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { WalLockedError } from './errors';

export const LOCK_FILE_NAME = 'wal.lock';
const LOCK_TAKE_ATTEMPTS_MAX = 4;
const PROC_STAT_STATE_FIELD = 0; // fields counted after "pid (comm) "
const PROC_STAT_STARTTIME_FIELD = 19;

interface LockHolder {
  pid: number;
  startTicks: string;
}

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

async function readProcStat(pid: number): Promise<string[] | null> {
  try {
    const text = await fsp.readFile(`/proc/${pid}/stat`, 'latin1');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

async function startTicksOf(pid: number): Promise<string> {
  const fields = await readProcStat(pid);
  return fields?.[PROC_STAT_STARTTIME_FIELD] ?? '-';
}

function parseHolder(content: string): LockHolder | null {
  const [pidText, startTicks] = content.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0 || startTicks === undefined) return null;
  return { pid, startTicks };
}

async function isAlive(holder: LockHolder): Promise<boolean> {
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if (errCode(err) !== 'EPERM') return false;
  }
  const fields = await readProcStat(holder.pid);
  if (fields === null) return true; // no /proc: trust kill(pid, 0)
  if (fields[PROC_STAT_STATE_FIELD] === 'Z') return false;
  return holder.startTicks === '-' || fields[PROC_STAT_STARTTIME_FIELD] === holder.startTicks;
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await fsp.readFile(file, 'latin1');
  } catch (err) {
    if (errCode(err) === 'ENOENT') return null;
    throw err;
  }
}

async function unlinkQuiet(file: string): Promise<void> {
  await fsp.unlink(file).catch(() => undefined);
}

export class DirLock {
  private released = false;

  private constructor(
    readonly lockPath: string,
    private readonly content: string,
  ) {}

  /** Takes the lock of `dir` (which must exist) or throws WalLockedError naming the live holder. */
  static async acquire(dir: string): Promise<DirLock> {
    const lockPath = path.join(dir, LOCK_FILE_NAME);
    const nonce = randomBytes(8).toString('hex');
    const content = `${process.pid} ${await startTicksOf(process.pid)} ${nonce}\n`;
    const tmpPath = `${lockPath}.${nonce}.tmp`;
    await fsp.writeFile(tmpPath, content, { flag: 'wx' });
    try {
      for (let attempt = 0; attempt < LOCK_TAKE_ATTEMPTS_MAX; attempt++) {
        try {
          await fsp.link(tmpPath, lockPath);
          return new DirLock(lockPath, content);
        } catch (err) {
          if (errCode(err) !== 'EEXIST') throw err;
        }
        await DirLock.removeIfStale(dir, lockPath, nonce);
      }
      throw new WalLockedError(dir, -1);
    } finally {
      await unlinkQuiet(tmpPath);
    }
  }

  /** Removes the lock file when its holder is dead; throws WalLockedError when it is alive. */
  private static async removeIfStale(dir: string, lockPath: string, nonce: string): Promise<void> {
    const staleContent = await readOrNull(lockPath);
    if (staleContent === null) return;
    const holder = parseHolder(staleContent);
    if (holder !== null && (await isAlive(holder))) throw new WalLockedError(dir, holder.pid);
    const asidePath = `${lockPath}.${nonce}.stale`;
    try {
      await fsp.rename(lockPath, asidePath);
    } catch (err) {
      if (errCode(err) === 'ENOENT') return;
      throw err;
    }
    const moved = await readOrNull(asidePath);
    if (moved !== null && moved !== staleContent) {
      // A live process took the lock between our read and our rename: give it back.
      await fsp.link(asidePath, lockPath).catch(() => undefined);
      await unlinkQuiet(asidePath);
      throw new WalLockedError(dir, parseHolder(moved)?.pid ?? -1);
    }
    await unlinkQuiet(asidePath);
  }

  /** Removes the lock file if it is still ours. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if ((await readOrNull(this.lockPath)) === this.content) await unlinkQuiet(this.lockPath);
  }
}
