// --config-file: etcd's YAML configuration (embed.ConfigFromFile). etcd converts the YAML (1.1 rules, so `on`
// and `off` are booleans) to JSON and decodes it into its Config struct: keys are the flag names, URL lists
// are comma-separated strings, log-outputs and cipher-suites are lists, TLS settings sit under
// client-transport-security / peer-transport-security. Type mistakes are reported with Go's JSON decoding
// message. Two leniencies over etcd, both supersets: durations may be written as Go duration strings ("5s";
// etcd takes only integer nanoseconds) and lists may be written as comma-separated strings.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './config-error';
import { configLogEntry, type ConfigLogEntry } from './config-log';
import { parseEtcdUrlList } from './etcd-url';
import { FLAG_TABLE, flagSpec, type FlagSpec, type YamlGoType } from './flag-table';
import { parseFlagValue, type FlagValue } from './flag-value';
import { GoDurationError, parseGoDurationMs } from './go-values';

/** Bound on the configuration file's size; etcd's files are a few kilobytes. */
export const configFileBytesMax = 1024 * 1024;

export interface FileFlags {
  /** values the file sets, by flag name */
  readonly given: ReadonlyMap<string, FlagValue>;
  /** the key each value came from ("cert-file", "client-transport-security.cert-file") */
  readonly keys: ReadonlyMap<string, string>;
  readonly log: readonly ConfigLogEntry[];
}

const decodePrefix = 'error unmarshaling JSON: while decoding JSON: json: ';

const byYamlKey: ReadonlyMap<string, FlagSpec> = new Map(
  FLAG_TABLE.filter((spec) => spec.yamlKey !== null).map((spec) => [spec.yamlKey as string, spec]),
);

/** The TLS keys of etcd's securityConfig, and the flag each one stands for (after the "peer-" prefix, if any). */
const securityKeys: ReadonlyMap<string, string> = new Map([
  ['cert-file', 'cert-file'],
  ['key-file', 'key-file'],
  ['client-cert-auth', 'client-cert-auth'],
  ['trusted-ca-file', 'trusted-ca-file'],
  ['auto-tls', 'auto-tls'],
]);

/** etcd's own messages when a URL key does not parse (note 3.4's "advertise-peer-urls" for the client key). */
const urlKeyNames: Readonly<Record<string, string>> = {
  'advertise-client-urls': 'advertise-peer-urls',
};

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

function typeError(v: unknown, field: string, goType: string): ConfigError {
  const kind = jsonKind(v);
  const shown = kind === 'number' ? `number ${String(v)}` : kind;
  return new ConfigError(`${decodePrefix}cannot unmarshal ${shown} into Go struct field configYAML.${field} of type ${goType}`);
}

const integerRanges: Partial<Record<YamlGoType, readonly [number, number]>> = {
  uint: [0, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  uint32: [0, 0xffff_ffff],
  int: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** One decoded value, checked against the Go type etcd decodes the key into. */
function decodeScalar(v: unknown, field: string, goType: YamlGoType): string | boolean | number | readonly string[] {
  const range = integerRanges[goType];
  if (range !== undefined) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) throw typeError(v, field, goType);
    return v;
  }
  switch (goType) {
    case 'string':
      if (typeof v !== 'string') throw typeError(v, field, goType);
      return v;
    case 'bool':
      if (typeof v !== 'boolean') throw typeError(v, field, goType);
      return v;
    case 'time.Duration':
      if (typeof v === 'number' && Number.isInteger(v)) return v / 1e6;
      if (typeof v === 'string') {
        try {
          return parseGoDurationMs(v);
        } catch (err) {
          if (err instanceof GoDurationError) throw new ConfigError(`invalid duration for config file key ${JSON.stringify(field)}: ${err.message}`);
          throw err;
        }
      }
      throw typeError(v, field, goType);
    case '[]string':
      if (typeof v === 'string') return Object.freeze(v.split(','));
      if (!Array.isArray(v)) throw typeError(v, field, goType);
      for (const item of v) if (typeof item !== 'string') throw typeError(item, field, 'string');
      return Object.freeze([...(v as string[])]);
    default:
      throw new ConfigError(`unsupported config file type ${goType} for ${field}`);
  }
}

