// `cairn ctl <command> …` without oclif: bin/run.js hands ctl command lines here, and when they name a command
// (after global flags and cobra's prefix matching, as dispatch.ts finds it) the command's module is loaded
// from the map written at build (scripts/gen-ctl-map.js → dist/ctl-commands.json) and run directly. Loading
// @oclif/core (its index, Config, the manifest) costs more than the rest of a ctl command together; a ctl
// command uses none of it beyond being constructed with its argv and leaving through exit().
//
// While the fast path runs, CtlCommand extends the stand-in below instead of oclif's Command (see
// `commandBase`), and oclifFlags() builds nothing (oclif's flag objects only serve --help and the manifest).
// Help (--help, -h, a topic alone) and unknown commands return undefined: bin/run.js then runs oclif as before.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command as OclifCommand } from '@oclif/core';
import { dispatch } from './dispatch';

/** dist/ctl-commands.json: every ctl command id, and where its module is (relative to the package root) */
export interface CtlCommandMap {
  readonly commands: Readonly<Record<string, string>>;
}

export const ctlMapFile = 'ctl-commands.json';

let active = false;

/** Whether this process runs a ctl command through the fast path (no oclif loaded). */
export function fastPathActive(): boolean {
  return active;
}

/** Thrown by the stand-in's exit(): the fast path ends the process with this code. */
export class FastPathExit {
  constructor(readonly code: number) {}
}

/** What CtlCommand needs of oclif's Command: the argv it was made with, and exit(). */
class StandInCommand {
  static strict = true;
  constructor(public argv: string[], public config: unknown) {}
  exit(code = 0): never {
    throw new FastPathExit(code);
  }
}

/** The class CtlCommand extends: oclif's Command, or the stand-in in the fast path (oclif never loaded). */
export function commandBase(): typeof OclifCommand {
  if (active) return StandInCommand as unknown as typeof OclifCommand;
  // a deep import: the same class the @oclif/core index exports, without the rest of the index
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@oclif/core/command') as typeof import('@oclif/core/command')).Command;
}

function readMap(root: string): CtlCommandMap | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'dist', ctlMapFile), 'utf8')) as CtlCommandMap;
  } catch {
    return undefined;
  }
}

export type FastPlan =
  | { readonly kind: 'run'; readonly id: string; readonly module: string; readonly argv: string[] }
  | { readonly kind: 'oclif'; readonly reason: 'help' | 'unknown' | 'no-map' | 'needs-oclif' };

/** Commands that read oclif's own state (completion lists oclif's commands): always through oclif. */
export const oclifOnlyCommands: ReadonlySet<string> = new Set(['ctl:completion']);

/** Where `cairn ctl <argv…>` goes: a command module to run here, or oclif (help, topics, unknown commands). */
export function planCtl(argv: readonly string[], root: string, map: CtlCommandMap | undefined = readMap(root)): FastPlan {
  if (map === undefined) return { kind: 'oclif', reason: 'no-map' };
  // oclif shows help for these wherever they stand (as it does today)
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'oclif', reason: 'help' };
  const d = dispatch(argv, Object.keys(map.commands));
  if (d.kind !== 'run') return { kind: 'oclif', reason: d.kind };
  if (oclifOnlyCommands.has(d.id)) return { kind: 'oclif', reason: 'needs-oclif' };
  const rel = map.commands[d.id];
  if (rel === undefined) return { kind: 'oclif', reason: 'no-map' };
  return { kind: 'run', id: d.id, module: path.join(root, rel), argv: d.argv };
}

interface RunnableCommand {
  run(): Promise<unknown>;
}
type CommandClass = new (argv: string[], config: unknown) => RunnableCommand;

/** Runs the planned command; resolves to the process exit code. */
export async function runPlanned(plan: Extract<FastPlan, { kind: 'run' }>): Promise<number> {
  active = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(plan.module) as { default?: CommandClass };
  const Cmd = mod.default;
  if (typeof Cmd !== 'function') throw new Error(`${plan.module} has no default export`);
  try {
    await new Cmd(plan.argv, { bin: 'cairn', fastPath: true }).run();
    return 0;
  } catch (err) {
    if (err instanceof FastPathExit) return err.code;
    // a command that reached oclif's own exit()/error() anyway (oclif's ExitError carries the code)
    const oclifExit = (err as { oclif?: { exit?: unknown } } | null)?.oclif?.exit;
    if (typeof oclifExit === 'number') return oclifExit;
    throw err;
  }
}

/**
 * For bin/run.js: runs `cairn ctl <argv…>` here when it names a command, resolving to its exit code;
 * undefined when oclif should take the command line (help, topics, unknown commands, no map built).
 */
export function ctlFastPath(argv: readonly string[], root: string): Promise<number> | undefined {
  const plan = planCtl(argv, root);
  return plan.kind === 'run' ? runPlanned(plan) : undefined;
}
