// WatchHub over a real store, with sinks standing in for gRPC streams: several watchers catching up together
// from different revisions, in small steps (one revision larger than a step included), streams that fall behind
// and drain, and compaction. Each watcher must get exactly its range's history from its start revision, once.
import { etcdserverpb, mvccpb } from '../../../src/core/api/proto';
import { headerIdBytes } from '../../../src/core/api/grpc/wire';
import { WatchHub, type WatchStream } from '../../../src/core/server/watch/watch-hub';
import type { AppliedEvent } from '../../../src/core/server/kv-state';
import { deleteRange, put } from '../../../src/core/server/apply';
import { Prng } from '../../helpers/prng';
import { b, tempStore, type TempStore } from '../storage/fixture';

let t: TempStore;
let hubs: WatchHub[] = [];
beforeEach(() => { t = tempStore(); });
afterEach(async () => {
  for (const h of hubs) h.stop();
  hubs = [];
  await t.close();
});

const ids = headerIdBytes(1n, 2n);
const ticks = async (n = 20) => { for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r)); };

/** A sink that can be told to report itself behind. */
class Sink {
  frames: etcdserverpb.WatchResponse[] = [];
  behind = false;
  send(frames: Buffer): boolean {
    // one write may hold several responses (a stream's answers to one revision)
    for (let pos = 0; pos < frames.length;) {
      const size = frames.readUInt32BE(pos + 1);
      this.frames.push(etcdserverpb.WatchResponse.decode(frames.subarray(pos + 5, pos + 5 + size)));
      pos += 5 + size;
    }
    return !this.behind;
  }
  events(): string[] {
    return this.frames.flatMap((r) => r.events.map((e) => `${Number(e.kv?.modRevision)} ${e.type === mvccpb.Event.EventType.DELETE ? 'D' : 'P'} ${Buffer.from(e.kv?.key ?? []).toString()}`));
  }
}

function hubOn(catchUpEvents: number): { hub: WatchHub; apply: (fn: Parameters<TempStore['apply']>[0]) => void } {
  let prevKv = false;
  const hub = new WatchHub({
    currentRevision: () => t.store.currentRevision,
    compactRevision: () => t.store.compactRevision,
    readEvents: (from, limit, withPrev, sub) => t.store.readEvents(from, limit, withPrev, sub),
    setEventPrevKv: (on) => { prevKv = on; t.store.eventPrevKv = on; },
    header: (revision) => ({ idBytes: ids, revision, raftTerm: 1 }),
  }, { catchUpEvents, progressIntervalMs: 0, maxResponseBytes: 1 << 20 });
  void prevKv;
  hubs.push(hub);
  const apply = (fn: Parameters<TempStore['apply']>[0]) => {
    const out = t.apply(fn);
    if (out.events.length > 0) hub.onApplied(out.revision, out.events as AppliedEvent[]);
  };
  return { hub, apply };
}

const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
const inRange = (k: string, key: string, end: string | null) => (end === null ? k === key : end === '' ? k >= key : k >= key && k < end);

/** The store's own history, as a watcher of [key, end) from `start` should see it. */
function expected(key: string, end: string | null, start: number): string[] {
  return t.store.readEvents(1, 10_000, false).filter((e) => e.revision >= start && inRange(Buffer.from(e.key).toString(), key, end))
    .map((e) => `${e.revision} ${e.type === 'DELETE' ? 'D' : 'P'} ${Buffer.from(e.key).toString()}`);
}

