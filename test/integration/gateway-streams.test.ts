// The streaming endpoints of the /v3 JSON gateway against etcd 3.4's. etcd and cairn run as twins (same name
// and advertised peer URL, so the same cluster and member ids; --max-request-bytes 1024 on both, for the
// too-large case) and get the same writes, so every answer compares byte for byte: status, the headers the
// gateway sets, and each line.
//
// Bodies are always sent whole: etcd over HTTP/1.1 holds its answer until the request body has ended (Go's
// server reads an unread body before it writes headers), so a stream whose body stays open has nothing to
// compare. A stream that stays open after its body (a watch) is read until the expected lines are there.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { startTwinEtcd, type EtcdMember } from '../commands/ctl/ctl-diff';
import { hasEtcd } from '../helpers/procs';

type Member = EtcdMember;

const maxRequestBytes = 1024;

/**
 * The headers the gateway itself decides. etcd also sends CORS headers (cairn's gateway sends none, for unary
 * calls too) and, when Go's server gave up reading a large unread body, `Connection: close`: not compared.
 */
const comparedHeaders = ['content-type', 'content-length', 'transfer-encoding', 'grpc-metadata-content-type'] as const;

interface Answer {
  status: number;
  headers: Partial<Record<(typeof comparedHeaders)[number], string>>;
  text: string;
  ended: boolean;
}

/** One POST with a whole body; the answer is collected as it streams in. */
class Post {
  readonly answer: Answer = { status: 0, headers: {}, text: '', ended: false };
  private readonly req: http.ClientRequest;
  private failure: Error | null = null;

  /** `keepOpen`: the body is written but not ended (more can be sent) */
  constructor(readonly member: Member, urlPath: string, body: string, headers: http.OutgoingHttpHeaders = {}, keepOpen = false) {
    const [host, port] = member.endpoint.split(':');
    this.req = http.request({ host, port: Number(port), path: urlPath, method: 'POST', headers, agent: false }, (res) => {
      this.answer.status = res.statusCode ?? 0;
      for (const h of comparedHeaders) {
        const v = res.headers[h];
        if (typeof v === 'string') this.answer.headers[h] = v;
      }
      res.setEncoding('utf8');
      res.on('data', (s: string) => { this.answer.text += s; });
      res.on('end', () => { this.answer.ended = true; });
      res.on('error', () => {});
    });
    this.req.on('error', (err) => { if (!this.answer.ended) this.failure = err; });
    if (keepOpen) {
      this.req.write(body);
      this.req.flushHeaders();
    } else {
      this.req.end(body);
    }
  }

  send(more: string): void {
    this.req.write(more);
  }

  get lines(): string[] {
    return this.answer.text.split('\n').filter((l) => l !== '');
  }

