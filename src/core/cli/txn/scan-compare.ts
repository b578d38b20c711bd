// etcdctl's parseCompare: `<target>("<key>") <op> "<value>"`, scanned as fmt.Sscanf(rest, "%q) %s %q") does
// (a space in the format needs at least one space in the input; %q takes "…" or `…`), with the same error
// texts and the same panics for an unknown operator and for lease comparisons.
import type { etcdserverpb } from '../../api/proto';
import { CtlExit } from '../ctl-exit';
import { ExitCode } from '../exit-codes';
import { goQuote, goUnquote } from '../go/quote';

export type Compare = NonNullable<Parameters<typeof etcdserverpb.Compare.encode>[0]>;

/** A Go panic in etcdctl: the first line of its report and exit status 2. */
export class GoPanic extends CtlExit {
  constructor(readonly panicMessage: string) {
    super(2);
  }
}

interface Scan {
  n: number;
  key: Buffer;
  op: string;
  val: Buffer;
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\v' || c === '\f';

/** fmt's %q verb at s[i]: skips spaces, reads a quoted literal; returns the bytes and the next index. */
function scanQuoted(s: string, start: number): { value: Buffer; next: number } | undefined {
  let i = start;
  while (isSpace(s[i])) i++;
  const q = s[i];
  if (q === '`') {
    const end = s.indexOf('`', i + 1);
    if (end < 0) return undefined;
    return { value: Buffer.from(s.slice(i + 1, end), 'utf8'), next: end + 1 };
  }
  if (q !== '"') return undefined;
  let j = i + 1;
  while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
  if (j >= s.length) return undefined;
  const value = goUnquote(s.slice(i, j + 1));
  return value === undefined ? undefined : { value, next: j + 1 };
}

/** A space in a Sscanf format: at least one space unless the input is at its end. */
function scanFormatSpace(s: string, i: number): number | undefined {
  if (i >= s.length) return i;
  if (!isSpace(s[i])) return undefined;
  while (isSpace(s[i])) i++;
  return i;
}

export function scanCompareArgs(rest: string): Scan {
  const r: Scan = { n: 0, key: Buffer.alloc(0), op: '', val: Buffer.alloc(0) };
  const key = scanQuoted(rest, 0);
  if (key === undefined) return r;
  r.key = key.value;
  r.n = 1;
  if (rest[key.next] !== ')') return r;
  let i = scanFormatSpace(rest, key.next + 1);
  if (i === undefined) return r;
  while (isSpace(rest[i])) i++;
  const opStart = i;
  while (i < rest.length && !isSpace(rest[i])) i++;
  if (i === opStart) return r;
  r.op = rest.slice(opStart, i);
  r.n = 2;
  const j = scanFormatSpace(rest, i);
  if (j === undefined) return r;
  const val = scanQuoted(rest, j);
  if (val === undefined) return r;
  r.val = val.value;
  r.n = 3;
  return r;
}

const results: Readonly<Record<string, number>> = { '=': 0, '>': 1, '<': 2, '!=': 3 };

function invalid(msg: string): never {
  throw new CtlExit(ExitCode.InvalidInput, msg);
}

/** parseCompare for one (trimmed) line. */
export function parseCompare(line: string): Compare {
  const paren = line.indexOf('(');
  if (paren < 0) invalid(`malformed comparison: ${line}`);
  const target = line.slice(0, paren);
  const { n, key, op, val } = scanCompareArgs(line.slice(paren + 1));
  if (n !== 3) invalid(`malformed comparison: ${line}; got ${target}(${goQuote(key)}) ${op} ${goQuote(val)}`);
  const result = () => {
    const r = results[op];
    if (r === undefined) throw new GoPanic('Unknown result op');
    return r;
  };
  const intValue = (): number | undefined => (/^[+-]?[0-9]+$/.test(val.toString('latin1')) && BigInt(val.toString('latin1')) < 2n ** 63n && BigInt(val.toString('latin1')) >= -(2n ** 63n) ? Number(val.toString('latin1')) : undefined);
  switch (target) {
    case 'ver': case 'version': case 'c': case 'create': case 'm': case 'mod': {
      const v = intValue();
      if (v === undefined) invalid(`invalid txn compare request: ${line}`);
      if (target.startsWith('v')) return { key, result: result(), target: 0, version: v };
      if (target.startsWith('c')) return { key, result: result(), target: 1, createRevision: v };
      return { key, result: result(), target: 2, modRevision: v };
    }
    case 'val': case 'value':
      return { key, result: result(), target: 3, value: val };
    case 'lease':
      result();
      throw new GoPanic('bad value');
    default:
      invalid(`malformed comparison: ${line} (unknown target ${target})`);
  }
}
