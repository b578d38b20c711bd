// The Watch service against etcd 3.4. etcd and cairn run as twins (same name and advertised peer URL, so the
// same cluster and member ids) and get the same writes. The real etcdctl's `watch` runs against both and must
// print the same; a raw gRPC stream drives every WatchRequest kind through both and must get the same responses.
// A seeded property test then checks, on cairn alone, that watchers created at random revisions during random
// writes and compactions receive exactly the history they asked for.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { etcdserverpb, mvccpb } from '../../src/core/api/proto';
import { startTwinEtcd, type EtcdMember } from '../commands/ctl/ctl-diff';
import { RawClient } from '../helpers/grpc';
import { freePort, hasEtcd, RUN_JS, tempDir } from '../helpers/procs';
import { Prng } from '../helpers/prng';

type Member = EtcdMember;

const env = () => ({ ...process.env, ETCDCTL_API: '3' });
function etcdctl(endpoint: string, args: readonly string[]): string {
  const r = spawnSync('etcdctl', ['--endpoints', endpoint, ...args], { env: env(), encoding: 'latin1' });
  if (r.status !== 0) throw new Error(`etcdctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A running `etcdctl watch …`: its output so far, waited on by pattern, stopped by a signal. */
class LiveWatch {
  private readonly proc: ChildProcess;
  private out = '';
  private err = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(endpoint: string, args: readonly string[]) {
    this.proc = spawn('etcdctl', ['--endpoints', endpoint, ...args], { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', (b: Buffer) => { this.out += b.toString('latin1'); });
    this.proc.stderr?.on('data', (b: Buffer) => { this.err += b.toString('latin1'); });
    this.exited = new Promise((resolve) => this.proc.once('close', (code, signal) => resolve({ code, signal })));
  }

  write(s: string): void {
    this.proc.stdin?.write(s);
  }

  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.out)) {
      if (Date.now() > deadline || this.proc.exitCode !== null) throw new Error(`no ${pattern} in ${JSON.stringify(this.out)} ${JSON.stringify(this.err)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<{ stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null }> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    const e = await this.exited;
    return { stdout: this.out, stderr: this.err.split('\n').filter((l) => !l.startsWith('{"level":')).join('\n'), ...e };
  }

  async done(): Promise<{ stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null }> {
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 20_000);
    const e = await this.exited;
    clearTimeout(timer);
    return { stdout: this.out, stderr: this.err.split('\n').filter((l) => !l.startsWith('{"level":')).join('\n'), ...e };
  }
}

/** A raw Watch stream: requests in, decoded responses collected in order. */
class RawWatch {
  readonly responses: etcdserverpb.WatchResponse[] = [];
  private readonly call: grpc.ClientDuplexStream<Buffer, Buffer>;
  error: grpc.ServiceError | undefined;

  constructor(client: RawClient) {
    this.call = client.client.makeBidiStreamRequest('/etcdserverpb.Watch/Watch', (b: Buffer) => b, (b: Buffer) => b);
    this.call.on('data', (b: Buffer) => this.responses.push(etcdserverpb.WatchResponse.decode(b)));
    this.call.on('error', (e: grpc.ServiceError) => { this.error = e; });
  }

  send(req: etcdserverpb.IWatchRequest): void {
    this.call.write(Buffer.from(etcdserverpb.WatchRequest.encode(req).finish()));
  }

  async waitCount(n: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.responses.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  close(): void {
    this.call.cancel();
  }
}

const plain = (r: etcdserverpb.WatchResponse) => etcdserverpb.WatchResponse.toObject(r, { longs: String, bytes: String, defaults: false });
const b = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s) : Buffer.from(s));

const describeIf = hasEtcd() ? describe : describe.skip;

