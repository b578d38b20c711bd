// A consensus module with one voting member: an entry is committed once it is durable in the local WAL.
// Proposals made in the same turn of the event loop go to the WAL together; the WAL coalesces appends that
// arrive during an fsync into the next one (group commit). Committed batches are delivered strictly in log
// order. Durability guarantee: an entry is delivered (and so acknowledged) only after fdatasync returned,
// unless --unsafe-no-fsync.
import type { Wal, WalEntry, HardState } from '../wal';
import { Errors, raise } from '../errors';
import type { CommittedEntry, ConsensusModule, ConsensusStatus } from './consensus';

export interface SingleNodeOptions {
  /** proposals waiting for the WAL at most; more gets "etcdserver: too many requests" */
  readonly maxPendingProposals: number;
  /** bytes of proposals waiting for the WAL at most */
  readonly maxPendingBytes: number;
  /** called when the WAL fails: the member must stop (fail-stop; a failed fsync cannot be retried safely) */
  readonly onFatal: (err: Error) => void;
  /** each durable WAL write, with how long it took (metrics) */
  readonly onWalWrite?: (seconds: number) => void;
}

export const SINGLE_NODE_DEFAULTS: Readonly<Omit<SingleNodeOptions, 'onFatal'>> = Object.freeze({
  maxPendingProposals: 50_000,
  maxPendingBytes: 256 * 1024 * 1024,
});

interface InFlight {
  readonly entries: WalEntry[];
  readonly bytes: number;
  done: boolean;
}

export class SingleNodeConsensus implements ConsensusModule {
  private handler: ((entries: readonly CommittedEntry[]) => void) | null = null;
  private pending: WalEntry[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private readonly inFlight: InFlight[] = [];
  private inFlightBytes = 0;
  private stopped = false;
  private term: number;
  private lastIndex: number;
  // invariant: appliedIndex <= commitIndex <= lastIndex
  private commitIndex: number;
  private appliedIndex: number;
  private readonly flushBound = () => this.flush();

  /**
   * `hardState` and `lastIndex` come from the replayed WAL. Starting makes this member leader of a new term
   * (term + 1, as etcd's single member campaigns on every start) and appends the leader's empty entry.
   */
  constructor(
    private readonly wal: Wal,
    private readonly memberId: bigint,
    hardState: HardState,
    lastIndex: number,
    appliedIndex: number,
    private readonly opts: SingleNodeOptions,
  ) {
    this.term = Math.max(hardState.term, 1) + 1;
    this.lastIndex = lastIndex;
    // one member: whatever is in its WAL was committed (a quorum of one had it durable)
    this.commitIndex = lastIndex;
    this.appliedIndex = appliedIndex;
    this.pending.push({ index: ++this.lastIndex, term: this.term, data: new Uint8Array(0) });
    this.scheduleFlush();
  }

  onCommitted(handler: (entries: readonly CommittedEntry[]) => void): void {
    this.handler = handler;
  }

  propose(data: Uint8Array): void {
    if (this.stopped) raise(Errors.Stopped);
    if (this.pending.length >= this.opts.maxPendingProposals || this.pendingBytes + this.inFlightBytes + data.length > this.opts.maxPendingBytes) {
      raise(Errors.TooManyRequests);
    }
    this.pending.push({ index: ++this.lastIndex, term: this.term, data });
    this.pendingBytes += data.length;
    this.scheduleFlush();
  }

  readIndex(): Promise<number> {
    if (this.stopped) return Promise.reject(new Error('stopped'));
    return Promise.resolve(this.commitIndex);
  }

  applied(index: number): void {
    if (index > this.appliedIndex) this.appliedIndex = index;
  }

  releaseLogBefore(index: number): Promise<void> {
    return this.wal.releaseBefore(index);
  }

  status(): ConsensusStatus {
    return {
      term: this.term,
      leader: this.stopped ? 0n : this.memberId,
      commitIndex: this.commitIndex,
      appliedIndex: this.appliedIndex,
      lastIndex: this.lastIndex,
      isLearner: false,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // let what is already on its way to the WAL finish, so that its callers get their answer
    while (this.inFlight.length > 0 || this.pending.length > 0) {
      if (this.pending.length > 0) this.flush();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(this.flushBound);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const batch: InFlight = { entries: this.pending, bytes: this.pendingBytes, done: false };
    this.pending = [];
    this.pendingBytes = 0;
    this.inFlight.push(batch);
    this.inFlightBytes += batch.bytes;
    const last = batch.entries[batch.entries.length - 1];
    const hardState: HardState = { term: this.term, vote: this.memberId, commit: last.index };
    const started = this.opts.onWalWrite !== undefined ? process.hrtime.bigint() : 0n;
    this.wal.append(batch.entries, hardState).then(
      () => {
        if (this.opts.onWalWrite !== undefined) this.opts.onWalWrite(Number(process.hrtime.bigint() - started) / 1e9);
        batch.done = true;
        this.deliver();
      },
      (err: unknown) => this.fail(err),
    );
  }

  /** Hands every leading durable batch to the state machine, in log order. */
  private deliver(): void {
    while (this.inFlight.length > 0 && this.inFlight[0].done) {
      const batch = this.inFlight.shift() as InFlight;
      this.inFlightBytes -= batch.bytes;
      const entries = batch.entries;
      this.commitIndex = entries[entries.length - 1].index;
      if (this.handler) this.handler(entries);
    }
  }

  private fail(err: unknown): void {
    this.stopped = true;
    this.opts.onFatal(err instanceof Error ? err : new Error(String(err)));
  }
}
