// clientv3/concurrency.Session: a lease granted with a TTL and kept alive for as long as the session lives.
// `done` resolves when the lease is gone (expired, revoked, or the keep-alive could not renew it in time).
import Long from 'long';
import type { EtcdClient } from './etcd-client';
import { keepAliveLoop, type KeepAliveLoop } from './lease-keepalive';
import { Rpc } from './rpc-methods';

export class Session {
  private constructor(readonly client: EtcdClient, readonly lease: Long, private readonly loop: KeepAliveLoop) {}

  /** NewSession(WithTTL(ttl)): grants the lease (no deadline, as clientv3's session context) and keeps it alive. */
  static async create(client: EtcdClient, ttlSec: number): Promise<Session> {
    const r = await client.call(Rpc.leaseGrant, { TTL: ttlSec }, { deadline: Infinity });
    const id = Long.fromValue(r.ID);
    return new Session(client, id, keepAliveLoop((o) => client.leaseKeepAlive(o), id, () => undefined, Number(r.TTL)));
  }

  get done(): Promise<void> {
    return this.loop.done;
  }

  /** the lease id as clientv3 prints it with %x (no padding) */
  get leaseHex(): string {
    return BigInt(this.lease.toString()).toString(16);
  }

  /** Close: stops renewing and revokes the lease. */
  async close(deadline: number): Promise<void> {
    this.loop.stop();
    await this.client.call(Rpc.leaseRevoke, { ID: this.lease }, { deadline });
  }

  /** stops renewing without revoking (the lease runs out on its own) */
  orphan(): void {
    this.loop.stop();
  }
}