describeIf('Watch against etcd 3.4', () => {
  let etcd: Member;
  let cairn: Member;
  let clients: RawClient[];

  /** the same write on both members, through etcdctl */
  const both = (args: string[]) => {
    for (const m of [etcd, cairn]) etcdctl(m.endpoint, args);
  };
  const revision = () => Number(JSON.parse(etcdctl(etcd.endpoint, ['get', 'x', '-w', 'json'])).header.revision);

  beforeAll(async () => {
    [etcd, cairn] = await startTwinEtcd({ sutIsCairn: true });
    clients = [new RawClient(etcd.endpoint), new RawClient(cairn.endpoint)];
    both(['put', 'seed', 'x']);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients ?? []) c.close();
    await Promise.all([etcd?.stop(), cairn?.stop()]);
  });

  it.each(['simple', 'json', 'fields', 'protobuf'])('etcdctl watch --prefix --prev-kv --rev streams the same events in -w %s', async (w) => {
    const rev = revision() + 1;
    const live = [etcd, cairn].map((m) => new LiveWatch(m.endpoint, ['watch', `w-${w}`, '--prefix', '--prev-kv', '--rev', String(rev), '-w', w]));
    both(['put', `w-${w}/0`, 'START']);
    await Promise.all(live.map((p) => p.waitFor(/START|U1RBUlQ=/)));
    both(['put', `w-${w}/a`, '1']);
    both(['put', `w-${w}/a`, 'two words']);
    both(['del', `w-${w}/`, '--prefix']);
    both(['put', `w-${w}/end`, 'END']);
    await Promise.all(live.map((p) => p.waitFor(w === 'simple' ? /END\n$/ : w === 'fields' ? /"Value" : "END"/ : /RU5E|END/)));
    const [e, c] = await Promise.all(live.map((p) => p.stop()));
    expect(c).toEqual(e);
  });

  it('etcdctl watch replays history from --rev, runs the exec form, and is canceled on a compacted revision', async () => {
    const rev = revision() + 1;
    both(['put', 'h/a', '1']);
    both(['put', 'h/b', '2']);
    both(['del', 'h/a']);
    const script = 'echo "rev=$ETCD_WATCH_REVISION type=$ETCD_WATCH_EVENT_TYPE key=$ETCD_WATCH_KEY value=$ETCD_WATCH_VALUE"';
    const live = [etcd, cairn].map((m) => new LiveWatch(m.endpoint, ['watch', 'h/', '--prefix', '--rev', String(rev), '--', 'sh', '-c', script]));
    // the replay first (one response, headed by the revision at the time), then a live event in a response of its own
    await Promise.all(live.map((p) => p.waitFor(/type="DELETE" key="h\/a" value=""\n/)));
    both(['put', 'h/end', 'END']);
    await Promise.all(live.map((p) => p.waitFor(/value="END"\n/)));
    const [e, c] = await Promise.all(live.map((p) => p.stop('SIGTERM')));
    expect(c).toEqual(e);
    expect(e.stdout).toContain('type="DELETE" key="h/a"');

    both(['compaction', String(revision())]);
    const compacted = [etcd, cairn].map((m) => new LiveWatch(m.endpoint, ['watch', 'h/a', '--rev', String(rev)]));
    const [ce, cc] = await Promise.all(compacted.map((p) => p.done()));
    expect(cc).toEqual(ce);
    expect(ce.stderr).toContain('watch was canceled (etcdserver: mvcc: required revision has been compacted)');
  });

  it('etcdctl watch -i: several watches on one stream, and progress', async () => {
    const rev = revision() + 1;
    const live = [etcd, cairn].map((m) => new LiveWatch(m.endpoint, ['watch', '-i']));
    for (const p of live) p.write(`watch wi --prefix --rev ${rev}\nwatch wi/b\n`);
    both(['put', 'wi/a', '1']);
    both(['put', 'wi/b', '2']);
    await Promise.all(live.map((p) => p.waitFor(/wi\/b\n2\n[\s\S]*wi\/b\n2\n/)));
    const [e, c] = await Promise.all(live.map((p) => p.stop()));
    // the two watches print from their own goroutines: compare the lines, not their interleaving
    expect(c.stdout.split('\n').sort()).toEqual(e.stdout.split('\n').sort());
    expect({ ...c, stdout: '' }).toEqual({ ...e, stdout: '' });
  });

  it('answers every WatchRequest kind as etcd does (raw gRPC)', async () => {
    const streams = clients.map((c) => new RawWatch(c));
    const base = revision();
    both(['put', 'r/a', '1']);
    both(['put', 'r/b', '2']);
    both(['del', 'r/a']);
    both(['put', 'r/c', '3']);
    const compactAt = revision() - 1;
    both(['compaction', String(compactAt)]);
    const steps: Array<{ req?: etcdserverpb.IWatchRequest; write?: string[] }> = [
      { req: { createRequest: { key: b('r/'), rangeEnd: b('r0'), startRevision: base + 1 } } }, // compacted: canceled
      { req: { createRequest: { key: b('r/'), rangeEnd: b('r0'), startRevision: compactAt, prevKv: true } } }, // history
      { req: { createRequest: { key: b('r/b'), watchId: 7 } } },
      { req: { createRequest: { key: b('r/b'), watchId: 7 } } }, // duplicate id
      { req: { createRequest: { key: b('r/z'), rangeEnd: b('r/a') } } }, // empty range
      { req: { createRequest: { key: b('r/'), rangeEnd: b([0]), filters: [etcdserverpb.WatchCreateRequest.FilterType.NOPUT] } } },
      { req: { createRequest: { rangeEnd: b([0]), filters: [etcdserverpb.WatchCreateRequest.FilterType.NODELETE], prevKv: true } } },
      { req: { createRequest: { key: b('r/f'), startRevision: 1_000_000 } } }, // future start
      { write: ['put', 'r/b', '22'] },
      { write: ['del', 'r/b'] },
      { write: ['txn'] },
      { req: { progressRequest: {} } },
      { req: { cancelRequest: { watchId: 7 } } },
      { req: { cancelRequest: { watchId: 99 } } }, // unknown: no answer
      { write: ['put', 'r/b', 'after'] },
    ];
    let answered = 0;
    for (const step of steps) {
      const before = streams.map((s) => s.responses.length);
      if (step.req) for (const s of streams) s.send(step.req);
      if (step.write) {
        if (step.write[0] === 'txn') {
          for (const m of [etcd, cairn]) {
            const r = spawnSync('etcdctl', ['--endpoints', m.endpoint, 'txn'], { env: env(), input: '\nput r/t1 x\nput r/t2 y\ndel r/c\n\n\n' });
            if (r.status !== 0) throw new Error(r.stderr.toString());
          }
        } else both(step.write);
      }
      // etcd answers synced watchers at once and catches up the others every 100 ms: let it settle, then give
      // cairn until it has as many answers (or a little longer, to show any extra one)
      await new Promise((r) => setTimeout(r, 300));
      const want = streams[0].responses.length - before[0];
      await streams[1].waitCount(before[1] + want, 5000);
      await new Promise((r) => setTimeout(r, 50));
      // one revision's answers to different watchers come in etcd's map order: compare them as a set
      const [e, c] = streams.map((s, i) => s.responses.slice(before[i]).map((r) => JSON.stringify(plain(r))).sort());
      expect({ step, responses: c }).toEqual({ step, responses: e });
      answered += e.length;
    }
    expect(answered).toBeGreaterThanOrEqual(20);
    for (const s of streams) s.close();
  });
});

