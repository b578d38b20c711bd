// etcdctl's parseRequestUnion: a txn request line run through fresh put/get/del commands (cobra, with prefix
// matching), giving the request or etcdctl's error. Only the command's own flags exist there, no global ones.
import type { etcdserverpb } from '../../api/proto';
import { CtlExit } from '../ctl-exit';
import { ExitCode } from '../exit-codes';
import { cobraSubcommandUsage } from '../flags/cobra-usage';
import { FlagError, FlagSet } from '../flags/flag-set';
import { helpFlag, type FlagSpec } from '../flags/flag-spec';
import { deleteRequest, delFlags, getFlags, getRequest, putFlags, putRequest } from '../kv-ops';
import { argify } from './argify';

export type RequestOp = NonNullable<Parameters<typeof etcdserverpb.RequestOp.encode>[0]>;

interface OpCommand {
  readonly name: 'put' | 'get' | 'del';
  readonly use: string;
  readonly flags: readonly FlagSpec[];
}

/** etcdctl 3.4's get has no --count-only, min/max revision or --stream flags; txn lines follow 3.4. */
const getFlags34 = getFlags.filter((f) => !['count-only', 'min-create-rev', 'max-create-rev', 'min-mod-rev', 'max-mod-rev', 'stream'].includes(f.name));

const opCommands: readonly OpCommand[] = [
  { name: 'put', use: 'put [options] <key> <value> (<value> can also be given from stdin)', flags: putFlags },
  { name: 'get', use: 'get [options] <key> [range_end]', flags: getFlags34 },
  { name: 'del', use: 'del [options] <key> [range_end]', flags: delFlags },
];

export async function parseRequestOp(line: string, stderr: (s: string) => void): Promise<RequestOp> {
  const args = argify(line);
  if (args.length < 2) throw new CtlExit(ExitCode.InvalidInput, `invalid txn compare request: ${line}`);
  const invalid = () => new CtlExit(ExitCode.InvalidInput, `invalid txn request: ${line}`);
  const matches = opCommands.filter((c) => c.name === args[0] || (args[0] !== '' && c.name.startsWith(args[0])));
  const cmd = matches.find((c) => c.name === args[0]) ?? (matches.length === 1 ? matches[0] : undefined);
  if (cmd === undefined) throw invalid();
  const local = [...cmd.flags, helpFlag(cmd.name)];
  const flags = new FlagSet(local);
  let rest: string[];
  try {
    rest = flags.parse(args.slice(1)).args;
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    stderr(cobraSubcommandUsage(cmd.use, local));
    throw invalid();
  }
  if (flags.bool('help')) throw invalid();
  switch (cmd.name) {
    case 'put': return { requestPut: await putRequest(flags, rest, async () => Buffer.alloc(0)) };
    case 'get': return { requestRange: getRequest(flags, rest) };
    case 'del': return { requestDeleteRange: deleteRequest(flags, rest) };
  }
}
