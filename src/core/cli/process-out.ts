// The Out sink on the process's stdout and stderr, buffered up to a bound so large listings are not written a
// line at a time. stdout is flushed before anything goes to stderr, and before exit.
import type { Out } from './printers/printer';

/** bytes of stdout held before they are written */
export const stdoutBufferBytes = 64 * 1024;

export class ProcessOut implements Out {
  private chunks: Uint8Array[] = [];
  private size = 0;

  constructor(
    private readonly stdout: (b: Uint8Array) => void = (b) => { process.stdout.write(b); },
    private readonly stderr: (b: Uint8Array) => void = (b) => { process.stderr.write(b); },
  ) {}

  out(chunk: string | Uint8Array): void {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.chunks.push(b);
    this.size += b.length;
    if (this.size >= stdoutBufferBytes) this.flush();
  }

  err(chunk: string | Uint8Array): void {
    this.flush();
    this.stderr(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  }

  flush(): void {
    if (this.size === 0) return;
    const all = Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    this.stdout(all);
  }
}

/**
 * Resolves once everything written so far to `stream` has been handed to the OS. On a pipe, Node writes stdout
 * and stderr asynchronously: a process.exit() right after a large write cuts the output short (a `get --prefix`
 * piped to grep would lose all but its first 64 KiB). A write's callback runs after every earlier write.
 */
export function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.write('', () => resolve());
  });
}

/** 128 + SIGPIPE: how a shell sees etcdctl (Go) end when its reader went away, e.g. `cairn ctl get … | head -1`. */
export const brokenPipeExitCode = 141;

/**
 * A reader that closes the pipe early ends the command quietly, as SIGPIPE ends etcdctl, instead of an
 * unhandled EPIPE error with a stack trace. Other stream errors are left to surface.
 */
export function exitQuietlyOnBrokenPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(brokenPipeExitCode);
      throw err;
    });
  }
}

/** An Out that keeps everything, for tests. */
export class MemoryOut implements Out {
  stdout = Buffer.alloc(0);
  stderr = Buffer.alloc(0);

  out(chunk: string | Uint8Array): void {
    this.stdout = Buffer.concat([this.stdout, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
  }

  err(chunk: string | Uint8Array): void {
    this.stderr = Buffer.concat([this.stderr, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
  }
}
