// Keepalive enforcement, as grpc-go's server does it (etcd's --grpc-keepalive-min-time): a ping that comes
// sooner than `minTimeMs` after the previous one (or sooner than 2 h when the client has no calls open and
// pings without calls are not permitted) is a strike; more than `maxPingStrikes` strikes and the client is
// sent away with GOAWAY ENHANCE_YOUR_CALM "too_many_pings". Sending headers or data resets the strikes.
// Pure: the caller passes the clock.

export const maxPingStrikes = 2;
/** grpc-go's defaultPingTimeout: the least interval between pings on a connection without calls */
export const idlePingIntervalMs = 2 * 60 * 60 * 1000;

export interface PingPolicyOptions {
  minTimeMs: number;
  permitWithoutCalls: boolean;
}

export class PingPolicy {
  private strikes = 0;
  private lastPingAtMs = -Infinity;
  /** set when the server wrote headers or data since the last ping */
  wroteSinceLastPing = false;

  constructor(private readonly options: PingPolicyOptions) {}

  /** Records a ping; true when the client has now pinged too often and must be sent away. */
  onPing(nowMs: number, openCalls: number): boolean {
    const last = this.lastPingAtMs;
    this.lastPingAtMs = nowMs;
    if (this.wroteSinceLastPing) {
      this.wroteSinceLastPing = false;
      this.strikes = 0;
      return false;
    }
    const minIntervalMs = openCalls < 1 && !this.options.permitWithoutCalls ? idlePingIntervalMs : this.options.minTimeMs;
    if (last + minIntervalMs > nowMs) this.strikes++;
    return this.strikes > maxPingStrikes;
  }
}
