// The gateway against etcd's own: a real etcd 3.4 on 127.0.0.1, its gateway on its client port, and cairn's
// gateway on a node:http server whose `invoke` calls that same etcd over gRPC. The same JSON is POSTed to both
// and the answers compared: status, content type and body byte for byte for everything that does not write;
// requests that write run once on each side over the same starting state (set up over gRPC), and only
// revision fields (which must differ) are masked.
import * as grpc from '@grpc/grpc-js';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import Long from 'long';
import { createGatewayHandler } from '../../../../src/core/api/gateway';
import type { GatewayMetadata, GrpcInvoke } from '../../../../src/core/api/gateway';
import { etcdserverpb } from '../../../../src/core/api/proto';
import { hasEtcd, startServer } from '../../../helpers/procs';
import type { ServerProc } from '../../../helpers/procs';

const callDeadlineMs = 5000;

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

function grpcInvoke(client: grpc.Client): GrpcInvoke {
  return (path: string, request: Buffer, md?: GatewayMetadata) => new Promise((resolve, reject) => {
    const meta = new grpc.Metadata();
    for (const [k, v] of Object.entries(md ?? {})) meta.set(k, v);
    client.makeUnaryRequest(path, (x: Buffer) => x, (x: Buffer) => x, request, meta, { deadline: Date.now() + callDeadlineMs },
      (err, res) => {
        if (err) {
          reject(Object.assign(new Error(err.details), { code: err.code }));
          return;
        }
        const msg = res as Buffer;
        const frame = Buffer.alloc(5 + msg.length);
        frame.writeUInt32BE(msg.length, 1);
        msg.copy(frame, 5);
        resolve(frame);
      });
  });
}

async function post(base: string, path: string, body: string | Buffer, method = 'POST'): Promise<Answer> {
  const res = await fetch(base + path, { method, body: method === 'GET' || method === 'HEAD' ? undefined : body, redirect: 'manual' });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()).toString('latin1') };
}

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
/** every character class Go's encoder treats specially: HTML, U+2028, control bytes, quote, backslash, DEL */
const oddName = 'a<b>&\u2028\u0007\b\f\t\u001f\u007f é"\\/\u{1f600}';

/** Replaces the values of revision fields (which two writes cannot share) by "R". */
function maskRevisions(body: string): string {
  return body.replace(/"(revision|create_revision|mod_revision|rev)":"\d+"/g, '"$1":"R"');
}

const describeIfEtcd = hasEtcd() ? describe : describe.skip;

