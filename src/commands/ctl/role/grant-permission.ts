import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs, display, noDeadline, permissionType, permRange } from '../../../core/cli/auth-commands';
import { bool } from '../../../core/cli/flags/flag-spec';
import { Rpc } from '../../../core/client/rpc-methods';

const flags = [
  bool('prefix', 'grant a prefix permission'),
  bool('from-key', 'grant a permission of keys that are greater than or equal to the given key using byte compare'),
];

export default class CtlRoleGrantPermission extends CtlCommand {
  static override summary = 'Grants a key to a role';
  static override usage = 'ctl role grant-permission [options] <role name> <permission type> <key> [endkey]';
  static override get ctl(): CtlSpec {
    return {
      path: 'role grant-permission', use: 'grant-permission [options] <role name> <permission type> <key> [endkey]',
      short: CtlRoleGrantPermission.summary as string, flags,
    };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length < 3) badArgs('role grant command requires role name, permission type, and key [endkey] as its argument');
    const permType = permissionType(ctx.args[1]);
    const { key, end } = permRange(ctx.args.slice(2), ctx.flags.bool('prefix'), ctx.flags.bool('from-key'));
    const client = await ctx.client();
    const r = await client.call(Rpc.roleGrantPermission, { name: ctx.args[0], perm: { permType, key, rangeEnd: end } }, noDeadline);
    display(ctx).roleGrantPermission(ctx.args[0], r);
  }
}
