// Where every flag's value comes from, as etcdmain/config.go decides it: argv first; then, when a config file is
// named (--config-file or ETCD_CONFIG_FILE), the file alone (other flags and the environment are ignored, and
// cairn says so in a warning); otherwise each flag not given on the command line is taken from ETCD_<FLAG>.
// A variable for a flag that is also on the command line is an error, as in etcd ("conflicting environment
// variable ... is shadowed"); ETCD_* variables that name no flag are reported as unrecognized.
import * as path from 'node:path';
import { ConfigError } from './config-error';
import { configLogEntry, type ConfigLogEntry } from './config-log';
import { readConfigFile } from './config-file';
import type { EtcdUrl } from './etcd-url';
import { FLAG_TABLE, flagSpec, type FlagSpec } from './flag-table';
import { defaultFlagValue, FlagValueError, parseFlagValue, type FlagValue } from './flag-value';
import { parseArgv } from './parse-argv';
import type { FlagSource } from './server-config';

const defaults: ReadonlyMap<string, FlagValue> = new Map(FLAG_TABLE.map((spec) => [spec.name, defaultFlagValue(spec)]));

function defaultOf(spec: FlagSpec): FlagValue {
  const v = defaults.get(spec.name);
  if (v === undefined) throw new Error(`no default for flag ${spec.name}`);
  return v;
}

/** Environment variables etcd reads itself rather than through a flag. */
const specialEnv = new Set(['ETCD_VERSION']);

/** Every flag's effective value and the source of those that were given. */
export class ResolvedFlags {
  constructor(
    private readonly values: Map<string, FlagValue>,
    readonly sources: ReadonlyMap<string, FlagSource>,
    readonly configFile: string | null,
    readonly printVersion: boolean,
    readonly log: ConfigLogEntry[],
  ) {}

  /** given on the command line, in the environment or in the config file */
  isSet(name: string): boolean {
    return this.sources.has(name);
  }

  value(name: string): FlagValue {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`unknown flag ${name}`);
    return v;
  }

  str(name: string): string {
    return this.value(name) as string;
  }

  bool(name: string): boolean {
    return this.value(name) as boolean;
  }

  num(name: string): number {
    return this.value(name) as number;
  }

  urls(name: string): readonly EtcdUrl[] {
    return this.value(name) as readonly EtcdUrl[];
  }

  strs(name: string): readonly string[] {
    return this.value(name) as readonly string[];
  }

  /** Replaces a value during defaulting (the value keeps its source). */
  override(name: string, value: FlagValue): void {
    this.values.set(name, value);
  }

  entries(): IterableIterator<[string, FlagValue]> {
    return this.values.entries();
  }

  /** "--cert-file", "--cert-file (set by ETCD_CERT_FILE)", "--cert-file (set by config file key "cert-file")" */
  describe(name: string): string {
    const source = this.sources.get(name);
    if (source?.kind === 'env') return `--${name} (set by ${source.key})`;
    if (source?.kind === 'file') return `--${name} (set by config file key ${JSON.stringify(source.key)})`;
    return `--${name}`;
  }
}

function applyEnv(env: NodeJS.ProcessEnv, values: Map<string, FlagValue>, sources: Map<string, FlagSource>, log: ConfigLogEntry[]): void {
  const onCommandLine = new Set([...sources.keys()].map((name) => flagSpec(name)?.env));
  const used = new Set<string>();
  const specs = [...FLAG_TABLE].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const spec of specs) {
    const key = spec.env;
    const raw = env[key];
    if (onCommandLine.has(key) || raw === undefined || raw === '') continue;
    used.add(key);
    if (specialEnv.has(key)) {
      log.push(configLogEntry('warn', 'cannot set special environment variable', { key, value: raw }));
      continue;
    }
    let value: FlagValue;
    try {
      value = parseFlagValue(spec, raw, values.get(spec.name) ?? defaultOf(spec));
    } catch (err) {
      if (!(err instanceof FlagValueError)) throw err;
      throw new ConfigError(`invalid value ${JSON.stringify(raw)} for ${key}: ${err.message}`);
    }
    if (spec.type === 'ignored') log.push(configLogEntry('warn', `flag "-${spec.name}" is no longer supported - ignoring.`));
    values.set(spec.name, value);
    sources.set(spec.name, { kind: 'env', key });
    log.push(configLogEntry('info', 'recognized and used environment variable', { 'variable-name': key, 'variable-value': raw }));
  }
  for (const [key, raw] of Object.entries(env)) {
    if (used.has(key)) continue;
    if (onCommandLine.has(key)) {
      throw new ConfigError(
        `conflicting environment variable ${JSON.stringify(key)} is shadowed by corresponding command-line flag (either unset environment variable or disable flag)`,
      );
    }
    if (key.startsWith('ETCD_')) log.push(configLogEntry('warn', 'unrecognized environment variable', { 'environment-variable': `${key}=${raw ?? ''}` }));
  }
}

/** Decides every flag's value from argv, the environment and the config file. Throws ConfigError. */
export function resolveFlags(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): ResolvedFlags {
  const cli = parseArgv(argv, defaultOf);
  if (cli.help) throw new ConfigError('help requested', 'help');
  const values = new Map(defaults);
  const sources = new Map<string, FlagSource>();
  const log: ConfigLogEntry[] = [...cli.log];
  for (const [name, value] of cli.given) {
    values.set(name, value);
    sources.set(name, { kind: 'flag', spelled: cli.spelled.get(name) ?? `--${name}` });
  }
  // --version: etcd prints the version before it reads the environment or validates anything
  if (values.get('version') === true) return new ResolvedFlags(new Map(defaults), new Map(), null, true, []);

  const configFile = (values.get('config-file') as string) || env.ETCD_CONFIG_FILE || '';
  if (configFile === '') {
    applyEnv(env, values, sources, log);
    return new ResolvedFlags(values, sources, null, false, log);
  }

  const file = readConfigFile(configFile, cwd, defaultOf);
  const ignoredFlags = [...sources.keys()].filter((name) => name !== 'config-file').map((name) => `--${name}`);
  const ignoredEnv = Object.keys(env).filter((key) => key.startsWith('ETCD_') && key !== 'ETCD_CONFIG_FILE');
  const fileValues = new Map(defaults);
  const fileSources = new Map<string, FlagSource>();
  for (const [name, value] of file.given) {
    fileValues.set(name, value);
    fileSources.set(name, { kind: 'file', key: file.keys.get(name) ?? name });
  }
  const fileLog: ConfigLogEntry[] = [
    configLogEntry('info', 'loaded server configuration, other configuration command line flags and environment variables will be ignored if provided', { path: configFile }),
    ...file.log,
  ];
  if (ignoredFlags.length > 0 || ignoredEnv.length > 0) {
    fileLog.push(
      configLogEntry('warn', 'ignoring command line flags and environment variables because a configuration file is given', {
        path: configFile,
        'ignored-flags': ignoredFlags,
        'ignored-environment-variables': ignoredEnv,
      }),
    );
  }
  return new ResolvedFlags(fileValues, fileSources, path.resolve(cwd, configFile), false, [...log, ...fileLog]);
}
