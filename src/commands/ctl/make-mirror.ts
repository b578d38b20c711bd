import type { etcdserverpb } from '../../core/api/proto';
import type { ClientOptions } from '../../core/client/client-options';
import { CtlCommand, oclifFlags } from '../../core/cli/ctl-command';
import { tlsFromFlags, type CtlContext, type CtlSpec } from '../../core/cli/ctl-context';
import { CtlExit } from '../../core/cli/ctl-exit';
import { ExitCode } from '../../core/cli/exit-codes';
import { bool, str } from '../../core/cli/flags/flag-spec';
import { startProgress } from '../../core/cli/progress';
import { bytesOf, uint64Big } from '../../core/cli/printers/values';
import { prefixRangeEnd } from '../../core/storage/mvcc/key-range';
import type { EtcdClient } from '../../core/client/etcd-client';
import { EtcdError, Errors } from '../../core/errors';

const flags = [
  str('prefix', 'Key-value prefix to mirror'),
  str('dest-prefix', 'destination prefix to mirror a prefix to a different prefix in the destination cluster'),
  bool('no-dest-prefix', 'mirror key-values to the root of the destination cluster'),
  str('dest-cert', 'Identify secure client using this TLS certificate file for the destination cluster'),
  str('dest-key', 'Identify secure client using this TLS key file'),
  str('dest-cacert', 'Verify certificates of TLS enabled secure servers using this CA bundle'),
  bool('dest-insecure-transport', 'Disable transport security for client connections', true),
];

/** clientv3/mirror's page size for the initial sync */
const batchLimit = 1000;
/** etcdctl prints the running total this often */
const printIntervalMs = 30_000;

type RequestOp = etcdserverpb.RequestOp.$Properties;

export default class CtlMakeMirror extends CtlCommand {
  static override summary = 'Makes a mirror at the destination etcd cluster';
  static override examples = ['<%= config.bin %> ctl make-mirror 10.0.0.9:2379 --prefix /app/ --dest-prefix /copy/'];
  static override get ctl(): CtlSpec {
    return { path: 'make-mirror', use: 'make-mirror [options] <destination>', short: CtlMakeMirror.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) throw new CtlExit(ExitCode.BadArgs, 'make-mirror takes one destination argument');
    ctx.applyEnv();
    const destOpts: ClientOptions = {
      endpoints: [ctx.args[0]],
      dialTimeoutMs: ctx.flags.durationMs('dial-timeout'),
      keepAliveTimeMs: ctx.flags.durationMs('keepalive-time'),
      keepAliveTimeoutMs: ctx.flags.durationMs('keepalive-timeout'),
      tls: tlsFromFlags(ctx.flags, { cert: 'dest-cert', key: 'dest-key', cacert: 'dest-cacert', insecureTransport: 'dest-insecure-transport' }),
    };
    const dest = await ctx.connect(destOpts);
    const src = await ctx.client();
    await makeMirror(ctx, src, dest);
  }
}


/** strings.Replace(key, prefix, destPrefix, 1), on bytes */
function replaceFirst(key: Uint8Array, from: Buffer, to: Buffer): Buffer {
  const k = Buffer.from(key);
  const i = k.indexOf(from);
  if (i < 0) return k;
  return Buffer.concat([k.subarray(0, i), to, k.subarray(i + from.length)]);
}

async function makeMirror(ctx: CtlContext, src: EtcdClient, dest: EtcdClient): Promise<never> {
  let total = 0;
  const progress = await startProgress('mirroring', { format: ctx.display.format });
  const show = () => progress.update(`mirrored ${total} keys`);
  const interval = Number(ctx.env.CAIRN_CTL_MAKE_MIRROR_PRINT_MS ?? printIntervalMs); // tests shorten it
  const timer = setInterval(() => {
    progress.stop();
    ctx.out.out(`${total}\n`);
    (ctx.out as { flush?: () => void }).flush?.();
    show();
  }, interval > 0 ? interval : printIntervalMs);
  try {
    const prefix = Buffer.from(ctx.flags.string('prefix'), 'utf8');
    let destPrefix = Buffer.from(ctx.flags.string('dest-prefix'), 'utf8');
    const noDestPrefix = ctx.flags.bool('no-dest-prefix');
    const forever = Infinity; // etcdctl mirrors with context.TODO(): no deadline
    // syncer.SyncBase: the revision to sync at, then pages of the key space at it
    const first = await src.range({ key: Buffer.from('foo') }, { deadline: forever });
    const rev = Number(first.header?.revision ?? 0);
    if (noDestPrefix && destPrefix.length > 0) {
      throw new CtlExit(ExitCode.BadArgs, '`--dest-prefix` and `--no-dest-prefix` cannot be set at the same time, choose one');
    }
    if (!noDestPrefix && destPrefix.length === 0) destPrefix = prefix;
    const modify = (key: Uint8Array) => replaceFirst(key, prefix, destPrefix);
    let key = prefix.length === 0 ? Buffer.from([0]) : prefix;
    const rangeEnd = prefix.length === 0 ? Buffer.from([0]) : prefixRangeEnd(prefix);
    for (;;) {
      const page = await src.range({ key, rangeEnd, limit: batchLimit, revision: rev }, { deadline: forever });
      for (const kv of page.kvs) {
        await dest.put({ key: modify(bytesOf(kv.key)), value: kv.value }, { deadline: forever });
        total++;
        show();
      }
      if (!page.more || page.kvs.length === 0) break;
      key = Buffer.concat([Buffer.from(bytesOf(page.kvs[page.kvs.length - 1].key)), Buffer.from([0])]);
    }
    // syncer.SyncUpdates: the watch from the next revision, each revision's events as one txn
    const failure = await new Promise<Error>((resolve) => {
      let chain = Promise.resolve();
      const stream = src.watch({
        onResponse: (r) => {
          chain = chain.then(async () => {
            if (uint64Big(r.compactRevision) !== 0n) throw new EtcdError(Errors.Compacted.code, Errors.Compacted.message);
            let lastRev = 0;
            let ops: RequestOp[] = [];
            for (const ev of r.events) {
              const nextRev = Number(ev.kv?.modRevision ?? 0);
              if (lastRev !== 0 && nextRev > lastRev) {
                await dest.txn({ success: ops }, { deadline: forever });
                ops = [];
              }
              lastRev = nextRev;
              const k = modify(ev.kv?.key ?? new Uint8Array(0));
              ops.push(ev.type === 1 ? { requestDeleteRange: { key: k } } : { requestPut: { key: k, value: ev.kv?.value ?? new Uint8Array(0) } });
              total++;
              show();
            }
            if (ops.length !== 0) await dest.txn({ success: ops }, { deadline: forever });
          }).catch((err: unknown) => {
            stream.close();
            resolve(err instanceof Error ? err : new Error(String(err)));
          });
        },
        onEnd: (err) => resolve(err ?? new Error('<nil>')),
      });
      stream.create({ key: prefix.length === 0 ? Buffer.from([0]) : prefix, rangeEnd, startRevision: rev + 1 });
    });
    throw failure;
  } catch (err) {
    if (err instanceof CtlExit) throw err;
    throw new CtlExit(ExitCode.Error, err instanceof Error ? err.message : String(err));
  } finally {
    clearInterval(timer);
    progress.stop();
  }
}
