// `cairn init` end to end: collect the answers, confirm, write the files, print the summary.
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { clusterFiles, type ClusterFile } from './cluster-files';
import type { ClusterPlan } from './cluster-plan';
import { collectPlan, type CollectMode } from './collect-plan';
import { InitError } from './init-error';
import type { InitFlags } from './init-flags';
import { isPromptAbort } from './inquirer-prompter';
import type { Prompter } from './prompter';
import { renderNextSteps, renderPlanTable } from './render-summary';
import { existingFiles, writeClusterFiles } from './write-cluster-files';

export const exitOk = 0;
export const exitError = 1;
/** 128 + SIGINT, as a shell reports a command stopped by Ctrl+C */
export const exitInterrupted = 130;
const tokenRandomBytes = 4;

export interface InitIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** stdin and stdout are both terminals */
  readonly interactive: boolean;
  readonly cwd: string;
  /** called only when questions are to be asked */
  readonly prompter: () => Prompter;
  readonly newToken?: () => string;
}

export function randomToken(): string {
  return `cairn-cluster-${crypto.randomBytes(tokenRandomBytes).toString('hex')}`;
}

export function collectMode(flags: InitFlags, interactive: boolean): CollectMode {
  if (flags.yes) return 'defaults';
  return flags.nonInteractive || !interactive ? 'strict' : 'ask';
}

/** Without a terminal, existing files are overwritten only with --force. */
function refuseOverwrite(plan: ClusterPlan, files: readonly ClusterFile[], flags: InitFlags): void {
  const existing = existingFiles(files).map((f) => path.basename(f));
  if (existing.length > 0 && !flags.force) {
    throw new InitError(`these files exist in ${plan.outputDir} already: ${existing.join(', ')}; pass --force to overwrite them`);
  }
}

/** On a terminal, the last question before writing (its default is no when it would overwrite without --force). */
async function confirmWrite(plan: ClusterPlan, files: readonly ClusterFile[], flags: InitFlags, prompter: Prompter): Promise<boolean> {
  const existing = existingFiles(files).map((f) => path.basename(f));
  const overwrite = existing.length === 0 ? '' : ` (overwrites ${existing.join(', ')})`;
  return prompter.confirm({
    message: `Write ${files.length} files to ${plan.outputDir}${overwrite}?`,
    default: existing.length === 0 || flags.force,
  });
}

export async function runInit(flags: InitFlags, io: InitIo): Promise<number> {
  const mode = collectMode(flags, io.interactive);
  const prompter = mode === 'ask' ? io.prompter() : null;
  try {
    const plan = await collectPlan({ flags, prompter, mode, cwd: io.cwd, newToken: io.newToken ?? randomToken });
    const files = clusterFiles(plan);
    if (prompter === null) refuseOverwrite(plan, files, flags);
    io.stdout(renderPlanTable(plan));
    if (prompter !== null && !(await confirmWrite(plan, files, flags, prompter))) {
      io.stderr('Nothing written.\n');
      return exitError;
    }
    writeClusterFiles(files);
    io.stdout(renderNextSteps(plan, files));
    return exitOk;
  } catch (err) {
    if (err instanceof InitError) {
      io.stderr(`Error: ${err.message}\n`);
      return exitError;
    }
    if (isPromptAbort(err)) {
      io.stderr('Aborted: nothing written.\n');
      return exitInterrupted;
    }
    throw err;
  }
}
