// etcdctl's flags as spf13/pflag declares them: name, shorthand, Go type, default and usage text. The same
// declarations drive cairn's pflag-compatible parser, the ETCDCTL_* variables, etcdctl's usage text and the
// oclif flag list shown by `--help`.
import { formatGoDurationNs } from '../../server/config/go-values';

export type FlagKind = 'bool' | 'string' | 'int64' | 'duration' | 'stringSlice';
/** bool → boolean, string → string, int64 → bigint, duration → bigint nanoseconds, stringSlice → string[] */
export type FlagValue = boolean | string | bigint | readonly string[];

export interface FlagSpec {
  readonly name: string;
  readonly shorthand?: string;
  readonly kind: FlagKind;
  readonly def: FlagValue;
  readonly usage: string;
}

export const bool = (name: string, usage: string, def = false, shorthand?: string): FlagSpec => ({ name, kind: 'bool', def, usage, shorthand });
export const str = (name: string, usage: string, def = '', shorthand?: string): FlagSpec => ({ name, kind: 'string', def, usage, shorthand });
export const int64 = (name: string, usage: string, def = 0n): FlagSpec => ({ name, kind: 'int64', def, usage });
export const duration = (name: string, usage: string, defMs: number): FlagSpec => ({ name, kind: 'duration', def: BigInt(defMs) * 1_000_000n, usage });
export const stringSlice = (name: string, usage: string, def: readonly string[]): FlagSpec => ({ name, kind: 'stringSlice', def, usage });

/** pflag's Value.String() of a value of this kind. */
export function formatFlagValue(kind: FlagKind, v: FlagValue): string {
  switch (kind) {
    case 'bool': return v ? 'true' : 'false';
    case 'string': return v as string;
    case 'int64': return (v as bigint).toString();
    case 'duration': return formatGoDurationNs(v as bigint);
    case 'stringSlice': return `[${(v as readonly string[]).join(',')}]`;
  }
}

/** Every etcdctl command has its own -h/--help. */
export const helpFlag = (command: string): FlagSpec => bool('help', `help for ${command}`, false, 'h');

/** etcdctl 3.4's persistent root flags (ctl.go), shared by every command. */
export const globalFlags: readonly FlagSpec[] = [
  stringSlice('endpoints', 'gRPC endpoints', ['127.0.0.1:2379']),
  bool('debug', 'enable client-side debug logging'),
  str('write-out', 'set the output format (fields, json, protobuf, simple, table)', 'simple', 'w'),
  bool('hex', 'print byte strings as hex encoded strings'),
  duration('dial-timeout', 'dial timeout for client connections', 2000),
  duration('command-timeout', 'timeout for short running command (excluding dial timeout)', 5000),
  duration('keepalive-time', 'keepalive time for client connections', 2000),
  duration('keepalive-timeout', 'keepalive timeout for client connections', 6000),
  bool('insecure-transport', 'disable transport security for client connections', true),
  bool('insecure-discovery', 'accept insecure SRV records describing cluster endpoints', true),
  bool('insecure-skip-tls-verify', 'skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)'),
  str('cert', 'identify secure client using this TLS certificate file'),
  str('key', 'identify secure client using this TLS key file'),
  str('cacert', 'verify certificates of TLS-enabled secure servers using this CA bundle'),
  str('user', 'username[:password] for authentication (prompt if password is not supplied)'),
  str('password', 'password for authentication (if this option is used, --user option shouldn\'t include password)'),
  str('discovery-srv', 'domain name to query for SRV records describing cluster endpoints', '', 'd'),
  str('discovery-srv-name', 'service name to query when using DNS discovery'),
];
