// The etcd v3 gRPC services cairn serves, registered on the transport. Handlers decode with the generated
// static codecs, call the member core, and answer with whole pre-framed responses (wire.ts) where the
// response is hot. RPCs whose issue has not landed answer UNIMPLEMENTED, saying so.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type Long from 'long';
import { etcdserverpb, v3electionpb, v3lockpb, toBigInt, toNumber, longOf } from '../proto';
import { LocalClient } from '../../server/concurrency/local-client';
import { Recipes } from '../../server/concurrency/recipes';
import { EtcdError, GrpcCode, notYet } from '../../errors';
import type { EtcdServer } from '../../server/etcd-server';
import type { RangeStreamCursor } from '../../server/apply';
import { frameRangeResponse, framePut, frameDelete, frameTxn, frameHeaderOnly, frameRangeStreamChunk } from './wire';
import type { BidiCall, BidiHandler, CallContext, FrameStream, ServerStreamCall, ServerStreamHandler } from '../transport/types';
import type { HeaderFields } from './wire';
import { checkWire, loadWireCheck, unmarshalPrefix } from './wire-check';
import { GrpcError } from '../transport/grpc-error';

/** The slice of the transport the services need (see transport/). */
export interface ServiceRegistry {
  /** `ctx` is absent for calls from the JSON gateway */
  addUnaryFramed(path: string, handler: (req: Buffer, ctx?: CallContext) => Buffer | FrameStream | Promise<Buffer | FrameStream>): void;
  addServerStream(path: string, handler: ServerStreamHandler): void;
  addBidi(path: string, handler: BidiHandler): void;
  addUnimplemented(path: string, message: string): void;
}

interface Encodable<T> {
  encode(m: T): { finish(): Uint8Array };
}

/** A gRPC frame (5-byte prefix + message) from a protobufjs encode. */
function frameOf<T>(type: Encodable<T>, message: T): Buffer {
  const body = type.encode(message).finish();
  const out = Buffer.allocUnsafe(5 + body.length);
  out[0] = 0;
  out.writeUInt32BE(body.length, 1);
  out.set(body, 5);
  return out;
}

function headerObject(h: HeaderFields, server: EtcdServer): etcdserverpb.IResponseHeader {
  return {
    clusterId: longOf(server.clusterId, true),
    memberId: longOf(server.memberId, true),
    revision: h.revision,
    raftTerm: h.raftTerm,
  };
}

/** `streaming`: a message of a streaming call (grpc-go words its unmarshal error differently there). */
function decode<T>(fullName: string, fn: (b: Buffer) => T, bytes: Buffer, streaming = false): T {
  const prefix = streaming ? unmarshalPrefix.stream : unmarshalPrefix.unary;
  checkWire(fullName, bytes, prefix); // etcd's errors for malformed bytes (protobufjs would skip wrong wire types)
  try {
    return fn(bytes);
  } catch (err) {
    // grpc-go answers a message it cannot unmarshal with INTERNAL; clients see the reason
    throw new EtcdError(GrpcCode.INTERNAL, `${prefix}${(err as Error).message}`);
  }
}

/**
 * Sends a RangeStream's chunks as the client takes them: the next chunk is read only once the stream has room
 * (HTTP/2 flow control), so one stream holds about one chunk in memory however large the range. Returns when
 * the last chunk is sent or the call is gone.
 */
async function sendRangeStream(cursor: RangeStreamCursor, call: ServerStreamCall, server: EtcdServer): Promise<void> {
  const signal = call.ctx.signal;
  while (!signal.aborted) {
    const c = cursor.read();
    if (c === undefined) break;
    const ok = call.writeFramed(frameRangeStreamChunk({ header: c.last ? server.header(c.revision) : null, kvs: c.kvs, more: c.more, count: c.count }));
    if (c.last) {
      call.end();
      return;
    }
    // behind: wait for the client; otherwise let other calls run between chunks
    await (ok ? new Promise<void>((resolve) => setImmediate(resolve)) : drainedOrAborted(call, signal));
  }
}

/** etcd's snapshotSendBufferSize: the backend goes out in 32 KiB blobs. */
const snapshotChunkBytes = 32 * 1024;

