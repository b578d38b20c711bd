import { startPeriodicCompactor, startRevisionCompactor, REVISION_CHECK_INTERVAL_MS, type CompactorTimers } from '../../../src/core/server/auto-compactor';

/** A manual clock: `advance(ms)` fires due timers in time order. */
class FakeTimers implements CompactorTimers {
  t = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown): void { this.timers = this.timers.filter((x) => x.id !== h); }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
      await new Promise((r) => setImmediate(r)); // let compact promises settle
    }
    this.t = end;
  }
}

function host(revAt: (t: number) => number, timers: FakeTimers) {
  const compactions: Array<{ at: number; rev: number }> = [];
  return {
    compactions,
    h: {
      currentRevision: () => revAt(timers.now()),
      compact: async (rev: number) => { compactions.push({ at: timers.now(), rev }); },
      info: () => undefined,
      warn: () => undefined,
    },
  };
}

describe('auto-compactor', () => {
  it('periodic: compacts to the revision of one period ago, first after one period, then every period (<= 1h)', async () => {
    const timers = new FakeTimers();
    const { h, compactions } = host((t) => 1 + Math.floor(t / 1000), timers); // one revision a second
    const c = startPeriodicCompactor(h, 10 * 60 * 1000, timers); // 10 minutes
    await timers.advance(9 * 60 * 1000);
    expect(compactions).toHaveLength(0);
    await timers.advance(2 * 60 * 1000);
    expect(compactions).toHaveLength(1);
    // the revision compacted to is about one period old
    expect(compactions[0].at / 1000 + 1 - compactions[0].rev).toBeGreaterThanOrEqual(600);
    expect(compactions[0].at / 1000 + 1 - compactions[0].rev).toBeLessThanOrEqual(660);
    await timers.advance(30 * 60 * 1000);
    expect(compactions.length).toBeGreaterThanOrEqual(3);
    expect(compactions.length).toBeLessThanOrEqual(5);
    c.stop();
    const n = compactions.length;
    await timers.advance(60 * 60 * 1000);
    expect(compactions).toHaveLength(n);
  });

  it('periodic: with a retention above an hour compacts hourly and keeps the whole retention', async () => {
    const timers = new FakeTimers();
    const { h, compactions } = host((t) => 1 + Math.floor(t / 1000), timers);
    const c = startPeriodicCompactor(h, 3 * 3600 * 1000, timers); // 3h
    await timers.advance(3 * 3600 * 1000 + 7 * 60 * 1000);
    expect(compactions).toHaveLength(1);
    await timers.advance(3600 * 1000);
    expect(compactions).toHaveLength(2);
    for (const x of compactions) expect(x.at / 1000 + 1 - x.rev).toBeGreaterThanOrEqual(3 * 3600);
    c.stop();
  });

  it('revision: every 5 minutes compacts to current - retention when it moved', async () => {
    const timers = new FakeTimers();
    let rev = 5;
    const { h, compactions } = host(() => rev, timers);
    const c = startRevisionCompactor(h, 10, timers);
    await timers.advance(REVISION_CHECK_INTERVAL_MS);
    expect(compactions).toHaveLength(0); // 5 - 10 <= 0
    rev = 100;
    await timers.advance(REVISION_CHECK_INTERVAL_MS);
    expect(compactions.map((x) => x.rev)).toEqual([90]);
    await timers.advance(REVISION_CHECK_INTERVAL_MS);
    expect(compactions.map((x) => x.rev)).toEqual([90]); // nothing new
    rev = 250;
    await timers.advance(REVISION_CHECK_INTERVAL_MS);
    expect(compactions.map((x) => x.rev)).toEqual([90, 240]);
    c.stop();
  });
});
