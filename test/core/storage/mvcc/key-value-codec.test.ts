import Long from 'long';
import { mvccpb } from '../../../../src/core/api/proto';
import {
  KeyValueView, decodeKeyValue, encodeDeletedKeyValue, encodeKeyValue, readKeyValueView, stripValue, type KeyValueFields,
} from '../../../../src/core/storage/mvcc/key-value-codec';

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const interesting = [0, 1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35, 2 ** 49 + 3, Number.MAX_SAFE_INTEGER];
const leases = [0n, 1n, 127n, 128n, 2n ** 32n - 1n, 2n ** 32n, 0x694d7c5f1b39d20an, 2n ** 63n - 1n, -1n, -(2n ** 63n), -12345n];

function randomKv(rnd: () => number): KeyValueFields {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
  const num = () => (rnd() < 0.5 ? interesting[Math.floor(rnd() * interesting.length)] : Math.floor(rnd() * 2 ** (rnd() * 53)));
  return {
    key: bytes(Math.floor(rnd() * 40)),
    createRevision: num(),
    modRevision: num(),
    version: num(),
    value: bytes(rnd() < 0.2 ? 300 : Math.floor(rnd() * 20)),
    lease: leases[Math.floor(rnd() * leases.length)],
  };
}

const toLong = (n: number | bigint) => Long.fromString(n.toString());

describe('key-value-codec', () => {
  it('encodes byte for byte like protobufjs when every field is set', () => {
    const kv = { key: Buffer.from('k'), createRevision: 5, modRevision: 9, version: 3, value: Buffer.from('value'), lease: 0x694d7c5f1b39d20an };
    const ours = encodeKeyValue(kv);
    const theirs = mvccpb.KeyValue.encode({ ...kv, lease: toLong(kv.lease) }).finish();
    expect(Buffer.from(ours)).toEqual(Buffer.from(theirs));
  });

  it('round-trips random KeyValues against protobufjs in both directions', () => {
    const seed = 0xc0ffee;
    const rnd = mulberry32(seed);
    for (let i = 0; i < 3000; i++) {
      const kv = randomKv(rnd);
      const ours = encodeKeyValue(kv);
      const decoded = mvccpb.KeyValue.decode(ours);
      expect(Buffer.from(decoded.key)).toEqual(Buffer.from(kv.key));
      expect(Long.fromValue(decoded.createRevision).toString()).toBe(String(kv.createRevision));
      expect(Long.fromValue(decoded.modRevision).toString()).toBe(String(kv.modRevision));
      expect(Long.fromValue(decoded.version).toString()).toBe(String(kv.version));
      expect(Buffer.from(decoded.value)).toEqual(Buffer.from(kv.value));
      expect(Long.fromValue(decoded.lease).toString()).toBe(kv.lease.toString());
      // protobufjs leaves zero fields out too when they are not set: same bytes
      const props: Record<string, unknown> = {};
      if (kv.key.length) props.key = kv.key;
      if (kv.createRevision) props.createRevision = toLong(kv.createRevision);
      if (kv.modRevision) props.modRevision = toLong(kv.modRevision);
      if (kv.version) props.version = toLong(kv.version);
      if (kv.value.length) props.value = kv.value;
      if (kv.lease !== 0n) props.lease = toLong(kv.lease);
      const theirs = mvccpb.KeyValue.encode(props).finish();
      if (!Buffer.from(ours).equals(Buffer.from(theirs))) throw new Error(`seed ${seed} case ${i}: bytes differ`);
      const back = decodeKeyValue(theirs);
      expect(back).toEqual({ ...kv, key: expect.anything(), value: expect.anything() });
      expect(Buffer.from(back.key)).toEqual(Buffer.from(kv.key));
      expect(Buffer.from(back.value)).toEqual(Buffer.from(kv.value));
    }
  });

  it('reads field positions without copying', () => {
    const b = encodeKeyValue({ key: Buffer.from('abc'), createRevision: 2, modRevision: 300, version: 7, value: Buffer.from('xyz'), lease: 9n });
    const v = readKeyValueView(b, new KeyValueView());
    expect(Buffer.from(b.subarray(v.keyStart, v.keyEnd)).toString()).toBe('abc');
    expect(Buffer.from(b.subarray(v.valueStart, v.valueEnd)).toString()).toBe('xyz');
    expect([v.createRevision, v.modRevision, v.version, v.lease]).toEqual([2, 300, 7, 9n]);
  });

  it('skips unknown fields when decoding', () => {
    const b = Buffer.concat([encodeKeyValue({ key: Buffer.from('a'), createRevision: 1, modRevision: 1, version: 1, value: Buffer.alloc(0), lease: 0n }), Buffer.from([0xb8, 0x01, 0x05, 0x3a, 0x01, 0x41])]);
    expect(decodeKeyValue(b).version).toBe(1);
  });

  it('strips the value for keys_only and keeps the other fields', () => {
    const b = encodeKeyValue({ key: Buffer.from('k'), createRevision: 2, modRevision: 3, version: 1, value: Buffer.from('v'.repeat(200)), lease: 77n });
    const s = stripValue(b);
    const d = mvccpb.KeyValue.decode(s);
    expect(Buffer.from(d.key).toString()).toBe('k');
    expect(d.value.length).toBe(0);
    expect(Long.fromValue(d.lease).toNumber()).toBe(77);
    const noValue = encodeKeyValue({ key: Buffer.from('k'), createRevision: 2, modRevision: 3, version: 1, value: Buffer.alloc(0), lease: 0n });
    expect(stripValue(noValue)).toBe(noValue);
  });

  it('encodes a deleted key as etcd sends it in a DELETE event', () => {
    const d = mvccpb.KeyValue.decode(encodeDeletedKeyValue(Buffer.from('gone'), 42));
    expect(Buffer.from(d.key).toString()).toBe('gone');
    expect(Long.fromValue(d.modRevision).toNumber()).toBe(42);
    expect(Long.fromValue(d.createRevision).toNumber()).toBe(0);
  });
});