/**
 * Maintenance.Snapshot as etcd 3.4 sends it: the backend file in 32 KiB blobs, each with the bytes still to
 * come (no header), then one last blob holding the SHA-256 of everything before it (`snapshot restore` checks
 * it). The next chunk is read only once the client has taken the last one.
 */
async function sendSnapshot(file: string, size: number, call: ServerStreamCall): Promise<void> {
  const signal = call.ctx.signal;
  const fh = await fs.promises.open(file, 'r');
  try {
    const hash = createHash('sha256');
    let sent = 0;
    while (sent < size && !signal.aborted) {
      const buf = Buffer.allocUnsafe(Math.min(snapshotChunkBytes, size - sent));
      const { bytesRead } = await fh.read(buf, 0, buf.length, sent);
      if (bytesRead === 0) throw new EtcdError(GrpcCode.INTERNAL, 'cairn: snapshot file ended early');
      const blob = buf.subarray(0, bytesRead);
      hash.update(blob);
      sent += bytesRead;
      if (!call.writeFramed(frameOf(etcdserverpb.SnapshotResponse, { remainingBytes: size - sent, blob }))) await drainedOrAborted(call, signal);
    }
    if (signal.aborted) return;
    call.writeFramed(frameOf(etcdserverpb.SnapshotResponse, { remainingBytes: 0, blob: hash.digest() }));
    call.end();
  } finally {
    await fh.close();
  }
}

function drainedOrAborted(call: ServerStreamCall, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done);
    call.onDrain(done);
  });
}

/**
 * One Watch stream: each WatchRequest creates, cancels or asks for progress; responses go out as the hub
 * produces them. A client half-close leaves the stream open (etcd keeps sending until the call ends).
 */
function serveWatch(call: BidiCall, server: EtcdServer): void {
  const stream = server.watch.openStream({ send: (frame) => call.writeFramed(frame) });
  call.onDrain(() => stream.drained());
  call.onCancel(() => stream.close());
  call.onMessage((m) => {
    let req: etcdserverpb.WatchRequest;
    try {
      req = decode('.etcdserverpb.WatchRequest', (x) => etcdserverpb.WatchRequest.decode(x), m, true);
    } catch (err) {
      stream.close();
      call.end(err instanceof EtcdError ? new GrpcError(err.code, err.message) : undefined);
      return;
    }
    if (req.createRequest) stream.create(req.createRequest);
    else if (req.cancelRequest) stream.cancel(toNumber(req.cancelRequest.watchId));
    else if (req.progressRequest) stream.progress();
  });
  call.onEnd(() => { /* half-closed: keep serving the watchers */ });
}

/**
 * One LeaseKeepAlive stream: each request renews one lease and is answered in order, with the header taken
 * before the renewal (etcd: so a keepalive never reports a revision after the lease's revoke). A client
 * half-close ends the call OK, as etcd does.
 */
/** Keepalive requests a stream may have waiting (behind an expired lease's revoke) before it is ended. */
const maxKeepAliveBacklog = 10_000;

function serveLeaseKeepAlive(call: BidiCall, server: EtcdServer): void {
  let chain: Promise<void> = Promise.resolve();
  let waiting = 0;
  let ended = false;
  const answer = (id: Long | number, header: HeaderFields, ttl: number) =>
    call.writeFramed(frameOf(etcdserverpb.LeaseKeepAliveResponse, { header: headerObject(header, server), ID: id, TTL: ttl }));
  call.onMessage((m) => {
    let req: etcdserverpb.LeaseKeepAliveRequest;
    try {
      req = decode('.etcdserverpb.LeaseKeepAliveRequest', (x) => etcdserverpb.LeaseKeepAliveRequest.decode(x), m, true);
    } catch (err) {
      call.end(err instanceof EtcdError ? new GrpcError(err.code, err.message) : undefined);
      return;
    }
    const header = server.header(server.currentRevision());
    const ttl = server.leaseRenew(toBigInt(req.ID));
    if (typeof ttl === 'number' && waiting === 0) {
      answer(req.ID, header, ttl);
      return;
    }
    // an expired lease answers once revoked: later answers on this stream queue behind it, in order (boundedly:
    // a client that keeps sending while its answers wait is cut off)
    if (waiting >= maxKeepAliveBacklog) {
      call.end(new GrpcError(GrpcCode.RESOURCE_EXHAUSTED, `cairn: more than ${maxKeepAliveBacklog} keepalive requests wait for answers on this stream`));
      return;
    }
    waiting++;
    chain = chain.then(async () => {
      const t = await ttl;
      waiting--;
      answer(req.ID, header, t);
      if (waiting === 0 && ended) call.end();
    });
  });
  call.onEnd(() => {
    ended = true;
    if (waiting === 0) call.end();
  });
}

