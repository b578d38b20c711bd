/** One Raft log entry. `data` is opaque to the WAL. `index` and `term` are safe non-negative integers. */
export interface WalEntry {
  index: number;
  term: number;
  data: Uint8Array;
}

/** Raft hard state. `vote` is a uint64 member id (0n: no vote). */
export interface HardState {
  term: number;
  vote: bigint;
  commit: number;
}

/** Identity of the member that owns the WAL, written once at create and repeated at the head of every segment. */
export interface WalMetadata {
  memberId: bigint;
  clusterId: bigint;
}

export type WalLogger = (msg: string, fields?: Record<string, unknown>) => void;

export interface WalOptions {
  /** A segment is closed and a new one started once it holds at least this many bytes (default 64 MiB). */
  segmentSizeBytes?: number;
  /** Skip every fsync/fdatasync (etcd's --unsafe-no-fsync). Appends are then NOT durable across an OS crash. */
  unsafeNoFsync?: boolean;
  /** Maximum bytes of one write group (one write call + one fdatasync); default 16 MiB. */
  maxBatchBytes?: number;
  /** Maximum bytes encoded but not yet durable (all queued groups); beyond it `append` rejects with WalOverloadedError. */
  maxQueuedBytes?: number;
  logger?: WalLogger;
}

export interface WalStats {
  /** fsync/fdatasync calls issued by this instance (write groups, new segment files, directory syncs). */
  fsyncs: number;
  /** `append` calls accepted. */
  appends: number;
  /** Bytes written to segment files by this instance (including segment preambles). */
  bytesWritten: number;
  /** Segment files currently in the WAL directory. */
  segments: number;
}

export interface WalRepair {
  truncatedBytes: number;
}
