import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLogger, LogPanic, MemorySink, pendingBytesMax, StdioSink, type LoggerOptions } from '../../../src/core/log';

const fixedTime = Date.UTC(2026, 10, 25, 6, 18, 17, 514);

function memoryLogger(options: LoggerOptions = {}) {
  const sink = new MemorySink();
  const log = createLogger({ outputs: ['/dev/null'], sinks: [sink], clock: () => fixedTime, offsetMinutes: 0, ...options });
  return { log, sink, entries: () => sink.lines().map((l) => JSON.parse(l) as Record<string, unknown>) };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-log-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('logger', () => {
  it('writes one JSON line per entry with level, ts, caller, msg and fields', async () => {
    const { log, sink } = memoryLogger();
    log.info('starting an etcd server', { name: 'n1', 'listen-client-urls': ['http://127.0.0.1:2379'] });
    await log.flush();
    expect(sink.lines()).toEqual([
      '{"level":"info","ts":"2026-11-25T06:18:17.514Z","caller":"cairn","msg":"starting an etcd server","name":"n1","listen-client-urls":["http://127.0.0.1:2379"]}',
    ]);
    await log.close();
  });

  it('drops entries below the threshold', async () => {
    const { log, entries } = memoryLogger({ level: 'warn' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect([log.enabled('info'), log.enabled('warn'), log.level]).toEqual([false, true, 'warn']);
    log.setLevel('debug');
    log.debug('d2');
    await log.flush();
    expect(entries().map((e) => `${e.level}:${e.msg}`)).toEqual(['warn:w', 'error:e', 'debug:d2']);
    await log.close();
  });

  it('batches the lines of one tick into one write, flushed on the microtask queue', async () => {
    const { log, sink } = memoryLogger();
    log.info('a');
    log.info('b');
    expect(sink.chunks).toEqual([]);
    await Promise.resolve();
    expect(sink.chunks.length).toBe(1);
    expect(sink.lines().length).toBe(2);
    await log.close();
  });

  it('writes at once when a batch grows past its bound', async () => {
    const { log, sink } = memoryLogger();
    const big = 'x'.repeat(pendingBytesMax);
    log.info(big);
    expect(sink.chunks.length).toBe(1);
    await log.close();
  });

  it('adds bound fields and a caller to every entry of a child logger', async () => {
    const { log, entries } = memoryLogger({ caller: 'cairn/server' });
    const child = log.with({ 'local-member-id': '8e9e05c52164694d' }).withCaller('etcdserver/server.go:816');
    child.info('starting etcd server', { 'cluster-version': 'to_be_decided' });
    log.log('info', 'one-off', undefined, 'embed/etcd.go:117');
    log.info('plain');
    await log.flush();
    expect(entries()).toEqual([
      { level: 'info', ts: '2026-11-25T06:18:17.514Z', caller: 'etcdserver/server.go:816', msg: 'starting etcd server', 'local-member-id': '8e9e05c52164694d', 'cluster-version': 'to_be_decided' },
      { level: 'info', ts: '2026-11-25T06:18:17.514Z', caller: 'embed/etcd.go:117', msg: 'one-off' },
      { level: 'info', ts: '2026-11-25T06:18:17.514Z', caller: 'cairn/server', msg: 'plain' },
    ]);
    await log.close();
  });

  it('adds a stack trace to error entries, like zap in production', async () => {
    const { log, entries } = memoryLogger();
    log.error('failed', { error: new Error('disk full') });
    log.warn('not an error');
    await log.flush();
    const [err, warn] = entries();
    expect(err.error).toBe('disk full');
    expect(String(err.stacktrace)).toContain('logger.test.ts');
    expect(String(err.stacktrace)).not.toContain('src/core/log/logger');
    expect(warn.stacktrace).toBeUndefined();
    await log.close();
    const quiet = memoryLogger({ stacktraces: false });
    quiet.log.error('e');
    await quiet.log.flush();
    expect(quiet.entries()[0].stacktrace).toBeUndefined();
    await quiet.log.close();
  });

  it('writes the entry out before fatal ends the process and before panic throws', async () => {
    let exited = 0;
    const { log, sink } = memoryLogger({ onFatal: () => exited++ });
    expect(() => log.fatal('discovery failed', { error: 'x' })).toThrow(LogPanic);
    expect(exited).toBe(1);
    expect(sink.lines().map((l) => JSON.parse(l).level)).toEqual(['fatal']);
    expect(() => log.panic('unknown directory type')).toThrow('unknown directory type');
    expect(sink.lines().map((l) => JSON.parse(l).level)).toEqual(['fatal', 'panic']);
    await log.close();
  });

  it('writes console lines for the console format', async () => {
    const { log, sink } = memoryLogger({ format: 'console' });
    log.info('serving peer traffic', { address: '127.0.0.1:2380' });
    await log.flush();
    expect(sink.lines()).toEqual(['2026-11-25T06:18:17.514Z\tinfo\tcairn\tserving peer traffic\t{"address": "127.0.0.1:2380"}']);
    await log.close();
  });

  it('appends to file outputs, relative to cwd, creating the directory', async () => {
    fs.mkdirSync(path.join(dir, 'logs'));
    fs.writeFileSync(path.join(dir, 'logs', 'etcd.log'), 'earlier line\n');
    const log = createLogger({ outputs: ['logs/etcd.log', path.join(dir, 'other', 'b.log')], cwd: dir, clock: () => fixedTime, offsetMinutes: 0 });
    log.info('a');
    log.warn('b', { n: 1 });
    await log.close();
    const text = fs.readFileSync(path.join(dir, 'logs', 'etcd.log'), 'utf8');
    expect(text).toBe(
      'earlier line\n' +
        '{"level":"info","ts":"2026-11-25T06:18:17.514Z","caller":"cairn","msg":"a"}\n' +
        '{"level":"warn","ts":"2026-11-25T06:18:17.514Z","caller":"cairn","msg":"b","n":1}\n',
    );
    expect(fs.readFileSync(path.join(dir, 'other', 'b.log'), 'utf8')).toBe(text.slice('earlier line\n'.length));
    log.info('after close');
    await log.flush();
    expect(fs.readFileSync(path.join(dir, 'logs', 'etcd.log'), 'utf8')).toBe(text);
  });

  it('discards everything for /dev/null', async () => {
    const log = createLogger({ outputs: ['/dev/null', 'stderr'] });
    log.error('nowhere');
    await log.close();
  });

  it('writes stdio outputs through the stream and survives its errors', async () => {
    const written: string[] = [];
    const listeners: string[] = [];
    const stream = {
      write: (chunk: string) => written.push(chunk) > 0,
      listenerCount: () => 0,
      on: (event: string) => listeners.push(event),
    } as unknown as NodeJS.WriteStream;
    const log = createLogger({ outputs: ['/dev/null'], sinks: [new StdioSink(stream)], clock: () => fixedTime, offsetMinutes: 0 });
    log.info('x');
    await log.close();
    expect(written).toEqual(['{"level":"info","ts":"2026-11-25T06:18:17.514Z","caller":"cairn","msg":"x"}\n']);
    expect(listeners).toEqual(['error']);
  });

  it('rejects an unknown level', () => {
    expect(() => createLogger({ level: 'loud' as never })).toThrow('unknown level "loud"');
  });
});
