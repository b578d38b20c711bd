// /metrics against etcd 3.4: every etcd_* and grpc_* metric cairn exports must exist in a real etcd's /metrics
// under the same name and type (dashboards and alerts written for etcd keep working), and cairn's values must
// follow what was done to it: puts, a watch, a lease, revisions, keys. --listen-metrics-urls serves /metrics
// and /health on a port of its own.
import { etcdserverpb } from '../../src/core/api/proto';
import { RawClient } from '../helpers/grpc';
import { etcdctl, freePort, hasEtcd, startServer, type ServerProc } from '../helpers/procs';

/** `# TYPE name type` lines, and each sample line (name{labels} value) */
function parse(text: string): { types: Map<string, string>; samples: Map<string, number> } {
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t) types.set(t[1], t[2]);
    else if (line !== '' && !line.startsWith('#')) {
      const i = line.lastIndexOf(' ');
      samples.set(line.slice(0, i), Number(line.slice(i + 1)));
    }
  }
  return { types, samples };
}

const scrape = async (address: string) => {
  const r = await fetch(`http://${address}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await r.text());
};

const describeIf = hasEtcd() ? describe : describe.skip;

describeIf('/metrics against etcd 3.4', () => {
  let etcd: ServerProc;
  let cairn: ServerProc;
  let metricsPort: number;

  beforeAll(async () => {
    metricsPort = await freePort();
    // --metrics extensive on both: grpc_server_handling_seconds is compared too
    [etcd, cairn] = await Promise.all([
      startServer('etcd', { extraArgs: ['--metrics', 'extensive'] }),
      startServer('cairn', { extraArgs: ['--metrics', 'extensive', '--listen-metrics-urls', `http://127.0.0.1:${metricsPort}`] }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([etcd?.destroy(), cairn?.destroy()]);
  });

  it('exports etcd\'s names and types, with values that follow the member', async () => {
    for (const m of [etcd, cairn]) for (let i = 0; i < 5; i++) etcdctl(m.endpoint, ['put', `m/${i}`, 'v']);
    etcdctl(cairn.endpoint, ['get', 'm/0']);
    const lease = etcdctl(cairn.endpoint, ['lease', 'grant', '600']).stdout.split(' ')[1];
    etcdctl(cairn.endpoint, ['lease', 'keep-alive', '--once', lease]);
    const client = new RawClient(cairn.endpoint);
    const watch = client.client.makeBidiStreamRequest('/etcdserverpb.Watch/Watch', (x: Buffer) => x, (x: Buffer) => x);
    watch.on('error', () => { /* canceled at the end */ });
    let created = false;
    watch.on('data', () => { created = true; });
    watch.write(Buffer.from(etcdserverpb.WatchRequest.encode({ createRequest: { key: Buffer.from('m/'), rangeEnd: Buffer.from('m0') } }).finish()));
    try {
      const deadline = Date.now() + 5000;
      while (!created && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const [e, c] = await Promise.all([scrape(etcd.endpoint), scrape(cairn.endpoint)]);
      const ours = [...c.types].filter(([name]) => name.startsWith('etcd_') || name.startsWith('grpc_'));
      expect(ours.length).toBeGreaterThanOrEqual(25);
      for (const [name, type] of ours) expect({ name, type: e.types.get(name) }).toEqual({ name, type });

      const v = (key: string) => c.samples.get(key);
      const revision = Number(JSON.parse(etcdctl(cairn.endpoint, ['get', 'x', '-w', 'json']).stdout).header.revision);
      expect(v('etcd_server_has_leader')).toBe(1);
      expect(v('etcd_server_is_leader')).toBe(1);
      expect(v('etcd_debugging_mvcc_current_revision')).toBe(revision);
      expect(v('etcd_debugging_mvcc_keys_total')).toBe(5);
      expect(v('etcd_debugging_mvcc_watcher_total')).toBe(1);
      expect(v('etcd_debugging_mvcc_watch_stream_total')).toBe(1);
      expect(v('etcd_debugging_lease_granted_total')).toBe(1);
      expect(v('etcd_debugging_lease_renewed_total')).toBe(1);
      expect(v('etcd_server_quota_backend_bytes')).toBe(2 * 1024 ** 3);
      expect(v('etcd_mvcc_db_total_size_in_bytes')).toBeGreaterThan(0);
      expect(v('etcd_server_version{server_version="3.4.23"}')).toBe(1);
      expect(v('etcd_server_proposals_applied_total')).toBe(v('etcd_server_proposals_committed_total'));
      expect(v('etcd_disk_wal_fsync_duration_seconds_count')).toBeGreaterThan(0);
      expect(v('etcd_disk_backend_commit_duration_seconds_count')).toBeGreaterThan(0);
      expect(v('grpc_server_handled_total{grpc_type="unary",grpc_service="etcdserverpb.KV",grpc_method="Put",grpc_code="OK"}')).toBe(5);
      expect(c.types.get('grpc_server_handling_seconds')).toBe('histogram');
      expect(v('grpc_server_handling_seconds_count{grpc_type="unary",grpc_service="etcdserverpb.KV",grpc_method="Put"}')).toBe(5);
      expect(v('grpc_server_started_total{grpc_type="unary",grpc_service="etcdserverpb.KV",grpc_method="Range"}')).toBeGreaterThanOrEqual(1);
      expect(v('grpc_server_started_total{grpc_type="bidi_stream",grpc_service="etcdserverpb.Watch",grpc_method="Watch"}')).toBe(1);
    } finally {
      watch.cancel();
      client.close();
    }
    // a refused call is counted with its code
    const bad = new RawClient(cairn.endpoint);
    await bad.call('/etcdserverpb.KV/Put', etcdserverpb.PutRequest, etcdserverpb.PutResponse, { key: Buffer.alloc(0) }).catch(() => undefined);
    bad.close();
    // the client's cancel reaches the server on its own: wait for it to be counted
    const canceled = 'grpc_server_handled_total{grpc_type="bidi_stream",grpc_service="etcdserverpb.Watch",grpc_method="Watch",grpc_code="Canceled"}';
    let after = await scrape(cairn.endpoint);
    for (let i = 0; i < 50 && after.samples.get(canceled) === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      after = await scrape(cairn.endpoint);
    }
    expect(after.samples.get('grpc_server_handled_total{grpc_type="unary",grpc_service="etcdserverpb.KV",grpc_method="Put",grpc_code="InvalidArgument"}')).toBe(1);
    expect(after.samples.get(canceled)).toBe(1);
  });

  it('serves /metrics and /health on --listen-metrics-urls', async () => {
    const m = await scrape(`127.0.0.1:${metricsPort}`);
    expect(m.samples.get('etcd_server_has_leader')).toBe(1);
    const h = await fetch(`http://127.0.0.1:${metricsPort}/health`);
    expect([h.status, await h.text()]).toEqual([200, '{"health":"true"}']);
  });
});
