// A zap-compatible structured logger: one line per entry in etcd's format (see encode.ts), a level threshold,
// outputs stderr ("default", "stderr"), stdout, "/dev/null" and file paths (appended; rotated when asked).
// Lines of one tick are batched: the first line schedules a flush on the microtask queue, the batch is joined
// and written once per sink; a batch reaching pendingBytesMax is written at once. flushSync() runs at process
// exit, and before fatal/panic, so no line is lost. fatal() exits the process with status 1, as zap's does;
// panic() throws after logging.
import * as path from 'node:path';
import { encodeEntry, type LogEntry, type LogFields, type LogFormat } from './encode';
import { isLogLevel, levelRank, type LogLevel } from './levels';
import { RotatingFileSink, type RotationSettings } from './rotating-file-sink';
import { FileSink, StdioSink, type LogSink } from './sinks';

/** A batch is written as soon as it holds this much text. */
export const pendingBytesMax = 64 * 1024;
/** Lines kept at most between flushes (a second bound beside the bytes). */
export const pendingLinesMax = 1024;

export interface LoggerOptions {
  /** threshold; entries below it are dropped (default info) */
  readonly level?: LogLevel;
  /** 'default' | 'stderr' | 'stdout' | '/dev/null' | file path (default ['stderr']) */
  readonly outputs?: readonly string[];
  readonly format?: LogFormat;
  /** rotate the (single) file output like lumberjack */
  readonly rotation?: RotationSettings;
  /** the "caller" field of entries that do not name one (default "cairn") */
  readonly caller?: string;
  /** milliseconds since the epoch (default Date.now) */
  readonly clock?: () => number;
  /** time zone offset east of UTC for "ts", e.g. 0 for UTC (default: the process's local zone, like zap) */
  readonly offsetMinutes?: number;
  /** relative file outputs start here (default process.cwd()) */
  readonly cwd?: string;
  /** extra sinks (tests, capture); used in addition to `outputs` */
  readonly sinks?: readonly LogSink[];
  /** entries at error level and above carry a "stacktrace" field, like zap's production config (default true) */
  readonly stacktraces?: boolean;
  /** what fatal() does after logging (default process.exit(1)) */
  readonly onFatal?: () => void;
}

/** Thrown by panic() after the entry is written. */
export class LogPanic extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogPanic';
  }
}

/** Cores with outputs open; one process 'exit' hook flushes them all. */
const liveCores = new Set<LogCore>();
let exitHooked = false;

function flushAllAtExit(): void {
  for (const core of liveCores) core.flushSync();
}

/** The state a logger and its children share. */
class LogCore {
  threshold: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private closed = false;

  constructor(
    readonly sinks: readonly LogSink[],
    readonly format: LogFormat,
    readonly clock: () => number,
    readonly stacktraces: boolean,
    readonly onFatal: () => void,
    readonly offsetMinutes: number | undefined,
    level: LogLevel,
  ) {
    this.threshold = levelRank(level);
    liveCores.add(this);
    if (!exitHooked) {
      exitHooked = true;
      process.on('exit', flushAllAtExit);
    }
  }

  append(line: string): void {
    if (this.closed || this.sinks.length === 0) return;
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= pendingBytesMax || this.pending.length >= pendingLinesMax) {
      this.flushSync();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flushSync());
    }
  }

  flushSync(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    for (const sink of this.sinks) {
      try {
        sink.write(chunk);
      } catch {
        // a failing output must not stop the member; the other outputs still get the lines
      }
    }
  }

  async close(): Promise<void> {
    this.flushSync();
    this.closed = true;
    liveCores.delete(this);
    await Promise.all(this.sinks.map((s) => s.close()));
  }
}

function stackOf(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  // drop the logger's own frames
  const firstOutside = frames.findIndex((f) => !/[/\\]core[/\\]log[/\\]logger\.[jt]s/.test(f));
  return frames
    .slice(Math.max(firstOutside, 0))
    .map((f) => {
      const m = /^\s*at (?:(.+?) \()?(.+?)\)?$/.exec(f);
      return m === null ? f.trim() : `${m[1] ?? '<anonymous>'}\n\t${m[2]}`;
    })
    .join('\n');
}

