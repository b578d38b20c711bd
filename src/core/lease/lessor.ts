// The lessor's clock side (etcd lease/lessor.go): which leases exist, when each expires, renewals. The stored
// state (lease records, attached keys) changes only by applying committed entries; this module follows the
// outcomes (`granted`, `revoked`) and tells the server which leases are due for a revoke proposal. Time comes
// from an injected clock, so tests drive expiry without sleeping.
//
// Two times per lease, as in etcd: `expiry` (when it runs out: renewals push it) and `due` (when the server
// should next propose its revoke: the expiry, then retries every `retryMs` while the revoke has not applied).
// Both live in one indexed min-heap keyed by `due`, updated in place on renewal, so the heap holds each lease
// once however often it is renewed.
import type { LeaseRecord } from '../storage/mvcc';

interface LeaseState {
  readonly id: bigint;
  readonly ttl: number;
  /** seconds left at the last applied checkpoint (etcd's remainingTTL); 0: none */
  remainingTtl: number;
  expiry: number;
  due: number;
  heapIndex: number;
  /** keepalives that met the lease expired and wait for its revoke (etcd's revokec) */
  waiters?: Array<() => void>;
}

export interface LessorOptions {
  /** milliseconds since some epoch; Date.now in the server */
  readonly now: () => number;
  /** a revoke proposed for an expired lease is proposed again after this long if it has not applied (etcd: 3 s) */
  readonly retryMs?: number;
  /**
   * etcd's lease checkpoints (--experimental-enable-lease-checkpoint): every this long, a lease with more time
   * left than that has its remaining TTL checkpointed through the log; 0 or absent: off
   */
  readonly checkpointIntervalMs?: number;
}

/** One checkpoint to propose: the seconds a lease has left (etcd's LeaseCheckpoint). */
export interface LeaseCheckpoint {
  readonly id: bigint;
  readonly remainingTtl: number;
}

/** What a renewal found (LeaseKeepAlive). */
export type RenewResult =
  /** `clearCheckpoint`: the lease had a checkpointed remaining TTL, which the renewal voids (propose 0) */
  | { readonly kind: 'renewed'; readonly ttl: number; readonly clearCheckpoint: boolean }
  | { readonly kind: 'not-found' }
  /** expired, its revoke under way: the keepalive waits for it, then answers as for a lease not found */
  | { readonly kind: 'expired'; readonly revoked: Promise<void> };

/** Keepalives waiting on one expired lease, at most; more are answered at once. */
const maxWaitersPerLease = 1024;

export class Lessor {
  private readonly leases = new Map<bigint, LeaseState>();
  private readonly heap: LeaseState[] = [];
  private readonly now: () => number;
  private readonly retryMs: number;
  private readonly checkpointMs: number;
  /** checkpoints due, soonest first (lazy: an entry whose lease is gone is skipped); one per scheduling */
  private readonly checkpoints: Array<{ id: bigint; due: number }> = [];

  constructor(opts: LessorOptions) {
    this.now = opts.now;
    this.retryMs = opts.retryMs ?? 3000;
    this.checkpointMs = opts.checkpointIntervalMs ?? 0;
  }

  get size(): number {
    return this.leases.size;
  }

  /**
   * The stored leases at start: each runs its full TTL (or its checkpointed remaining TTL) from now, plus
   * `extendMs` (etcd's Promote: the leader's election time, so clients can reconnect before expiry).
   */
  recover(records: Iterable<LeaseRecord>, extendMs: number): void {
    const now = this.now();
    for (const r of records) {
      const l = this.add(r.id, r.ttl, now + extendMs + (r.remainingTtl > 0 ? r.remainingTtl : r.ttl) * 1000);
      l.remainingTtl = r.remainingTtl;
      this.scheduleCheckpoint(l);
    }
  }

  /** A grant applied. */
  granted(id: bigint, ttl: number): void {
    const existing = this.leases.get(id);
    if (existing !== undefined) this.remove(existing);
    this.scheduleCheckpoint(this.add(id, ttl, this.now() + ttl * 1000));
  }

  /** A checkpoint applied: the lease's remaining TTL as of now (0 clears it), and its next checkpoint. */
  checkpointed(id: bigint, remainingTtl: number): void {
    const l = this.leases.get(id);
    if (l === undefined) return;
    l.remainingTtl = remainingTtl;
    this.scheduleCheckpoint(l);
  }

  /**
   * etcd's findDueScheduledCheckpoints: up to `max` leases whose checkpoint is due, with the seconds they have
   * left (rounded up); leases expired or not yet run down at all are skipped.
   */
  dueCheckpoints(max: number): LeaseCheckpoint[] {
    const now = this.now();
    const out: LeaseCheckpoint[] = [];
    const h = this.checkpoints;
    while (out.length < max && h.length > 0 && h[0].due <= now) {
      const { id } = popMin(h);
      const l = this.leases.get(id);
      if (l === undefined || l.expiry <= now) continue;
      const remainingTtl = Math.ceil((l.expiry - now) / 1000);
      if (remainingTtl >= l.ttl) continue;
      out.push({ id, remainingTtl });
    }
    return out;
  }

