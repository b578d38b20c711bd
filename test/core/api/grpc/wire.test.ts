import Long from 'long';
import { joinFrameStream, type FrameStream } from '../../../../src/core/api/transport';
import { etcdserverpb, mvccpb, toNumber } from '../../../../src/core/api/proto';
import { frameDelete, framePut, frameRange, frameRangeResponse, frameTxn, frameHeaderOnly, headerIdBytes, revisionOnlyHeader, varintSize } from '../../../../src/core/api/grpc/wire';

const kv = (key: string, value: string, rev: number) =>
  mvccpb.KeyValue.encode({ key: Buffer.from(key), value: Buffer.from(value), createRevision: rev, modRevision: rev, version: 1 }).finish();

const header = (revision: number) => ({ idBytes: headerIdBytes(0xcdf818194e3a8c32n, 0x8e9e05c52164694dn), revision, raftTerm: 2 });

function unframe(frame: Buffer): Buffer {
  expect(frame[0]).toBe(0);
  expect(frame.readUInt32BE(1)).toBe(frame.length - 5);
  return frame.subarray(5);
}

describe('wire', () => {
  it('computes varint sizes across byte boundaries', () => {
    for (const n of [0, 1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 35, 2 ** 53 - 1]) {
      const w = etcdserverpb.CompactionRequest.encode({ revision: n }).finish();
      expect(varintSize(n)).toBe(n === 0 ? 1 : w.length - 1);
    }
  });

  it('encodes a RangeResponse that protobufjs decodes identically', () => {
    const kvs = [kv('a', 'x'.repeat(300), 2), kv('b', '', 3)];
    const decoded = etcdserverpb.RangeResponse.decode(unframe(frameRange({ header: header(2 ** 40), kvs, more: true, count: 7 })));
    expect(decoded.header?.clusterId?.toString(16)).toBe('cdf818194e3a8c32');
    expect(decoded.header?.memberId?.toString(16)).toBe('8e9e05c52164694d');
    expect(toNumber(decoded.header?.revision)).toBe(2 ** 40);
    expect(toNumber(decoded.header?.raftTerm)).toBe(2);
    expect(decoded.kvs.map((k) => Buffer.from(k.key ?? []).toString())).toEqual(['a', 'b']);
    expect(Buffer.from(decoded.kvs[0].value ?? []).toString()).toBe('x'.repeat(300));
    expect(decoded.more).toBe(true);
    expect(toNumber(decoded.count)).toBe(7);
  });

  it('sends a streamed range in pieces that add up to the frame the whole-buffer encoder builds', () => {
    const kvs = Array.from({ length: 50 }, (_, i) => kv(`k${i}`, 'v'.repeat(i * 40), i + 2));
    const fields = kvs.map((k) => {
      const head: number[] = [0x12];
      for (let n = k.length; ; n >>>= 7) { if (n < 0x80) { head.push(n); break; } head.push((n & 0x7f) | 0x80); }
      return Buffer.concat([Buffer.from(head), Buffer.from(k)]);
    });
    for (const [more, count] of [[true, 300], [false, 50], [false, 0]] as const) {
      let at = 0;
      let closed = 0;
      const stream = {
        size: fields.reduce((n, f) => n + f.length, 0),
        next: (maxBytes: number) => {
          if (at >= fields.length) return undefined;
          const out: Buffer[] = [];
          let size = 0;
          while (at < fields.length && (out.length === 0 || size < maxBytes)) { size += fields[at].length; out.push(fields[at++]); }
          return Buffer.concat(out);
        },
        close: () => { closed++; },
      };
      const pieces = frameRangeResponse({ header: header(9), kvs: [], stream, more, count });
      expect(pieces).not.toBeInstanceOf(Buffer);
      const joined = joinFrameStream(pieces as FrameStream);
      expect(closed).toBe(1);
      expect(joined.equals(frameRange({ header: header(9), kvs, more, count }))).toBe(true);
    }
  });

  it('frames KeyValues encoded in place without copying them, identically to the copying encoder', () => {
    const kvs = [kv('a', 'x'.repeat(200), 2), kv('b', 'y', 3)];
    const body = Buffer.concat(kvs.map((k) => Buffer.concat([Buffer.from(k.length > 127 ? [0x12, (k.length & 0x7f) | 0x80, k.length >> 7] : [0x12, k.length]), Buffer.from(k)])));
    const buf = Buffer.alloc(64 + body.length + 16);
    body.copy(buf, 64);
    const encoded = { buf, start: 64, end: 64 + body.length };
    const inPlace = frameRange({ header: header(9), kvs: [], encoded, more: true, count: 300 });
    const copied = frameRange({ header: header(9), kvs, more: true, count: 300 });
    expect(inPlace.equals(copied)).toBe(true);
    expect(inPlace.buffer).toBe(buf.buffer); // the KeyValues' own buffer, not a copy
    const inTxn = frameTxn({ header: header(9), succeeded: true, responses: [{ range: { header: revisionOnlyHeader(9), kvs: [], encoded, more: false, count: 2 } }] });
    const t = etcdserverpb.TxnResponse.decode(unframe(inTxn));
    expect(t.responses[0].responseRange?.kvs?.map((k) => Buffer.from(k.key ?? []).toString())).toEqual(['a', 'b']);
  });

  it('leaves out zero and false fields as proto3 does', () => {
    const bytes = unframe(frameRange({ header: header(1), kvs: [], more: false, count: 0 }));
    const expected = etcdserverpb.RangeResponse.encode({
      header: { clusterId: Long.fromString('14841639068965178418', true), memberId: Long.fromString('10276657743932975437', true), revision: 1, raftTerm: 2 },
    }).finish();
    expect(Buffer.from(bytes).equals(Buffer.from(expected))).toBe(true);
  });

  it('encodes Put, DeleteRange, header-only and nested Txn responses', () => {
    const p = etcdserverpb.PutResponse.decode(unframe(framePut({ header: header(5), prevKv: kv('k', 'v', 4) })));
    expect(Buffer.from(p.prevKv?.value ?? []).toString()).toBe('v');
    const d = etcdserverpb.DeleteRangeResponse.decode(unframe(frameDelete({ header: header(6), deleted: 2, prevKvs: [kv('a', '1', 2), kv('b', '2', 3)] })));
    expect(toNumber(d.deleted)).toBe(2);
    expect(d.prevKvs).toHaveLength(2);
    const c = etcdserverpb.CompactionResponse.decode(unframe(frameHeaderOnly(header(9))));
    expect(toNumber(c.header?.revision)).toBe(9);
    const t = etcdserverpb.TxnResponse.decode(unframe(frameTxn({
      header: header(7), succeeded: true,
      responses: [
        { put: { header: revisionOnlyHeader(7) } },
        { range: { header: revisionOnlyHeader(7), kvs: [kv('a', '1', 7)], more: false, count: 1 } },
        { deleteRange: { header: revisionOnlyHeader(7), deleted: 0, prevKvs: [] } },
        { txn: { header: revisionOnlyHeader(7), succeeded: false, responses: [{ put: { header: revisionOnlyHeader(7) } }] } },
      ],
    })));
    expect(t.succeeded).toBe(true);
    expect(t.responses.map((r) => r.response)).toEqual(['responsePut', 'responseRange', 'responseDeleteRange', 'responseTxn']);
    expect(toNumber(t.responses[1].responseRange?.count)).toBe(1);
    expect(t.responses[3].responseTxn?.responses?.[0].response).toBe('responsePut');
    expect(toNumber(t.responses[0].responsePut?.header?.clusterId)).toBe(0);
  });
});