function registerLease(reg: ServiceRegistry, server: EtcdServer): void {
  const L = '/etcdserverpb.Lease/';
  reg.addUnaryFramed(L + 'LeaseGrant', async (b) => {
    const out = await server.leaseGrant(decode('.etcdserverpb.LeaseGrantRequest', (x) => etcdserverpb.LeaseGrantRequest.decode(x), b));
    return frameOf(etcdserverpb.LeaseGrantResponse, { header: headerObject(out.header, server), ID: longOf(out.id), TTL: out.ttl });
  });
  reg.addUnaryFramed(L + 'LeaseRevoke', async (b) => {
    const header = await server.leaseRevoke(decode('.etcdserverpb.LeaseRevokeRequest', (x) => etcdserverpb.LeaseRevokeRequest.decode(x), b), b);
    return frameOf(etcdserverpb.LeaseRevokeResponse, { header: headerObject(header, server) });
  });
  reg.addBidi(L + 'LeaseKeepAlive', (call) => serveLeaseKeepAlive(call, server));
  reg.addUnaryFramed(L + 'LeaseTimeToLive', (b) => {
    const req = decode('.etcdserverpb.LeaseTimeToLiveRequest', (x) => etcdserverpb.LeaseTimeToLiveRequest.decode(x), b);
    const header = headerObject(server.header(server.currentRevision()), server);
    const t = server.leaseTimeToLive(toBigInt(req.ID), req.keys === true);
    // etcd answers a lease it does not know with TTL -1, not an error
    if (t === undefined) return frameOf(etcdserverpb.LeaseTimeToLiveResponse, { header, ID: req.ID, TTL: -1 });
    return frameOf(etcdserverpb.LeaseTimeToLiveResponse, { header, ID: req.ID, TTL: t.ttl, grantedTTL: t.grantedTtl, keys: t.keys });
  });
  reg.addUnaryFramed(L + 'LeaseLeases', (b) => {
    decode('.etcdserverpb.LeaseLeasesRequest', (x) => etcdserverpb.LeaseLeasesRequest.decode(x), b);
    return frameOf(etcdserverpb.LeaseLeasesResponse, {
      header: headerObject(server.header(server.currentRevision()), server),
      leases: server.leaseIds().map((id) => ({ ID: longOf(id) })),
    });
  });
}

