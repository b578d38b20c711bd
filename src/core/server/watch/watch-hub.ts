// etcd's watch semantics (mvcc/watchable_store.go, etcdserver/api/v3rpc/watch.go, 3.4) over cairn's applied
// changes. Every watcher is either synced (it gets each applied revision's events as the apply loop emits them)
// or unsynced (it catches up from the stored history: a start revision in the past, or a stream that fell
// behind). Catch-up reads history in bounded steps of at most readEventsMax records, each step synchronous (no
// apply can come between the read and the watcher's promotion to synced), so a watcher sees every event of its
// range exactly once, in revision order, and never one that is not applied yet.
// Memory stays bounded: when a stream's send buffer is behind (HTTP/2 flow control), its watchers stop being
// fed from the apply loop and fall back to catch-up from storage once the stream drains; nothing is queued for
// them meanwhile and nothing is lost.
import { etcdserverpb, toNumber } from '../../api/proto';
import { frameWatchResponse, watchEventFieldBytes, type HeaderFields, type WatchEventOut, type WatchResponseOut } from '../../api/grpc/wire';
import { compareBytes, inRange, type RangeEnd } from '../../storage/mvcc';
import type { AppliedEvent } from '../kv-state';

/** What the hub reads: the member's store and its apply loop. */
export interface WatchSource {
  currentRevision(): number;
  compactRevision(): number;
  /** history from {fromRevision, fromSub} on, at most `limit` events (KvState.readEvents) */
  readEvents(fromRevision: number, limit: number, withPrevKv: boolean, fromSub: number): readonly AppliedEvent[];
  /** whether applied events carry the previous KeyValue (on while some watcher asks for prev_kv) */
  setEventPrevKv(on: boolean): void;
  header(revision: number): HeaderFields;
}

/** One gRPC Watch stream as the hub sees it. */
export interface WatchSink {
  /** Sends whole WatchResponse frames (one, or several back to back); false: the stream is behind (wait for `WatchStream.drained`). */
  send(frames: Buffer): boolean;
}

export interface WatchHubOptions {
  /** history events read per catch-up step (the store's readEventsMax at most) */
  readonly catchUpEvents: number;
  /** per-watcher progress notifications (etcd --watch-progress-notify-interval); 0: off */
  readonly progressIntervalMs: number;
  /** fragmenting watchers get responses split above this many bytes (etcd: --max-request-bytes) */
  readonly maxResponseBytes: number;
}

/** etcd's watchBatchMaxRevs: a catch-up response covers at most this many revisions. */
const batchMaxRevisions = 1000;

const FILTER_NOPUT = 0;
const FILTER_NODELETE = 1;

class Watcher {
  /** the next revision this watcher is owed */
  nextRev: number;
  /** events were sent since the last progress tick (etcd sends progress only to quiet watchers) */
  busy = false;

  constructor(
    readonly stream: WatchStream,
    readonly id: number,
    readonly key: Buffer,
    readonly end: RangeEnd,
    startRev: number,
    readonly prevKv: boolean,
    readonly noPut: boolean,
    readonly noDelete: boolean,
    readonly progressNotify: boolean,
    readonly fragment: boolean,
  ) {
    this.nextRev = startRev;
  }

  matches(key: Uint8Array): boolean {
    return inRange(key, this.key, this.end);
  }

  /** The event as this watcher gets it, or undefined when its filters drop it. */
  view(e: AppliedEvent): WatchEventOut | undefined {
    if (e.type === 'PUT' ? this.noPut : this.noDelete) return undefined;
    return this.prevKv && e.prevKv !== undefined ? { type: e.type, kv: e.kv, prevKv: e.prevKv } : { type: e.type, kv: e.kv };
  }
}

export class WatchStream {
  private readonly watchers = new Map<number, Watcher>();
  private nextId = 0;
  /** the sink said it is behind; cleared by `drained` */
  behind = false;
  /** responses held by `cork` (one write per stream for all its watchers' answers to one revision) */
  private corked: Buffer[] | null = null;
  closed = false;

  /** @internal */
  constructor(private readonly hub: WatchHub, private readonly sink: WatchSink) {}

