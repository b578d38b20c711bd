// etcdctl's speakeasy.Ask: the prompt on stdout, the answer read without echo on a terminal (a plain line
// when stdin is not one).
import type { Out } from './printers/printer';
import { StdinLines } from './stdin-lines';

export async function promptPassword(prompt: string, out: Out): Promise<string> {
  out.out(prompt);
  if ('flush' in out && typeof (out as { flush: unknown }).flush === 'function') (out as unknown as { flush(): void }).flush();
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const r = await new StdinLines(stdin).readLine();
    const text = r.eof ? r.partial : r.line;
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