export function registerServices(reg: ServiceRegistry, server: EtcdServer): void {
  loadWireCheck();
  const KV = '/etcdserverpb.KV/';
  reg.addUnaryFramed(KV + 'Range', (b) => {
    const out = server.range(decode('.etcdserverpb.RangeRequest', (x) => etcdserverpb.RangeRequest.decode(x), b));
    return out instanceof Promise ? out.then(frameRangeResponse) : frameRangeResponse(out);
  });
  reg.addServerStream(KV + 'RangeStream', async (b, call) => {
    const cursor = await server.openRangeStream(decode('.etcdserverpb.RangeRequest', (x) => etcdserverpb.RangeRequest.decode(x), b, true));
    try {
      await sendRangeStream(cursor, call, server);
    } finally {
      cursor.close(); // unpins the snapshot however the call ended
    }
  });
  reg.addUnaryFramed(KV + 'Put', (b) => server.put(decode('.etcdserverpb.PutRequest', (x) => etcdserverpb.PutRequest.decode(x), b), b).then(framePut));
  reg.addUnaryFramed(KV + 'DeleteRange', (b) =>
    server.deleteRange(decode('.etcdserverpb.DeleteRangeRequest', (x) => etcdserverpb.DeleteRangeRequest.decode(x), b), b).then(frameDelete));
  reg.addUnaryFramed(KV + 'Txn', (b) => server.txn(decode('.etcdserverpb.TxnRequest', (x) => etcdserverpb.TxnRequest.decode(x), b), b).then(frameTxn));
  reg.addUnaryFramed(KV + 'Compact', (b) =>
    server.compact(decode('.etcdserverpb.CompactionRequest', (x) => etcdserverpb.CompactionRequest.decode(x), b), b).then(frameHeaderOnly));

  const M = '/etcdserverpb.Maintenance/';
  reg.addUnaryFramed(M + 'Status', () => {
    const s = server.status();
    return frameOf(etcdserverpb.StatusResponse, {
      header: headerObject(s.header, server),
      version: s.version,
      dbSize: s.dbSize,
      leader: longOf(s.leader, true),
      raftIndex: s.raftIndex,
      raftTerm: s.raftTerm,
      raftAppliedIndex: s.raftAppliedIndex,
      dbSizeInUse: s.dbSizeInUse,
      isLearner: s.isLearner,
      // etcd lists each raised alarm as gogoproto's text of the AlarmMember
      errors: server.alarms().map((a) => `memberID:${a.memberId} alarm:${etcdserverpb.AlarmType[a.alarm] ?? a.alarm} `),
    });
  });
  reg.addUnaryFramed(M + 'HashKV', async (b) => {
    const req = decode('.etcdserverpb.HashKVRequest', (x) => etcdserverpb.HashKVRequest.decode(x), b);
    const h = await server.hashKV(toNumber(req.revision));
    return frameOf(etcdserverpb.HashKVResponse, {
      header: headerObject(h.header, server),
      hash: h.hash,
      compactRevision: h.compactRevision,
      hashRevision: h.hashRevision,
    });
  });
  reg.addUnaryFramed(M + 'Alarm', async (b) => {
    const req = decode('.etcdserverpb.AlarmRequest', (x) => etcdserverpb.AlarmRequest.decode(x), b);
    const members = (alarms: Array<{ memberId: bigint; alarm: number }>) => alarms.map((a) => ({ memberID: longOf(a.memberId, true), alarm: a.alarm }));
    if (req.action === etcdserverpb.AlarmRequest.AlarmAction.GET) {
      return frameOf(etcdserverpb.AlarmResponse, { header: headerObject(server.header(server.currentRevision()), server), alarms: members(server.alarms(req.alarm)) });
    }
    const out = await server.alarm(req, b);
    return frameOf(etcdserverpb.AlarmResponse, { header: headerObject(out.header, server), alarms: members(out.alarms) });
  });
  reg.addServerStream(M + 'Snapshot', async (b, call) => {
    decode('.etcdserverpb.SnapshotRequest', (x) => etcdserverpb.SnapshotRequest.decode(x), b, true);
    const snap = await server.openSnapshot();
    try {
      await sendSnapshot(snap.path, snap.size, call);
    } finally {
      await snap.release();
    }
  });
  reg.addUnaryFramed(M + 'Defragment', async (b) => {
    decode('.etcdserverpb.DefragmentRequest', (x) => etcdserverpb.DefragmentRequest.decode(x), b);
    return frameOf(etcdserverpb.DefragmentResponse, { header: headerObject(await server.defragment(), server) });
  });
  reg.addUnaryFramed(M + 'Hash', async (b) => {
    decode('.etcdserverpb.HashRequest', (x) => etcdserverpb.HashRequest.decode(x), b);
    const h = await server.hashBackend();
    return frameOf(etcdserverpb.HashResponse, { header: headerObject(h.header, server), hash: h.hash });
  });
  const laterMaintenance: Record<string, string> = {
    MoveLeader: 'leadership transfer arrives with the Raft cluster issue',
    Downgrade: 'downgrades arrive with the cluster version issue',
  };
  for (const [m, why] of Object.entries(laterMaintenance)) reg.addUnimplemented(M + m, notYet(`Maintenance.${m}`, why).message);

  const C = '/etcdserverpb.Cluster/';
  reg.addUnaryFramed(C + 'MemberList', () =>
    frameOf(etcdserverpb.MemberListResponse, {
      // etcd's MemberList header carries no revision
      header: headerObject(server.header(0), server),
      members: server.members.map((m) => ({
        ID: longOf(m.id, true),
        name: m.name,
        peerURLs: [...m.peerUrls],
        clientURLs: [...m.clientUrls],
        isLearner: m.isLearner,
      })),
    }));
  for (const m of ['MemberAdd', 'MemberRemove', 'MemberUpdate', 'MemberPromote']) {
    reg.addUnimplemented(C + m, notYet(`Cluster.${m}`, 'membership changes arrive with the Raft cluster issue').message);
  }

  reg.addBidi('/etcdserverpb.Watch/Watch', (call) => serveWatch(call, server));
  registerLease(reg, server);
  for (const m of ['AuthEnable', 'AuthDisable', 'AuthStatus', 'Authenticate', 'UserAdd', 'UserGet', 'UserList', 'UserDelete',
    'UserChangePassword', 'UserGrantRole', 'UserRevokeRole', 'RoleAdd', 'RoleGet', 'RoleList', 'RoleDelete',
    'RoleGrantPermission', 'RoleRevokePermission']) {
    reg.addUnimplemented('/etcdserverpb.Auth/' + m, notYet(`Auth.${m}`, 'authentication arrives with the security issue').message);
  }
  registerLockElection(reg, new Recipes(new LocalClient(server)));
}