/** The flag value a decoded key gives, with etcd's setup errors for URL lists and choices. */
function toFlagValue(spec: FlagSpec, key: string, decoded: string | boolean | number | readonly string[], current: FlagValue): FlagValue | undefined {
  switch (spec.type) {
    case 'urls':
      if (decoded === '') return undefined;
      try {
        return parseEtcdUrlList(decoded as string);
      } catch (err) {
        throw new ConfigError(`unexpected error setting up ${urlKeyNames[key] ?? key}: ${(err as Error).message}`);
      }
    case 'origins':
      if (decoded === '') return undefined;
      try {
        return parseFlagValue(spec, decoded as string, Object.freeze([]));
      } catch (err) {
        throw new ConfigError(`unexpected error setting up ${key}: ${(err as Error).message}`);
      }
    case 'unique-strings':
      if (typeof decoded === 'string') return decoded === '' ? undefined : parseFlagValue(spec, decoded, current);
      return decoded;
    case 'choice':
      if (spec.name === 'initial-cluster-state') return decoded === '' ? 'new' : decoded;
      if (decoded === '') return undefined;
      if (!(spec.choices ?? []).includes(decoded as string)) throw new ConfigError(`unexpected error setting up ${key} flag: invalid value`);
      return decoded;
    default:
      return decoded;
  }
}

function readText(filePath: string, cwd: string): string {
  const resolved = path.resolve(cwd, filePath);
  let size: number;
  try {
    size = fs.statSync(resolved).size;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason = e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new ConfigError(`open ${filePath}: ${reason}`);
  }
  if (size > configFileBytesMax) throw new ConfigError(`read ${filePath}: file is larger than ${configFileBytesMax} bytes`);
  try {
    return fs.readFileSync(resolved, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ConfigError(`read ${filePath}: ${e.code === 'EISDIR' ? 'is a directory' : e.message}`);
  }
}

/** Go's encoding/json matches keys to fields exactly first, then case-insensitively. */
function lookupKey(key: string): FlagSpec | undefined {
  return byYamlKey.get(key) ?? byYamlKey.get(key.toLowerCase());
}

/** Reads and decodes the file; `current` gives each flag's value before the file (its defaults). */
export function readConfigFile(filePath: string, cwd: string, current: (spec: FlagSpec) => FlagValue): FileFlags {
  const text = readText(filePath, cwd);
  let doc: unknown;
  try {
    doc = parseYaml(text, { version: '1.1', merge: true });
  } catch (err) {
    throw new ConfigError(`error converting YAML to JSON: yaml: ${(err as Error).message.split('\n')[0]}`);
  }
  const given = new Map<string, FlagValue>();
  const keys = new Map<string, string>();
  const log: ConfigLogEntry[] = [];
  if (doc === null || doc === undefined) return { given, keys, log };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(`${decodePrefix}cannot unmarshal ${jsonKind(doc)} into Go value of type embed.configYAML`);
  }
  const set = (spec: FlagSpec, key: string, raw: unknown) => {
    if (raw === null) return;
    const value = toFlagValue(spec, key, decodeScalar(raw, key, spec.yamlType), current(spec));
    if (value === undefined) return;
    given.set(spec.name, value);
    keys.set(spec.name, key);
  };
  for (const [key, raw] of Object.entries(doc as Record<string, unknown>)) {
    if (key === 'client-transport-security' || key === 'peer-transport-security') {
      if (raw === null) continue;
      if (typeof raw !== 'object' || Array.isArray(raw)) throw typeError(raw, key, 'embed.securityConfig');
      const prefix = key.startsWith('peer') ? 'peer-' : '';
      for (const [sub, subRaw] of Object.entries(raw as Record<string, unknown>)) {
        const flag = securityKeys.get(sub);
        const spec = flag === undefined ? undefined : flagSpec(`${prefix}${flag}`);
        if (spec === undefined) log.push(configLogEntry('warn', 'unrecognized key in configuration file; ignored', { key: `${key}.${sub}` }));
        else set(spec, `${key}.${sub}`, subRaw);
      }
      continue;
    }
    const spec = lookupKey(key);
    if (spec === undefined) {
      log.push(configLogEntry('warn', 'unrecognized key in configuration file; ignored', { key }));
      continue;
    }
    set(spec, key, raw);
  }
  return { given, keys, log };
}
