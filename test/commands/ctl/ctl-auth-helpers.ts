// Asynchronous twins of ctl-diff.ts's runners, so that etcdctl and cairn ctl (and independent command lines)
// run side by side: the same environment rules and the same normalization as comparePair.
import { spawn } from 'node:child_process';
import { RUN_JS } from '../../helpers/procs';
import { normalize, type CtlRun, type PairResult, type RunOptions } from './ctl-diff';

function env(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCDCTL_')) e[k] = v;
  return { ...e, ETCDCTL_API: '3', ...extra };
}

function argvFor(endpoint: string, args: readonly string[], o: RunOptions): string[] {
  if (o.noEndpoint) return [...args];
  return o.endpointFirst ? ['--endpoints', endpoint, ...args] : [...args, '--endpoints', endpoint];
}

function run(cmd: string, argv: readonly string[], o: RunOptions): Promise<CtlRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, argv, { env: env(o.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => p.kill('SIGKILL'), o.timeoutMs ?? 30_000);
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), code });
    });
    p.stdin.on('error', () => undefined);
    p.stdin.end(o.input ?? '');
  });
}

/** comparePair, with both tools running at once. */
export async function comparePairAsync(refEndpoint: string, sutEndpoint: string, args: readonly string[], o: RunOptions & { mask?: (s: string) => string } = {}): Promise<PairResult> {
  const mask = o.mask ?? ((x: string) => x);
  const [e, c] = await Promise.all([
    run('etcdctl', argvFor(refEndpoint, args, o), o),
    run(process.execPath, [RUN_JS, 'ctl', ...argvFor(sutEndpoint, args, o)], o),
  ]);
  return { etcdctl: normalize(e, mask), cairn: normalize(c, (s) => mask(s.split(sutEndpoint).join(refEndpoint))) };
}

/** Maps with at most `width` calls under way. */
export async function pool<T, R>(items: readonly T[], width: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}
