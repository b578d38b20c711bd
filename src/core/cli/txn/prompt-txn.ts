// `txn -i` on a terminal: inquirer asks for each compare, success request and failure request in turn (an
// empty answer ends a section); every answer is checked with the same parsers as the piped protocol, and a
// bad one is asked again with etcdctl's error beside it.
import { CtlExit } from '../ctl-exit';
import { parseRequestOp, type RequestOp } from './parse-op';
import type { TxnInput } from './read-txn';
import { GoPanic, parseCompare, type Compare } from './scan-compare';

type Inquirer = (typeof import('inquirer', { with: { 'resolution-mode': 'import' } }))['default'];

/** answers per section at most */
export const promptAnswersMax = 1000;

function problem(err: unknown): string {
  if (err instanceof GoPanic) return `etcdctl would panic: ${err.panicMessage}`;
  if (err instanceof CtlExit) return err.errorMessage ?? 'invalid';
  return err instanceof Error ? err.message : String(err);
}

async function section<T>(inquirer: Inquirer, message: string, parse: (line: string) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < promptAnswersMax; i++) {
    const { line } = await inquirer.prompt<{ line: string }>([{
      type: 'input',
      name: 'line',
      message: `${message} #${i + 1} (empty line to finish)`,
      validate: async (a: string) => {
        if (a.trim() === '') return true;
        try {
          await parse(a.trim());
          return true;
        } catch (err) {
          return problem(err);
        }
      },
    }]);
    if (line.trim() === '') return out;
    out.push(await parse(line.trim()));
  }
  return out;
}

export async function promptTxn(): Promise<TxnInput> {
  const inquirer = (await import('inquirer')).default;
  const compare = await section<Compare>(inquirer, 'compare, e.g. value("key") = "v"', async (l) => parseCompare(l));
  const success = await section<RequestOp>(inquirer, 'success request (get, put, del)', (l) => parseRequestOp(l, () => undefined));
  const failure = await section<RequestOp>(inquirer, 'failure request (get, put, del)', (l) => parseRequestOp(l, () => undefined));
  return { compare, success, failure };
}
