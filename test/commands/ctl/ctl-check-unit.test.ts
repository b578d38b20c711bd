// check perf / datascale logic without a server: loads, the token bucket (fake clock), the bounded load
// runner, statistics and etcdctl 3.4's verdict lines.
import { prefixRange, randomKey } from '../../../src/core/cli/check/check-run';
import { datascaleLoads, durationScale, loadName, perfLoads } from '../../../src/core/cli/check/loads';
import { datascaleVerdict, formatMb, perfVerdict, StatsCollector, type LoadStats } from '../../../src/core/cli/check/report';
import { runLoad } from '../../../src/core/cli/check/run-load';
import { TokenBucket } from '../../../src/core/cli/check/token-bucket';
import { CtlExit } from '../../../src/core/cli/ctl-exit';

const stats = (o: Partial<LoadStats>): LoadStats => ({ rps: 150, slowest: 0.01, stddev: 0.001, errors: new Map(), succeeded: 9000, ...o });

describe('loads', () => {
  it("has etcdctl's levels and aliases", () => {
    expect(perfLoads.s).toEqual({ limit: 150, clients: 50, duration: 60 });
    expect(perfLoads.xl).toEqual({ limit: 15000, clients: 1000, duration: 60 });
    expect(datascaleLoads.m).toEqual({ limit: 100000, kvSize: 1024, clients: 200 });
    expect(['s', 'small', 'm', 'medium', 'l', 'large', 'xl', 'xLarge'].map(loadName)).toEqual(['s', 's', 'm', 'm', 'l', 'l', 'xl', 'xl']);
  });
  it('refuses other names with ExitBadFeature', () => {
    for (const bad of ['', 'XL', 'xlarge', 'toString', 'huge']) {
      let err: unknown;
      try { loadName(bad); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(CtlExit);
      expect(err).toMatchObject({ code: 4, errorMessage: `unknown load option ${bad}` });
    }
  });
  it('scales the duration only with a positive CAIRN_CHECK_DURATION_SCALE', () => {
    expect(durationScale({})).toBe(1);
    expect(durationScale({ CAIRN_CHECK_DURATION_SCALE: '0.05' })).toBe(0.05);
    expect(durationScale({ CAIRN_CHECK_DURATION_SCALE: '-1' })).toBe(1);
    expect(durationScale({ CAIRN_CHECK_DURATION_SCALE: 'x' })).toBe(1);
  });
});

describe('TokenBucket', () => {
  it('paces at the rate, one token of burst at low rates', () => {
    let now = 0;
    const b = new TokenBucket(100, () => now);
    expect(b.reserve()).toBe(0);
    expect(b.reserve()).toBeCloseTo(10);
    expect(b.reserve()).toBeCloseTo(20);
    now = 1000; // a second idle: only the burst is kept
    expect(b.reserve()).toBe(0);
    expect(b.reserve()).toBeCloseTo(10);
  });
  it('refuses a wait past the deadline without taking the token', () => {
    const now = 0;
    const b = new TokenBucket(10, () => now);
    expect(b.reserve(50)).toBe(0);
    expect(b.reserve(50)).toBeUndefined(); // next token at 100 ms
    expect(b.reserve(100)).toBeCloseTo(100);
  });
  it('keeps 10 ms of tokens at high rates', () => {
    let now = 0;
    const b = new TokenBucket(15000, () => now);
    expect(b.capacity).toBe(150);
    now = 1000;
    let free = 0;
    while (b.reserve() === 0) free++;
    expect(free).toBe(150);
  });
});

describe('runLoad', () => {
  it('keeps at most `concurrency` requests in flight and runs `total`', async () => {
    let inFlight = 0;
    let peak = 0;
    let calls = 0;
    const s = await runLoad({
      concurrency: 7,
      total: 100,
      request: async () => {
        const n = ++calls;
        inFlight++;
        peak = Math.max(peak, inFlight);
        await Promise.resolve();
        inFlight--;
        if (n % 10 === 0) throw new Error('etcdserver: too many requests');
      },
    });
    expect(calls).toBe(100);
    expect(peak).toBe(7);
    expect(s.succeeded).toBe(90);
    expect(s.errors).toEqual(new Map([['etcdserver: too many requests', 10]]));
  });
});

describe('statistics and verdicts', () => {
  it('computes rps, slowest and the population stddev of successes', () => {
    const c = new StatsCollector();
    for (const l of [0.1, 0.2, 0.3]) c.add({ latency: l });
    c.add({ latency: 5, error: 'boom' });
    const s = c.stats(2);
    expect(s.rps).toBe(1.5);
    expect(s.slowest).toBe(0.3);
    expect(s.stddev).toBeCloseTo(Math.sqrt(0.02 / 3), 12);
  });
  it('passes like etcdctl 3.4', () => {
    expect(perfVerdict(stats({ rps: 142.3, slowest: 0.123456789, stddev: 0.0098 }), 150)).toEqual({
      ok: true,
      lines: ['PASS: Throughput is 143 writes/s', 'PASS: Slowest request took 0.123457s', 'PASS: Stddev is 0.009800s', 'PASS'],
    });
  });
  it('fails like etcdctl 3.4 (no FAIL: prefix on the latency lines in 3.4)', () => {
    expect(perfVerdict(stats({ rps: 135, slowest: 0.6, stddev: 0.2, errors: new Map([['b', 2], ['a', 1]]) }), 150)).toEqual({
      ok: false,
      lines: ['FAIL: too many errors', 'FAIL: ERROR(a) -> 1', 'FAIL: ERROR(b) -> 2', 'FAIL: Throughput too low: 136 writes/s',
        'Slowest request took too long: 0.600000s', 'Stddev too high: 0.200000s', 'FAIL'],
    });
    // 90% of the limit exactly is too low; the bounds 0.5 s and 0.1 s pass
    expect(perfVerdict(stats({ rps: 135.0000001, slowest: 0.5, stddev: 0.1 }), 150).ok).toBe(true);
    expect(perfVerdict(stats({ rps: 135 }), 150).ok).toBe(false);
  });
  it('formats the memory used as Go does', () => {
    expect(formatMb(57_923_584)).toBe('55.24');
    expect(formatMb(-1_040_384)).toBe('-0.99');
    expect(formatMb(131_072)).toBe('0.12'); // 0.125: ties to even
    expect(formatMb(393_216)).toBe('0.38'); // 0.375
    expect(datascaleVerdict(stats({}), 1_048_576)).toEqual({ ok: true, lines: ['PASS: Approximate system memory used : 1.00 MB.'] });
    expect(datascaleVerdict(stats({ errors: new Map([['x', 3]]) }), 0)).toEqual({ ok: false, lines: ['FAIL: too many errors', 'FAIL: ERROR(x) -> 3'] });
  });
});

describe('keys', () => {
  it("writes etcdctl's keys: prefix, a varint, zeros", () => {
    const k = randomKey(Buffer.from('/p/'), 256);
    expect(k.length).toBe(259);
    expect(k.subarray(0, 3).toString()).toBe('/p/');
    expect(k[3] & 1).toBe(0); // zigzag of a non-negative number
    expect(k.subarray(13).every((b) => b === 0)).toBe(true); // an int63 varint takes at most 10 bytes
    // a well-formed varint of an even number below 2^64 (zigzag of a non-negative int63)
    for (let n = 0; n < 200; n++) {
      const key = randomKey(Buffer.alloc(0), 16);
      let v = 0n;
      let i = 0;
      for (; key[i] & 0x80; i++) v |= BigInt(key[i] & 0x7f) << BigInt(7 * i);
      v |= BigInt(key[i]) << BigInt(7 * i);
      expect({ even: v % 2n === 0n, below: v < 2n ** 64n, len: i < 10, rest: key.subarray(i + 1).every((b) => b === 0) }).toEqual({ even: true, below: true, len: true, rest: true });
    }
  });
  it('ranges over the prefix', () => {
    expect(prefixRange('/a/')).toEqual({ key: Buffer.from('/a/'), rangeEnd: Buffer.from('/a0') });
    expect(prefixRange('')).toEqual({ key: Buffer.from([0]), rangeEnd: Buffer.from([0]) });
  });
});
