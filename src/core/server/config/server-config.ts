// The typed, frozen server configuration parseServerConfig produces. Durations are milliseconds (unit last in
// the field name), paths are absolute, URL lists are EtcdUrl values sorted as etcd sorts them.
import type { ConfigLogEntry } from './config-log';
import type { EtcdUrl } from './etcd-url';
import type { FlagValue } from './flag-value';
import type { InitialCluster } from './initial-cluster';

/** --quota-backend-bytes 0 means this (etcd's DefaultQuotaBytes, 2 GiB). */
export const DEFAULT_QUOTA_BACKEND_BYTES = 2 * 1024 * 1024 * 1024;
/** etcd warns above this quota (MaxQuotaBytes, 8 GiB). */
export const MAX_QUOTA_BACKEND_BYTES = 8 * 1024 * 1024 * 1024;
/** etcd's upper bound on --election-timeout (maxElectionMs). */
export const MAX_ELECTION_TIMEOUT_MS = 50_000;

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error' | 'panic' | 'fatal';
export type InitialClusterState = 'new' | 'existing';
export type AutoCompactionMode = 'periodic' | 'revision';

/** lumberjack's settings, as --log-rotation-config-json gives them. */
export interface LogRotationConfig {
  /** rotate when the file would grow past this many megabytes (lumberjack default 100) */
  readonly maxSizeMb: number;
  /** remove backups older than this many days; 0 keeps them */
  readonly maxAgeDays: number;
  /** keep at most this many backups; 0 keeps them all */
  readonly maxBackups: number;
  /** name backups with local time instead of UTC */
  readonly localTime: boolean;
  /** gzip backups */
  readonly compress: boolean;
}

/** Where a value came from. */
export type FlagSource =
  | { readonly kind: 'flag'; readonly spelled: string }
  | { readonly kind: 'env'; readonly key: string }
  | { readonly kind: 'file'; readonly key: string };

export interface ServerConfig {
  // ---- how it was given
  /** absolute path of the --config-file / ETCD_CONFIG_FILE read, or null (flags and environment were used) */
  readonly configFile: string | null;
  /** --version was given (the server command prints the version; nothing else was validated) */
  readonly printVersion: boolean;
  /** what parsing wants logged (etcd's messages); the server writes these once its logger exists */
  readonly configLog: readonly ConfigLogEntry[];
  /** the flags given on the command line, in the environment or in the file, sorted */
  readonly explicitlySet: readonly string[];
  /** every flag's effective value by flag name (including flags without a typed field below) */
  readonly flagValues: ReadonlyMap<string, FlagValue>;

  // ---- member
  readonly name: string;
  /** absolute; default `${name}.etcd` in the working directory */
  readonly dataDir: string;
  /** absolute; default `${dataDir}/member/wal` */
  readonly walDir: string;
  /** --wal-dir was given */
  readonly dedicatedWalDir: boolean;
  readonly snapshotCount: number;
  readonly snapshotCatchupEntries: number;
  readonly maxSnapshots: number;
  readonly maxWals: number;
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMs: number;
  /** electionTimeoutMs / heartbeatIntervalMs, rounded down (etcd's ElectionTicks) */
  readonly electionTicks: number;
  readonly initialElectionTickAdvance: boolean;
  /** as given: 0 means DEFAULT_QUOTA_BACKEND_BYTES, negative disables the quota */
  readonly quotaBackendBytes: number;
  readonly backendBatchIntervalMs: number;
  readonly backendBatchLimit: number;
  readonly maxTxnOps: number;
  readonly maxRequestBytes: number;
  readonly maxConcurrentStreams: number;
  readonly grpcKeepaliveMinTimeMs: number;
  readonly grpcKeepaliveIntervalMs: number;
  readonly grpcKeepaliveTimeoutMs: number;
  readonly raftReadTimeoutMs: number;
  readonly raftWriteTimeoutMs: number;
  readonly maxLearners: number;

  // ---- URLs
  readonly listenPeerUrls: readonly EtcdUrl[];
  readonly listenClientUrls: readonly EtcdUrl[];
  /** 3.5: HTTP-only client listeners; empty when not given */
  readonly listenClientHttpUrls: readonly EtcdUrl[];
  readonly advertiseClientUrls: readonly EtcdUrl[];
  readonly initialAdvertisePeerUrls: readonly EtcdUrl[];
  readonly listenMetricsUrls: readonly EtcdUrl[];

  // ---- client TLS (https:// client URLs)
  /** --cert-file / --key-file: the server certificate and key ('' when not given) */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** --trusted-ca-file: CA bundle client certificates are verified against */
  readonly clientTrustedCaFile: string;
  /** --client-cert-auth: ask for a client certificate and refuse connections without a valid one */
  readonly clientCertAuth: boolean;

  // ---- cluster
  /** name → peer URLs as etcd prints them (sorted), the form member ids are hashed from */
  readonly initialCluster: ReadonlyMap<string, readonly string[]>;
  /** the same, as parsed URLs */
  readonly initialClusterUrls: InitialCluster;
  /** --initial-cluster as etcd holds it after defaulting (what it logs as "initial-cluster") */
  readonly initialClusterText: string;
  readonly initialClusterState: InitialClusterState;
  readonly initialClusterToken: string;
  readonly strictReconfigCheck: boolean;
  readonly preVote: boolean;
  readonly forceNewCluster: boolean;

  // ---- compaction, leases, watch
  readonly autoCompactionMode: AutoCompactionMode;
  /** as given ('0', '1h', '100', …) */
  readonly autoCompactionRetention: string;
  /** periodic mode: the retention window (a bare number means hours); 0 disables. 0 in revision mode */
  readonly autoCompactionPeriodMs: number;
  /** revision mode: revisions to keep; 0 disables. 0 in periodic mode */
  readonly autoCompactionRevisions: number;
  readonly compactionBatchLimit: number;
  readonly compactionSleepIntervalMs: number;
  readonly leaseCheckpoint: boolean;
  readonly leaseCheckpointPersist: boolean;
  readonly watchProgressNotifyIntervalMs: number;
  readonly warningApplyDurationMs: number;
  readonly warningUnaryRequestDurationMs: number;

  // ---- auth
  readonly authToken: string;
  /** 4..31 (etcd falls back to 10 for anything else, with a warning) */
  readonly bcryptCost: number;
  readonly authTokenTtlSeconds: number;

  // ---- serving, observability
  readonly enableGrpcGateway: boolean;
  /** always false: --enable-pprof is not-yet */
  readonly enablePprof: boolean;
  readonly metrics: 'basic' | 'extensive';

  // ---- logging
  readonly logger: 'zap';
  readonly logLevel: LogLevelName;
  /** 'stderr', 'stdout', '/dev/null' or absolute file paths; each once, sorted (zap's MergeOutputPaths) */
  readonly logOutputs: readonly string[];
  readonly logFormat: 'json' | 'console';
  readonly enableLogRotation: boolean;
  readonly logRotation: LogRotationConfig;

  // ---- unsafe
  readonly unsafeNoFsync: boolean;
}