  /** WatchCreateRequest: always answered with `created` (and `canceled` with etcd's reason when refused). */
  create(req: etcdserverpb.IWatchCreateRequest): void {
    if (this.closed) return;
    const key = req.key && req.key.length > 0 ? Buffer.from(req.key) : Buffer.from([0]); // etcd: \0 is the smallest key
    const re = req.rangeEnd;
    const end: RangeEnd = !re || re.length === 0 ? null : re.length === 1 && re[0] === 0 ? new Uint8Array(0) : Buffer.from(re);
    const current = this.hub.source.currentRevision();
    const answer = (id: number, reason?: string) => this.send({
      header: this.hub.source.header(current), watchId: id, created: true, canceled: reason !== undefined, cancelReason: reason, events: [],
    });
    if (end !== null && end.length > 0 && compareBytes(key, end) >= 0) return answer(-1, 'mvcc: watcher range is empty');
    let id = toNumber(req.watchId);
    if (id === 0) {
      while (this.watchers.has(this.nextId)) this.nextId++;
      id = this.nextId++;
    } else if (this.watchers.has(id)) {
      return answer(-1, 'mvcc: duplicate watch ID provided on the WatchStream');
    }
    const start = toNumber(req.startRevision);
    const filters = req.filters ?? [];
    const w = new Watcher(this, id, key, end, start > 0 ? start : current + 1, req.prevKv === true,
      filters.includes(FILTER_NOPUT), filters.includes(FILTER_NODELETE), req.progressNotify === true, req.fragment === true);
    this.watchers.set(id, w);
    answer(id);
    this.hub.add(w, current);
  }

  /** WatchCancelRequest: answered only when the watcher existed, as etcd does. */
  cancel(id: number): void {
    const w = this.watchers.get(id);
    if (w === undefined || this.closed) return;
    this.watchers.delete(id);
    this.hub.remove(w);
    this.send({ header: this.hub.source.header(this.hub.source.currentRevision()), watchId: id, canceled: true, events: [] });
  }

  /** WatchProgressRequest (etcd 3.4): the current revision, for every watcher of the stream (watch_id -1). */
  progress(): void {
    this.send({ header: this.hub.source.header(this.hub.source.currentRevision()), watchId: -1, events: [] });
  }

  /** The sink caught up: watchers left behind resume from storage. */
  drained(): void {
    if (!this.behind) return;
    this.behind = false;
    this.hub.scheduleCatchUp();
  }

  /** The stream is gone: every watcher goes with it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hub.streams--;
    for (const w of this.watchers.values()) this.hub.remove(w);
    this.watchers.clear();
  }

  /** @internal a watcher whose history was compacted away: canceled, as etcd cancels it */
  dropCompacted(w: Watcher, compactRevision: number): void {
    this.watchers.delete(w.id);
    this.send({ header: this.hub.source.header(0), watchId: w.id, canceled: true, compactRevision, events: [] });
  }

  /** @internal */
  send(r: WatchResponseOut): void {
    if (this.closed) return;
    const frame = frameWatchResponse(r);
    if (this.corked !== null) this.corked.push(frame);
    else if (!this.sink.send(frame)) this.behind = true;
  }

  /** @internal holds this stream's responses until `uncork`, to send them in one write */
  cork(): void {
    this.corked ??= [];
  }

  /** @internal */
  uncork(): void {
    const q = this.corked;
    this.corked = null;
    if (q === null || q.length === 0 || this.closed) return;
    if (!this.sink.send(q.length === 1 ? q[0] : Buffer.concat(q))) this.behind = true;
  }

  /** @internal events for one watcher: one response, or fragments when it asked for them and they are large */
  sendEvents(w: Watcher, revision: number, events: WatchEventOut[]): void {
    w.busy = true;
    const header = this.hub.source.header(revision);
    const max = this.hub.options.maxResponseBytes;
    if (!w.fragment || events.length < 2) return this.send({ header, watchId: w.id, events });
    let size = 0;
    for (const e of events) size += watchEventFieldBytes(e);
    if (size < max) return this.send({ header, watchId: w.id, events });
    let part: WatchEventOut[] = [];
    let partBytes = 0;
    for (const e of events) {
      const b = watchEventFieldBytes(e);
      if (part.length > 0 && partBytes + b > max) {
        this.send({ header, watchId: w.id, fragment: true, events: part });
        part = [];
        partBytes = 0;
      }
      part.push(e);
      partBytes += b;
    }
    this.send({ header, watchId: w.id, events: part });
  }
}

