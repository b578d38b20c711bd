// Reading standard input as Go's bufio.Reader.ReadString('\n') does for etcdctl: a line with its newline, or
// EOF (with whatever partial line was left). Also ioutil.ReadAll for `put` without a value argument.

/** at most this many bytes of stdin are held (etcd's request limit is far below it) */
export const stdinBytesMax = 512 * 1024 * 1024;

export class StdinLines {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private readonly iterator: AsyncIterator<Buffer>;

  constructor(stream: NodeJS.ReadableStream = process.stdin) {
    this.iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** The next line including '\n', or `{ eof: true }` when input ended before a newline. */
  async readLine(): Promise<{ line: string; eof: false } | { eof: true; partial: string }> {
    for (;;) {
      const nl = this.buffer.indexOf(0x0a);
      if (nl >= 0) {
        const line = this.buffer.subarray(0, nl + 1).toString('utf8');
        this.buffer = this.buffer.subarray(nl + 1);
        return { line, eof: false };
      }
      if (this.ended) {
        const partial = this.buffer.toString('utf8');
        this.buffer = Buffer.alloc(0);
        return { eof: true, partial };
      }
      const next = await this.iterator.next();
      if (next.done) this.ended = true;
      else {
        this.buffer = Buffer.concat([this.buffer, Buffer.from(next.value)]);
        if (this.buffer.length > stdinBytesMax) throw new Error(`stdin line longer than ${stdinBytesMax} bytes`);
      }
    }
  }
}

export async function readAllStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream as AsyncIterable<Buffer>) {
    const b = Buffer.from(c);
    size += b.length;
    if (size > stdinBytesMax) throw new Error(`stdin longer than ${stdinBytesMax} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}
