// KV.RangeStream (etcd 3.7) against a real cairn server through grpc-js: the chunks, merged as clientv3's
// GetStreamToGetResponse merges them, are Range's answer; a large range comes in many chunks; refused requests
// get etcd's codes and messages; a cancelled stream leaves the server serving. etcd 3.4 has no RangeStream:
// it answers Unimplemented, which is what `cairn ctl get --stream` reports against it (ctl tests).
import { etcdserverpb } from '../../src/core/api/proto';
import { grpcError, RawClient } from '../helpers/grpc';
import { startServer, type ServerProc } from '../helpers/procs';

const KV = '/etcdserverpb.KV/';
const big = 40;
const bigValueBytes = 64 * 1024; // 40 x 64 KiB = 2.5 MiB: about ten 256 KiB chunks

const enc = (req: etcdserverpb.IRangeRequest) => Buffer.from(etcdserverpb.RangeRequest.encode(req).finish());

/** clientv3's merge: kvs appended in order; header, more and count from the chunk that has them (the last). */
function merge(messages: readonly Buffer[]): etcdserverpb.RangeResponse {
  const out = etcdserverpb.RangeResponse.create();
  messages.forEach((m, i) => {
    const inner = etcdserverpb.RangeStreamResponse.decode(m).rangeResponse;
    if (!inner) throw new Error(`chunk ${i} has no range_response`);
    const r = inner as etcdserverpb.RangeResponse; // decode builds message instances
    const last = i === messages.length - 1;
    expect({ i, header: r.header !== null && r.header !== undefined }).toEqual({ i, header: last });
    if (!last) expect({ i, more: r.more, count: String(r.count), kvs: r.kvs.length > 0 }).toEqual({ i, more: false, count: '0', kvs: true });
    out.kvs.push(...r.kvs);
    if (r.header) out.header = r.header;
    if (r.more) out.more = true;
    if (String(r.count) !== '0') out.count = r.count;
  });
  return out;
}

const plain = (r: etcdserverpb.RangeResponse) => etcdserverpb.RangeResponse.toObject(r, { longs: String, bytes: String, defaults: true });

describe('KV.RangeStream on cairn server', () => {
  let cairn: ServerProc;
  let c: RawClient;
  let compactedBelow = 0;

  beforeAll(async () => {
    cairn = await startServer('cairn', { name: 'rs' });
    c = new RawClient(cairn.endpoint);
    const put = (k: string, v: Buffer | string) =>
      c.call(KV + 'Put', etcdserverpb.PutRequest, etcdserverpb.PutResponse, { key: Buffer.from(k), value: Buffer.from(v) });
    for (let i = 0; i < 30; i++) await put(`small/${String(i).padStart(2, '0')}`, `v${i}`);
    await put('small/05', 'overwritten');
    compactedBelow = Number(String((await put('small/06', 'again')).header?.revision));
    await c.call(KV + 'Compact', etcdserverpb.CompactionRequest, etcdserverpb.CompactionResponse, { revision: compactedBelow - 1, physical: true });
    await c.call(KV + 'DeleteRange', etcdserverpb.DeleteRangeRequest, etcdserverpb.DeleteRangeResponse, { key: Buffer.from('small/10'), rangeEnd: Buffer.from('small/15') });
    for (let i = 0; i < big; i++) await put(`big/${String(i).padStart(2, '0')}`, Buffer.alloc(bigValueBytes, i));
  }, 60_000);

  afterAll(async () => {
    c?.close();
    await cairn?.destroy();
  });

  const range = (req: etcdserverpb.IRangeRequest) => c.call(KV + 'Range', etcdserverpb.RangeRequest, etcdserverpb.RangeResponse, req);

  it('merges to exactly what Range answers', async () => {
    const s = (x: string) => Buffer.from(x);
    const requests: etcdserverpb.IRangeRequest[] = [
      { key: s('small/'), rangeEnd: s('small0') },
      { key: s('small/'), rangeEnd: s('small0'), limit: 7 },
      { key: s('small/'), rangeEnd: s('small0'), keysOnly: true, serializable: true },
      { key: s('small/'), rangeEnd: s('small0'), countOnly: true },
      { key: s('small/'), rangeEnd: s('small0'), revision: compactedBelow },
      { key: s('small/05') },
      { key: s('nothing') },
      { key: s('nothing/'), rangeEnd: s('nothing0') },
      { key: s('big/'), rangeEnd: s('big0') },
      { key: s('big/'), rangeEnd: s('big0'), limit: 25 },
      { key: s('\0'), rangeEnd: s('\0'), sortOrder: etcdserverpb.RangeRequest.SortOrder.ASCEND },
    ];
    for (const req of requests) {
      const messages = await c.serverStream(KV + 'RangeStream', enc(req));
      expect(plain(merge(messages))).toEqual(plain(await range(req)));
      if (req.key?.toString() === 'big/' && !req.limit) expect(messages.length).toBeGreaterThanOrEqual(8);
    }
  });

  it('refuses what etcd 3.7 refuses, with its codes and messages', async () => {
    const refused = async (req: etcdserverpb.IRangeRequest) => {
      try {
        await c.serverStream(KV + 'RangeStream', enc(req));
      } catch (err) {
        const e = grpcError(err);
        return `${e.code} ${e.details}`;
      }
      return 'answered';
    };
    expect(await refused({ key: Buffer.from('a'), rangeEnd: Buffer.from('b'), sortOrder: etcdserverpb.RangeRequest.SortOrder.DESCEND }))
      .toBe('12 RangeStream does not support custom sort orders');
    expect(await refused({ key: Buffer.from('a'), rangeEnd: Buffer.from('b'), minModRevision: 2 })).toBe('12 RangeStream does not support revision filters');
    expect(await refused({})).toBe('3 etcdserver: key is not provided');
    expect(await refused({ key: Buffer.from('a'), rangeEnd: Buffer.from('b'), revision: 2 })).toBe('11 etcdserver: mvcc: required revision has been compacted');
    expect(await refused({ key: Buffer.from('a'), revision: 1_000_000 })).toBe('11 etcdserver: mvcc: required revision is a future revision');
  });

  it('keeps serving after clients cancel streams part way', async () => {
    const before = await range({ key: Buffer.from('big/'), rangeEnd: Buffer.from('big0') });
    const cancelled = await Promise.all(Array.from({ length: 5 }, () =>
      c.serverStream(KV + 'RangeStream', enc({ key: Buffer.from('big/'), rangeEnd: Buffer.from('big0') }), (_m, call) => call.cancel())
        .then(() => 'ended', (err: unknown) => grpcError(err).code)));
    expect(cancelled).toEqual(Array(5).fill(1)); // CANCELLED, seen by the client
    const put = await c.call(KV + 'Put', etcdserverpb.PutRequest, etcdserverpb.PutResponse, { key: Buffer.from('after'), value: Buffer.from('x') });
    expect(Number(String(put.header?.revision))).toBe(Number(String(before.header?.revision)) + 1);
    const again = merge(await c.serverStream(KV + 'RangeStream', enc({ key: Buffer.from('big/'), rangeEnd: Buffer.from('big0') })));
    expect(plain(again).kvs).toEqual(plain(before).kvs);
  });
});
