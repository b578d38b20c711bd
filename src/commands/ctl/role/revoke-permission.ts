import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs, display, noDeadline, permRange } from '../../../core/cli/auth-commands';
import { bool } from '../../../core/cli/flags/flag-spec';
import { Rpc } from '../../../core/client/rpc-methods';

const flags = [
  bool('prefix', 'revoke a prefix permission'),
  bool('from-key', 'revoke a permission of keys that are greater than or equal to the given key using byte compare'),
];

export default class CtlRoleRevokePermission extends CtlCommand {
  static override summary = 'Revokes a key from a role';
  static override usage = 'ctl role revoke-permission <role name> <key> [endkey]';
  static override get ctl(): CtlSpec {
    return { path: 'role revoke-permission', use: 'revoke-permission <role name> <key> [endkey]', short: CtlRoleRevokePermission.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length < 2) badArgs('role revoke-permission command requires role name and key [endkey] as its argument');
    const { key, end } = permRange(ctx.args.slice(1), ctx.flags.bool('prefix'), ctx.flags.bool('from-key'));
    const client = await ctx.client();
    const r = await client.call(Rpc.roleRevokePermission, { role: ctx.args[0], key, rangeEnd: end }, noDeadline);
    // the message names the key as given on the command line
    display(ctx).roleRevokePermission(ctx.args[0], Buffer.from(ctx.args[1], 'utf8'), end, r);
  }
}
