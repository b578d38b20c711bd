// A real etcd 3.4 cluster of several members on 127.0.0.1 (free ports, one temp dir), for the membership
// commands that need one: member add/remove/update/promote, move-leader. Members can be added later (a started
// learner, for promote) and everything is killed and removed by stop().
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, tempDir } from './procs';

export interface ClusterMember {
  readonly name: string;
  readonly peerUrl: string;
  readonly clientUrl: string;
  /** host:port of the client URL */
  readonly endpoint: string;
  readonly proc: ChildProcess;
  readonly dir: string;
}

export interface EtcdCluster {
  readonly dir: string;
  readonly members: ClusterMember[];
  /** comma-separated client endpoints of the initial members */
  readonly endpoints: string;
  /** starts one more member joining the existing cluster (after `member add` named it with `peerUrl`) */
  join(name: string, peerUrl: string, initialCluster: string): Promise<ClusterMember>;
  stop(): Promise<void>;
}

async function waitHealthy(m: ClusterMember, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (m.proc.exitCode !== null) throw new Error(`etcd ${m.name} exited: ${fs.readFileSync(path.join(m.dir, 'etcd.log'), 'utf8')}`);
    try {
      const res = await fetch(`${m.clientUrl}/health`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`etcd ${m.name} at ${m.endpoint} not healthy`);
}

function startMember(root: string, name: string, peerUrl: string, clientPort: number, initialCluster: string, state: 'new' | 'existing'): ClusterMember {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  const log = fs.openSync(path.join(dir, 'etcd.log'), 'a');
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const proc = spawn('etcd', [
    '--name', name, '--data-dir', path.join(dir, 'data'),
    '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl,
    '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', initialCluster, '--initial-cluster-state', state, '--initial-cluster-token', 'cairn-test',
    // etcd's defaults: shorter timeouts cost spurious elections when the test machine is busy, and with them
    // 'unhealthy cluster' refusals of membership changes that have nothing to do with what is tested
    '--heartbeat-interval', '100', '--election-timeout', '1000',
    // no health gate on membership changes: etcd refuses them ('unhealthy cluster') while any peer link has
    // been up for less than 5 s, which a loaded test machine hits at random; the learner-in-sync check of
    // promote comes before this gate and stays
    '--strict-reconfig-check=false',
  ], { cwd: dir, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  return { name, peerUrl, clientUrl, endpoint: `127.0.0.1:${clientPort}`, proc, dir };
}

/** Starts `size` members m0..m<size-1> and waits until every one is healthy. */
export async function startEtcdCluster(size = 3): Promise<EtcdCluster> {
  const root = tempDir('etcd-cluster');
  const peers: string[] = [];
  const clients: number[] = [];
  for (let i = 0; i < size; i++) {
    peers.push(`http://127.0.0.1:${await freePort()}`);
    clients.push(await freePort());
  }
  const initial = peers.map((p, i) => `m${i}=${p}`).join(',');
  const members = peers.map((p, i) => startMember(root, `m${i}`, p, clients[i], initial, 'new'));
  const cluster: EtcdCluster = {
    dir: root,
    members,
    endpoints: members.map((m) => m.endpoint).join(','),
    join: async (name, peerUrl, initialCluster) => {
      const m = startMember(root, name, peerUrl, await freePort(), initialCluster, 'existing');
      members.push(m);
      await waitHealthy(m, 30_000);
      return m;
    },
    stop: async () => {
      await Promise.all(members.map(async (m) => {
        if (m.proc.exitCode === null && m.proc.signalCode === null) {
          const exited = new Promise<void>((resolve) => m.proc.once('exit', () => resolve()));
          m.proc.kill('SIGKILL');
          await exited;
        }
      }));
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(members.map((m) => waitHealthy(m, 30_000)));
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
