import { PingPolicy, idlePingIntervalMs, maxPingStrikes } from '../../../../src/core/api/transport/ping-policy';

describe('PingPolicy', () => {
  it('sends away a client after more than maxPingStrikes pings closer than minTime', () => {
    const p = new PingPolicy({ minTimeMs: 5000, permitWithoutCalls: false });
    expect(p.onPing(0, 1)).toBe(false); // the first ping is never a strike
    for (let i = 1; i <= maxPingStrikes; i++) expect(p.onPing(i, 1)).toBe(false);
    expect(p.onPing(100, 1)).toBe(true);
  });

  it('accepts pings at the minimum interval', () => {
    const p = new PingPolicy({ minTimeMs: 5000, permitWithoutCalls: false });
    for (let t = 0; t < 100_000; t += 5000) expect(p.onPing(t, 1)).toBe(false);
  });

  it('forgives pings once the server has written since the last one', () => {
    const p = new PingPolicy({ minTimeMs: 5000, permitWithoutCalls: false });
    for (let i = 0; i < 10; i++) {
      p.wroteSinceLastPing = true;
      expect(p.onPing(i, 1)).toBe(false);
    }
  });

  it('holds pings without calls to the 2 h interval unless permitted', () => {
    const strict = new PingPolicy({ minTimeMs: 5000, permitWithoutCalls: false });
    const lax = new PingPolicy({ minTimeMs: 5000, permitWithoutCalls: true });
    let strictOut = false;
    for (let t = 0; t <= 4 * 10_000; t += 10_000) {
      strictOut ||= strict.onPing(t, 0);
      expect(lax.onPing(t, 0)).toBe(false);
    }
    expect(strictOut).toBe(true);
    const slow = new PingPolicy({ minTimeMs: 5000, permitWithoutCalls: false });
    for (let t = 0; t < 10 * idlePingIntervalMs; t += idlePingIntervalMs) expect(slow.onPing(t, 0)).toBe(false);
  });
});