  /** etcd's scheduleCheckpointIfNeeded: only leases with more time left than the interval get one. */
  private scheduleCheckpoint(l: LeaseState): void {
    if (this.checkpointMs <= 0) return;
    const left = l.remainingTtl > 0 ? l.remainingTtl : l.ttl;
    if (left * 1000 > this.checkpointMs) pushMin(this.checkpoints, { id: l.id, due: this.now() + this.checkpointMs });
  }

  /** A revoke applied: the lease is gone, keepalives waiting on it get their answer. */
  revoked(id: bigint): void {
    const l = this.leases.get(id);
    if (l === undefined) return;
    this.remove(l);
    for (const w of l.waiters ?? []) w();
  }

  has(id: bigint): boolean {
    return this.leases.has(id);
  }

  /** etcd's Renew: a live lease runs its TTL again from now. */
  renew(id: bigint): RenewResult {
    const l = this.leases.get(id);
    if (l === undefined) return { kind: 'not-found' };
    const now = this.now();
    if (l.expiry <= now) {
      const waiters = (l.waiters ??= []);
      if (waiters.length >= maxWaitersPerLease) return { kind: 'expired', revoked: Promise.resolve() };
      return { kind: 'expired', revoked: new Promise<void>((resolve) => waiters.push(resolve)) };
    }
    l.expiry = now + l.ttl * 1000;
    this.reschedule(l, l.expiry);
    return { kind: 'renewed', ttl: l.ttl, clearCheckpoint: this.checkpointMs > 0 && l.remainingTtl > 0 };
  }

  /** Seconds left (etcd: int64(Remaining().Seconds()), cut toward zero), with the granted TTL; undefined: no such lease. */
  timeToLive(id: bigint): { ttl: number; grantedTtl: number } | undefined {
    const l = this.leases.get(id);
    if (l === undefined) return undefined;
    return { ttl: Math.trunc((l.expiry - this.now()) / 1000), grantedTtl: l.ttl };
  }

  /** Every lease id, ascending. */
  ids(): bigint[] {
    return [...this.leases.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * Up to `max` leases whose revoke is due (expired, not revoked): the server proposes a revoke for each. Each
   * returned lease is due again only after `retryMs` (its revoke may be lost, e.g. to a leader change).
   */
  expired(max: number): bigint[] {
    const now = this.now();
    const out: bigint[] = [];
    while (out.length < max && this.heap.length > 0 && this.heap[0].due <= now) {
      const l = this.heap[0];
      out.push(l.id);
      this.reschedule(l, now + this.retryMs);
    }
    return out;
  }

  /** Milliseconds until the next revoke is due (Infinity: no lease), for the server's timer. */
  nextDueIn(): number {
    return this.heap.length === 0 ? Infinity : Math.max(0, this.heap[0].due - this.now());
  }

  /** The server stops: keepalives still waiting are released (their streams are closing). */
  releaseWaiters(): void {
    for (const l of this.leases.values()) {
      for (const w of l.waiters ?? []) w();
      l.waiters = undefined;
    }
  }

  // ---- the indexed heap (by `due`) ----

  private add(id: bigint, ttl: number, expiry: number): LeaseState {
    const l: LeaseState = { id, ttl, remainingTtl: 0, expiry, due: expiry, heapIndex: this.heap.length };
    this.leases.set(id, l);
    this.heap.push(l);
    this.up(l.heapIndex);
    return l;
  }

  private remove(l: LeaseState): void {
    this.leases.delete(l.id);
    const i = l.heapIndex;
    const last = this.heap.pop();
    if (last !== undefined && last !== l) {
      this.heap[i] = last;
      last.heapIndex = i;
      this.down(i);
      this.up(last.heapIndex);
    }
    l.heapIndex = -1;
  }

  private reschedule(l: LeaseState, due: number): void {
    const before = l.due;
    l.due = due;
    if (due < before) this.up(l.heapIndex);
    else this.down(l.heapIndex);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent].due <= h[i].due) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < h.length && h[l].due < h[min].due) min = l;
      if (r < h.length && h[r].due < h[min].due) min = r;
      if (min === i) return;
      this.swap(i, min);
      i = min;
    }
  }

  private swap(a: number, b: number): void {
    const h = this.heap;
    const t = h[a];
    h[a] = h[b];
    h[b] = t;
    h[a].heapIndex = a;
    h[b].heapIndex = b;
  }
}

/** A plain binary min-heap by `due` (the checkpoint schedule). */
function pushMin(h: Array<{ id: bigint; due: number }>, e: { id: bigint; due: number }): void {
  h.push(e);
  for (let i = h.length - 1; i > 0;) {
    const p = (i - 1) >> 1;
    if (h[p].due <= h[i].due) break;
    [h[p], h[i]] = [h[i], h[p]];
    i = p;
  }
}

function popMin(h: Array<{ id: bigint; due: number }>): { id: bigint; due: number } {
  const top = h[0];
  const last = h.pop() as { id: bigint; due: number };
  if (h.length > 0) {
    h[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l].due < h[m].due) m = l;
      if (r < h.length && h[r].due < h[m].due) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }
  return top;
}
