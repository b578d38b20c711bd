// The URLs etcd's configuration needs for one member, from its host and ports.
import * as net from 'node:net';
import type { ClusterPlan, MemberPlan } from './cluster-plan';

/** IPv6 literals go in brackets inside URLs. */
export function urlHost(host: string): string {
  return net.isIPv6(host) ? `[${host}]` : host;
}

/**
 * etcd binds only to IP addresses (and "localhost"): a member advertised under a DNS name listens on every
 * interface of its machine.
 */
export function listenHost(host: string): string {
  if (host.toLowerCase() === 'localhost' || net.isIP(host) !== 0) return host;
  return '0.0.0.0';
}

export function scheme(plan: ClusterPlan): 'http' | 'https' {
  return plan.tls === null ? 'http' : 'https';
}

export interface MemberUrls {
  readonly listenClient: string;
  readonly advertiseClient: string;
  readonly listenPeer: string;
  readonly advertisePeer: string;
}

export function memberUrls(plan: ClusterPlan, m: MemberPlan): MemberUrls {
  const s = scheme(plan);
  const listen = urlHost(listenHost(m.host));
  const advertise = urlHost(m.host);
  return {
    listenClient: `${s}://${listen}:${m.clientPort}`,
    advertiseClient: `${s}://${advertise}:${m.clientPort}`,
    listenPeer: `${s}://${listen}:${m.peerPort}`,
    advertisePeer: `${s}://${advertise}:${m.peerPort}`,
  };
}

/** etcd's --initial-cluster: name=peer-url for every member, comma-separated. */
export function initialCluster(plan: ClusterPlan): string {
  return plan.members.map((m) => `${m.name}=${memberUrls(plan, m).advertisePeer}`).join(',');
}

/** Every member's client URL, comma-separated, for `etcdctl --endpoints`. */
export function clientEndpoints(plan: ClusterPlan): string {
  return plan.members.map((m) => memberUrls(plan, m).advertiseClient).join(',');
}
