// Malformed and random requests to every service besides KV (Watch, Lease, Lock, Election, Maintenance): the
// member answers each with a gRPC status (or a message), never dies, and keeps serving a normal Range. Seeded:
// BAD_INPUT_SEED=<n> replays a run.
import * as grpc from '@grpc/grpc-js';
import { etcdserverpb } from '../../src/core/api/proto';
import { RawClient } from '../helpers/grpc';
import { Prng } from '../helpers/prng';
import { startServer, type ServerProc } from '../helpers/procs';

const unary = [
  '/etcdserverpb.Lease/LeaseGrant', '/etcdserverpb.Lease/LeaseRevoke', '/etcdserverpb.Lease/LeaseTimeToLive', '/etcdserverpb.Lease/LeaseLeases',
  '/v3lockpb.Lock/Lock', '/v3lockpb.Lock/Unlock',
  '/v3electionpb.Election/Campaign', '/v3electionpb.Election/Proclaim', '/v3electionpb.Election/Leader', '/v3electionpb.Election/Resign',
  '/etcdserverpb.Maintenance/Status', '/etcdserverpb.Maintenance/Hash', '/etcdserverpb.Maintenance/HashKV', '/etcdserverpb.Maintenance/Alarm',
  '/etcdserverpb.Maintenance/Defragment', '/etcdserverpb.Cluster/MemberList',
];
const serverStreams = ['/etcdserverpb.Maintenance/Snapshot', '/v3electionpb.Election/Observe', '/etcdserverpb.KV/RangeStream'];
const bidi = ['/etcdserverpb.Watch/Watch', '/etcdserverpb.Lease/LeaseKeepAlive'];

describe('bad input to the other services', () => {
  let sp: ServerProc;
  let client: RawClient;

  beforeAll(async () => {
    sp = await startServer('cairn');
    client = new RawClient(sp.endpoint);
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await sp?.destroy();
  });

  const stillServes = async () => {
    const r = await client.call('/etcdserverpb.KV/Range', etcdserverpb.RangeRequest, etcdserverpb.RangeResponse, { key: Buffer.from('probe') });
    expect(r.header?.revision).toBeDefined();
    expect(sp.proc.exitCode).toBeNull();
  };

  /** the call's end: a status code (0 OK); a call still open at the deadline counts as DEADLINE_EXCEEDED */
  const unaryCall = (path: string, body: Buffer) => client.callRaw(path, body, 1000).then(() => 0, (err: grpc.ServiceError) => err.code);
  const streamCall = (path: string, body: Buffer) => new Promise<number>((resolve) => {
    const call = client.client.makeServerStreamRequest(path, (x: Buffer) => x, (x: Buffer) => x, body, new grpc.Metadata(), { deadline: Date.now() + 1000 });
    call.on('data', () => { /* drained */ });
    call.on('status', (s: grpc.StatusObject) => resolve(s.code));
    call.on('error', () => { /* the status says it */ });
  });
  const bidiCall = (path: string, messages: Buffer[]) => new Promise<number>((resolve) => {
    const call = client.client.makeBidiStreamRequest(path, (x: Buffer) => x, (x: Buffer) => x, new grpc.Metadata(), { deadline: Date.now() + 1000 });
    call.on('data', () => { /* drained */ });
    call.on('status', (s: grpc.StatusObject) => resolve(s.code));
    call.on('error', () => { /* the status says it */ });
    for (const m of messages) call.write(m);
    call.end();
  });

  it('answers seeded random bytes to every method with a status and keeps serving', async () => {
    const seed = Number(process.env.BAD_INPUT_SEED ?? 7);
    const rng = new Prng(seed);
    const garbage = () => Buffer.from(Array.from({ length: rng.int(40) }, () => rng.int(256)));
    const codes = new Set<number>();
    for (let round = 0; round < 4; round++) {
      for (const path of unary) codes.add(await unaryCall(path, garbage()));
      for (const path of serverStreams) codes.add(await streamCall(path, garbage()));
      for (const path of bidi) codes.add(await bidiCall(path, [garbage(), garbage(), garbage()]));
      await stillServes();
    }
    // malformed messages were refused, with a status rather than a dropped connection
    expect([...codes].every((c) => Number.isInteger(c) && c >= 0 && c <= 16)).toBe(true);
    expect(codes.has(grpc.status.INTERNAL) || codes.has(grpc.status.INVALID_ARGUMENT)).toBe(true);
  }, 120_000);

  it('answers truncated and wrong-wire-type stream messages with etcd\'s status and words, and keeps serving', async () => {
    const etcd = await startServer('etcd');
    const other = new RawClient(etcd.endpoint);
    try {
      // field 1 declared 10 bytes long with 2 present; a varint where a message must be; a message where an int must be
      const cases: Array<[string, number[]]> = [
        ['/etcdserverpb.Watch/Watch', [0x0a, 0x0a, 0x0a, 0x00]],
        ['/etcdserverpb.Watch/Watch', [0x08, 0x01]],
        ['/etcdserverpb.Lease/LeaseKeepAlive', [0x0a, 0x0a, 0x0a, 0x00]],
      ];
      for (const [path, bytes] of cases) {
        const [e, c] = await Promise.all([other, client].map((cl) => new Promise<{ code: number; details: string }>((resolve) => {
          const call = cl.client.makeBidiStreamRequest(path, (x: Buffer) => x, (x: Buffer) => x, new grpc.Metadata(), { deadline: Date.now() + 2000 });
          call.on('data', () => { /* none expected */ });
          call.on('status', (st: grpc.StatusObject) => resolve({ code: st.code, details: st.details }));
          call.on('error', () => { /* the status says it */ });
          call.write(Buffer.from(bytes));
          call.end();
        })));
        // grpc-go words it differently on a stream: "grpc: failed to unmarshal the received message …"
        expect({ path, bytes, got: c }).toEqual({ path, bytes, got: e });
        await stillServes();
      }
    } finally {
      other.close();
      await etcd.destroy();
    }
  }, 60_000);
});
