import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeConsoleEntry, encodeJsonEntry, type LogEntry } from '../../../src/core/log/encode';

const fixtures = path.join(__dirname, 'fixtures');

const entry = (over: Partial<LogEntry> = {}): LogEntry => ({
  level: 'info',
  timeMs: Date.UTC(2026, 10, 25, 6, 18, 17, 514),
  caller: 'cairn',
  msg: 'hello',
  bound: [],
  fields: undefined,
  offsetMinutes: 0,
  ...over,
});

describe('encode', () => {
  it('reproduces every line the real etcd 3.4 printed, byte for byte', () => {
    for (const file of ['etcd-3.4.23-new-member.log', 'etcd-3.4.23-restart-member.log']) {
      const lines = fs.readFileSync(path.join(fixtures, file), 'utf8').split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(30);
      for (const line of lines) {
        const { level, ts, caller, msg, ...fields } = JSON.parse(line) as Record<string, unknown> & { level: LogEntry['level']; ts: string; caller: string; msg: string };
        const timeMs = Date.parse(ts);
        expect(encodeJsonEntry(entry({ level, timeMs, caller, msg, fields }))).toBe(`${line}\n`);
      }
    }
  });

  it('writes level, ts, caller, msg, then bound fields, then the call fields', () => {
    const line = encodeJsonEntry(entry({ bound: [{ 'local-member-id': '8e9e05c52164694d' }], fields: { took: '1ms', n: 3 } }));
    expect(line).toBe('{"level":"info","ts":"2026-11-25T06:18:17.514Z","caller":"cairn","msg":"hello","local-member-id":"8e9e05c52164694d","took":"1ms","n":3}\n');
  });

  it('encodes field values as zap does', () => {
    const fields = {
      s: 'a"b\n',
      i: 7,
      f: 1.5,
      nan: Number.NaN,
      big: 18446744073709551615n,
      yes: true,
      nothing: null,
      skipped: undefined,
      list: ['http://a:1', 'http://b:2'],
      err: new Error('boom'),
      bin: Buffer.from('hi'),
      obj: { a: 1, b: [true] },
    };
    expect(encodeJsonEntry(entry({ fields }))).toBe(
      '{"level":"info","ts":"2026-11-25T06:18:17.514Z","caller":"cairn","msg":"hello","s":"a\\"b\\n","i":7,"f":1.5,"nan":"NaN",' +
        '"big":18446744073709551615,"yes":true,"nothing":null,"list":["http://a:1","http://b:2"],"err":"boom","bin":"aGk=","obj":{"a":1,"b":[true]}}\n',
    );
  });

  it('cuts values nested too deep instead of recursing forever', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(encodeJsonEntry(entry({ fields: { loop } }))).toContain('"<too deep>"');
  });

  it("writes zap's console format for --log-format=console", () => {
    expect(encodeConsoleEntry(entry({ level: 'warn', fields: { address: '127.0.0.1:2379', urls: ['a', 'b'] } }))).toBe(
      '2026-11-25T06:18:17.514Z\twarn\tcairn\thello\t{"address": "127.0.0.1:2379", "urls": ["a", "b"]}\n',
    );
    expect(encodeConsoleEntry(entry())).toBe('2026-11-25T06:18:17.514Z\tinfo\tcairn\thello\n');
  });

  it('adds the stack trace after the fields', () => {
    expect(encodeJsonEntry(entry({ level: 'error', stacktrace: 'f\n\tfile.ts:1' }))).toBe(
      '{"level":"error","ts":"2026-11-25T06:18:17.514Z","caller":"cairn","msg":"hello","stacktrace":"f\\n\\tfile.ts:1"}\n',
    );
  });
});
