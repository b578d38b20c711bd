// etcdctl's endpoint commands' view of the cluster: the --endpoints list, or with --cluster every client URL
// of the member list (asked without auth, as etcdctl does).
import type { CtlContext } from './ctl-context';
import { CtlExit } from './ctl-exit';
import { ExitCode } from './exit-codes';
import { bool } from './flags/flag-spec';
import { EtcdError } from '../errors';

export const endpointParentFlags = [bool('cluster', 'use all endpoints from the cluster member list')];

export async function endpointsFromCluster(ctx: CtlContext): Promise<string[]> {
  if (!ctx.flags.bool('cluster')) return [...ctx.flags.strings('endpoints')];
  const opts = { ...(await ctx.clientConfig()), auth: undefined };
  const c = await ctx.connect(opts);
  try {
    const membs = await c.memberList({ deadline: ctx.commandDeadline() });
    return membs.members.flatMap((m) => m.clientURLs ?? []);
  } catch (err) {
    if (err instanceof EtcdError) throw new CtlExit(ExitCode.Error, `failed to fetch endpoints from etcd cluster member list: ${err.message}`);
    throw err;
  } finally {
    c.close();
  }
}
