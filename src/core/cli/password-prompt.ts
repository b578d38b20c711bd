// etcdctl's speakeasy.Ask: the prompt on stdout, the answer read without echo on a terminal, then a newline on
// stdout. When stdin is not a terminal speakeasy still reads one line from it (etcdctl then also shows stty's
// complaint on stderr, which is stty's output, not etcdctl's, and is not reproduced). One reader is shared by
// every prompt of the process, so two prompts answered by one piped chunk each get their own line.
import type { Out } from './printers/printer';
import { StdinLines } from './stdin-lines';

let shared: StdinLines | undefined;

/** The process's stdin as lines, shared by the prompts and `--interactive=false` reads. */
export function stdinLines(): StdinLines {
  shared ??= new StdinLines(process.stdin);
  return shared;
}

function flush(out: Out): void {
  if ('flush' in out && typeof (out as { flush: unknown }).flush === 'function') (out as unknown as { flush(): void }).flush();
}

export async function promptPassword(prompt: string, out: Out): Promise<string> {
  out.out(prompt);
  flush(out);
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const r = await stdinLines().readLine();
    const text = r.eof ? r.partial : r.line;
    out.out('\n');
    return text.replace(/\r?\n$/, '');
  }
  return new Promise((resolve) => {
    let answer = '';
    stdin.setRawMode(true);
    stdin.resume();
    const onData = (b: Buffer) => {
      for (const ch of b.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          out.out('\n');
          flush(out);
          resolve(answer);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        if (ch === '\u007f') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Go's fmt.Scanf("%s", &s) on stdin: the first space-separated word of the first line ("" if none). */
export async function scanWord(): Promise<string> {
  const r = await stdinLines().readLine();
  const line = (r.eof ? r.partial : r.line).replace(/\r?\n$/, '');
  const m = /^[ \t\r\v\f\u0085\u00a0]*([^\s]*)/u.exec(line);
  return m?.[1] ?? '';
}
