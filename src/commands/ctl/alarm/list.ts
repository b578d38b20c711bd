import { etcdserverpb } from '../../../core/api/proto';
import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { printAlarm } from '../../../core/cli/printers/maintenance';
import { Rpc } from '../../../core/client/rpc-methods';

export default class CtlAlarmList extends CtlCommand {
  static override summary = 'Lists all alarms';
  static override examples = ['<%= config.bin %> ctl alarm list -w json'];
  static override get ctl(): CtlSpec {
    return { path: 'alarm list', use: 'list', short: CtlAlarmList.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 0) throw new CtlExit(ExitCode.BadArgs, 'alarm list command accepts no arguments');
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    const resp = await client.call(Rpc.alarm, { action: etcdserverpb.AlarmRequest.AlarmAction.GET, memberID: 0, alarm: etcdserverpb.AlarmType.NONE }, { deadline });
    printAlarm(ctx, resp);
  }
}