export class WatchHub {
  /** synced watchers on one key, by the key's bytes (latin1), and synced watchers on ranges */
  private readonly singles = new Map<string, Set<Watcher>>();
  private readonly ranges = new Set<Watcher>();
  private readonly unsynced = new Set<Watcher>();
  private prevKvWatchers = 0;
  private catchUpScheduled = false;
  private progressTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(readonly source: WatchSource, readonly options: WatchHubOptions) {
    if (options.progressIntervalMs > 0) {
      this.progressTimer = setInterval(() => this.progressTick(), options.progressIntervalMs);
      this.progressTimer.unref();
    }
  }

  /** open watch streams */
  streams = 0;

  openStream(sink: WatchSink): WatchStream {
    this.streams++;
    return new WatchStream(this, sink);
  }

  /** How many watchers are registered (synced and catching up). */
  get size(): number {
    let n = this.ranges.size + this.unsynced.size;
    for (const s of this.singles.values()) n += s.size;
    return n;
  }

  /** How many watchers are catching up from storage. */
  get catchingUp(): number {
    return this.unsynced.size;
  }

  stop(): void {
    this.stopped = true;
    if (this.progressTimer !== undefined) clearInterval(this.progressTimer);
  }

  /** The apply loop's events of one revision (after they are applied). */
  onApplied(revision: number, events: readonly AppliedEvent[]): void {
    if (this.singles.size === 0 && this.ranges.size === 0) return; // nobody synced: the common case of a write
    let per: Map<Watcher, WatchEventOut[]> | undefined;
    const take = (w: Watcher, e: AppliedEvent) => {
      if (revision < w.nextRev) return; // a start revision still ahead
      if (w.stream.behind) {
        // no queueing for a stream that cannot keep up: this watcher resumes from storage at this revision
        this.demote(w, revision);
        return;
      }
      const v = w.view(e);
      if (v === undefined) return;
      per ??= new Map();
      let list = per.get(w);
      if (list === undefined) per.set(w, (list = []));
      list.push(v);
    };
    for (const e of events) {
      const single = this.singles.get(latin1(e.key));
      if (single !== undefined) for (const w of single) take(w, e);
      for (const w of this.ranges) if (w.matches(e.key)) take(w, e);
    }
    if (per === undefined) return;
    const streams = new Set<WatchStream>();
    for (const [w, evs] of per) {
      if (!this.isSynced(w)) continue; // demoted by a later event of this revision
      w.nextRev = revision + 1;
      if (!streams.has(w.stream)) {
        streams.add(w.stream);
        w.stream.cork();
      }
      w.stream.sendEvents(w, revision, evs);
    }
    for (const st of streams) st.uncork();
  }

  /** @internal */
  add(w: Watcher, current: number): void {
    if (w.prevKv && this.prevKvWatchers++ === 0) this.source.setEventPrevKv(true);
    if (w.nextRev > current) this.addSynced(w);
    else {
      this.unsynced.add(w);
      this.scheduleCatchUp();
    }
  }

  /** @internal */
  remove(w: Watcher): void {
    const removed = this.unsynced.delete(w) || this.removeSynced(w);
    if (removed && w.prevKv && --this.prevKvWatchers === 0) this.source.setEventPrevKv(false);
  }

  /** @internal */
  scheduleCatchUp(): void {
    if (this.catchUpScheduled || this.stopped || this.unsynced.size === 0) return;
    this.catchUpScheduled = true;
    setImmediate(() => {
      this.catchUpScheduled = false;
      if (!this.stopped) this.catchUp();
    });
  }

  private isSynced(w: Watcher): boolean {
    return w.end === null ? this.singles.get(latin1(w.key))?.has(w) === true : this.ranges.has(w);
  }

  private addSynced(w: Watcher): void {
    if (w.end !== null) {
      this.ranges.add(w);
      return;
    }
    const k = latin1(w.key);
    let set = this.singles.get(k);
    if (set === undefined) this.singles.set(k, (set = new Set()));
    set.add(w);
  }

