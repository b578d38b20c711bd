// Member and cluster ids computed as etcd computes them, so the same flags give the same ids as etcd
// (etcd's defaults, http://localhost:2380 and token etcd-cluster, give member 8e9e05c52164694d and
// cluster cdf818194e3a8c32).
import { createHash } from 'node:crypto';

/** sha1(sorted peer URLs joined + cluster token [+ unix seconds]) → first 8 bytes, big-endian. */
export function computeMemberId(peerUrls: readonly string[], clusterToken: string, nowUnixSeconds?: number): bigint {
  const joined = [...peerUrls].sort().join('') + clusterToken + (nowUnixSeconds === undefined ? '' : String(nowUnixSeconds));
  return createHash('sha1').update(joined, 'utf8').digest().readBigUInt64BE(0);
}

/** sha1 of the sorted member ids (8 bytes big-endian each) → first 8 bytes, big-endian. */
export function computeClusterId(memberIds: readonly bigint[]): bigint {
  const sorted = [...memberIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const buf = Buffer.alloc(8 * sorted.length);
  sorted.forEach((id, i) => buf.writeBigUInt64BE(id, 8 * i));
  return createHash('sha1').update(buf).digest().readBigUInt64BE(0);
}

/** An id as etcd prints it: lower-case hex without leading zeros. */
export function idToHex(id: bigint): string {
  return id.toString(16);
}
