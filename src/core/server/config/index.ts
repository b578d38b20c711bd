// etcd's server configuration: flags, environment, config file → ServerConfig.
export { parseServerConfig } from './parse-server-config';
export { loggerOptionsOf } from './logger-options';
export { formatFlagHelp } from './flag-help';
export { ConfigError, type ConfigErrorKind } from './config-error';
export type { ConfigLogEntry, ConfigLogValue } from './config-log';
export { FLAG_TABLE, flagSpec, envNameOf, type FlagSpec, type FlagType, type FlagStatus, type FlagGroup } from './flag-table';
export type { FlagValue } from './flag-value';
export { parseEtcdUrl, parseEtcdUrlList, formatEtcdUrls, EtcdUrlError, type EtcdUrl, type EtcdUrlScheme } from './etcd-url';
export { parseInitialCluster, formatInitialCluster, verifyBootstrapCluster, type InitialCluster, type BootstrapClusterView } from './initial-cluster';
export { parseGoDurationMs, formatGoDurationMs, formatGoDurationNs } from './go-values';
export {
  DEFAULT_QUOTA_BACKEND_BYTES,
  MAX_QUOTA_BACKEND_BYTES,
  MAX_ELECTION_TIMEOUT_MS,
  type ServerConfig,
  type LogLevelName,
  type LogRotationConfig,
  type FlagSource,
  type InitialClusterState,
  type AutoCompactionMode,
} from './server-config';
