// A pflag (v1.0.1, as vendored by etcdctl 3.4) compatible flag set: interspersed flags and arguments, "--"
// ends the flags, --name=value / --name value / -x value / -xvalue / -x=value, booleans take no argument
// (but accept --name=false), values parsed with Go's rules, and errors in pflag's exact words.
import { GoDurationError, GoNumError, parseGoBool, parseGoDurationNs, parseGoInt } from '../../server/config/go-values';
import type { FlagSpec, FlagValue } from './flag-spec';

export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

export interface ParsedArgs {
  /** the positional arguments */
  readonly args: string[];
  /** how many positional arguments came before "--" (-1 when there was none) */
  readonly argsLenAtDash: number;
}

function parseValue(spec: FlagSpec, text: string, previous: FlagValue, changed: boolean): FlagValue {
  switch (spec.kind) {
    case 'bool': {
      const b = parseGoBool(text);
      if (b === undefined) throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(text)}: invalid syntax`);
      return b;
    }
    case 'string': return text;
    case 'int64':
      try {
        return parseGoInt(text, 64);
      } catch (err) {
        if (err instanceof GoNumError) throw new Error(err.message);
        throw err;
      }
    case 'duration':
      try {
        return parseGoDurationNs(text);
      } catch (err) {
        if (err instanceof GoDurationError) throw new Error(err.message);
        throw err;
      }
    case 'stringSlice': {
      const items = text === '' ? [] : text.split(',');
      return changed ? [...(previous as readonly string[]), ...items] : items;
    }
  }
}

export class FlagSet {
  private readonly byName = new Map<string, FlagSpec>();
  private readonly byShorthand = new Map<string, FlagSpec>();
  private readonly values = new Map<string, FlagValue>();
  readonly changed = new Set<string>();

  constructor(readonly specs: readonly FlagSpec[]) {
    for (const s of specs) {
      this.byName.set(s.name, s);
      if (s.shorthand) this.byShorthand.set(s.shorthand, s);
      this.values.set(s.name, s.def);
    }
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  spec(name: string): FlagSpec | undefined {
    return this.byName.get(name);
  }

  /** pflag's FlagSet.Set: parses the text into the flag and marks it changed. */
  set(name: string, text: string): void {
    const spec = this.byName.get(name);
    if (spec === undefined) throw new FlagError(`no such flag -${name}`);
    try {
      this.values.set(name, parseValue(spec, text, this.values.get(name) as FlagValue, this.changed.has(name)));
    } catch (err) {
      const flagName = spec.shorthand ? `-${spec.shorthand}, --${spec.name}` : `--${spec.name}`;
      throw new FlagError(`invalid argument ${JSON.stringify(text)} for ${JSON.stringify(flagName)} flag: ${(err as Error).message}`);
    }
    this.changed.add(name);
  }

  bool(name: string): boolean {
    return this.get(name) as boolean;
  }

  string(name: string): string {
    return this.get(name) as string;
  }

  int64(name: string): bigint {
    return this.get(name) as bigint;
  }

  /** a duration flag in milliseconds */
  durationMs(name: string): number {
    return Number(this.get(name) as bigint) / 1e6;
  }

  strings(name: string): readonly string[] {
    return this.get(name) as readonly string[];
  }

  get(name: string): FlagValue {
    const v = this.values.get(name);
    if (v === undefined) throw new FlagError(`flag accessed but not defined: ${name}`);
    return v;
  }

  /** pflag's Parse with interspersed arguments. Throws FlagError. */
  parse(argv: readonly string[]): ParsedArgs {
    const args: string[] = [];
    let argsLenAtDash = -1;
    let rest = [...argv];
    while (rest.length > 0) {
      const s = rest.shift() as string;
      if (s.length === 0 || s[0] !== '-' || s.length === 1) {
        args.push(s);
        continue;
      }
      if (s[1] === '-') {
        if (s.length === 2) {
          argsLenAtDash = args.length;
          args.push(...rest);
          break;
        }
        rest = this.parseLong(s, rest);
      } else {
        rest = this.parseShort(s, rest);
      }
    }
    return { args, argsLenAtDash };
  }

  private parseLong(s: string, rest: string[]): string[] {
    const body = s.slice(2);
    if (body.length === 0 || body[0] === '-' || body[0] === '=') throw new FlagError(`bad flag syntax: ${s}`);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const spec = this.byName.get(name);
    if (spec === undefined) throw new FlagError(`unknown flag: --${name}`);
    if (eq >= 0) this.set(name, body.slice(eq + 1));
    else if (spec.kind === 'bool') this.set(name, 'true');
    else if (rest.length > 0) this.set(name, rest.shift() as string);
    else throw new FlagError(`flag needs an argument: ${s}`);
    return rest;
  }

  private parseShort(s: string, rest: string[]): string[] {
    let shorthands = s.slice(1);
    while (shorthands.length > 0) {
      const c = shorthands[0];
      const spec = this.byShorthand.get(c);
      if (spec === undefined) throw new FlagError(`unknown shorthand flag: '${c}' in -${shorthands}`);
      if (shorthands.length > 2 && shorthands[1] === '=') {
        this.set(spec.name, shorthands.slice(2));
        shorthands = '';
      } else if (spec.kind === 'bool') {
        this.set(spec.name, 'true');
        shorthands = shorthands.slice(1);
      } else if (shorthands.length > 1) {
        this.set(spec.name, shorthands.slice(1));
        shorthands = '';
      } else if (rest.length > 0) {
        this.set(spec.name, rest.shift() as string);
        shorthands = '';
      } else {
        throw new FlagError(`flag needs an argument: '${c}' in -${shorthands}`);
      }
    }
    return rest;
  }
}
