// etcdctl's argify: a request line split into arguments like a shell would, roughly — "…" literals are Go
// unquoted, and '…' literals are cut with len(args) instead of the literal's length (etcdctl's bug, kept:
// `put k 'a b'` stores "a").
import { CtlExit } from '../ctl-exit';
import { ExitCode } from '../exit-codes';
import { goUnquote } from '../go/quote';
import { GoPanic } from './scan-compare';

const token = /"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\t\n\f\r ][^\t\n\f\r ]*[^'"\t\n\f\r ]?/g;

export function argify(line: string): string[] {
  const args = line.match(token) ?? [];
  return args.map((a) => {
    if (a.length === 0) return a;
    if (a[0] === "'") {
      const end = args.length - 1;
      if (end < 1 || end > a.length) throw new GoPanic(`runtime error: slice bounds out of range [${end < 1 ? `1:${end}` : `:${end}] with length ${a.length}`}`);
      return a.slice(1, end);
    }
    if (a[0] === '"') {
      const v = goUnquote(a);
      if (v === undefined) throw new CtlExit(ExitCode.InvalidInput, 'invalid syntax');
      return v.toString('utf8');
    }
    return a;
  });
}
