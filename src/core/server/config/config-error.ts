// The one error parseServerConfig throws. `message` is what the user sees; where etcd has a message for the
// same mistake it is etcd's text, word for word. `exitCode` is etcd's: 2 for flag syntax (Go's flag package
// prints usage), 1 for a configuration that parses but does not validate, 0 for -h/--help.

export type ConfigErrorKind =
  /** -h / --help: print the help text and exit 0 */
  | 'help'
  /** flag syntax: unknown flag, missing argument, unparsable value (etcd prints its usage line, exits 2) */
  | 'usage'
  /** the flags parse but the configuration is invalid, or asks for something cairn does not offer (exit 1) */
  | 'invalid';

const exitCodeOf: Readonly<Record<ConfigErrorKind, 0 | 1 | 2>> = { help: 0, usage: 2, invalid: 1 };

export class ConfigError extends Error {
  readonly exitCode: 0 | 1 | 2;

  constructor(
    message: string,
    readonly kind: ConfigErrorKind = 'invalid',
  ) {
    super(message);
    this.name = 'ConfigError';
    this.exitCode = exitCodeOf[kind];
  }
}