describe('Watch property (cairn alone, seeded)', () => {
  it('watchers created at random revisions get exactly their history, across writes and compactions', async () => {
    const seed = Number(process.env.WATCH_SEED ?? 4242);
    const rng = new Prng(seed);
    const dir = tempDir('watch-prop');
    const port = await freePort();
    const proc = spawn(process.execPath, [RUN_JS, 'server', '--data-dir', path.join(dir, 'data'),
      '--listen-client-urls', `http://127.0.0.1:${port}`, '--advertise-client-urls', `http://127.0.0.1:${port}`,
      '--listen-peer-urls', `http://127.0.0.1:${await freePort()}`], { stdio: 'ignore' });
    const client = new RawClient(`127.0.0.1:${port}`);
    try {
      const started = Date.now() + 20_000;
      while (!(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false))) {
        if (Date.now() > started) throw new Error('cairn did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
      const KV = '/etcdserverpb.KV/';
      // the applied log, as the writes' answers tell it: revision -> events (key, type, value)
      const log = new Map<number, Array<{ key: string; type: 'PUT' | 'DELETE'; value: string }>>();
      let compacted = 0;
      const keys = Array.from({ length: 12 }, (_, i) => `p/${String.fromCharCode(97 + i)}`);
      const watchers: Array<{ w: RawWatch; key: string; end: string; start: number }> = [];
      const write = async () => {
        const k = rng.pick(keys);
        const roll = rng.int(10);
        if (roll < 6) {
          const value = `v${rng.int(1000)}`;
          const r = await client.call(KV + 'Put', etcdserverpb.PutRequest, etcdserverpb.PutResponse, { key: b(k), value: b(value) });
          log.set(Number(r.header?.revision), [{ key: k, type: 'PUT', value }]);
        } else if (roll < 8) {
          const end = rng.chance(0.5) ? `${k}~` : '';
          const r = await client.call(KV + 'DeleteRange', etcdserverpb.DeleteRangeRequest, etcdserverpb.DeleteRangeResponse,
            { key: b(k), rangeEnd: end ? b(end) : undefined, prevKv: true });
          if (r.prevKvs.length > 0) log.set(Number(r.header?.revision), r.prevKvs.map((kv) => ({ key: Buffer.from(kv.key ?? []).toString(), type: 'DELETE' as const, value: '' })));
        } else if (roll < 9) {
          const [k1, k2] = [rng.pick(keys), rng.pick(keys)];
          if (k1 === k2) return;
          const r = await client.call(KV + 'Txn', etcdserverpb.TxnRequest, etcdserverpb.TxnResponse, {
            success: [{ requestPut: { key: b(k1), value: b('t1') } }, { requestPut: { key: b(k2), value: b('t2') } }],
          });
          const evs = [{ key: k1, type: 'PUT' as const, value: 't1' }, { key: k2, type: 'PUT' as const, value: 't2' }];
          log.set(Number(r.header?.revision), evs);
        } else {
          const revs = [...log.keys()];
          if (revs.length < 4) return;
          const at = revs[revs.length - 3];
          if (at <= compacted) return;
          await client.call(KV + 'Compact', etcdserverpb.CompactionRequest, etcdserverpb.CompactionResponse, { revision: at, physical: rng.chance(0.5) });
          compacted = at;
        }
      };
      for (let i = 0; i < 300; i++) {
        await write();
        if (rng.chance(0.08)) {
          // a few watchers at once, at different revisions: they catch up together, in one history read
          const revs = [...log.keys()];
          const created = Array.from({ length: 1 + rng.int(4) }, () => {
            const start = revs.length === 0 || rng.chance(0.3) ? 0 : rng.pick(revs);
            const shape = rng.int(3);
            const key = shape === 0 ? 'p/' : rng.pick(keys);
            const end = shape === 0 ? 'p0' : shape === 1 ? '' : '\0';
            const w = new RawWatch(client);
            w.send({ createRequest: { key: b(key), rangeEnd: end ? b(end) : undefined, startRevision: start } });
            return { w, key, end, start };
          });
          // and writes racing their catch-up
          const racing = write();
          for (const x of created) {
            await x.w.waitCount(1);
            expect(x.w.responses[0]?.created).toBe(true);
            watchers.push({ ...x, start: x.start === 0 ? Number(x.w.responses[0].header?.revision) + 1 : x.start });
          }
          await racing;
        }
      }
      expect(watchers.length).toBeGreaterThan(10);
      const inRange = (k: string, key: string, end: string) => (end === '' ? k === key : end === '\0' ? k >= key : k >= key && k < end);
      const expected = (x: (typeof watchers)[number]) => [...log.entries()].sort((a, c) => a[0] - c[0])
        .flatMap(([rev, evs]) => (rev < x.start ? [] : evs.filter((e) => inRange(e.key, x.key, x.end)).map((e) => `${rev} ${e.type} ${e.key} ${e.value}`)));
      const got = (x: (typeof watchers)[number]) => x.w.responses.slice(1).flatMap((r) => r.events.map((e) =>
        `${Number(e.kv?.modRevision)} ${e.type === mvccpb.Event.EventType.DELETE ? 'DELETE' : 'PUT'} ${Buffer.from(e.kv?.key ?? []).toString()} ${Buffer.from(e.kv?.value ?? []).toString()}`));
      const canceled = (x: (typeof watchers)[number]) => x.w.responses.slice(1).find((r) => r.canceled);
      // every watcher catches up (or is canceled for compaction) within a bound
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && watchers.some((x) => canceled(x) === undefined && got(x).length < expected(x).length)) {
        await new Promise((r) => setTimeout(r, 20));
      }
      let compactedWatchers = 0;
      for (const [i, x] of watchers.entries()) {
        const c = canceled(x);
        if (c !== undefined) {
          // only a watcher whose start fell below a compaction may be canceled, after the events it was owed so far
          compactedWatchers++;
          expect({ seed, i, start: x.start, below: x.start < Number(c.compactRevision) }).toEqual({ seed, i, start: x.start, below: true });
          expect({ seed, i, got: got(x) }).toEqual({ seed, i, got: expected(x).slice(0, got(x).length) });
        } else {
          expect({ seed, i, key: x.key, end: x.end, start: x.start, got: got(x) }).toEqual({ seed, i, key: x.key, end: x.end, start: x.start, got: expected(x) });
        }
      }
      expect(compactedWatchers).toBeLessThan(watchers.length);
      for (const x of watchers) x.w.close();
    } finally {
      client.close();
      proc.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
