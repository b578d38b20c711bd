// parseServerConfig: etcd's server configuration from argv (Go flag syntax), ETCD_* environment variables and
// --config-file YAML, validated as etcd validates it, as one frozen ServerConfig. Throws ConfigError.
import { buildServerConfig } from './build-server-config';
import { resolveFlags } from './resolve-flags';
import type { ServerConfig } from './server-config';

/**
 * `argv` is the raw argument list after `cairn server` (the command passes it through unparsed), `env` the
 * process environment, `cwd` the directory relative paths (data dir, WAL dir, config file, log files) start
 * from. Throws ConfigError: `kind` 'help' for -h/--help, 'usage' for flag syntax errors (exit 2, like etcd),
 * 'invalid' for everything else (exit 1).
 */
export function parseServerConfig(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): ServerConfig {
  return buildServerConfig(resolveFlags(argv, env, cwd), cwd);
}
