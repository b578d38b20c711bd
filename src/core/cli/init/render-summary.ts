// What `cairn init` prints: the members as a table, the files written, the commands to run next, and the
// notes on what cairn's own server cannot do yet with this cluster.
import Table from 'cli-table3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { memberTlsPath, type ClusterPlan } from './cluster-plan';
import type { ClusterFile } from './cluster-files';
import { startScriptName, stopScriptName } from './cluster-scripts';
import { clientEndpoints, listenHost, memberUrls } from './member-urls';
import { singleMemberNote, tlsNote } from './notes';
import { shellQuote } from './shell-quote';

export function renderPlanTable(plan: ClusterPlan): string {
  const table = new Table({
    head: ['member', 'client URL', 'peer URL', 'data dir'],
    style: { head: [], border: [] }, // no colours: the same text on a terminal and in a pipe
  });
  for (const m of plan.members) {
    const urls = memberUrls(plan, m);
    table.push([m.name, urls.advertiseClient, urls.advertisePeer, m.dataDir]);
  }
  return `${table.toString()}\ncluster token ${plan.token}, initial cluster state ${plan.state}, ` +
    `TLS ${plan.tls === null ? 'off' : 'on'}\n`;
}

function etcdctlCommand(plan: ClusterPlan): string {
  const args = ['ETCDCTL_API=3', 'etcdctl', '--endpoints', clientEndpoints(plan)];
  const tls = plan.tls?.client;
  const first = plan.members[0].name;
  if (tls !== undefined && tls.trustedCaFile !== '') args.push('--cacert', memberTlsPath(tls.trustedCaFile, first));
  if (tls !== undefined && tls.clientCertAuth) {
    args.push('--cert', memberTlsPath(tls.certFile, first), '--key', memberTlsPath(tls.keyFile, first));
  }
  args.push('endpoint', 'health');
  return args.map((a, i) => (i === 0 ? a : shellQuote(a))).join(' ');
}

function notes(plan: ClusterPlan): string[] {
  const out: string[] = [];
  if (plan.members.length > 1) out.push(singleMemberNote);
  if (plan.tls !== null) out.push(tlsNote);
  const hosts = new Set(plan.members.map((m) => m.host.toLowerCase()));
  if (hosts.size > 1) {
    out.push(`The members live on ${hosts.size} hosts: copy ${plan.outputDir} to each host and start only its own ` +
      `members there (./${startScriptName} NAME).`);
  }
  const anyAddress = plan.members.filter((m) => listenHost(m.host) !== m.host).map((m) => m.name);
  if (anyAddress.length > 0) {
    const verb = anyAddress.length === 1 ? 'advertises a DNS name, so it listens' : 'advertise DNS names, so they listen';
    out.push(`${anyAddress.join(', ')} ${verb} on every interface (0.0.0.0).`);
  }
  if (plan.state === 'existing') {
    out.push('The members join a running cluster: add each one there first (etcdctl member add NAME ' +
      '--peer-urls=URL, with the peer URL above) and start it only then.');
  } else {
    const reused = plan.members.filter((m) => fs.existsSync(path.join(m.dataDir, 'member'))).map((m) => m.name);
    if (reused.length > 0) {
      out.push(`${reused.join(', ')}: the data dir holds a member already; it restarts from there and ignores ` +
        'the initial-cluster settings.');
    }
  }
  return out;
}

export function renderNextSteps(plan: ClusterPlan, files: readonly ClusterFile[]): string {
  const lines = [
    `Wrote ${files.length} files to ${plan.outputDir}: ${files.map((f) => path.basename(f.path)).join(', ')}`,
    '',
    'Next:',
    `  cd ${shellQuote(plan.outputDir)}`,
    `  ./${startScriptName}          # CAIRN_SERVER=etcd ./${startScriptName} runs the real etcd instead`,
    `  ${etcdctlCommand(plan)}`,
    `  ./${stopScriptName}`,
  ];
  for (const note of notes(plan)) lines.push('', `Note: ${note}`);
  return lines.join('\n') + '\n';
}
