// Shared by the `cairn init` end-to-end tests: the built CLI, the generated scripts, the real etcdctl.
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, ROOT, RUN_JS } from '../../helpers/procs';

export const healthTimeoutMs = 15000;
const pollMs = 100;

export function requireBuiltCli(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'commands', 'init.js'))) {
    throw new Error('dist/commands/init.js is missing: run `npm run build` first');
  }
}

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `cairn init ...` with no terminal (stdin is /dev/null, output is piped). */
export function runInitCli(args: readonly string[], cwd: string): Run {
  const r = spawnSync(process.execPath, [RUN_JS, 'init', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 15000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runScript(script: string, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(script, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 20000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function etcdctl(args: readonly string[]): Run {
  const r = spawnSync('etcdctl', args, { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'utf8', timeout: 10000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Distinct free loopback ports. */
export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/** Polls `etcdctl endpoint health` until every endpoint is healthy; returns the last answer. */
export async function waitHealthy(etcdctlArgs: readonly string[]): Promise<Run> {
  const deadline = Date.now() + healthTimeoutMs;
  for (;;) {
    // short timeouts, so a member still electing costs one short poll rather than etcdctl's 5 s default
    const r = etcdctl([...etcdctlArgs, '--dial-timeout', '1s', '--command-timeout', '2s', 'endpoint', 'health']);
    if (r.code === 0 || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** etcd's member id for a new cluster: the first 8 bytes of sha1(sorted peer URLs joined + cluster token). */
export function etcdMemberId(peerUrls: readonly string[], token: string): string {
  const digest = crypto.createHash('sha1').update([...peerUrls].sort().join('') + token).digest();
  return digest.subarray(0, 8).toString('hex').replace(/^0+/, '');
}

/** SIGKILLs members a failed test left running (from their pid files). */
export function killLeftovers(outputDir: string): void {
  if (!fs.existsSync(outputDir)) return;
  for (const f of fs.readdirSync(outputDir).filter((name) => name.endsWith('.pid'))) {
    const pid = Number(fs.readFileSync(path.join(outputDir, f), 'utf8'));
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}
