// Opening a member's storage: the backend with every bucket of the schema, and the MVCC store on it.
import { Backend } from './backend';
import { MvccStore, type MvccStoreOptions } from './mvcc';
import { allBuckets } from './schema';

export interface OpenStorageOptions extends MvccStoreOptions {
  /** initial LMDB map size (it grows on demand); size it from the backend quota */
  readonly mapSizeBytes: number;
  readonly readOnly?: boolean;
}

/** Map size headroom above the quota: the quota alarm fires after the size passes it, so writes continue a bit. */
export const mapSizeHeadroomBytes = 1024 * 1024 * 1024;

/** The initial map size for a backend quota (etcd's --quota-backend-bytes). */
export function mapSizeForQuota(quotaBytes: number): number {
  return quotaBytes + mapSizeHeadroomBytes;
}

/** Opens the backend file at `path` (e.g. `<data-dir>/member/snap/db`) and the MVCC store on it. */
export function openStorage(path: string, opts: OpenStorageOptions): { backend: Backend; store: MvccStore } {
  const backend = Backend.open(path, { mapSizeBytes: opts.mapSizeBytes, buckets: allBuckets, readOnly: opts.readOnly });
  try {
    return { backend, store: MvccStore.open(backend, opts) };
  } catch (e) {
    void backend.close();
    throw e;
  }
}
