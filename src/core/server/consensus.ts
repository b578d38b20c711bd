// The consensus-module interface every write goes through. A request is proposed as opaque bytes; it is
// applied only once the module hands it back as a committed entry, in log order. Today's implementation is a
// single voting member (single-node.ts); the Raft issue replaces it with a Raft node behind the same interface.

export interface CommittedEntry {
  readonly index: number;
  readonly term: number;
  /** the proposed bytes (an encoded cairnpb.InternalRequest), or empty for entries with no request (e.g. a leader's first entry). */
  readonly data: Uint8Array;
}

export interface ConsensusStatus {
  readonly term: number;
  /** the leader's member id, or 0n when there is none */
  readonly leader: bigint;
  readonly commitIndex: number;
  /** the last index known applied by the state machine (reported back through `applied`) */
  readonly appliedIndex: number;
  readonly lastIndex: number;
  readonly isLearner: boolean;
}

export interface ConsensusModule {
  /**
   * Proposes `data` for the log. The entry is delivered to `onCommitted` once durable on a quorum (one member:
   * after the WAL's fsync). Throws EtcdError (no leader, too many requests, stopped) when it cannot take it.
   */
  propose(data: Uint8Array): void;
  /** The handler that applies committed entries, in order, exactly once each per process lifetime. */
  onCommitted(handler: (entries: readonly CommittedEntry[]) => void): void;
  /** Resolves with an index such that a read served once applied >= it is linearizable (Raft's ReadIndex). */
  readIndex(): Promise<number>;
  /** The state machine reports what it has applied (compaction of the log, read index waits). */
  applied(index: number): void;
  /**
   * The state machine is durable up to `index` (its backend was fsynced with that consistent index): the log
   * before it is no longer needed for this member's recovery and may be released.
   */
  releaseLogBefore(index: number): Promise<void>;
  status(): ConsensusStatus;
  stop(): Promise<void>;
}
