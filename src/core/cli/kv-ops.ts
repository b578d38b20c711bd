// etcdctl's get / put / del: their flags and the checks and requests of getGetOp, getPutOp and getDelOp, shared
// by the commands and by txn's request lines. Checks throw CtlExit with etcdctl's words and codes.
import type { etcdserverpb } from '../api/proto';
import { CtlExit } from './ctl-exit';
import { ExitCode } from './exit-codes';
import type { FlagSet } from './flags/flag-set';
import { bool, int64, str, type FlagSpec } from './flags/flag-spec';
import { GoParseError, parseGoIntBase } from './go/numbers';
import { prefixRangeEnd } from '../storage/mvcc/key-range';

export type RangeRequest = NonNullable<Parameters<typeof etcdserverpb.RangeRequest.encode>[0]>;
export type PutRequest = NonNullable<Parameters<typeof etcdserverpb.PutRequest.encode>[0]>;
export type DeleteRangeRequest = NonNullable<Parameters<typeof etcdserverpb.DeleteRangeRequest.encode>[0]>;

export const getFlags: readonly FlagSpec[] = [
  str('consistency', 'Linearizable(l) or Serializable(s)', 'l'),
  str('order', 'Order of results; ASCEND or DESCEND (ASCEND by default)'),
  str('sort-by', 'Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION'),
  int64('limit', 'Maximum number of results'),
  bool('prefix', 'Get keys with matching prefix'),
  bool('from-key', 'Get keys that are greater than or equal to the given key using byte compare'),
  int64('rev', 'Specify the kv revision'),
  bool('keys-only', 'Get only the keys'),
  bool('count-only', 'Get only the count'),
  bool('print-value-only', 'Only write values when using the "simple" output format'),
  int64('min-create-rev', 'Minimum create revision'),
  int64('max-create-rev', 'Maximum create revision'),
  int64('min-mod-rev', 'Minimum modification revision'),
  int64('max-mod-rev', 'Maximum modification revision'),
  bool('stream', 'Use the RangeStream RPC'),
];

export const putFlags: readonly FlagSpec[] = [
  str('lease', 'lease ID (in hexadecimal) to attach to the key', '0'),
  bool('prev-kv', 'return the previous key-value pair before modification'),
  bool('ignore-value', 'updates the key using its current value'),
  bool('ignore-lease', 'updates the key using its current lease'),
];

export const delFlags: readonly FlagSpec[] = [
  bool('prefix', 'delete keys with matching prefix'),
  bool('prev-kv', 'return deleted key-value pairs'),
  bool('from-key', 'delete keys that are greater than or equal to the given key using byte compare'),
];

const bytes = (s: string) => Buffer.from(s, 'utf8');
const fromKeyEnd = Buffer.from([0]);

export { prefixRangeEnd };

const sortOrders: Readonly<Record<string, number>> = { '': 0, ASCEND: 1, DESCEND: 2 };
const sortTargets: Readonly<Record<string, number>> = { '': 0, KEY: 0, VERSION: 1, CREATE: 2, MODIFY: 3, VALUE: 4 };

/** flags etcdctl 3.4 lacks (txn request lines parse with 3.4's set) read as unset */
const optBool = (f: FlagSet, name: string) => f.has(name) && f.bool(name);
const optInt = (f: FlagSet, name: string) => (f.has(name) ? f.int64(name) : 0n);

function badArgs(msg: string): never {
  throw new CtlExit(ExitCode.BadArgs, msg);
}

