// Offline defragmentation of a stopped member's backend (etcdctl 3.4 `defrag --data-dir`, etcdutl defrag):
// LMDB copies the environment without its free pages (a compacting copy from one read transaction), the copy
// is made durable and renamed over the backend file. The member's WAL lock is held throughout, so a running
// member (or a second defrag) is refused instead of having its file replaced under it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { layoutOf } from '../server/bootstrap';
import { Backend } from '../storage/backend';
import { allBuckets } from '../storage/schema';
import { WalLockedError } from '../wal';
import { DirLock } from '../wal/dir-lock';
import { fsyncPathSync } from './fsync-sync';

export class DefragError extends Error {}

export interface DefragResult {
  readonly beforeBytes: number;
  readonly afterBytes: number;
}

/** The file's size as LMDB uses it: up to its last used page (the file may be larger, preallocated). */
function usedBytes(backend: Backend): number {
  return backend.sizeBytes();
}

export async function defragDataDir(dataDir: string, walDir?: string): Promise<DefragResult> {
  const layout = layoutOf(dataDir, walDir);
  if (!fs.existsSync(layout.backendPath)) throw new DefragError(`no backend at ${layout.backendPath}`);
  let lock: DirLock | undefined;
  if (fs.existsSync(layout.walDir)) {
    try {
      lock = await DirLock.acquire(layout.walDir);
    } catch (err) {
      if (err instanceof WalLockedError) throw new DefragError(`the member using ${dataDir} is running; to defragment a running member, omit --data-dir`);
      throw err;
    }
  }
  const tmp = `${layout.backendPath}.defrag.tmp`;
  try {
    fs.rmSync(tmp, { force: true });
    const size = fs.statSync(layout.backendPath).size;
    const backend = Backend.open(layout.backendPath, { mapSizeBytes: Math.max(size, 64 * 1024 * 1024), buckets: allBuckets });
    let beforeBytes: number;
    try {
      beforeBytes = usedBytes(backend);
      await backend.copyTo(tmp, true);
    } finally {
      await backend.close();
    }
    // a compacting copy is exactly its used pages long
    const afterBytes = fs.statSync(tmp).size;
    fsyncPathSync(tmp);
    fs.renameSync(tmp, layout.backendPath);
    fsyncPathSync(path.dirname(layout.backendPath));
    return { beforeBytes, afterBytes };
  } finally {
    fs.rmSync(tmp, { force: true });
    await lock?.release();
  }
}
