// Ranges larger than the server's stream threshold (1 MiB of KeyValues) are sent in pieces from a pinned read
// snapshot rather than built whole: the answer must be byte for byte what etcd 3.4 sends (ids aside), over
// gRPC and over the /v3 JSON gateway, and stay the snapshot's even when writes and a compaction land while
// the pieces are still going out.
import { etcdserverpb } from '../../src/core/api/proto';
import { RawClient } from '../helpers/grpc';
import { hasEtcd, startServer, type ServerProc } from '../helpers/procs';

const KV = '/etcdserverpb.KV/';
const keys = 48;
const valueBytes = 32 * 1024; // 48 x 32 KiB: 1.5 MiB of KeyValues, above the 1 MiB threshold

function value(i: number, round: number): Buffer {
  return Buffer.from(Array.from({ length: valueBytes }, (_, j) => (i * 7 + j * 13 + round) & 0xff));
}

/** The response with the header's cluster and member ids zeroed (they hash the random peer URLs). */
function comparable(r: etcdserverpb.RangeResponse): unknown {
  const o = etcdserverpb.RangeResponse.toObject(r, { longs: String, bytes: String, defaults: true }) as { header: Record<string, unknown> };
  o.header = { ...o.header, clusterId: '<id>', memberId: '<id>' };
  return o;
}

describe('large ranges (sent in pieces) against etcd 3.4', () => {
  let etcd: ServerProc;
  let cairn: ServerProc;
  const clients: RawClient[] = [];

  beforeAll(async () => {
    if (!hasEtcd()) throw new Error('etcd 3.4 is required (Debian etcd-server)');
    [etcd, cairn] = await Promise.all([startServer('etcd', { name: 'lr' }), startServer('cairn', { name: 'lr' })]);
    for (const s of [etcd, cairn]) {
      const c = new RawClient(s.endpoint);
      clients.push(c);
      for (let i = 0; i < keys; i++) {
        await c.call(KV + 'Put', etcdserverpb.PutRequest, etcdserverpb.PutResponse, { key: Buffer.from(`big/${String(i).padStart(3, '0')}`), value: value(i, 0) });
      }
    }
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all([etcd?.destroy(), cairn?.destroy()]);
  });

  const range = (c: RawClient, req: etcdserverpb.IRangeRequest) => c.call(KV + 'Range', etcdserverpb.RangeRequest, etcdserverpb.RangeResponse, req);

  it('answers what etcd answers, with and without a limit, serializable or not', async () => {
    const requests: etcdserverpb.IRangeRequest[] = [
      { key: Buffer.from('big/'), rangeEnd: Buffer.from('big0') },
      { key: Buffer.from('big/'), rangeEnd: Buffer.from('big0'), serializable: true },
      { key: Buffer.from('big/'), rangeEnd: Buffer.from('big0'), limit: 40 }, // still above 1 MiB, with more
      { key: Buffer.from('big/'), rangeEnd: Buffer.from('big0'), limit: 10 }, // below: one buffer
      { key: Buffer.from([0]), rangeEnd: Buffer.from([0]) },
    ];
    for (const req of requests) {
      const [e, c] = await Promise.all(clients.map((cl) => range(cl, req)));
      expect(e.kvs.length).toBeGreaterThan(0);
      expect(comparable(c)).toEqual(comparable(e));
    }
  });

  it('answers a large range over the /v3 JSON gateway as etcd does', async () => {
    const body = JSON.stringify({ key: Buffer.from('big/').toString('base64'), range_end: Buffer.from('big0').toString('base64') });
    const [e, c] = await Promise.all([etcd, cairn].map(async (s) => {
      const res = await fetch(`http://${s.endpoint}/v3/kv/range`, { method: 'POST', body });
      expect(res.status).toBe(200);
      const json = (await res.json()) as { header: Record<string, unknown>; kvs: unknown[] };
      return { ...json, header: { ...json.header, cluster_id: '<id>', member_id: '<id>' } };
    }));
    expect(e.kvs.length).toBe(keys);
    expect(c).toEqual(e);
  });

  it('keeps the snapshot it started from while writes and a compaction follow', async () => {
    const c = clients[1];
    const before = await range(c, { key: Buffer.from('big/'), rangeEnd: Buffer.from('big0') });
    // a burst of big ranges racing overwrites, deletes and a physical compaction of everything they read
    const reads = Array.from({ length: 6 }, () => range(c, { key: Buffer.from('big/'), rangeEnd: Buffer.from('big0') }));
    const writes = (async () => {
      for (let i = 0; i < keys; i += 4) {
        await c.call(KV + 'Put', etcdserverpb.PutRequest, etcdserverpb.PutResponse, { key: Buffer.from(`big/${String(i).padStart(3, '0')}`), value: value(i, 1) });
      }
      const del = await c.call(KV + 'DeleteRange', etcdserverpb.DeleteRangeRequest, etcdserverpb.DeleteRangeResponse, { key: Buffer.from('big/04'), rangeEnd: Buffer.from('big/05') });
      await c.call(KV + 'Compact', etcdserverpb.CompactionRequest, etcdserverpb.CompactionResponse, { revision: del.header?.revision, physical: true });
    })();
    const [results] = await Promise.all([Promise.all(reads), writes]);
    const revBefore = Number(before.header?.revision);
    for (const r of results) {
      const rev = Number(r.header?.revision);
      expect(rev).toBeGreaterThanOrEqual(revBefore);
      // whatever revision a read saw, its KeyValues are exactly that revision's: each key's mod revision <= it
      for (const kv of r.kvs) expect(Number(kv.modRevision)).toBeLessThanOrEqual(rev);
      if (rev === revBefore) expect(comparable(r)).toEqual(comparable(before));
    }
    // and the store is still whole: 48 keys minus the 8 deleted (big/040..047), values from the last writes
    const after = await range(c, { key: Buffer.from('big/'), rangeEnd: Buffer.from('big0') });
    expect(after.kvs.length).toBe(keys - 8);
    expect(Buffer.from(after.kvs[0].value ?? []).equals(value(0, 1))).toBe(true);
  });
});
