// Real server processes for integration tests: cairn (node bin/run.js server) or the real etcd 3.4, each on
// 127.0.0.1 with free ports in its own temp dir, removed when stopped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const RUN_JS = path.join(ROOT, 'bin', 'run.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cairn-${prefix}-`));
}

export interface ServerProc {
  readonly kind: 'cairn' | 'etcd';
  readonly endpoint: string; // host:port
  readonly dir: string;
  readonly dataDir: string;
  proc: ChildProcess;
  log(): string;
  /** SIGTERM and wait; keeps the data dir */
  stop(): Promise<number | null>;
  /** SIGKILL and wait; keeps the data dir */
  kill9(): Promise<void>;
  /** starts again on the same data dir and ports */
  restart(): Promise<void>;
  /** stops and removes the temp dir */
  destroy(): Promise<void>;
}

export interface StartOptions {
  readonly extraArgs?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly name?: string;
}

/** Spawns and waits until the member answers /health. */
export async function startServer(kind: 'cairn' | 'etcd', opts: StartOptions = {}): Promise<ServerProc> {
  const dir = tempDir(kind);
  const dataDir = path.join(dir, 'data');
  const clientPort = await freePort();
  const peerPort = await freePort();
  const name = opts.name ?? 'm1';
  const args = [
    '--name', name, '--data-dir', dataDir,
    '--listen-client-urls', `http://127.0.0.1:${clientPort}`, '--advertise-client-urls', `http://127.0.0.1:${clientPort}`,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `${name}=http://127.0.0.1:${peerPort}`,
    ...(opts.extraArgs ?? []),
  ];
  const logPath = path.join(dir, 'server.log');
  const spawnIt = (): ChildProcess => {
    const out = fs.openSync(logPath, 'a');
    const cmd = kind === 'etcd' ? 'etcd' : process.execPath;
    const argv = kind === 'etcd' ? args : [RUN_JS, 'server', ...args];
    const p = spawn(cmd, argv, { cwd: dir, env: { ...process.env, ...opts.env }, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    return p;
  };
  const sp: ServerProc = {
    kind,
    endpoint: `127.0.0.1:${clientPort}`,
    dir,
    dataDir,
    proc: spawnIt(),
    log: () => (fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8') : ''),
    stop: async () => {
      if (sp.proc.exitCode !== null || sp.proc.signalCode !== null) return sp.proc.exitCode;
      const exited = new Promise<number | null>((resolve) => sp.proc.once('exit', (code) => resolve(code)));
      sp.proc.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      if (sp.proc.exitCode !== null || sp.proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => sp.proc.once('exit', () => resolve()));
      sp.proc.kill('SIGKILL');
      await exited;
    },
    restart: async () => {
      sp.proc = spawnIt();
      await waitHealthy(sp);
    },
    destroy: async () => {
      await sp.kill9();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitHealthy(sp);
  } catch (err) {
    await sp.destroy();
    throw err;
  }
  return sp;
}

async function waitHealthy(sp: ServerProc, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (sp.proc.exitCode !== null) throw new Error(`${sp.kind} exited with ${sp.proc.exitCode}:\n${sp.log()}`);
    try {
      const res = await fetch(`http://${sp.endpoint}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${sp.kind} did not become healthy in ${timeoutMs} ms:\n${sp.log()}`);
}

export interface CmdResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/** Runs the real etcdctl (API v3) against an endpoint. */
export function etcdctl(endpoint: string, args: readonly string[], input?: string): CmdResult {
  const r = spawnSync('etcdctl', ['--endpoints', endpoint, ...args], {
    env: { ...process.env, ETCDCTL_API: '3' },
    input,
    encoding: 'utf8',
    timeout: 20000,
  });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

export function hasEtcd(): boolean {
  return spawnSync('etcd', ['--version']).status === 0 && spawnSync('etcdctl', ['version'], { env: { ...process.env, ETCDCTL_API: '3' } }).status === 0;
}
