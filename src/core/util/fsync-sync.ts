// Making a file, or a rename in a directory, durable, synchronously (offline tools and the defragmentation's
// short critical step).
import * as fs from 'node:fs';

/** fsync(2) of a file or directory by path. */
export function fsyncPathSync(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
