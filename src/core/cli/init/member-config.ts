// One member's etcd configuration file (etcd 3.4 `--config-file`, embed.ConfigFromFile): the keys are etcd's
// flag names, URL lists are comma-separated strings, TLS settings sit in client-/peer-transport-security.
import assert from 'node:assert';
import * as path from 'node:path';
import { memberTlsPath, type ClusterPlan, type MemberPlan, type TlsSide } from './cluster-plan';
import { initialCluster, memberUrls } from './member-urls';

/** etcd's securityConfig keys */
export interface EtcdTransportSecurity {
  readonly 'cert-file': string;
  readonly 'key-file': string;
  readonly 'client-cert-auth': boolean;
  readonly 'trusted-ca-file': string;
}

export interface EtcdMemberConfig {
  readonly name: string;
  readonly 'data-dir': string;
  readonly 'listen-peer-urls': string;
  readonly 'listen-client-urls': string;
  readonly 'initial-advertise-peer-urls': string;
  readonly 'advertise-client-urls': string;
  readonly 'initial-cluster': string;
  readonly 'initial-cluster-token': string;
  readonly 'initial-cluster-state': 'new' | 'existing';
  readonly 'client-transport-security'?: EtcdTransportSecurity;
  readonly 'peer-transport-security'?: EtcdTransportSecurity;
}

function security(side: TlsSide, memberName: string): EtcdTransportSecurity {
  return {
    'cert-file': memberTlsPath(side.certFile, memberName),
    'key-file': memberTlsPath(side.keyFile, memberName),
    'client-cert-auth': side.clientCertAuth,
    'trusted-ca-file': side.trustedCaFile === '' ? '' : memberTlsPath(side.trustedCaFile, memberName),
  };
}

export function memberConfig(plan: ClusterPlan, member: MemberPlan): EtcdMemberConfig {
  assert(plan.members.includes(member), 'member of another plan');
  assert(path.isAbsolute(member.dataDir), 'data dir must be absolute');
  const urls = memberUrls(plan, member);
  const base: EtcdMemberConfig = {
    name: member.name,
    'data-dir': member.dataDir,
    'listen-peer-urls': urls.listenPeer,
    'listen-client-urls': urls.listenClient,
    'initial-advertise-peer-urls': urls.advertisePeer,
    'advertise-client-urls': urls.advertiseClient,
    'initial-cluster': initialCluster(plan),
    'initial-cluster-token': plan.token,
    'initial-cluster-state': plan.state,
  };
  if (plan.tls === null) return base;
  return {
    ...base,
    'client-transport-security': security(plan.tls.client, member.name),
    'peer-transport-security': security(plan.tls.peer, member.name),
  };
}

/**
 * Every string is double-quoted: etcd reads YAML 1.1, where a bare `on`, `yes` or `0x10` would become a
 * boolean or a number and fail to decode into a string field.
 */
function scalar(v: string | boolean): string {
  return typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

export function renderMemberYaml(config: EtcdMemberConfig): string {
  const lines = [
    `# etcd configuration of member ${config.name}, written by \`cairn init\`.`,
    '# Start it with `cairn server --config-file <this file>` (or `etcd --config-file <this file>`).',
  ];
  for (const [key, value] of Object.entries(config) as [string, string | boolean | EtcdTransportSecurity][]) {
    if (typeof value === 'object') {
      lines.push(`${key}:`);
      for (const [k, v] of Object.entries(value) as [string, string | boolean][]) lines.push(`  ${k}: ${scalar(v)}`);
    } else {
      lines.push(`${key}: ${scalar(value)}`);
    }
  }
  return lines.join('\n') + '\n';
}