/** A call's cancellation signal; calls from the JSON gateway have none. */
const noCancel = new AbortController().signal;

/**
 * etcd's Lock and Election servers call the member through an in-process clientv3, which turns a gRPC error into
 * a plain Go error: the client then sees the same message with code Unknown (e.g. a lock on a lease that does
 * not exist: Unknown "etcdserver: requested lease not found").
 */
async function asRecipe<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof EtcdError && err.code !== GrpcCode.UNKNOWN) throw new EtcdError(GrpcCode.UNKNOWN, err.message);
    throw err;
  }
}

function registerLockElection(reg: ServiceRegistry, recipes: Recipes): void {
  const LK = '/v3lockpb.Lock/';
  reg.addUnaryFramed(LK + 'Lock', async (b, ctx) => {
    const r = await asRecipe(recipes.lock(decode('.v3lockpb.LockRequest', (x) => v3lockpb.LockRequest.decode(x), b), ctx?.signal ?? noCancel));
    return frameOf(v3lockpb.LockResponse, r);
  });
  reg.addUnaryFramed(LK + 'Unlock', async (b) => {
    const header = await asRecipe(recipes.unlock(decode('.v3lockpb.UnlockRequest', (x) => v3lockpb.UnlockRequest.decode(x), b)));
    return frameOf(v3lockpb.UnlockResponse, { header });
  });
  const EL = '/v3electionpb.Election/';
  reg.addUnaryFramed(EL + 'Campaign', async (b, ctx) => frameOf(v3electionpb.CampaignResponse,
    await asRecipe(recipes.campaign(decode('.v3electionpb.CampaignRequest', (x) => v3electionpb.CampaignRequest.decode(x), b), ctx?.signal ?? noCancel))));
  reg.addUnaryFramed(EL + 'Proclaim', async (b) => frameOf(v3electionpb.ProclaimResponse,
    { header: await asRecipe(recipes.proclaim(decode('.v3electionpb.ProclaimRequest', (x) => v3electionpb.ProclaimRequest.decode(x), b))) }));
  reg.addUnaryFramed(EL + 'Resign', async (b) => frameOf(v3electionpb.ResignResponse,
    { header: await asRecipe(recipes.resign(decode('.v3electionpb.ResignRequest', (x) => v3electionpb.ResignRequest.decode(x), b))) }));
  reg.addUnaryFramed(EL + 'Leader', async (b) => frameOf(v3electionpb.LeaderResponse,
    await asRecipe(recipes.leader(decode('.v3electionpb.LeaderRequest', (x) => v3electionpb.LeaderRequest.decode(x), b)))));
  reg.addServerStream(EL + 'Observe', async (b, call) => {
    const req = decode('.v3electionpb.LeaderRequest', (x) => v3electionpb.LeaderRequest.decode(x), b, true);
    const signal = call.ctx.signal;
    try {
      await asRecipe(recipes.observe(req, signal, async (r) => {
        if (!call.writeFramed(frameOf(v3electionpb.LeaderResponse, r))) await drainedOrAborted(call, signal);
      }));
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  });
}
