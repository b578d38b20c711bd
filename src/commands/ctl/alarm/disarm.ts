import { etcdserverpb } from '../../../core/api/proto';
import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { printAlarm } from '../../../core/cli/printers/maintenance';
import { Rpc } from '../../../core/client/rpc-methods';

export default class CtlAlarmDisarm extends CtlCommand {
  static override summary = 'Disarms all alarms';
  static override examples = ['<%= config.bin %> ctl alarm disarm'];
  static override get ctl(): CtlSpec {
    return { path: 'alarm disarm', use: 'disarm', short: CtlAlarmDisarm.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 0) throw new CtlExit(ExitCode.BadArgs, 'alarm disarm command accepts no arguments');
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    // clientv3's AlarmDisarm of the zero AlarmMember: list the alarms, deactivate each, and answer with the
    // deactivated ones in a response of its own making (no header)
    const { AlarmAction } = etcdserverpb.AlarmRequest;
    const list = await client.call(Rpc.alarm, { action: AlarmAction.GET, memberID: 0, alarm: etcdserverpb.AlarmType.NONE }, { deadline });
    const alarms: etcdserverpb.AlarmMember.$Properties[] = [];
    for (const a of list.alarms) {
      const r = await client.call(Rpc.alarm, { action: AlarmAction.DEACTIVATE, memberID: a.memberID, alarm: a.alarm }, { deadline });
      alarms.push(...r.alarms);
    }
    printAlarm(ctx, etcdserverpb.AlarmResponse.create({ alarms }));
  }
}
