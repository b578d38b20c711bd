// Helpers for the lease/watch/lock/elect differential tests: lease ids per twin server (the two servers
// generate different ids for the same grant, so each side gets its own id on the command line and ids are
// masked back to a shared name), and long-running ctl processes (keep-alive, watch, lock, elect) that are
// started, fed, watched for output and stopped with a signal.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { RUN_JS } from '../../helpers/procs';
import { normalize, runCairnCtl, runEtcdctl, type CtlRun, type RunOptions } from './ctl-diff';

export type Tool = 'etcdctl' | 'cairn';

export function ctlEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCDCTL_')) env[k] = v;
  return { ...env, ETCDCTL_API: '3', ...extra };
}

export function runTool(tool: Tool, endpoint: string, args: readonly string[], o: RunOptions = {}): CtlRun {
  return tool === 'etcdctl' ? runEtcdctl(endpoint, args, o) : runCairnCtl(endpoint, args, o);
}

/** `lease grant` through etcdctl on one server; the id in hex. */
export function grantOn(endpoint: string, ttl: number): string {
  const r = runEtcdctl(endpoint, ['lease', 'grant', String(ttl)]);
  const m = /^lease ([0-9a-f]{16}) granted/.exec(r.stdout);
  if (r.code !== 0 || m === null) throw new Error(`grant failed: ${r.stderr}`);
  return m[1];
}

/** A lease granted on both twins: its hex id on each side. */
export interface TwinLease {
  readonly ref: string;
  readonly sut: string;
}

/**
 * Lease ids as placeholders: each side's ids, in hex (simple output, %016x) and decimal (json and fields print
 * int64), become `<lease#n>` — the same name on both sides for the lease granted by the same step.
 */
export class LeaseNames {
  private readonly leases: TwinLease[] = [];

  add(l: TwinLease): TwinLease {
    this.leases.push(l);
    return l;
  }

  mask(side: 'ref' | 'sut'): (s: string) => string {
    return (s) => {
      let out = s;
      this.leases.forEach((l, i) => {
        const hex = l[side];
        out = out.split(hex).join(`<lease#${i}>`).split(BigInt(`0x${hex}`).toString()).join(`<lease#${i}>`);
      });
      return out;
    };
  }
}

/**
 * A remaining TTL ticks while the command runs: masked only when it is within `slack` seconds below the
 * granted TTL (a wrong value still shows). Covers simple `remaining(Ns)`, json `"ttl":N` and fields `"TTL" : N`.
 */
export function maskRemaining(granted: number, slack = 5): (s: string) => string {
  const ok = (n: string) => Number(n) <= granted && Number(n) >= granted - slack;
  return (s) => s
    .replace(/remaining\((\d+)s\)/g, (m, n: string) => (ok(n) ? 'remaining(<ttl>)' : m))
    .replace(/"ttl":(\d+)/g, (m, n: string) => (ok(n) ? '"ttl":<ttl>' : m))
    .replace(/^"TTL" : (\d+)$/gm, (m, n: string) => (ok(n) ? '"TTL" : <ttl>' : m));
}

/** Runs the two command lines (each side's own ids) and normalizes both with the lease names. */
export function compareLeasePair(
  ref: string, sut: string, refArgs: readonly string[], sutArgs: readonly string[], names: LeaseNames,
  o: RunOptions & { mask?: (s: string) => string } = {},
): { etcdctl: CtlRun; cairn: CtlRun } {
  const extra = o.mask ?? ((x: string) => x);
  const refMask = names.mask('ref');
  const sutMask = names.mask('sut');
  return {
    etcdctl: normalize(runEtcdctl(ref, refArgs, o), (s) => extra(refMask(s))),
    cairn: normalize(runCairnCtl(sut, sutArgs, o), (s) => extra(sutMask(s.split(sut).join(ref)))),
  };
}

