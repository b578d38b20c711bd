// Where log lines go. The logger batches the lines of one tick and hands each sink one chunk; sinks write it
// synchronously, as zap's os.File sinks do, so a line written before a crash or process.exit is in the file
// (durability: the OS page cache; no fsync per line, zap does not fsync either). stdout/stderr go through
// process.stdout/process.stderr, which Node makes synchronous for files and pipes on Linux.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LogSink {
  /** writes one chunk of complete lines */
  write(chunk: string): void;
  /** releases the sink; later writes are dropped */
  close(): Promise<void>;
}

/** process.stdout or process.stderr. */
export class StdioSink implements LogSink {
  private closed = false;

  constructor(private readonly stream: NodeJS.WriteStream) {
    // a logger must not take the process down because its reader went away (EPIPE)
    if (stream.listenerCount('error') === 0) stream.on('error', () => {});
  }

  write(chunk: string): void {
    if (!this.closed) this.stream.write(chunk);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Appends to a file (created 0600 with its directory, like zap's file sink), one write(2) per chunk. */
export class FileSink implements LogSink {
  private fd: number | null;

  constructor(readonly filePath: string) {
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    this.fd = fs.openSync(filePath, 'a', 0o600);
  }

  write(chunk: string): void {
    if (this.fd === null) return;
    writeAll(this.fd, Buffer.from(chunk, 'utf8'));
  }

  async close(): Promise<void> {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    fs.closeSync(fd);
  }
}

/** write(2) until the whole buffer is written. */
export function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

/** A sink that keeps lines in memory (tests, and callers that capture output). */
export class MemorySink implements LogSink {
  readonly chunks: string[] = [];

  write(chunk: string): void {
    this.chunks.push(chunk);
  }

  /** every line written so far */
  lines(): string[] {
    return this.chunks.join('').split('\n').filter((l) => l.length > 0);
  }

  async close(): Promise<void> {}
}
