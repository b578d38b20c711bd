// etcdctl 3.6's downgrade commands (3.4 has none; the behaviour follows 3.6): Maintenance.Downgrade with
// VALIDATE / ENABLE / CANCEL, "Downgrade <action> success, cluster version <v>" in the simple format, the
// response in json/protobuf, "<format> not supported as output format" for fields/table. An etcd 3.4 server
// does not know the RPC: its gRPC error is printed as it comes (exit 1).
import { etcdserverpb } from '../api/proto';
import { Rpc } from '../client/rpc-methods';
import type { CtlContext } from './ctl-context';
import { CtlExit } from './ctl-exit';
import { ExitCode } from './exit-codes';
import { GoJsonObject, headerJson } from './printers/go-json';

export type DowngradeActionName = 'validate' | 'enable' | 'cancel';

const actions: Readonly<Record<DowngradeActionName, etcdserverpb.DowngradeRequest.DowngradeAction>> = {
  validate: etcdserverpb.DowngradeRequest.DowngradeAction.VALIDATE,
  enable: etcdserverpb.DowngradeRequest.DowngradeAction.ENABLE,
  cancel: etcdserverpb.DowngradeRequest.DowngradeAction.CANCEL,
};

/** the TARGET_VERSION argument checks of validate and enable */
export function targetVersionArg(args: readonly string[]): string {
  if (args.length < 1) throw new CtlExit(ExitCode.BadArgs, 'TARGET_VERSION not provided');
  if (args.length > 1) throw new CtlExit(ExitCode.BadArgs, 'too many arguments');
  if (args[0].length === 0) throw new CtlExit(ExitCode.BadArgs, 'target version not provided');
  return args[0];
}

export async function runDowngrade(ctx: CtlContext, action: DowngradeActionName, version: string): Promise<void> {
  const deadline = ctx.commandDeadline();
  const client = await ctx.client();
  const r = await client.call(Rpc.downgrade, { action: actions[action], version }, { deadline });
  switch (ctx.display.format) {
    case 'simple':
      ctx.out.out(`Downgrade ${action} success, cluster version ${r.version ?? ''}\n`);
      return;
    case 'json':
      ctx.out.out(new GoJsonObject().message('header', r.header, headerJson).string('version', r.version).toString() + '\n');
      return;
    case 'protobuf':
      ctx.out.out(etcdserverpb.DowngradeResponse.encode(r).finish());
      return;
    case 'fields': case 'table':
      throw new CtlExit(ExitCode.BadFeature, `${ctx.display.format} not supported as output format`);
  }
}