/** getGetOp */
export function getRequest(f: FlagSet, args: readonly string[]): RangeRequest {
  if (args.length === 0) badArgs('get command needs one argument as key and an optional argument as range_end');
  const prefix = f.bool('prefix');
  const fromKey = f.bool('from-key');
  if (prefix && fromKey) badArgs('`--prefix` and `--from-key` cannot be set at the same time, choose one');
  if (f.bool('keys-only') && optBool(f, 'count-only')) badArgs('`--keys-only` and `--count-only` cannot be set at the same time, choose one');
  const req: RangeRequest = {};
  const consistency = f.string('consistency');
  if (consistency === 's') req.serializable = true;
  else if (consistency !== 'l') throw new CtlExit(ExitCode.BadFeature, `unknown consistency flag ${JSON.stringify(consistency)}`);
  let key = bytes(args[0]);
  if (args.length > 1) {
    if (prefix || fromKey) badArgs('too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    req.rangeEnd = bytes(args[1]);
  }
  req.limit = Number(f.int64('limit'));
  if (f.int64('rev') > 0n) req.revision = Number(f.int64('rev'));
  const order = sortOrders[f.string('order').toUpperCase()];
  if (order === undefined) throw new CtlExit(ExitCode.BadFeature, `bad sort order ${f.string('order')}`);
  const target = sortTargets[f.string('sort-by').toUpperCase()];
  if (target === undefined) throw new CtlExit(ExitCode.BadFeature, `bad sort target ${f.string('sort-by')}`);
  // clientv3.WithSort: ascending by key is the server's natural order, sent as no order
  req.sortOrder = target === 0 && order === 1 ? 0 : order;
  req.sortTarget = target;
  if (prefix) {
    if (key.length === 0) [key, req.rangeEnd] = [Buffer.from(fromKeyEnd), Buffer.from(fromKeyEnd)];
    else req.rangeEnd = prefixRangeEnd(key);
  }
  if (fromKey) {
    if (key.length === 0) key = Buffer.from(fromKeyEnd);
    req.rangeEnd = Buffer.from(fromKeyEnd);
  }
  req.key = key;
  if (f.bool('keys-only')) req.keysOnly = true;
  if (optBool(f, 'count-only')) req.countOnly = true;
  const revFlag = (name: string) => (optInt(f, name) > 0n ? Number(optInt(f, name)) : undefined);
  if (revFlag('min-create-rev') !== undefined) req.minCreateRevision = revFlag('min-create-rev');
  if (revFlag('max-create-rev') !== undefined) req.maxCreateRevision = revFlag('max-create-rev');
  if (revFlag('min-mod-rev') !== undefined) req.minModRevision = revFlag('min-mod-rev');
  if (revFlag('max-mod-rev') !== undefined) req.maxModRevision = revFlag('max-mod-rev');
  return req;
}

const putArgsMessage = 'put command needs 1 argument and input from stdin or 2 arguments';

/** getPutOp; `readStdin` is ioutil.ReadAll(os.Stdin), asked only when the value is not an argument. */
export async function putRequest(f: FlagSet, args: readonly string[], readStdin: () => Promise<Buffer>): Promise<PutRequest> {
  if (args.length === 0) badArgs(putArgsMessage);
  const ignoreValue = f.bool('ignore-value');
  if (ignoreValue && args.length > 1) badArgs("put command needs only 1 argument when 'ignore-value' is set");
  let value: Buffer = Buffer.alloc(0);
  if (!ignoreValue) {
    if (args.length > 1) value = bytes(args[1]);
    else {
      value = await readStdin();
      if (value.length === 0) badArgs(putArgsMessage);
    }
  }
  let lease: bigint;
  try {
    lease = parseGoIntBase(f.string('lease'), 16);
  } catch (err) {
    if (err instanceof GoParseError) badArgs(`bad lease ID (${err.message}), expecting ID in Hex`);
    throw err;
  }
  const req: PutRequest = { key: bytes(args[0]), value };
  if (lease !== 0n) req.lease = Number(lease);
  if (f.bool('prev-kv')) req.prevKv = true;
  if (ignoreValue) req.ignoreValue = true;
  if (f.bool('ignore-lease')) req.ignoreLease = true;
  return req;
}

/** getDelOp */
export function deleteRequest(f: FlagSet, args: readonly string[]): DeleteRangeRequest {
  if (args.length === 0 || args.length > 2) badArgs('del command needs one argument as key and an optional argument as range_end');
  const prefix = f.bool('prefix');
  const fromKey = f.bool('from-key');
  if (prefix && fromKey) badArgs('`--prefix` and `--from-key` cannot be set at the same time, choose one');
  const req: DeleteRangeRequest = {};
  let key = bytes(args[0]);
  if (args.length > 1) {
    if (prefix || fromKey) badArgs('too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    req.rangeEnd = bytes(args[1]);
  }
  if (prefix) {
    if (key.length === 0) [key, req.rangeEnd] = [Buffer.from(fromKeyEnd), Buffer.from(fromKeyEnd)];
    else req.rangeEnd = prefixRangeEnd(key);
  }
  if (f.bool('prev-kv')) req.prevKv = true;
  if (fromKey) {
    if (key.length === 0) key = Buffer.from(fromKeyEnd);
    req.rangeEnd = Buffer.from(fromKeyEnd);
  }
  req.key = key;
  return req;
}
