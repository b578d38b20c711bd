import * as fs from 'node:fs';
import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { humanizeBytes } from '../../../core/cli/go/numbers';
import { zapClient, zapProduction } from '../../../core/cli/maintenance-log';
import { goOpenError } from '../../../core/cli/maintenance-files';
import { startProgress, type Progress } from '../../../core/cli/progress';
import { streamSnapshot } from '../../../core/client/snapshot-stream';
import { EtcdError } from '../../../core/errors';

/** a snapshot ends with the sha256 of what precedes it, after whole 512-byte pages */
const sha256Size = 32;

export default class CtlSnapshotSave extends CtlCommand {
  static override summary = 'Stores an etcd node backend snapshot to a given file';
  static override examples = ['<%= config.bin %> ctl snapshot save backup.db --endpoints 127.0.0.1:2379'];
  static override get ctl(): CtlSpec {
    return { path: 'snapshot save', use: 'save <filename>', short: CtlSnapshotSave.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) throw new CtlExit(ExitCode.BadArgs, 'snapshot save expects one argument');
    const cfg = await ctx.clientConfig();
    // etcdctl: no deadline at all unless --command-timeout was given
    const deadline = ctx.flags.changed.has('command-timeout') ? ctx.commandDeadline() : undefined;
    const dbPath = ctx.args[0];
    try {
      await save(ctx, cfg, dbPath, deadline);
    } catch (err) {
      if (err instanceof EtcdError || err instanceof SaveError) throw new CtlExit(ExitCode.Interrupted, err.message);
      throw err;
    }
    ctx.out.out(`Snapshot saved at ${dbPath}\n`);
  }
}

class SaveError extends Error {}

/** clientv3/snapshot's v3Manager.Save: into <file>.part, checked, fsynced, renamed. */
async function save(ctx: CtlContext, cfg: Awaited<ReturnType<CtlContext['clientConfig']>>, dbPath: string, deadline: number | undefined): Promise<void> {
  const eps = cfg.endpoints.length === 0 ? ['127.0.0.1:2379'] : cfg.endpoints;
  if (eps.length !== 1) throw new SaveError(`snapshot must be requested to one selected node, not multiple [${eps.join(' ')}]`);
  const ep = eps[0];
  const part = `${dbPath}.part`;
  let fd: number;
  try {
    fd = fs.openSync(part, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o600);
  } catch (err) {
    throw new SaveError(`could not open ${part} (${goOpenError(part, err)})`);
  }
  let closed = false;
  let progress: Progress | undefined;
  try {
    zapProduction(ctx.out, 'info', 'snapshot/v3_snapshot.go:119', 'created temporary db file', [['path', part]]);
    const start = process.hrtime.bigint();
    let received = 0;
    let opened = false;
    let size: number;
    try {
      size = await streamSnapshot(ep, cfg, {
        deadline,
        onOpen: () => {
          opened = true;
          zapClient(ctx.out, 'info', 'clientv3/maintenance.go:200', 'opened snapshot stream; downloading');
          zapProduction(ctx.out, 'info', 'snapshot/v3_snapshot.go:127', 'fetching snapshot', [['endpoint', ep]]);
          void startProgress(`receiving snapshot from ${ep}`, { format: ctx.display.format }).then((p) => { progress = p; });
        },
        onChunk: (blob) => {
          fs.writeSync(fd, blob);
          received += blob.length;
          progress?.update(`receiving snapshot from ${ep}: ${humanizeBytes(received)}`);
        },
      });
    } catch (err) {
      progress?.stop();
      if (opened && err instanceof EtcdError) {
        zapClient(ctx.out, 'warn', 'clientv3/maintenance.go:211', 'failed to receive from snapshot stream; closing', [['error', err.message]]);
      }
      throw err;
    }
    progress?.stop();
    zapClient(ctx.out, 'info', 'clientv3/maintenance.go:208', 'completed snapshot read; closing');
    if (size % 512 !== sha256Size) throw new SaveError(`sha256 checksum not found [bytes: ${size}]`);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    closed = true;
    const tookSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    zapProduction(ctx.out, 'info', 'snapshot/v3_snapshot.go:142', 'fetched snapshot', [['endpoint', ep], ['size', humanizeBytes(size)], ['took', tookSeconds]]);
    try {
      fs.renameSync(part, dbPath);
    } catch (err) {
      throw new SaveError(`could not rename ${part} to ${dbPath} (${goOpenError(part, err, 'rename', dbPath)})`);
    }
    zapProduction(ctx.out, 'info', 'snapshot/v3_snapshot.go:152', 'saved', [['path', dbPath]]);
  } finally {
    progress?.stop();
    if (!closed) fs.closeSync(fd);
    fs.rmSync(part, { force: true });
  }
}
