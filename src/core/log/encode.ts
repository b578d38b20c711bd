// One log entry as a line, the way etcd's zap configuration writes it.
//   json:    {"level":"info","ts":"…","caller":"…","msg":"…",<fields in order>}            (etcd 3.4 default)
//   console: <ts>\t<level>\t<caller>\t<msg>\t{"field": value, …}                             (etcd 3.6 --log-format)
// Field values: strings, numbers, booleans, bigints (as JSON numbers, like zap's Uint64), arrays (zap.Strings),
// Errors (their message, like zap.Error), Uint8Array (base64, like zap.Binary), Dates (zap time), plain objects
// (JSON). Undefined fields are left out. Entries at error level and above carry a "stacktrace", as zap's
// production config adds.
import { formatZapTime } from './zap-time';
import type { LogLevel } from './levels';

export type LogFieldValue = unknown;
export type LogFields = Readonly<Record<string, LogFieldValue>>;
export type LogFormat = 'json' | 'console';

export interface LogEntry {
  readonly level: LogLevel;
  readonly timeMs: number;
  readonly caller: string;
  readonly msg: string;
  /** fields bound with Logger.with(), written before the call's own */
  readonly bound: readonly LogFields[];
  readonly fields: LogFields | undefined;
  readonly stacktrace?: string;
  /** the time zone's offset east of UTC for "ts" (default: the process's local zone) */
  readonly offsetMinutes?: number;
}

/** Nesting depth beyond which a field value is cut (guards against cycles). */
export const fieldDepthMax = 8;

function encodeValue(v: LogFieldValue, spaced: boolean, depth = 0): string | undefined {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (v === null) return 'null';
  if (depth >= fieldDepthMax) return '"<too deep>"';
  if (v instanceof Error) return JSON.stringify(v.message);
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
  if (v instanceof Date) return JSON.stringify(formatZapTime(v.getTime()));
  if (Array.isArray(v)) {
    const parts = v.map((item) => encodeValue(item, spaced, depth + 1) ?? 'null');
    return `[${parts.join(spaced ? ', ' : ',')}]`;
  }
  if (v instanceof Map) return encodeObject(Object.fromEntries(v), spaced, depth + 1);
  if (v instanceof Set) return encodeValue([...v], spaced, depth + 1);
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return encodeValue((v as { toJSON(): unknown }).toJSON(), spaced, depth + 1);
  return encodeObject(v as Record<string, unknown>, spaced, depth + 1);
}

function encodeObject(obj: Readonly<Record<string, unknown>>, spaced: boolean, depth: number): string {
  const parts: string[] = [];
  for (const key of Object.keys(obj)) {
    const encoded = encodeValue(obj[key], spaced, depth);
    if (encoded !== undefined) parts.push(`${JSON.stringify(key)}${spaced ? ': ' : ':'}${encoded}`);
  }
  return `{${parts.join(spaced ? ', ' : ',')}}`;
}

/** The fields of an entry as `"k":v` pairs (or `"k": v` when spaced), bound fields first. */
function encodeFields(entry: LogEntry, spaced: boolean): string[] {
  const parts: string[] = [];
  const add = (fields: LogFields) => {
    for (const key of Object.keys(fields)) {
      const encoded = encodeValue(fields[key], spaced);
      if (encoded !== undefined) parts.push(`${JSON.stringify(key)}${spaced ? ': ' : ':'}${encoded}`);
    }
  };
  for (const b of entry.bound) add(b);
  if (entry.fields !== undefined) add(entry.fields);
  return parts;
}

/** The JSON line, with its newline. */
export function encodeJsonEntry(entry: LogEntry): string {
  let line = `{"level":"${entry.level}","ts":"${formatZapTime(entry.timeMs, entry.offsetMinutes)}","caller":${JSON.stringify(entry.caller)},"msg":${JSON.stringify(entry.msg)}`;
  const fields = encodeFields(entry, false);
  if (fields.length > 0) line += `,${fields.join(',')}`;
  if (entry.stacktrace !== undefined) line += `,"stacktrace":${JSON.stringify(entry.stacktrace)}`;
  return `${line}}\n`;
}

/** The console line (zap's console encoder with etcd's settings), with its newline. */
export function encodeConsoleEntry(entry: LogEntry): string {
  let line = `${formatZapTime(entry.timeMs, entry.offsetMinutes)}\t${entry.level}\t${entry.caller}\t${entry.msg}`;
  const fields = encodeFields(entry, true);
  if (fields.length > 0) line += `\t{${fields.join(', ')}}`;
  if (entry.stacktrace !== undefined) line += `\n${entry.stacktrace}`;
  return `${line}\n`;
}

export function encodeEntry(entry: LogEntry, format: LogFormat): string {
  return format === 'console' ? encodeConsoleEntry(entry) : encodeJsonEntry(entry);
}
