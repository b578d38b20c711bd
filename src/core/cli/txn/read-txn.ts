// etcdctl's txn stdin protocol: compares, a blank line, success requests, a blank line, failure requests, a
// blank line. Lines are trimmed; input ending before a section's blank line is "Error: EOF" (exit 3).
import { CtlExit } from '../ctl-exit';
import { ExitCode } from '../exit-codes';
import type { StdinLines } from '../stdin-lines';
import { parseRequestOp, type RequestOp } from './parse-op';
import { parseCompare, type Compare } from './scan-compare';

/** lines per section at most (etcd's --max-txn-ops default is 128; this only bounds memory) */
export const txnSectionLinesMax = 100_000;

export interface TxnInput {
  readonly compare: Compare[];
  readonly success: RequestOp[];
  readonly failure: RequestOp[];
}

async function readSection<T>(lines: StdinLines, parse: (line: string) => Promise<T> | T): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < txnSectionLinesMax; i++) {
    const r = await lines.readLine();
    if (r.eof) throw new CtlExit(ExitCode.InvalidInput, 'EOF');
    const line = r.line.trim();
    if (line.length === 0) return out;
    out.push(await parse(line));
  }
  throw new CtlExit(ExitCode.InvalidInput, `more than ${txnSectionLinesMax} lines in a txn section`);
}

export async function readTxn(lines: StdinLines, prompt: (s: string) => void, stderr: (s: string) => void): Promise<TxnInput> {
  prompt('compares:');
  const compare = await readSection(lines, parseCompare);
  prompt('success requests (get, put, del):');
  const success = await readSection(lines, (l) => parseRequestOp(l, stderr));
  prompt('failure requests (get, put, del):');
  const failure = await readSection(lines, (l) => parseRequestOp(l, stderr));
  return { compare, success, failure };
}