/** A ctl process left running: its output so far, a way to wait for some of it, and a stop by signal. */
export class LiveCtl {
  readonly proc: ChildProcess;
  private out = Buffer.alloc(0);
  private err = Buffer.alloc(0);
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(tool: Tool, endpoint: string, args: readonly string[], o: { env?: Readonly<Record<string, string>>; stdin?: string } = {}) {
    // --endpoints first: after a `--` (exec forms) it would be an argument of the command
    const argv = ['--endpoints', endpoint, ...args];
    this.proc = tool === 'etcdctl'
      ? spawn('etcdctl', argv, { env: ctlEnv(o.env), stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(process.execPath, [RUN_JS, 'ctl', ...argv], { env: ctlEnv(o.env), stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', (b: Buffer) => { this.out = Buffer.concat([this.out, b]); });
    this.proc.stderr?.on('data', (b: Buffer) => { this.err = Buffer.concat([this.err, b]); });
    if (o.stdin !== undefined) this.proc.stdin?.end(o.stdin);
    this.exited = new Promise((resolve) => this.proc.once('close', (code, signal) => resolve({ code, signal })));
  }

  /** writes to the process's stdin (left open: -i modes end at EOF) */
  write(s: string): void {
    this.proc.stdin?.write(s);
  }

  endInput(): void {
    this.proc.stdin?.end();
  }

  get stdout(): string {
    return this.out.toString('latin1');
  }

  get stderr(): string {
    return this.err.toString('latin1').split('\n').filter((l) => !l.startsWith('{"level":')).join('\n');
  }

  /** Resolves once stdout matches (rejects after `timeoutMs`, with what was seen). */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.stdout)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}: stdout ${JSON.stringify(this.stdout)} stderr ${JSON.stringify(this.stderr)}`);
      if (this.proc.exitCode !== null) throw new Error(`exited (${this.proc.exitCode}) before ${pattern}: ${JSON.stringify(this.stdout)} ${JSON.stringify(this.stderr)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sends the signal (if still running) and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<{ stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null }> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    const e = await this.exited;
    return { stdout: this.stdout, stderr: this.stderr, ...e };
  }

  async done(timeoutMs = 20_000): Promise<{ stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null }> {
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    const e = await this.exited;
    clearTimeout(timer);
    return { stdout: this.stdout, stderr: this.stderr, ...e };
  }
}

export function etcdctlOk(endpoint: string, args: readonly string[], input?: string): string {
  const r = spawnSync('etcdctl', [...args, '--endpoints', endpoint], { env: ctlEnv(), input: input ?? '' });
  if (r.status !== 0) throw new Error(`etcdctl ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout.toString('latin1');
}

function runAsync(cmd: string, argv: readonly string[], o: RunOptions): Promise<CtlRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, argv, { env: ctlEnv(o.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => p.kill('SIGKILL'), o.timeoutMs ?? 30_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), code });
    });
    p.stdin.on('error', () => undefined); // a command that exits before reading its stdin (EPIPE)
    p.stdin.end(o.input ?? '');
  });
}

/** compareLeasePair with both tools running at once (they talk to different servers). */
export async function compareLeasePairAsync(
  ref: string, sut: string, refArgs: readonly string[], sutArgs: readonly string[], names: LeaseNames,
  o: RunOptions & { mask?: (s: string) => string } = {},
): Promise<{ etcdctl: CtlRun; cairn: CtlRun }> {
  const extra = o.mask ?? ((x: string) => x);
  const refMask = names.mask('ref');
  const sutMask = names.mask('sut');
  const [e, c] = await Promise.all([
    runAsync('etcdctl', [...refArgs, '--endpoints', ref], o),
    runAsync(process.execPath, [RUN_JS, 'ctl', ...sutArgs, '--endpoints', sut], o),
  ]);
  return {
    etcdctl: normalize(e, (s) => extra(refMask(s))),
    cairn: normalize(c, (s) => extra(sutMask(s.split(sut).join(ref)))),
  };
}

/** Runs `f` over the items, `width` at a time. */
export async function inBatches<T>(items: readonly T[], width: number, f: (x: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(f));
}
