// argv with the syntax of Go's flag package, which etcd uses: `-name x`, `--name x`, `-name=x`, `--name=x`;
// a boolean takes no separate argument (`--x` is true, `--x=false`; in `--x false` the "false" ends the
// flags); a non-boolean takes the next argument even when it starts with "-"; "--" ends the flags; parsing
// stops at the first argument that is not a flag, and etcd then rejects it. Errors use Go's and etcd's words.
import { ConfigError } from './config-error';
import { configLogEntry, type ConfigLogEntry } from './config-log';
import { flagSpec, type FlagSpec } from './flag-table';
import { FlagValueError, parseFlagValue, type FlagValue } from './flag-value';

/** Bound on argv entries, so a runaway caller gets an error instead of a long loop. */
export const argvEntriesMax = 10_000;

export interface ArgvFlags {
  /** every flag given, by name, with the value it ended up with (the last occurrence wins) */
  readonly given: ReadonlyMap<string, FlagValue>;
  /** how each given flag was spelled last ("--cert-file"), for messages */
  readonly spelled: ReadonlyMap<string, string>;
  /** -h / --help asked */
  readonly help: boolean;
  /** warnings etcd prints while parsing (legacy flags it ignores) */
  readonly log: readonly ConfigLogEntry[];
}

/** Parses argv; `current` gives each flag's value before parsing (URL flags keep it when set to ""). */
export function parseArgv(argv: readonly string[], current: (spec: FlagSpec) => FlagValue): ArgvFlags {
  if (argv.length > argvEntriesMax) throw new ConfigError(`too many arguments (${argv.length} > ${argvEntriesMax})`, 'usage');
  const given = new Map<string, FlagValue>();
  const spelled = new Map<string, string>();
  const log: ConfigLogEntry[] = [];
  let i = 0;
  while (i < argv.length) {
    const s = argv[i];
    if (s.length < 2 || s[0] !== '-') break;
    const minuses = s[1] === '-' ? 2 : 1;
    if (minuses === 2 && s.length === 2) {
      i++;
      break;
    }
    const body = s.slice(minuses);
    if (body.length === 0 || body[0] === '-' || body[0] === '=') throw new ConfigError(`bad flag syntax: ${s}`, 'usage');
    i++;
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    let value = eq < 0 ? undefined : body.slice(eq + 1);
    const spec = flagSpec(name);
    if (spec === undefined) {
      if (name === 'help' || name === 'h') return { given, spelled, help: true, log };
      throw new ConfigError(`flag provided but not defined: -${name}`, 'usage');
    }
    const previous = given.get(name) ?? current(spec);
    if (spec.type === 'bool' || spec.type === 'ignored') {
      if (spec.type === 'ignored') log.push(configLogEntry('warn', `flag "-${name}" is no longer supported - ignoring.`));
      try {
        given.set(name, parseFlagValue(spec, value ?? 'true', previous));
      } catch (err) {
        if (!(err instanceof FlagValueError)) throw err;
        throw new ConfigError(`invalid boolean value ${JSON.stringify(value)} for -${name}: ${err.message}`, 'usage');
      }
    } else {
      if (value === undefined && i < argv.length) value = argv[i++];
      if (value === undefined) throw new ConfigError(`flag needs an argument: -${name}`, 'usage');
      try {
        given.set(name, parseFlagValue(spec, value, previous));
      } catch (err) {
        if (!(err instanceof FlagValueError)) throw err;
        throw new ConfigError(`invalid value ${JSON.stringify(value)} for flag -${name}: ${err.message}`, 'usage');
      }
    }
    spelled.set(name, `${'-'.repeat(minuses)}${name}`);
  }
  if (i < argv.length) throw new ConfigError(`'${argv[i]}' is not a valid flag`);
  return { given, spelled, help: false, log };
}
