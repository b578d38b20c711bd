// `cairn server` as a process: flags refused by name, clean stop on SIGTERM with etcd's log lines, the HTTP
// endpoints, UNIMPLEMENTED (saying so) for RPCs whose issue has not landed, and restart keeping data and ids.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { etcdserverpb, toNumber } from '../../src/core/api/proto';
import { RUN_JS, startServer, tempDir, type ServerProc } from '../helpers/procs';
import { RawClient, grpcError } from '../helpers/grpc';

function runServer(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stderr: string; stdout: string } {
  const dir = tempDir('srv-args');
  try {
    const r = spawnSync(process.execPath, [RUN_JS, 'server', '--data-dir', path.join(dir, 'd'), ...args], {
      cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 15000,
    });
    return { code: r.status, stderr: r.stderr, stdout: r.stdout };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('cairn server (process)', () => {
  it('refuses a flag for something not built yet, by name, without starting', () => {
    const r = runServer(['--peer-cert-file', '/nonexistent.pem']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--peer-cert-file is not supported yet');
  });

  it('refuses https client URLs without a certificate, and unreadable certificates, before creating the data dir', () => {
    const noCert = runServer(['--listen-client-urls', 'https://127.0.0.1:0', '--advertise-client-urls', 'https://127.0.0.1:1']);
    expect(noCert.code).not.toBe(0);
    expect(noCert.stderr).toContain('TLS key/cert (--cert-file, --key-file) must be provided for client url https://127.0.0.1:0 with HTTPS scheme');
    expect(noCert.stderr).not.toContain('wal: created');
    const missing = runServer(['--cert-file', '/nonexistent.pem', '--key-file', '/nonexistent.key']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('open /nonexistent.pem: no such file or directory');
    expect(missing.stderr).not.toContain('wal: created');
  });

  it('refuses an unknown flag with etcd\'s wording', () => {
    const r = runServer(['--no-such-flag']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('flag provided but not defined: -no-such-flag');
  });

  it('refuses a cluster of several members, saying when it arrives', () => {
    const r = runServer(['--name', 'a', '--initial-cluster', 'a=http://127.0.0.1:1,b=http://127.0.0.1:2',
      '--initial-advertise-peer-urls', 'http://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toMatch(/more than one member are not supported yet/);
  });

  describe('running', () => {
    let sp: ServerProc;
    beforeAll(async () => { sp = await startServer('cairn'); });
    afterAll(async () => sp?.destroy());

    it('serves /health and /version over HTTP/1.1 on the client port', async () => {
      expect(await (await fetch(`http://${sp.endpoint}/health`)).json()).toEqual({ health: 'true' });
      expect(await (await fetch(`http://${sp.endpoint}/version`)).json()).toEqual({ etcdserver: '3.4.23', etcdcluster: '3.4.0' });
    });

    it('serves the /v3 JSON gateway over the same handlers as gRPC', async () => {
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`http://${sp.endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
        return { status: res.status, json: (await res.json()) as Record<string, unknown> };
      };
      const put = await post('/v3/kv/put', { key: Buffer.from('gw').toString('base64'), value: Buffer.from('json').toString('base64') });
      expect(put.status).toBe(200);
      const got = await post('/v3/kv/range', { key: Buffer.from('gw').toString('base64') });
      expect(got.json.count).toBe('1');
      expect((got.json.kvs as Array<{ value: string }>)[0].value).toBe(Buffer.from('json').toString('base64'));
      const bad = await post('/v3/kv/put', { value: 'eA==' });
      expect(bad.status).toBe(400);
      expect(bad.json).toEqual({ error: 'etcdserver: key is not provided', message: 'etcdserver: key is not provided', code: 3 });
    });

    it('answers RPCs whose issue has not landed with UNIMPLEMENTED, saying so', async () => {
      const c = new RawClient(sp.endpoint);
      try {
        await expect(c.callRaw('/etcdserverpb.Auth/UserAdd', Buffer.from(etcdserverpb.AuthUserAddRequest.encode({ name: 'u' }).finish())))
          .rejects.toMatchObject({ code: 12 });
        const err = await c.callRaw('/etcdserverpb.Auth/AuthEnable', Buffer.alloc(0)).catch((e: unknown) => grpcError(e));
        expect((err as { details: string }).details).toMatch(/not implemented yet/);
      } finally {
        c.close();
      }
    });

    it('stops cleanly on SIGTERM with etcd\'s lines, and restarts with its data, ids and a new term', async () => {
      const c = new RawClient(sp.endpoint);
      await c.call('/etcdserverpb.KV/Put', etcdserverpb.PutRequest, etcdserverpb.PutResponse, { key: Buffer.from('k'), value: Buffer.from('v') });
      const before = await c.call('/etcdserverpb.Maintenance/Status', etcdserverpb.StatusRequest, etcdserverpb.StatusResponse, {});
      c.close();
      expect(await sp.stop()).toBe(0);
      const log = sp.log();
      expect(log).toMatch(/"msg":"received signal; shutting down","signal":"terminated"/);
      expect(log).toMatch(/"msg":"closed etcd server"/);
      await sp.restart();
      const c2 = new RawClient(sp.endpoint);
      try {
        const r = await c2.call('/etcdserverpb.KV/Range', etcdserverpb.RangeRequest, etcdserverpb.RangeResponse, { key: Buffer.from('k') });
        expect(Buffer.from(r.kvs[0]?.value ?? []).toString()).toBe('v');
        const after = await c2.call('/etcdserverpb.Maintenance/Status', etcdserverpb.StatusRequest, etcdserverpb.StatusResponse, {});
        expect(after.header?.memberId?.toString()).toBe(before.header?.memberId?.toString());
        expect(toNumber(after.raftTerm)).toBe(toNumber(before.raftTerm) + 1);
        expect(toNumber(after.header?.revision)).toBe(toNumber(before.header?.revision));
      } finally {
        c2.close();
      }
      expect(sp.log()).toMatch(/"msg":"restarting local member"/);
    });
  });
});