  private removeSynced(w: Watcher): boolean {
    if (w.end !== null) return this.ranges.delete(w);
    const k = latin1(w.key);
    const set = this.singles.get(k);
    if (set === undefined || !set.delete(w)) return false;
    if (set.size === 0) this.singles.delete(k);
    return true;
  }

  private demote(w: Watcher, fromRevision: number): void {
    if (!this.removeSynced(w)) return;
    w.nextRev = fromRevision;
    this.unsynced.add(w);
  }

  /**
   * One catch-up step (synchronous): reads the history from the lowest revision owed, hands each unsynced
   * watcher its events up to the last whole revision read, and promotes those that reached the current
   * revision. Watchers of streams that are behind wait for their stream to drain.
   */
  private catchUp(): void {
    const src = this.source;
    const current = src.currentRevision();
    const compact = src.compactRevision();
    let from = Infinity;
    let wantPrev = false;
    for (const w of [...this.unsynced]) {
      if (w.stream.behind || w.stream.closed) continue;
      if (w.nextRev < compact) {
        this.unsynced.delete(w);
        if (w.prevKv && --this.prevKvWatchers === 0) src.setEventPrevKv(false);
        w.stream.dropCompacted(w, compact);
        continue;
      }
      if (w.nextRev > current) {
        this.unsynced.delete(w);
        this.addSynced(w);
        continue;
      }
      from = Math.min(from, w.nextRev);
      wantPrev ||= w.prevKv;
    }
    if (from === Infinity) return;
    const { events, upTo } = this.readHistory(from, current, wantPrev);
    for (const w of [...this.unsynced]) {
      if (w.stream.behind || w.stream.closed || w.nextRev > upTo || w.nextRev < compact) continue;
      this.deliverHistory(w, events, current, upTo);
      w.nextRev = upTo + 1;
      if (w.nextRev > current) {
        this.unsynced.delete(w);
        this.addSynced(w);
      }
    }
    this.scheduleCatchUp();
  }

  /**
   * History from `from` on, cut after the last revision read whole: a step reads about `catchUpEvents`
   * events, more only when one revision alone holds more (a large delete), which is read to its end.
   */
  private readHistory(from: number, current: number, wantPrev: boolean): { events: AppliedEvent[]; upTo: number } {
    const limit = this.options.catchUpEvents;
    const events = [...this.source.readEvents(from, limit, wantPrev, 0)];
    if (events.length < limit) return { events, upTo: current };
    const last = events[events.length - 1];
    if (events[0].revision !== last.revision) {
      let cut = events.length;
      while (events[cut - 1].revision === last.revision) cut--;
      return { events: events.slice(0, cut), upTo: last.revision - 1 };
    }
    // one revision fills the step: read the rest of it
    for (let more = events; more.length === limit;) {
      const tail = more[more.length - 1];
      more = this.source.readEvents(tail.revision, limit, wantPrev, (tail.sub ?? 0) + 1).filter((e) => e.revision === tail.revision);
      for (const e of more) events.push(e);
    }
    return { events, upTo: last.revision };
  }

  /** A catch-up watcher's events from the step, in responses of at most batchMaxRevisions revisions each. */
  private deliverHistory(w: Watcher, events: readonly AppliedEvent[], current: number, upTo: number): void {
    let batch: WatchEventOut[] = [];
    let revs = 0;
    let lastRev = 0;
    for (const e of events) {
      if (e.revision < w.nextRev || e.revision > upTo || !w.matches(e.key)) continue;
      const v = w.view(e);
      if (v === undefined) continue;
      if (e.revision !== lastRev) {
        if (revs === batchMaxRevisions) {
          w.stream.sendEvents(w, current, batch);
          batch = [];
          revs = 0;
        }
        revs++;
        lastRev = e.revision;
      }
      batch.push(v);
    }
    if (batch.length > 0) w.stream.sendEvents(w, current, batch);
  }

  /** Progress for quiet synced watchers that asked for it (etcd 3.4's per-watcher progress_notify). */
  private progressTick(): void {
    const current = this.source.currentRevision();
    const tick = (w: Watcher) => {
      if (w.progressNotify && !w.busy && !w.stream.behind) w.stream.send({ header: this.source.header(current), watchId: w.id, events: [] });
      w.busy = false;
    };
    for (const set of this.singles.values()) for (const w of set) tick(w);
    for (const w of this.ranges) tick(w);
  }
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}
