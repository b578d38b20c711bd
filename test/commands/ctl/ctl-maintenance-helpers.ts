// Helpers for the maintenance and membership differential tests.

export function firstLine(s: string): string {
  return s.split('\n')[0];
}

/**
 * The zap JSON log lines of a run (stderr), parsed, with what differs between two runs masked: timestamps, the
 * measured duration ("took") and the file name each side was given.
 */
export function zapLines(stderr: string, file: string): Record<string, unknown>[] {
  return stderr.split('\n').filter((l) => l.startsWith('{"level":')).map((l) => {
    const o = JSON.parse(l.split(file).join('<f>')) as Record<string, unknown>;
    expect(typeof o.ts === 'number' || typeof o.ts === 'string').toBe(true);
    o.ts = typeof o.ts; // epoch seconds (snapshot's logger) or ISO text (clientv3's): the type must match
    if ('took' in o) {
      expect(typeof o.took).toBe('number');
      o.took = '<dur>';
    }
    return o;
  });
}

import { spawn } from 'node:child_process';
import { RUN_JS } from '../../helpers/procs';
import { normalize, type CtlRun, type PairResult } from './ctl-diff';

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCDCTL_')) e[k] = v;
  return { ...e, ETCDCTL_API: '3' };
}

/** Runs a command to its end (killed after timeoutMs); output as latin1 text, as ctl-diff's runs keep it. */
export function runAsync(cmd: string, argv: readonly string[], timeoutMs = 30_000): Promise<CtlRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, argv, { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), code });
    });
  });
}

export const etcdctlAsync = (endpoint: string, args: readonly string[]): Promise<CtlRun> => runAsync('etcdctl', [...args, '--endpoints', endpoint]);
export const cairnAsync = (endpoint: string, args: readonly string[]): Promise<CtlRun> => runAsync(process.execPath, [RUN_JS, 'ctl', ...args, '--endpoints', endpoint]);

/** ctl-diff's comparePair with both tools running at once (the CPUs are shared; the runs are independent). */
export async function comparePairAsync(refEndpoint: string, sutEndpoint: string, args: readonly string[], mask: (s: string) => string = (s) => s): Promise<PairResult> {
  const [e, c] = await Promise.all([etcdctlAsync(refEndpoint, args), cairnAsync(sutEndpoint, args)]);
  return { etcdctl: normalize(e, mask), cairn: normalize(c, (s) => mask(s.split(sutEndpoint).join(refEndpoint))) };
}

export interface Background {
  stdout(): string;
  stderr(): string;
  /** SIGKILL and wait for the exit */
  stop(): Promise<void>;
}

/** A long-running command (make-mirror) with its output collected as it comes. */
export function startBackground(cmd: string, argv: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): Background {
  const p = spawn(cmd, argv, { env: { ...env(), ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (b: Buffer) => { out += b.toString('latin1'); });
  p.stderr.on('data', (b: Buffer) => { err += b.toString('latin1'); });
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  return {
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls `cond` until it holds (or fails the test after timeoutMs). */
export async function until(cond: () => boolean, describeState: () => string = () => '', timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not met in time; state: ${describeState()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
