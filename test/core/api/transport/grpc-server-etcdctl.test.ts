// The real Go client (etcdctl 3.4, grpc-go) against the transport: h2c prior knowledge, its timeouts, its
// reading of statuses and of Trailers-Only errors.
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { GrpcError, Status } from '../../../../src/core/api/transport';
import { startServer } from './helpers';
import type { Running } from './helpers';

const etcdctlPath = '/usr/bin/etcdctl';

function etcdctl(endpoint: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(etcdctlPath, [`--endpoints=${endpoint}`, '--dial-timeout=5s', '--command-timeout=5s', ...args],
      { env: { ...process.env, ETCDCTL_API: '3' } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

function field(tag: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag, ...varint(bytes.length)]), bytes]);
}

/** etcdserverpb.StatusResponse{header{1,2,3,4}, version, dbSize, leader, raftIndex, raftTerm}, by hand. */
function statusResponse(): Buffer {
  const header = Buffer.from([0x08, 1, 0x10, 2, 0x18, 3, 0x20, 4]);
  return Buffer.concat([
    field(0x0a, header),
    field(0x12, Buffer.from('3.4.23')),
    Buffer.from([0x18, ...varint(20480), 0x20, 2, 0x28, 7, 0x30, 4]),
  ]);
}

/** WatchResponse{header, created: true} and WatchResponse{header, events: [PUT foo=bar]}, by hand. */
function watchCreated(): Buffer {
  return Buffer.concat([field(0x0a, Buffer.from([0x18, 3])), Buffer.from([0x18, 1])]);
}
function watchEvent(): Buffer {
  const kv = Buffer.concat([field(0x0a, Buffer.from('foo')), Buffer.from([0x10, 4, 0x18, 4, 0x20, 1]), field(0x2a, Buffer.from('bar'))]);
  const event = field(0x12, kv); // type PUT (0) is the default
  return Buffer.concat([field(0x0a, Buffer.from([0x18, 4])), field(0x5a, event)]);
}

const describeEtcdctl = fs.existsSync(etcdctlPath) ? describe : describe.skip;

describeEtcdctl('GrpcServer (etcdctl)', () => {
  let running: Running;
  let statusMetadata: Record<string, string | Buffer> = {};
  let onWatchCancel: () => void = () => {};

  beforeAll(async () => {
    running = await startServer({}, (s) => {
      s.addUnary('/etcdserverpb.Maintenance/Status', (_req, ctx) => {
        statusMetadata = ctx.metadata;
        return statusResponse();
      });
      s.addUnary('/etcdserverpb.KV/Range', () => {
        throw new GrpcError(Status.INVALID_ARGUMENT, 'etcdserver: key is not provided');
      });
      s.addUnimplemented('/etcdserverpb.Lease/LeaseGrant', 'cairn: Lease.LeaseGrant is not implemented yet');
      s.addBidi('/etcdserverpb.Watch/Watch', (call) => {
        call.onMessage(() => {
          call.write(watchCreated());
          call.write(watchEvent());
        });
        call.onCancel(() => onWatchCancel());
      });
    });
  });

  afterAll(async () => {
    await running.server.close(0);
  });

  it('answers etcdctl endpoint status', async () => {
    const r = await etcdctl(running.address, 'endpoint', 'status', '-w', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [entry] = JSON.parse(r.stdout) as Array<{ Endpoint: string; Status: Record<string, unknown> }>;
    expect(entry.Endpoint).toBe(running.address);
    expect(entry.Status).toMatchObject({ version: '3.4.23', dbSize: 20480, leader: 2, raftIndex: 7, raftTerm: 4 });
    expect(entry.Status.header).toMatchObject({ cluster_id: 1, member_id: 2, revision: 3, raft_term: 4 });
    // grpc-go's metadata arrives as plain strings; its grpc-timeout is not metadata
    expect(typeof statusMetadata['user-agent']).toBe('string');
    expect(statusMetadata['grpc-timeout']).toBeUndefined();
  });

  it('prints a Trailers-Only error as etcd does', async () => {
    const r = await etcdctl(running.address, 'get', 'foo');
    expect(r.code).toBe(1);
    // etcdctl 3.4 also logs its retry interceptor's warning first, as it does against etcd
    expect(r.stderr.trim().split('\n').pop()).toBe('Error: etcdserver: key is not provided');
  });

  it('prints UNIMPLEMENTED for an unknown method or service in grpc-go words', async () => {
    const put = await etcdctl(running.address, 'put', 'foo', 'bar');
    expect(put.code).toBe(1);
    expect(put.stderr.trim().split('\n').pop()).toBe('Error: rpc error: code = Unimplemented desc = unknown method Put for service etcdserverpb.KV');
    const members = await etcdctl(running.address, 'member', 'list');
    expect(members.code).toBe(1);
    expect(members.stderr).toContain('unknown service etcdserverpb.Cluster');
  });

  it('prints the message of a method registered as unimplemented', async () => {
    const r = await etcdctl(running.address, 'lease', 'grant', '10');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cairn: Lease.LeaseGrant is not implemented yet');
  });

  it('streams watch events to etcdctl watch over a bidi call, and sees it go', async () => {
    const cancelled = new Promise<void>((resolve) => (onWatchCancel = resolve));
    const child = spawn(etcdctlPath, [`--endpoints=${running.address}`, 'watch', 'foo'], { env: { ...process.env, ETCDCTL_API: '3' } });
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.split('\n').length > 3) resolve();
      });
    });
    expect(out.split('\n').slice(0, 3)).toEqual(['PUT', 'foo', 'bar']);
    child.kill('SIGTERM');
    await cancelled;
  });
});
