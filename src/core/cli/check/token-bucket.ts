// A token bucket as golang.org/x/time/rate's Limiter: `rate` tokens a second, each request takes one,
// reservations may go into debt (the caller waits until the debt is paid), and a wait that would end after the
// deadline is refused without taking a token (Limiter.Wait(ctx) with a deadline).
//
// etcdctl uses a burst of 1. Node's timers fire late (a millisecond or more, more on a busy machine), and with a
// burst of 1 every late wake-up at a high rate loses the tokens that would have accrued: the bucket therefore
// holds up to 10 ms of tokens (at least 1), which keeps the average rate without changing it at low rates.
export type Clock = () => number;

export class TokenBucket {
  private tokens: number;
  private last: number;
  readonly capacity: number;

  constructor(readonly ratePerSecond: number, private readonly now: Clock = Date.now, burst = 1) {
    if (!(ratePerSecond > 0)) throw new RangeError('rate must be positive');
    this.capacity = Math.max(burst, ratePerSecond / 100);
    this.tokens = burst;
    this.last = now();
  }

  /** Takes a token: the ms to wait before using it, or undefined (nothing taken) when that is past `deadline`. */
  reserve(deadline = Number.POSITIVE_INFINITY): number | undefined {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) * this.ratePerSecond) / 1000);
    this.last = t;
    const after = this.tokens - 1;
    const waitMs = after >= 0 ? 0 : (-after * 1000) / this.ratePerSecond;
    if (t + waitMs > deadline) return undefined;
    this.tokens = after;
    return waitMs;
  }

  /** Waits for a token; false when none comes before `deadline`. Waits under a millisecond are not slept. */
  async wait(deadline = Number.POSITIVE_INFINITY): Promise<boolean> {
    const w = this.reserve(deadline);
    if (w === undefined) return false;
    if (w >= 1) await new Promise((r) => setTimeout(r, w));
    return true;
  }
}