export class Logger {
  /** @internal */
  constructor(
    private readonly core: LogCore,
    private readonly callerName: string,
    private readonly bound: readonly LogFields[],
  ) {}

  get level(): LogLevel {
    const names: LogLevel[] = ['debug', 'info', 'warn', 'error', 'panic', 'fatal'];
    return names.find((l) => levelRank(l) >= this.core.threshold) ?? 'fatal';
  }

  /** Changes the threshold for this logger and every logger sharing its outputs (zap's AtomicLevel). */
  setLevel(level: LogLevel): void {
    this.core.threshold = levelRank(level);
  }

  enabled(level: LogLevel): boolean {
    return levelRank(level) >= this.core.threshold;
  }

  /** A logger that adds `fields` to every entry (zap's With). */
  with(fields: LogFields): Logger {
    return new Logger(this.core, this.callerName, [...this.bound, fields]);
  }

  /** A logger whose entries name `caller` (e.g. "etcdserver/server.go:816" to mirror an etcd line). */
  withCaller(caller: string): Logger {
    return new Logger(this.core, caller, this.bound);
  }

  /** Writes one entry if `level` passes the threshold; `caller` overrides the logger's for this entry. */
  log(level: LogLevel, msg: string, fields?: LogFields, caller?: string): void {
    if (!this.enabled(level)) return;
    const entry: LogEntry = {
      level,
      timeMs: this.core.clock(),
      caller: caller ?? this.callerName,
      msg,
      bound: this.bound,
      fields,
      stacktrace: this.core.stacktraces && levelRank(level) >= levelRank('error') ? stackOf() : undefined,
      offsetMinutes: this.core.offsetMinutes,
    };
    this.core.append(encodeEntry(entry, this.core.format));
  }

  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }

  /** Logs, writes everything out, and throws LogPanic. */
  panic(msg: string, fields?: LogFields): never {
    this.log('panic', msg, fields);
    this.core.flushSync();
    throw new LogPanic(msg);
  }

  /** Logs, writes everything out, and ends the process with status 1 (or calls the onFatal option). */
  fatal(msg: string, fields?: LogFields): never {
    this.log('fatal', msg, fields);
    this.core.flushSync();
    this.core.onFatal();
    throw new LogPanic(msg);
  }

  /** Writes the pending lines now. */
  flushSync(): void {
    this.core.flushSync();
  }

  /** Writes the pending lines (zap's Sync); resolves once they are handed to the outputs. */
  async flush(): Promise<void> {
    this.core.flushSync();
  }

  /** Flushes and closes the outputs; later entries are dropped. */
  async close(): Promise<void> {
    await this.core.close();
  }
}

/** Opens the outputs etcd's --log-outputs names and returns a logger writing to them. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  if (!isLogLevel(level)) throw new Error(`unknown level ${JSON.stringify(level)}`);
  const cwd = options.cwd ?? process.cwd();
  const outputs = options.outputs ?? ['stderr'];
  const sinks: LogSink[] = [];
  const seen = new Set<string>();
  if (!outputs.includes('/dev/null')) {
    for (const out of outputs) {
      const target = out === 'default' ? 'stderr' : out;
      if (seen.has(target)) continue;
      seen.add(target);
      if (target === 'stderr') sinks.push(new StdioSink(process.stderr));
      else if (target === 'stdout') sinks.push(new StdioSink(process.stdout));
      else {
        const file = path.resolve(cwd, target);
        sinks.push(options.rotation === undefined ? new FileSink(file) : new RotatingFileSink(file, options.rotation, options.clock));
      }
    }
  }
  sinks.push(...(options.sinks ?? []));
  const core = new LogCore(
    sinks,
    options.format ?? 'json',
    options.clock ?? Date.now,
    options.stacktraces ?? true,
    options.onFatal ?? (() => process.exit(1)),
    options.offsetMinutes,
    level,
  );
  return new Logger(core, options.caller ?? 'cairn', []);
}
