// etcd's lease requests as applied from committed entries (etcdserver apply.go LeaseGrant/LeaseRevoke, lease
// lessor.go Grant/Revoke): the stored lease and its keys change in the entry's transaction; the lessor's timers
// follow from the outcome (server/etcd-server.ts).
import { Errors, raise } from '../../errors';
import { toBigInt, toNumber, type etcdserverpb } from '../../api/proto';
import type { KvWriter } from '../../storage/mvcc';

/** etcd's MaxLeaseTTL (seconds): a longer TTL is refused with "etcdserver: too large lease TTL". */
export const maxLeaseTtl = 9_000_000_000;

export interface LeaseGrantResult {
  readonly id: bigint;
  /** the TTL granted (the request's, raised to the minimum when below it) */
  readonly ttl: number;
  readonly revision: number;
}

/** Grants lease ID with TTL raised to `minTtl` (the proposer already chose a nonzero ID). */
export function leaseGrant(w: KvWriter, r: etcdserverpb.ILeaseGrantRequest, minTtl: number): LeaseGrantResult {
  const id = toBigInt(r.ID ?? 0);
  if (id === 0n) raise(Errors.LeaseNotFound);
  let ttl = toNumber(r.TTL ?? 0);
  if (ttl > maxLeaseTtl) raise(Errors.LeaseTTLTooLarge);
  if (ttl < minTtl) ttl = minTtl;
  if (!w.leaseGrant(id, ttl)) raise(Errors.LeaseExist);
  return { id, ttl, revision: w.revision };
}

/** Revokes a lease: its keys are deleted at one revision (DELETE events for watchers), then the lease. */
export function leaseRevoke(w: KvWriter, r: etcdserverpb.ILeaseRevokeRequest): { id: bigint; revision: number } {
  const id = toBigInt(r.ID ?? 0);
  if (!w.leaseRevoke(id)) raise(Errors.LeaseNotFound);
  return { id, revision: w.revision };
}
