// One flag value from its text, the way the flag.Value etcd registers for it would Set it. Errors carry the text
// Go puts after "invalid value ... for flag -x: ".
import { parseEtcdUrlList, type EtcdUrl } from './etcd-url';
import type { FlagSpec } from './flag-table';
import { GoDurationError, GoNumError, parseGoBool, parseGoDurationMs, parseGoInt, parseGoUint } from './go-values';

export type FlagValue = string | boolean | number | readonly string[] | readonly EtcdUrl[];

/** Set failed; `message` is the reason Go's flag package prints after the colon. */
export class FlagValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagValueError';
  }
}

/** A JS number holds integers exactly up to 2^53 - 1; etcd's 64-bit flags never need more in practice. */
function toSafeNumber(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) throw new FlagValueError('value out of range');
  return Number(n);
}

/** The flag package's numError: strconv's syntax/range errors become "parse error" / "value out of range". */
function integer(parse: () => bigint): number {
  try {
    return toSafeNumber(parse());
  } catch (err) {
    if (err instanceof GoNumError) throw new FlagValueError(err.kind === 'syntax' ? 'parse error' : 'value out of range');
    throw err;
  }
}

function uniqueSorted(parts: readonly string[]): readonly string[] {
  return Object.freeze([...new Set(parts)].sort());
}

/**
 * The value `raw` gives the flag. `previous` is the value the flag holds now: etcd's URL flags treat an empty
 * text as "keep the current URLs", and its --cors value keeps its list when "*" is set again.
 */
export function parseFlagValue(spec: FlagSpec, raw: string, previous: FlagValue): FlagValue {
  switch (spec.type) {
    case 'string':
      return raw;
    case 'bool': {
      const b = parseGoBool(raw);
      if (b === undefined) throw new FlagValueError('parse error');
      return b;
    }
    case 'uint':
    case 'uint64':
      return integer(() => parseGoUint(raw, 64));
    case 'int':
    case 'int64':
      return integer(() => parseGoInt(raw, 64));
    case 'uint32':
      try {
        return Number(parseGoUint(raw, 32));
      } catch (err) {
        if (err instanceof GoNumError) throw new FlagValueError(err.message);
        throw err;
      }
    case 'duration':
      try {
        return parseGoDurationMs(raw);
      } catch (err) {
        if (err instanceof GoDurationError) throw new FlagValueError('parse error');
        throw err;
      }
    case 'urls':
      if (raw === '') return previous;
      return parseUrls(raw);
    case 'origins':
      if (raw === '*') return (previous as readonly string[]).includes('*') ? previous : Object.freeze([...(previous as readonly string[]), '*']);
      return Object.freeze(parseUrls(raw).map((u) => u.href));
    case 'unique-strings':
      return uniqueSorted(raw.split(','));
    case 'strings':
      return Object.freeze(raw.split(','));
    case 'choice':
      if (!(spec.choices ?? []).includes(raw)) throw new FlagValueError('invalid value');
      return raw;
    case 'ignored':
      return true;
  }
}

function parseUrls(raw: string): readonly EtcdUrl[] {
  try {
    return parseEtcdUrlList(raw);
  } catch (err) {
    throw new FlagValueError((err as Error).message);
  }
}

/** The value a flag holds before anything sets it. */
export function defaultFlagValue(spec: FlagSpec): FlagValue {
  switch (spec.type) {
    case 'urls':
      return spec.default === '' ? Object.freeze([]) : parseUrls(spec.default);
    case 'origins':
    case 'unique-strings':
    case 'strings':
      return spec.default === '' ? Object.freeze([]) : parseFlagValue(spec, spec.default, Object.freeze([]));
    case 'ignored':
      return false;
    default:
      return parseFlagValue(spec, spec.default, '');
  }
}

/** A value in one comparable text, to tell a default from a change. */
export function flagValueKey(value: FlagValue): string {
  if (Array.isArray(value)) return JSON.stringify(value.map((v: string | EtcdUrl) => (typeof v === 'string' ? v : v.href)));
  return JSON.stringify(value);
}
