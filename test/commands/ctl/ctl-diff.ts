// Differential harness for `cairn ctl` against the real etcdctl 3.4: the same command line goes through both
// tools and stdout, stderr and exit codes are compared after masking only what legitimately differs between
// two runs (client-library log lines, timestamps, measured durations, the program's own name).
//
// A pair of servers keeps both tools on identical state: `startTwinEtcd` starts two etcd 3.4 members that
// advertise the same peer URL (so cluster and member ids match) and get the same writes, one seen by etcdctl,
// the other by cairn ctl. `comparePair(refEndpoint, sutEndpoint, args)` works for any two endpoints, so the same
// suite can later put `cairn server` behind the cairn side.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, RUN_JS, tempDir } from '../../helpers/procs';
import { spawn, type ChildProcess } from 'node:child_process';

export interface CtlRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

export interface RunOptions {
  readonly input?: string;
  /** extra environment (ETCDCTL_* etc.); the rest of the environment is cleared of ETCDCTL_* */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** put --endpoints before the command (etcdctl accepts both places) */
  readonly endpointFirst?: boolean;
  /** no --endpoints at all (to test ETCDCTL_ENDPOINTS) */
  readonly noEndpoint?: boolean;
}

function baseEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCDCTL_')) env[k] = v;
  return { ...env, ETCDCTL_API: '3', ...extra };
}

function argvFor(endpoint: string, args: readonly string[], o: RunOptions): string[] {
  if (o.noEndpoint) return [...args];
  return o.endpointFirst ? ['--endpoints', endpoint, ...args] : [...args, '--endpoints', endpoint];
}

function run(cmd: string, argv: readonly string[], o: RunOptions): CtlRun {
  const r = spawnSync(cmd, argv, { env: baseEnv(o.env), input: o.input ?? '', timeout: o.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 });
  return { stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1'), code: r.status };
}

export function runEtcdctl(endpoint: string, args: readonly string[], o: RunOptions = {}): CtlRun {
  return run('etcdctl', argvFor(endpoint, args, o), o);
}

export function runCairnCtl(endpoint: string, args: readonly string[], o: RunOptions = {}): CtlRun {
  return run(process.execPath, [RUN_JS, 'ctl', ...argvFor(endpoint, args, o)], o);
}

const durationPattern = /\b\d+(\.\d+)?(ns|µs|\u00c2\u00b5s|ms|s|m\d+(\.\d+)?s)\b/g;

/** Masks what differs between any two runs, whichever tool made them. */
export function normalize(r: CtlRun, extra: (s: string) => string = (s) => s): CtlRun {
  const common = (s: string) => extra(s
    .replace(/cairn ctl/g, 'etcdctl')
    .replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} /gm, '<time> '));
  const stderr = r.stderr.split('\n').filter((l) => !l.startsWith('{"level":')).join('\n');
  return { stdout: common(r.stdout), stderr: common(stderr), code: r.code };
}

/** For outputs with measured durations (endpoint health): durations masked, table padding collapsed. */
export function maskDurations(s: string): string {
  return s.replace(durationPattern, '<dur>').replace(/ +/g, ' ').replace(/-+/g, '-');
}

export interface PairResult {
  readonly etcdctl: CtlRun;
  readonly cairn: CtlRun;
}

/** Runs the command line through etcdctl on `refEndpoint` and through cairn ctl on `sutEndpoint`. */
export function comparePair(refEndpoint: string, sutEndpoint: string, args: readonly string[], o: RunOptions & { mask?: (s: string) => string } = {}): PairResult {
  // each side names the endpoint it was given (endpoint status, health): cairn's is written as etcdctl's
  const mask = o.mask ?? ((x: string) => x);
  return {
    etcdctl: normalize(runEtcdctl(refEndpoint, args, o), mask),
    cairn: normalize(runCairnCtl(sutEndpoint, args, o), (s) => mask(s.split(sutEndpoint).join(refEndpoint))),
  };
}

/** Masks database sizes (two servers given the same writes need not have the same file size). */
export function maskDbSize(s: string): string {
  return s
    .replace(/\b\d+(\.\d+)? [kMG]?B\b/g, '<size>')
    .replace(/"dbSize":\d+/g, '"dbSize":<n>')
    .replace(/"dbSizeInUse":\d+/g, '"dbSizeInUse":<n>')
    .replace(/"(DBSize|DBSizeInUse)" : \d+/g, '"$1" : <n>');
}

export interface EtcdMember {
  readonly kind: 'etcd' | 'cairn';
  readonly endpoint: string;
  readonly dir: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Two single-member etcd 3.4 clusters with identical identities: both advertise `peerUrl` (only the first
 * listens there) and the same client URL, so cluster id, member id and member list are byte-identical. With
 * `sutIsCairn` the second is `cairn server` under the same flags (the suite then compares etcdctl on etcd with
 * cairn ctl on cairn).
 */
export async function startTwinEtcd(opts: { sutIsCairn?: boolean; extraArgs?: readonly string[] } = {}): Promise<[EtcdMember, EtcdMember]> {
  const peerPort = await freePort();
  const clientPorts = [await freePort(), await freePort()];
  const otherPeerPort = await freePort();
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const advertisedClient = `http://127.0.0.1:${clientPorts[0]}`;
  const members: EtcdMember[] = [];
  for (let i = 0; i < 2; i++) {
    const dir = tempDir(`ctl-etcd${i}`);
    const log = fs.openSync(path.join(dir, 'etcd.log'), 'a');
    const args = [
      '--name', 't', '--data-dir', path.join(dir, 'data'),
      '--listen-client-urls', `http://127.0.0.1:${clientPorts[i]}`, '--advertise-client-urls', advertisedClient,
      '--listen-peer-urls', `http://127.0.0.1:${i === 0 ? peerPort : otherPeerPort}`,
      '--initial-advertise-peer-urls', peerUrl, '--initial-cluster', `t=${peerUrl}`,
      ...(opts.extraArgs ?? []),
    ];
    const proc = i === 1 && opts.sutIsCairn === true
      ? spawn(process.execPath, [RUN_JS, 'server', ...args], { cwd: dir, stdio: ['ignore', log, log] })
      : spawn('etcd', args, { cwd: dir, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const m: EtcdMember = {
      kind: i === 1 && opts.sutIsCairn === true ? 'cairn' : 'etcd',
      endpoint: `127.0.0.1:${clientPorts[i]}`,
      dir,
      proc,
      stop: async () => {
        if (m.proc.exitCode === null && m.proc.signalCode === null) {
          const exited = new Promise<void>((resolve) => m.proc.once('exit', () => resolve()));
          m.proc.kill('SIGKILL');
          await exited;
        }
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
    members.push(m);
  }
  await Promise.all(members.map(waitHealthy));
  return [members[0], members[1]];
}

async function waitHealthy(m: EtcdMember): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (m.proc.exitCode !== null) throw new Error(`etcd exited: ${fs.readFileSync(path.join(m.dir, 'etcd.log'), 'utf8')}`);
    try {
      const res = await fetch(`http://${m.endpoint}/health`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`etcd at ${m.endpoint} not healthy`);
}

export function hasEtcdctl(): boolean {
  return spawnSync('etcdctl', ['version'], { env: baseEnv() }).status === 0 && spawnSync('etcd', ['--version']).status === 0;
}