  async until(what: string, ok: (p: Post) => boolean, timeoutMs = 10_000): Promise<Answer> {
    const deadline = Date.now() + timeoutMs;
    while (!ok(this)) {
      if (this.failure !== null) throw new Error(`${this.member.kind}: ${what}: ${this.failure.message}`);
      if (Date.now() > deadline) throw new Error(`${this.member.kind}: timed out waiting for ${what}; have ${JSON.stringify(this.answer)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.answer;
  }

  /** The client goes away (the call is cancelled). */
  close(): void {
    this.req.destroy();
  }
}

const lineCount = (n: number) => (p: Post) => p.lines.length >= n;
const ended = (p: Post) => p.answer.ended;
const b64 = (s: string) => Buffer.from(s).toString('base64');

const describeIf = hasEtcd() ? describe : describe.skip;

describeIf('streaming /v3 gateway against etcd 3.4', () => {
  let etcd: Member;
  let cairn: Member;
  let members: Member[];

  /** The same request on both, answers collected until `done` holds on each. */
  async function both(urlPath: string, body: string, done: (p: Post) => boolean, headers: http.OutgoingHttpHeaders = {}): Promise<[Answer, Answer, Post[]]> {
    const posts = members.map((m) => new Post(m, urlPath, body, headers));
    const [e, c] = await Promise.all(posts.map((p) => p.until(`${urlPath} ${body.slice(0, 80)}`, done)));
    return [e, c, posts];
  }

  /** A unary gateway call on both, which must answer alike. */
  async function unary(urlPath: string, body: object): Promise<string> {
    const texts = await Promise.all(members.map(async (m) => {
      const r = await fetch(`http://${m.endpoint}${urlPath}`, { method: 'POST', body: JSON.stringify(body) });
      return `${r.status} ${await r.text()}`;
    }));
    expect(texts[1]).toBe(texts[0]);
    return texts[0];
  }

  function etcdctlBoth(args: readonly string[]): void {
    for (const m of members) {
      const r = spawnSync('etcdctl', ['--endpoints', m.endpoint, ...args], { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`etcdctl ${args.join(' ')} on ${m.kind}: ${r.stderr}`);
    }
  }

  beforeAll(async () => {
    [etcd, cairn] = await startTwinEtcd({ sutIsCairn: true, extraArgs: ['--max-request-bytes', String(maxRequestBytes)] });
    members = [etcd, cairn];
    await unary('/v3/kv/put', { key: b64('seed'), value: b64('x') });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([etcd?.stop(), cairn?.stop()]);
  });

  it('watch: creates on a key (prev_kv) and a prefix in one body, then events from the unary gateway and etcdctl', async () => {
    const body = JSON.stringify({ create_request: { key: b64('gw/k'), prev_kv: true } })
      + '\n' + JSON.stringify({ create_request: { key: b64('gw/p/'), range_end: b64('gw/p0') } });
    const watches = members.map((m) => new Post(m, '/v3/watch', body));
    await Promise.all(watches.map((w) => w.until('two created', lineCount(2))));
    await unary('/v3/kv/put', { key: b64('gw/k'), value: b64('one') });
    await unary('/v3/kv/put', { key: b64('gw/k'), value: b64('two') });
    await unary('/v3/kv/put', { key: b64('gw/p/a'), value: b64('<&>\u2028') });
    // one write per watcher: etcd notifies the watchers of one event in no fixed order
    etcdctlBoth(['del', 'gw/k']);
    etcdctlBoth(['del', 'gw/p/', '--prefix']);
    await Promise.all(watches.map((w) => w.until('the events', lineCount(7))));
    const [e, c] = watches.map((w) => w.answer);
    expect(c).toEqual(e);
    expect(e.status).toBe(200);
    expect(e.headers).toEqual({ 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'grpc-metadata-content-type': 'application/grpc' });
    expect(e.ended).toBe(false); // the body ended; the watch did not
    expect(watches[0].lines[3]).toContain('"prev_kv":{"key":"Z3cvaw=="');
    expect(watches[0].lines[1]).toContain('"watch_id":"1","created":true');
    for (const w of watches) w.close();
  });

  it('watch: cancel and progress requests', async () => {
    const body = [
      { create_request: { key: b64('cp/a') } },
      { create_request: { key: b64('cp/b'), watch_id: 7 } },
      { cancel_request: { watch_id: 7 } },
      { progress_request: {} },
      { cancel_request: { watch_id: 0 } },
    ].map((r) => JSON.stringify(r)).join(' ');
    const [e, c, posts] = await both('/v3/watch', body, lineCount(5));
    expect(c).toEqual(e);
    expect(e.text).toContain('"canceled":true');
    for (const p of posts) p.close();
  });

  it('lease keepalive: a granted lease, an unknown id, several in one body; the answer ends with the body', async () => {
    await unary('/v3/lease/grant', { ID: 4242, TTL: 300 });
    const [e, c] = await both('/v3/lease/keepalive', '{"ID":4242} {"ID":"999"}\n{"ID":4242}', ended);
    // a keepalive answers the lease's granted TTL (not what remains of it), so nothing here depends on timing
    expect(c).toEqual(e);
    expect(e.text.split('\n')).toEqual([
      expect.stringMatching(/^\{"result":\{"header":\{.*\},"ID":"4242","TTL":"300"\}\}$/),
      expect.stringMatching(/^\{"result":\{"header":\{.*\},"ID":"999"\}\}$/),
      expect.stringMatching(/"ID":"4242","TTL":"300"/),
      '',
    ]);
    // an empty body: no request, the stream ends at once (no gRPC headers came, so no Grpc-Metadata-*)
    const [ee, ce] = await both('/v3/lease/keepalive', '', ended);
    expect(ce).toEqual(ee);
    expect(ee).toMatchObject({ status: 200, text: '', headers: { 'transfer-encoding': 'chunked' } });
  });

  it('malformed JSON: a first request that cannot be read is an error answer (code 2), a later one ends the requests', async () => {
    for (const [urlPath, body] of [['/v3/watch', '{"create_request":{"key":'], ['/v3/lease/keepalive', '{"ID":"abc"}'],
      ['/v3/lease/keepalive', '5'], ['/v3/watch', '{"create_request":{"key":"gw","range_end":[1,2,300]}}']]) {
      const [e, c] = await both(urlPath, body, ended);
      expect([urlPath, body, c]).toEqual([urlPath, body, e]);
      expect(e.status).toBe(500);
    }
    const [e, c] = await both('/v3/lease/keepalive', '{"ID":4242} {"ID": nope} {"ID":4242}', ended);
    expect(c).toEqual(e);
    expect(e.text.split('\n')).toHaveLength(2); // one answer, then the end
    // a server-streaming body is read as a unary one: INVALID_ARGUMENT
    const [se, sc] = await both('/v3/maintenance/snapshot', '{"x":', ended);
    expect(sc).toEqual(se);
    expect(se.status).toBe(400);
  });

  it('a request over the gRPC limit fails the stream with RESOURCE_EXHAUSTED, after what was answered', async () => {
    const key = Buffer.alloc(maxRequestBytes + 512 * 1024 + 100, 0x61).toString('base64');
    const first = JSON.stringify({ create_request: { key: b64('big') } });
    const big = JSON.stringify({ create_request: { key } });
    const [e, c] = await both('/v3/watch', `${first}${big}`, ended);
    expect(c).toEqual(e);
    expect(e.text).toMatch(/\n\{"error":\{"grpc_code":8,"http_code":429,"message":"grpc: received message larger than max \(\d+ vs\. 525312\)","http_status":"Too Many Requests"\}\}$/);
    const [fe, fc] = await both('/v3/watch', big, ended);
    expect(fc).toEqual(fe);
    expect(fe.status).toBe(429);
  });

  it('Grpc-Timeout ends a watch with DEADLINE_EXCEEDED, after its results or alone', async () => {
    const timeout = { 'grpc-timeout': '500m' };
    const deadlineLine = '{"error":{"grpc_code":4,"http_code":504,"message":"context deadline exceeded","http_status":"Gateway Timeout"}}';
    // etcd's gateway races with itself here: grpc-go's client stream reports the passed deadline either as the
    // DeadlineExceeded status (most runs) or as the bare context error, which the gateway then calls Unknown
    // (code 2, HTTP 500). cairn always gives the status; etcd's other form is mapped to it before comparing.
    const settled = (a: Answer): Answer => {
      const unknown = '{"error":{"grpc_code":2,"http_code":500,"message":"context deadline exceeded","http_status":"Internal Server Error"}}';
      if (!a.text.endsWith(unknown)) return a;
      const text = a.text.slice(0, -unknown.length) + deadlineLine;
      return { ...a, text, status: text === deadlineLine ? 504 : a.status };
    };
    const [e, c] = await both('/v3/watch', JSON.stringify({ create_request: { key: b64('dl') } }), ended, timeout);
    expect(c).toEqual(settled(e));
    expect(c.text.split('\n')[1]).toBe(deadlineLine);
    const [ee, ce] = await both('/v3/watch', '', ended, timeout);
    expect(ce).toEqual(settled(ee));
    expect(ce.status).toBe(504);
    const [be, bc] = await both('/v3/watch', '{}', ended, { 'grpc-timeout': '5 seconds' });
    expect(bc).toEqual(be);
  });

  it('a client that disconnects cancels its stream; the server keeps serving', async () => {
    const body = JSON.stringify({ create_request: { key: b64('dc/'), range_end: b64('dc0') } });
    const gone = members.map((m) => new Post(m, '/v3/watch', body));
    await Promise.all(gone.map((w) => w.until('created', lineCount(1))));
    for (const w of gone) w.close();
    // writes under the cancelled watch, then a new watch from before them sees exactly those events
    await unary('/v3/kv/put', { key: b64('dc/a'), value: b64('1') });
    const rev = Number(JSON.parse((await unary('/v3/kv/put', { key: b64('dc/b'), value: b64('2') })).slice(4)).header.revision);
    const again = JSON.stringify({ create_request: { key: b64('dc/'), range_end: b64('dc0'), start_revision: rev - 1 } });
    const [e, c, posts] = await both('/v3/watch', again, (p) => p.answer.text.includes('"ZGMvYg=="'));
    expect(c).toEqual(e);
    for (const p of posts) p.close();
    const [ke, kc] = await both('/v3/lease/keepalive', '{"ID":4242}', ended);
    expect(kc).toEqual(ke);
  });

  it('cairn answers while the body is still open: one connection holds a watch and adds requests to it', async () => {
    // etcd over HTTP/1.1 answers nothing before the body ends (see the top of this file): cairn alone
    const live = new Post(cairn, '/v3/watch', JSON.stringify({ create_request: { key: b64('open/a') } }), {}, true);
    await live.until('created', lineCount(1));
    await fetch(`http://${cairn.endpoint}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key: b64('open/a'), value: b64('1') }) });
    await live.until('the event', lineCount(2));
    live.send(JSON.stringify({ create_request: { key: b64('open/b'), watch_id: 5 } }));
    await live.until('the second created', lineCount(3));
    live.send(JSON.stringify({ progress_request: {} }));
    await live.until('the progress answer', lineCount(4));
    expect(live.lines.map((l) => Object.keys((JSON.parse(l) as { result: object }).result).filter((k) => k !== 'header')))
      .toEqual([['created'], ['events'], ['watch_id', 'created'], ['watch_id']]);
    expect(live.lines[3]).toContain('"watch_id":"-1"');
    live.close();
  });

  it('server streams: a snapshot comes as result lines counting down, its last blob the SHA-256 of the others', async () => {
    // the bytes differ from etcd's (LMDB, not bbolt): the shape of the stream is what must match
    for (const m of [etcd, cairn]) {
      const p = new Post(m, '/v3/maintenance/snapshot', '{}');
      const a = await p.until('the end', ended);
      expect(a.status).toBe(200);
      const results = p.lines.map((l) => (JSON.parse(l) as { result: { remaining_bytes?: string; blob: string } }).result);
      const blobs = results.map((r) => Buffer.from(r.blob, 'base64'));
      const db = Buffer.concat(blobs.slice(0, -1));
      let left = db.length;
      for (const r of results.slice(0, -1)) {
        left -= Buffer.from(r.blob, 'base64').length;
        expect(Number(r.remaining_bytes ?? 0)).toBe(left);
      }
      expect(results[results.length - 1].remaining_bytes).toBeUndefined();
      expect(blobs[blobs.length - 1]).toEqual(createHash('sha256').update(db).digest());
    }
  });
});