describe('WatchHub', () => {
  it('catches up many watchers from different revisions together, in small steps, then streams live (seeded)', async () => {
    const seed = Number(process.env.WATCH_HUB_SEED ?? 7);
    const rng = new Prng(seed);
    const { hub, apply } = hubOn(5);
    const write = () => {
      if (rng.chance(0.75)) apply((w) => put(w, etcdserverpb.PutRequest.create({ key: b(rng.pick(keys)), value: b('v') })));
      else apply((w) => deleteRange(w, etcdserverpb.DeleteRangeRequest.create({ key: b('a'), rangeEnd: b(rng.pick(['c', 'g'])) })));
    };
    for (let i = 0; i < 60; i++) write();
    // one revision larger than a catch-up step: 30 keys put in one txn, then deleted in one revision
    apply((w) => { for (let i = 0; i < 30; i++) w.put(b(`z${String(i).padStart(2, '0')}`), b('v'), 0n); return null; });
    apply((w) => deleteRange(w, etcdserverpb.DeleteRangeRequest.create({ key: b('z'), rangeEnd: b('z~') })));
    const current = t.store.currentRevision;
    const watchers: Array<{ sink: Sink; stream: WatchStream; key: string; end: string | null; start: number }> = [];
    for (let i = 0; i < 12; i++) {
      const sink = new Sink();
      const stream = hub.openStream(sink);
      const shape = rng.int(3);
      const key = shape === 0 ? 'a' : shape === 1 ? rng.pick(keys) : 'z';
      const end = shape === 0 ? 'e' : shape === 1 ? null : '';
      const start = 1 + rng.int(current);
      stream.create({ key: b(key), rangeEnd: end === null ? undefined : end === '' ? b('\0') : b(end), startRevision: start });
      watchers.push({ sink, stream, key, end, start });
    }
    // writes keep coming while they catch up; one stream falls behind for a while
    watchers[0].sink.behind = true;
    for (let i = 0; i < 40; i++) {
      write();
      if (i % 5 === 0) await ticks(1);
      if (i === 20) {
        watchers[0].sink.behind = false;
        watchers[0].stream.drained();
      }
    }
    const settle = async () => {
      for (let i = 0; i < 1000 && hub.catchingUp > 0; i++) await ticks(1);
      expect(hub.catchingUp).toBe(0);
    };
    await settle();
    // synced watchers whose streams fall behind: no queueing, they resume from storage once drained
    const lagging = watchers.slice(1, 5);
    for (const x of lagging) x.sink.behind = true;
    for (let i = 0; i < 30; i++) write();
    expect(hub.catchingUp).toBeGreaterThan(0);
    for (const x of lagging) {
      x.sink.behind = false;
      x.stream.drained();
    }
    await settle();
    expect(hub.size).toBe(12);
    for (const [i, x] of watchers.entries()) {
      expect(x.sink.frames[0].created).toBe(true);
      expect({ seed, i, got: x.sink.events() }).toEqual({ seed, i, got: expected(x.key, x.end, x.start) });
    }
    for (const x of watchers) x.stream.close();
    expect(hub.size).toBe(0);
  });

  it('cancels a watcher whose start revision was compacted, with the compact revision', async () => {
    const { hub, apply } = hubOn(100);
    for (let i = 0; i < 10; i++) apply((w) => put(w, etcdserverpb.PutRequest.create({ key: b('k'), value: b(String(i)) })));
    apply((w) => { w.compact(8); return null; });
    const sink = new Sink();
    const stream = hub.openStream(sink);
    stream.create({ key: b('k'), startRevision: 5 });
    stream.create({ key: b('k'), startRevision: 8 });
    await ticks();
    expect(sink.frames.map((r) => [Number(r.watchId), r.created, r.canceled, Number(r.compactRevision), r.events.length]))
      .toEqual([[0, true, false, 0, 0], [1, true, false, 0, 0], [0, false, true, 8, 0], [1, false, false, 0, 4]]);
    expect(hub.size).toBe(1);
  });

  it('sends prev_kv only to watchers that asked, and turns the store\'s prev capture off after them', async () => {
    const { hub, apply } = hubOn(100);
    apply((w) => put(w, etcdserverpb.PutRequest.create({ key: b('k'), value: b('1') })));
    const sink = new Sink();
    const stream = hub.openStream(sink);
    stream.create({ key: b('k'), prevKv: true });
    stream.create({ key: b('k') });
    expect(t.store.eventPrevKv).toBe(true);
    apply((w) => put(w, etcdserverpb.PutRequest.create({ key: b('k'), value: b('2') })));
    const evs = sink.frames.slice(2).map((r) => [Number(r.watchId), r.events[0].prevKv ? Buffer.from(r.events[0].prevKv.value ?? []).toString() : '-']);
    expect(evs.sort()).toEqual([[0, '1'], [1, '-']]);
    stream.cancel(0);
    expect(t.store.eventPrevKv).toBe(false);
    stream.close();
  });
});