describeIfEtcd('gateway-handler against etcd 3.4', () => {
  let etcd: ServerProc;
  let client: grpc.Client;
  let server: http.Server;
  let theirs: string;
  let ours: string;

  const grpcCall = <Req, Res>(path: string, enc: { encode(m: Req): { finish(): Uint8Array } }, dec: { decode(b: Uint8Array): Res }, req: Req): Promise<Res> =>
    grpcInvoke(client)(path, Buffer.from(enc.encode(req).finish())).then((f) => dec.decode(f.subarray(5)));
  const put = (key: string | Buffer, value: string | Buffer, lease?: Long): Promise<unknown> =>
    grpcCall('/etcdserverpb.KV/Put', etcdserverpb.PutRequest, etcdserverpb.PutResponse, { key: Buffer.from(key), value: Buffer.from(value), lease });
  const del = (key: string): Promise<unknown> =>
    grpcCall('/etcdserverpb.KV/DeleteRange', etcdserverpb.DeleteRangeRequest, etcdserverpb.DeleteRangeResponse, { key: Buffer.from(key) });
  /** the key deleted and written again: a new generation, so its version starts again at 1 */
  const fresh = async (key: string, value: string): Promise<void> => {
    await del(key);
    await put(key, value);
  };

  beforeAll(async () => {
    etcd = await startServer('etcd');
    theirs = `http://${etcd.endpoint}`;
    client = new grpc.Client(etcd.endpoint, grpc.credentials.createInsecure());
    const handle = createGatewayHandler(grpcInvoke(client));
    server = http.createServer((req, res) => {
      if (!handle(req, res)) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('404 page not found\n');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ours = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // state the read requests look at: plain, binary, empty-valued and leased keys, several revisions, a compaction
    await grpcCall('/etcdserverpb.Lease/LeaseGrant', etcdserverpb.LeaseGrantRequest, etcdserverpb.LeaseGrantResponse,
      { ID: Long.fromNumber(0x1234), TTL: Long.fromNumber(3600) });
    for (const [k, v] of [['a', '1'], ['b', '2'], ['c', '3'], ['a', '11'], ['d/1', 'x'], ['d/2', 'y']]) await put(k, v);
    await put(Buffer.from([0xff, 0x00, 0x80]), Buffer.from([0xfe, 0x3c, 0x3e, 0x26]));
    await put('empty', '');
    await put('leased', 'v', Long.fromNumber(0x1234));
    await put('text', 'é<>&"\\\u2028\n');
    await grpcCall('/etcdserverpb.KV/Compact', etcdserverpb.CompactionRequest, etcdserverpb.CompactionResponse, { revision: Long.fromNumber(3) });
    // strings that Go's JSON encoder escapes, and a learner without name or client URLs
    for (const name of [oddName, 'plain']) {
      await grpcCall('/etcdserverpb.Auth/UserAdd', etcdserverpb.AuthUserAddRequest, etcdserverpb.AuthUserAddResponse, { name, password: 'pw' });
      await grpcCall('/etcdserverpb.Auth/RoleAdd', etcdserverpb.AuthRoleAddRequest, etcdserverpb.AuthRoleAddResponse, { name });
    }
    await grpcCall('/etcdserverpb.Auth/UserGrantRole', etcdserverpb.AuthUserGrantRoleRequest, etcdserverpb.AuthUserGrantRoleResponse,
      { user: 'plain', role: oddName });
    await grpcCall('/etcdserverpb.Auth/RoleGrantPermission', etcdserverpb.AuthRoleGrantPermissionRequest, etcdserverpb.AuthRoleGrantPermissionResponse,
      { name: 'plain', perm: { permType: 2, key: Buffer.from('k'), rangeEnd: Buffer.from('l') } });
    await grpcCall('/etcdserverpb.Cluster/MemberAdd', etcdserverpb.MemberAddRequest, etcdserverpb.MemberAddResponse,
      { peerURLs: ['http://127.0.0.1:1'], isLearner: true });
  }, 30000);

  afterAll(async () => {
    client?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await etcd?.destroy();
  });

  const reads: ReadonlyArray<readonly [string, string]> = [
    ['/v3/kv/range', JSON.stringify({ key: b64('a') })],
    ['/v3/kv/range', JSON.stringify({ key: b64('a'), range_end: b64('z') })],
    ['/v3/kv/range', JSON.stringify({ key: b64('a'), rangeEnd: b64('z'), limit: 2 })],
    ['/v3/kv/range', JSON.stringify({ key: b64('a'), range_end: b64('z'), limit: '2', count_only: true })],
    ['/v3/kv/range', JSON.stringify({ key: b64('a'), range_end: b64('z'), keys_only: true, sort_order: 'DESCEND', sort_target: 'VALUE' })],
    ['/v3/kv/range', JSON.stringify({ key: b64('\0'), range_end: b64('\0') })],
    ['/v3/kv/range', JSON.stringify({ key: b64('a'), revision: '4' })],
    ['/v3/kv/range', JSON.stringify({ key: b64('a'), revision: 2 })],
    ['/v3/kv/range', JSON.stringify({ key: b64('a'), revision: '999' })],
    ['/v3/kv/range', JSON.stringify({ key: b64('d/'), range_end: b64('d0'), serializable: true, min_mod_revision: '6' })],
    ['/v3/kv/range', JSON.stringify({ key: b64('nope') })],
    ['/v3/kv/range', JSON.stringify({ key: b64('empty') })],
    ['/v3/kv/range', JSON.stringify({ key: b64('leased') })],
    ['/v3/kv/range', JSON.stringify({ key: b64('text') })],
    ['/v3/kv/range', JSON.stringify({ key: b64('a'), sort_order: 7 })],
    ['/v3/kv/range', '{}'],
    ['/v3/kv/range', ''],
    ['/v3/kv/txn', JSON.stringify({
      compare: [{ key: b64('a'), result: 'EQUAL', target: 'VALUE', value: b64('nope') }],
      success: [{ request_put: { key: b64('never'), value: b64('x') } }],
      failure: [
        { request_range: { key: b64('a') } },
        { request_range: { key: b64('d/'), range_end: b64('d0'), count_only: true } },
        { request_txn: { failure: [{ request_range: { key: b64('b') } }] } },
      ],
    })],
    ['/v3/kv/txn', JSON.stringify({ compare: [{ key: b64('a'), target: 'VERSION', result: 'GREATER', version: '100' }] })],
    ['/v3/kv/txn', JSON.stringify({ compare: [{ key: b64('a'), target: 'MOD', result: 'LESS', mod_revision: 0 }] })],
    ['/v3/kv/deleterange', JSON.stringify({ key: b64('nope'), prev_kv: true })],
    ['/v3/kv/put', JSON.stringify({ value: b64('x') })],
    ['/v3/kv/compaction', JSON.stringify({ revision: '2' })],
    ['/v3/kv/compaction', JSON.stringify({ revision: '99999' })],
    ['/v3/maintenance/status', '{}'],
    ['/v3/maintenance/alarm', JSON.stringify({ action: 'GET' })],
    ['/v3/maintenance/hash', '{}'],
    ['/v3/maintenance/transfer-leadership', JSON.stringify({ targetID: '1' })],
    ['/v3/cluster/member/list', '{}'],
    ['/v3/cluster/member/remove', JSON.stringify({ ID: '18446744073709551615' })],
    ['/v3/cluster/member/update', JSON.stringify({ ID: '1', peerURLs: ['http://127.0.0.1:1'] })],
    ['/v3/lease/leases', '{}'],
    ['/v3/kv/lease/leases', '{}'],
    ['/v3/lease/timetolive', JSON.stringify({ ID: 99 })],
    ['/v3/lease/revoke', JSON.stringify({ ID: '99' })],
    ['/v3/auth/user/list', '{}'],
    ['/v3/auth/role/list', '{}'],
    ['/v3/auth/user/get', JSON.stringify({ name: 'plain' })],
    ['/v3/auth/role/get', JSON.stringify({ role: 'plain' })],
    ['/v3/auth/role/get', JSON.stringify({ role: oddName })],
    ['/v3/auth/role/get', JSON.stringify({ role: 'nobody' })],
    ['/v3/auth/authenticate', JSON.stringify({ name: 'x', password: 'y' })],
    ['/v3/election/leader', JSON.stringify({ name: b64('no-election') })],
    ['/v3beta/kv/range', JSON.stringify({ key: b64('b') })],
  ];

  it('answers read requests byte for byte as etcd does', async () => {
    for (const [path, body] of reads) {
      const want = await post(theirs, path, body);
      const got = await post(ours, path, body);
      expect({ path, sent: body, ...got }).toEqual({ path, sent: body, ...want });
    }
  });

  const badBodies: readonly string[] = [
    '{bad', '{"key":"YQ==",}', '{"key":"YQ=="', '{', '[]', '"x"', '5', 'null', '{} trailing', ' \n ',
    '{"key":"!!!"}', '{"key":"YQ"}', '{"key":"YQ="}', '{"key":"YQ==\\n"}', '{"key":"\\u0059Q=="}', '{"key":5}', '{"key":[97]}',
    '{"key":[97,256]}', '{"key":{}}', '{"key":"YQ==","limit":"abc"}', '{"key":"YQ==","limit":1.5}', '{"key":"YQ==","limit":"1e2"}',
    '{"key":"YQ==","limit":"-"}', '{"key":"YQ==","limit":""}', '{"key":"YQ==","limit":" 1 "}', '{"key":"YQ==","limit":"1x"}',
    '{"key":"YQ==","limit":"null"}', '{"key":"YQ==","limit":"true"}', '{"key":"YQ==","limit":9223372036854775808}',
    '{"key":"YQ==","limit":"-9223372036854775808"}', '{"key":"YQ==","serializable":"true"}', '{"key":"YQ==","serializable":1}',
    '{"key":"YQ==","sort_order":"BOGUS"}', '{"key":"YQ==","sort_order":"\\u0041SCEND"}', '{"key":"YQ==","sort_order":1.5}',
    '{"key":"YQ==","sortOrder":"DESCEND","sort_order":"bad"}', '{"key":"YQ==","key":"Yg=="}', '{"Key":"YQ=="}',
    '{"a":1 "b":2}', '{"a" 1}', '{"a":[1 2]}', '{"a":"\\x"}', '{"a":"\\u12G4"}', '{"a":-x}', '{"a":1.x}', '{"a":1ex}',
    '{"a":tru}', '{"a":nul}', '{"a":01}', '{"a":"\u0001"}', '{\u00e9', '{"a":"\u00e9',
  ];

  it('answers malformed and mistyped bodies with etcd error texts', async () => {
    for (const body of badBodies) {
      const want = await post(theirs, '/v3/kv/range', body);
      const got = await post(ours, '/v3/kv/range', body);
      expect({ sent: body, ...got }).toEqual({ sent: body, ...want });
    }
    for (const body of ['{"compare":5}', '{"compare":[5]}', '{"compare":[{"result":"BAD"}]}', '{"success":[{"request_range":5}]}',
      '{"success":[{"request_range":null}]}']) {
      const want = await post(theirs, '/v3/kv/txn', body);
      const got = await post(ours, '/v3/kv/txn', body);
      expect({ sent: body, ...got }).toEqual({ sent: body, ...want });
    }
    for (const body of ['{"ID":"-1"}', '{"ID":-0}', '{"ID":"18446744073709551616"}']) {
      const want = await post(theirs, '/v3/cluster/member/remove', body);
      const got = await post(ours, '/v3/cluster/member/remove', body);
      expect({ sent: body, ...got }).toEqual({ sent: body, ...want });
    }
  });

  it('answers unknown paths and methods as etcd does', async () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['/v3/nope', 'POST'], ['/v3/kv/range/', 'POST'], ['/v3/', 'POST'], ['/v3', 'POST'], ['/v3/kv/range', 'GET'],
      ['/v3/kv/range', 'PUT'], ['/v3/kv/range', 'DELETE'], ['/v3beta/nope', 'POST'], ['/v3beta/kv/range', 'GET'],
      ['/v3/kv/range', 'OPTIONS'], ['/v3/kv/range?key=YQ==', 'POST'], ['/v3/kv/%72ange', 'POST'],
    ];
    for (const [path, method] of cases) {
      const want = await post(theirs, path, '{"key":"YQ=="}', method);
      const got = await post(ours, path, '{"key":"YQ=="}', method);
      // etcd's OPTIONS answer has no content type (cairn's neither); compare all three fields
      expect({ path, method, ...got }).toEqual({ path, method, ...want });
    }
  });

  it('answers writes as etcd does, revisions aside', async () => {
    const writes: ReadonlyArray<{ path: string; body: unknown; before: () => Promise<unknown> }> = [
      { path: '/v3/kv/put', body: { key: b64('w'), value: b64('v2'), prev_kv: true }, before: () => fresh('w', 'v1') },
      { path: '/v3/kv/put', body: { key: b64('w'), value: b64('v'), lease: String(0x1234), prevKv: true }, before: () => fresh('w', 'v1') },
      { path: '/v3/kv/put', body: { key: b64('w'), ignore_value: true, prev_kv: true }, before: () => fresh('w', 'v1') },
      { path: '/v3/lock/lock', body: { name: b64('L'), lease: '4660' }, before: () => fresh('L/1234', 'x').then(() => del('L/1234')) },
      { path: '/v3/election/campaign', body: { name: b64('E'), value: b64('v'), lease: '4660' }, before: () => del('E/1234') },
      { path: '/v3/election/leader', body: { name: b64('E') }, before: () => Promise.resolve() },
      {
        path: '/v3/kv/deleterange', body: { key: b64('p/'), range_end: b64('p0'), prev_kv: true },
        before: async () => { await fresh('p/1', 'one'); await fresh('p/2', ''); },
      },
      {
        path: '/v3/kv/txn',
        body: {
          compare: [{ key: b64('t'), result: 'EQUAL', target: 'VALUE', value: b64('0') }],
          success: [
            { request_put: { key: b64('t'), value: b64('1'), prev_kv: true } },
            { request_range: { key: b64('t') } },
            { request_delete_range: { key: b64('t2'), prev_kv: true } },
            { request_txn: { success: [{ request_range: { key: b64('t') } }] } },
          ],
        },
        before: async () => { await fresh('t', '0'); await fresh('t2', 'gone'); },
      },
    ];
    for (const w of writes) {
      await w.before();
      const want = await post(theirs, w.path, JSON.stringify(w.body));
      await w.before();
      const got = await post(ours, w.path, JSON.stringify(w.body));
      expect(want.status).toBe(200);
      expect({ ...got, body: maskRevisions(got.body) }).toEqual({ ...want, body: maskRevisions(want.body) });
    }
  });

  it('answers alarm lists and status errors as etcd does', async () => {
    const status = await grpcCall('/etcdserverpb.Maintenance/Status', etcdserverpb.StatusRequest, etcdserverpb.StatusResponse, {});
    const alarm = (action: number) => grpcCall('/etcdserverpb.Maintenance/Alarm', etcdserverpb.AlarmRequest, etcdserverpb.AlarmResponse,
      { action, memberID: status.header?.memberId, alarm: etcdserverpb.AlarmType.NOSPACE });
    await alarm(etcdserverpb.AlarmRequest.AlarmAction.ACTIVATE);
    try {
      for (const [path, body] of [['/v3/maintenance/alarm', '{"action":"GET"}'], ['/v3/maintenance/status', '{}'],
        ['/v3/kv/put', JSON.stringify({ key: b64('full'), value: b64('x') })]]) {
        const want = await post(theirs, path, body);
        const got = await post(ours, path, body);
        expect({ path, ...got }).toEqual({ path, ...want });
      }
    } finally {
      await alarm(etcdserverpb.AlarmRequest.AlarmAction.DEACTIVATE);
    }
  });
});
