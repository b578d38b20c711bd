/**
 * cairn's write-ahead log: append-only segment files of CRC-32C framed records (see record.ts for the frame
 * and wal.ts for durability and group commit). Usage:
 *
 *   const wal = await Wal.create(dir, { memberId, clusterId });          // or:
 *   const { wal, meta, hardState, entries, repaired } = await Wal.open(dir);
 *   await wal.append(entries, hardState);   // durable (fdatasync) when it resolves; data is copied at call time
 *   await wal.releaseBefore(snapshotIndex); // drop whole segments below a snapshot
 *   await wal.close();
 */
export { Wal, DEFAULT_MAX_BATCH_BYTES, DEFAULT_SEGMENT_SIZE_BYTES, type WalOpenResult } from './wal';
export type { HardState, WalEntry, WalLogger, WalMetadata, WalOptions, WalRepair, WalStats } from './types';
export {
  WalClosedError,
  WalCorruptError,
  WalError,
  WalExistsError,
  WalFailedError,
  WalLockedError,
  WalNotFoundError,
  WalOverloadedError,
} from './errors';
export { crc32c } from '../util/crc32c';
