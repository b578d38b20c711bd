// Every flag of the etcd 3.4 server (as `etcd --help` and etcdmain/config.go @ v3.4.23 define them) plus the
// ones 3.5 and 3.6 added, each with its type, default, ETCD_* variable, config-file key and cairn's status:
//   supported  parsed, validated and carried in ServerConfig for the server to honour;
//   not-yet    accepted only with its default value; any other value is rejected by name with the reason;
//   no-effect  accepted and validated like etcd, but it changes nothing in cairn (the reason says why) and a
//              non-default value is reported with a warning in ServerConfig.configLog.
// The oclif `server` command renders its help from this table.

export type FlagType =
  | 'string'
  | 'bool'
  /** Go uint / uint64 / int / int64, parsed with strconv base 0 */
  | 'uint'
  | 'uint64'
  | 'int'
  | 'int64'
  /** etcd's own uint32 flag value (max-concurrent-streams): strconv's error text shows through */
  | 'uint32'
  /** time.ParseDuration; carried in milliseconds */
  | 'duration'
  /** comma-separated URLs (etcd's UniqueURLs) */
  | 'urls'
  /** comma-separated origin URLs or "*" (--cors) */
  | 'origins'
  /** comma-separated strings, each once, sorted (etcd's UniqueStringsValue) */
  | 'unique-strings'
  /** comma-separated strings, as given (etcd's StringsValue) */
  | 'strings'
  /** one of `choices` (etcd's SelectiveStringValue: "invalid value" otherwise) */
  | 'choice'
  /** a pre-3.0 flag etcd still accepts and ignores with a warning; takes no value */
  | 'ignored';

export type FlagStatus = 'supported' | 'not-yet' | 'no-effect';

export type FlagGroup =
  | 'Member'
  | 'Clustering'
  | 'Security'
  | 'Auth'
  | 'Profiling and Monitoring'
  | 'Logging'
  | 'Tracing'
  | 'v2 Proxy'
  | 'Experimental feature'
  | 'Unsafe feature'
  | 'Configuration';

/** The Go type a config-file key decodes into (named in etcd's JSON decoding errors). */
export type YamlGoType = 'string' | 'bool' | 'uint' | 'uint64' | 'int' | 'int64' | 'uint32' | 'time.Duration' | '[]string';

export interface FlagSpec {
  readonly name: string;
  readonly type: FlagType;
  /** the value the flag holds when not given, in flag syntax ('' for empty) */
  readonly default: string;
  /** how help shows the default when it is not the literal value (e.g. '${name}.etcd') */
  readonly defaultText?: string;
  /** the environment variable etcd reads for it: ETCD_ + upper case, dashes → underscores */
  readonly env: string;
  readonly status: FlagStatus;
  /** why a flag is not-yet or has no effect */
  readonly reason?: string;
  readonly group: FlagGroup;
  readonly description: string;
  /** the etcd release that introduced it */
  readonly since: '3.4' | '3.5' | '3.6';
  readonly choices?: readonly string[];
  /** key in the --config-file YAML; null when etcd's config file has no such key */
  readonly yamlKey: string | null;
  readonly yamlType: YamlGoType;
  /** the older (experimental-*) spelling of another flag; when both are given this one wins, as in etcd 3.6 */
  readonly aliasOf?: string;
  /** not listed by `etcd --help` */
  readonly hidden?: boolean;
  /** etcd 3.4's default when cairn's differs */
  readonly etcdDefault?: string;
}

const TLS = 'client TLS takes --cert-file, --key-file, --trusted-ca-file and --client-cert-auth so far; peer TLS arrives with the Raft cluster issue';
const DISCOVERY = 'discovery is not supported; list the members with --initial-cluster';
const V2 = 'the v2 API is not offered';
const PROXY = 'the v2 proxy is not offered';
const TRACING = 'OpenTelemetry tracing is not implemented yet';
const CORRUPTION = 'corruption checks are not implemented yet';
const DOWNGRADE = 'cluster downgrade is not implemented yet';
const DEFRAG = 'defragmentation control arrives with the defrag issue';
const GATEWAY_HTTP = 'the HTTP gateway does not check CORS or Host headers yet';

type Options = Partial<Omit<FlagSpec, 'name' | 'type' | 'default' | 'group' | 'description' | 'env' | 'yamlType' | 'yamlKey'>> & {
  readonly yamlKey?: string | null;
  readonly yamlType?: YamlGoType;
};

const defaultYamlType: Readonly<Record<FlagType, YamlGoType>> = {
  string: 'string',
  bool: 'bool',
  uint: 'uint',
  uint64: 'uint64',
  int: 'int',
  int64: 'int64',
  uint32: 'uint32',
  duration: 'time.Duration',
  urls: 'string',
  origins: 'string',
  'unique-strings': '[]string',
  strings: '[]string',
  choice: 'string',
  ignored: 'bool',
};

export function envNameOf(flag: string): string {
  return `ETCD_${flag.toUpperCase().replace(/-/g, '_')}`;
}

function f(name: string, type: FlagType, def: string, group: FlagGroup, description: string, opts: Options = {}): FlagSpec {
  return Object.freeze({
    since: '3.4',
    status: 'supported',
    ...opts,
    name,
    type,
    default: def,
    group,
    description,
    env: envNameOf(name),
    yamlKey: opts.yamlKey === undefined ? name : opts.yamlKey,
    yamlType: opts.yamlType ?? defaultYamlType[type],
  });
}

const tls = (name: string, type: FlagType, def: string, description: string, opts: Options = {}) =>
  f(name, type, def, 'Security', description, { status: 'not-yet', reason: TLS, yamlKey: null, ...opts });

const ignoredNames = [
  'cluster-active-size', 'cluster-remove-delay', 'cluster-sync-interval', 'config', 'force', 'max-result-buffer',
  'max-retry-attempts', 'peer-heartbeat-interval', 'peer-election-timeout', 'retry-interval', 'snapshot', 'v', 'vv',
  'test.coverprofile', 'test.outputdir',
];

/** Every flag, in `etcd --help` order within each group. */
export const FLAG_TABLE: readonly FlagSpec[] = Object.freeze([
  // Member
  f('name', 'string', 'default', 'Member', 'Human-readable name for this member.'),
  f('data-dir', 'string', '', 'Member', 'Path to the data directory.', { defaultText: '${name}.etcd' }),
  f('wal-dir', 'string', '', 'Member', 'Path to the dedicated wal directory.'),
  f('snapshot-count', 'uint64', '100000', 'Member', 'Number of committed transactions to trigger a snapshot to disk.'),
  f('heartbeat-interval', 'uint', '100', 'Member', 'Time (in milliseconds) of a heartbeat interval.', { status: 'no-effect', reason: 'Raft tuning; it takes effect once clusters of several members arrive (Raft issue); one member elects itself at once' }),
  f('election-timeout', 'uint', '1000', 'Member', 'Time (in milliseconds) for an election to timeout. See tuning documentation for details.', { status: 'no-effect', reason: 'Raft tuning; it takes effect once clusters of several members arrive (Raft issue); one member elects itself at once' }),
  f('initial-election-tick-advance', 'bool', 'true', 'Member', 'Whether to fast-forward initial election ticks on boot for faster election.', { status: 'no-effect', reason: 'Raft tuning; it takes effect once clusters of several members arrive (Raft issue); one member elects itself at once' }),
  f('listen-peer-urls', 'urls', 'http://localhost:2380', 'Member', 'List of URLs to listen on for peer traffic.'),
  f('listen-client-urls', 'urls', 'http://localhost:2379', 'Member', 'List of URLs to listen on for client traffic.'),
  f('listen-client-http-urls', 'urls', '', 'Member', 'List of URLs to listen on for http only client traffic. Enabling this flag removes http services from --listen-client-urls.', { since: '3.5', status: 'not-yet', reason: 'a separate HTTP-only client listener is not implemented yet' }),
  f('max-snapshots', 'uint', '5', 'Member', 'Maximum number of snapshot files to retain (0 is unlimited).', { status: 'no-effect', reason: 'cairn keeps no snapshot files: the LMDB backend is the snapshot' }),
  f('max-wals', 'uint', '5', 'Member', 'Maximum number of wal files to retain (0 is unlimited).', { status: 'no-effect', reason: 'cairn releases WAL segments once the backend is durable past them (every 20,000 entries at most)' }),
  f('quota-backend-bytes', 'int64', '0', 'Member', 'Raise alarms when backend size exceeds the given quota (0 defaults to low space quota).'),
  f('backend-batch-interval', 'duration', '0s', 'Member', 'BackendBatchInterval is the maximum time before commit the backend transaction.', { defaultText: '', status: 'no-effect', reason: 'backend commits follow the WAL group commit: one LMDB transaction per committed batch' }),
  f('backend-batch-limit', 'int', '0', 'Member', 'BackendBatchLimit is the maximum operations before commit the backend transaction.', { status: 'no-effect', reason: 'backend commits follow the WAL group commit: one LMDB transaction per committed batch' }),
  f('backend-bbolt-freelist-type', 'string', 'map', 'Member', 'BackendFreelistType specifies the type of freelist that boltdb backend uses(array and map are supported types).', { since: '3.5', status: 'no-effect', reason: 'the LMDB backend has no bbolt freelist' }),
  f('max-txn-ops', 'uint', '128', 'Member', 'Maximum number of operations permitted in a transaction.'),
  f('max-request-bytes', 'uint', '1572864', 'Member', 'Maximum client request size in bytes the server will accept.'),
  f('max-concurrent-streams', 'uint32', '4294967295', 'Member', 'Maximum concurrent streams that each client can open at a time.', { defaultText: 'math.MaxUint32' }),
  f('grpc-keepalive-min-time', 'duration', '5s', 'Member', 'Minimum duration interval that a client should wait before pinging server.'),
  f('grpc-keepalive-interval', 'duration', '2h', 'Member', 'Frequency duration of server-to-client ping to check if a connection is alive (0 to disable).', { status: 'no-effect', reason: 'server-initiated keepalive pings are not implemented yet' }),
  f('grpc-keepalive-timeout', 'duration', '20s', 'Member', 'Additional duration of wait before closing a non-responsive connection (0 to disable).', { status: 'no-effect', reason: 'server-initiated keepalive pings are not implemented yet' }),
  f('socket-reuse-port', 'bool', 'false', 'Member', 'Enable to set socket option SO_REUSEPORT on listeners allowing rebinding of a port already in use.', { since: '3.5', status: 'not-yet', reason: 'Node 20 cannot set SO_REUSEPORT on a listener' }),
  f('socket-reuse-address', 'bool', 'false', 'Member', 'Enable to set socket option SO_REUSEADDR on listeners allowing binding to an address in TIME_WAIT state.', { since: '3.5', status: 'no-effect', reason: 'Node always sets SO_REUSEADDR on listeners' }),
  f('raft-read-timeout', 'duration', '5s', 'Member', 'Read timeout set on each rafthttp connection', { since: '3.5', status: 'no-effect', reason: 'peer connections arrive with the Raft cluster issue' }),
  f('raft-write-timeout', 'duration', '5s', 'Member', 'Write timeout set on each rafthttp connection', { since: '3.5', status: 'no-effect', reason: 'peer connections arrive with the Raft cluster issue' }),
  f('max-learners', 'int', '1', 'Member', 'Set the max number of learner members allowed in the cluster membership.', { since: '3.6', status: 'no-effect', reason: 'learners arrive with the Raft cluster issue' }),
  f('snapshot-catchup-entries', 'uint64', '5000', 'Member', 'Number of entries for a slow follower to catch up after compacting the raft storage entries.', { since: '3.6', status: 'no-effect', reason: 'followers arrive with the Raft cluster issue' }),
  f('memory-mlock', 'bool', 'false', 'Member', 'Enable to enforce etcd pages (in particular bbolt) to stay in RAM.', { since: '3.6', status: 'not-yet', reason: 'locking the backend in RAM is not implemented yet' }),
  f('feature-gates', 'string', '', 'Member', 'A set of key=value pairs that describe server level feature gates for alpha/experimental features.', { since: '3.6', status: 'not-yet', reason: 'feature gates are not implemented yet; use the individual flags' }),

  // Clustering
  f('initial-advertise-peer-urls', 'urls', 'http://localhost:2380', 'Clustering', "List of this member's peer URLs to advertise to the rest of the cluster."),
  f('initial-cluster', 'string', 'default=http://localhost:2380', 'Clustering', 'Initial cluster configuration for bootstrapping.'),
  f('initial-cluster-state', 'choice', 'new', 'Clustering', "Initial cluster state ('new' or 'existing').", { choices: ['new', 'existing'] }),
  f('initial-cluster-token', 'string', 'etcd-cluster', 'Clustering', 'Initial cluster token for the etcd cluster during bootstrap.\nSpecifying this can protect you from unintended cross-cluster interaction when running multiple clusters.'),
  f('advertise-client-urls', 'urls', 'http://localhost:2379', 'Clustering', "List of this member's client URLs to advertise to the public.\nThe client URLs advertised should be accessible to machines that talk to etcd cluster. etcd client libraries parse these URLs to connect to the cluster."),
  f('discovery', 'string', '', 'Clustering', 'Discovery URL used to bootstrap the cluster.', { status: 'not-yet', reason: DISCOVERY }),
  f('discovery-fallback', 'choice', 'proxy', 'Clustering', "Expected behavior ('exit' or 'proxy') when discovery services fails.\n\"proxy\" supports v2 API only.", { status: 'not-yet', reason: DISCOVERY, choices: ['proxy', 'exit'] }),
  f('discovery-proxy', 'string', '', 'Clustering', 'HTTP proxy to use for traffic to discovery service.', { status: 'not-yet', reason: DISCOVERY }),
  f('discovery-srv', 'string', '', 'Clustering', 'DNS srv domain used to bootstrap the cluster.', { status: 'not-yet', reason: DISCOVERY }),
  f('discovery-srv-name', 'string', '', 'Clustering', 'Suffix to the dns srv name queried when bootstrapping.', { status: 'not-yet', reason: DISCOVERY }),
  ...(
    [
      ['discovery-token', 'string', '', 'V3 discovery: discovery token for the etcd cluster to be bootstrapped.'],
      ['discovery-endpoints', 'unique-strings', '', 'V3 discovery: List of gRPC endpoints of the discovery service.'],
      ['discovery-dial-timeout', 'duration', '2s', 'V3 discovery: dial timeout for client connections.'],
      ['discovery-request-timeout', 'duration', '5s', 'V3 discovery: timeout for discovery requests (excluding dial timeout).'],
      ['discovery-keepalive-time', 'duration', '2s', 'V3 discovery: keepalive time for client connections.'],
      ['discovery-keepalive-timeout', 'duration', '6s', 'V3 discovery: keepalive timeout for client connections.'],
      ['discovery-insecure-transport', 'bool', 'true', 'V3 discovery: disable transport security for client connections.'],
      ['discovery-insecure-skip-tls-verify', 'bool', 'false', 'V3 discovery: skip server certificate verification (CAUTION: this option should be enabled only for testing purposes).'],
      ['discovery-cert', 'string', '', 'V3 discovery: identify secure client using this TLS certificate file.'],
      ['discovery-key', 'string', '', 'V3 discovery: identify secure client using this TLS key file.'],
      ['discovery-cacert', 'string', '', 'V3 discovery: verify certificates of TLS-enabled secure servers using this CA bundle.'],
      ['discovery-user', 'string', '', 'V3 discovery: username[:password] for authentication (prompt if password is not supplied).'],
      ['discovery-password', 'string', '', 'V3 discovery: password for authentication (if this option is used, --user option shouldn\'t include password).'],
    ] as const
  ).map(([name, type, def, description]) => f(name, type, def, 'Clustering', description, { since: '3.6', status: 'not-yet', reason: DISCOVERY, yamlKey: null })),
  f('strict-reconfig-check', 'bool', 'true', 'Clustering', 'Reject reconfiguration requests that would cause quorum loss.', { status: 'no-effect', reason: 'membership changes arrive with the Raft cluster issue' }),
  f('pre-vote', 'bool', 'false', 'Clustering', 'Enable to run an additional Raft election phase.', { status: 'no-effect', reason: 'elections arrive with the Raft cluster issue' }),
  f('auto-compaction-retention', 'string', '0', 'Clustering', 'Auto compaction retention length. 0 means disable auto compaction.'),
  f('auto-compaction-mode', 'string', 'periodic', 'Clustering', "Interpret 'auto-compaction-retention' one of: periodic|revision. 'periodic' for duration based retention, defaulting to hours if no time unit is provided (e.g. '5m'). 'revision' for revision number based retention."),
  f('enable-v2', 'bool', 'false', 'Clustering', 'Accept etcd V2 client requests.', { status: 'not-yet', reason: V2 }),
  f('v2-deprecation', 'choice', 'not-yet', 'Clustering', 'Phase of v2store deprecation.', { since: '3.5', status: 'no-effect', reason: 'cairn has no v2 store', choices: ['not-yet', 'write-only', 'write-only-drop-data', 'gone'] }),

  // Security
  tls('cert-file', 'string', '', 'Path to the client server TLS cert file.', { status: 'supported', reason: undefined }),
  tls('key-file', 'string', '', 'Path to the client server TLS key file.', { status: 'supported', reason: undefined }),
  tls('client-cert-auth', 'bool', 'false', 'Enable client cert authentication.', { status: 'supported', reason: undefined }),
  tls('client-crl-file', 'string', '', 'Path to the client certificate revocation list file.'),
  tls('client-cert-allowed-hostname', 'string', '', 'Allowed TLS hostname for client cert authentication.'),
  tls('trusted-ca-file', 'string', '', 'Path to the client server TLS trusted CA cert file.', { status: 'supported', reason: undefined }),
  tls('auto-tls', 'bool', 'false', 'Client TLS using generated certificates.'),
  tls('client-cert-file', 'string', '', 'Path to an explicit peer client TLS cert file otherwise cert file will be used when client auth is required.', { since: '3.5' }),
  tls('client-key-file', 'string', '', 'Path to an explicit peer client TLS key file otherwise key file will be used when client auth is required.', { since: '3.5' }),
  tls('peer-cert-file', 'string', '', 'Path to the peer server TLS cert file.'),
  tls('peer-key-file', 'string', '', 'Path to the peer server TLS key file.'),
  tls('peer-client-cert-auth', 'bool', 'false', 'Enable peer client cert authentication.'),
  tls('peer-trusted-ca-file', 'string', '', 'Path to the peer server TLS trusted CA file.'),
  tls('peer-cert-allowed-cn', 'string', '', 'Required CN for client certs connecting to the peer endpoint.'),
  tls('peer-cert-allowed-hostname', 'string', '', 'Allowed TLS hostname for inter peer authentication.'),
  tls('peer-auto-tls', 'bool', 'false', 'Peer TLS using self-generated certificates if --peer-key-file and --peer-cert-file are not provided.'),
  tls('peer-client-cert-file', 'string', '', 'Path to an explicit peer client TLS cert file otherwise peer cert file will be used when client auth is required.', { since: '3.5' }),
  tls('peer-client-key-file', 'string', '', 'Path to an explicit peer client TLS key file otherwise peer key file will be used when client auth is required.', { since: '3.5' }),
  tls('peer-crl-file', 'string', '', 'Path to the peer certificate revocation list file.'),
  tls('self-signed-cert-validity', 'uint', '1', 'The validity period of the client and peer certificates that are automatically generated by etcd when you specify ClientAutoTLS and PeerAutoTLS, the unit is year, and the default is 1.', { since: '3.5', yamlKey: 'self-signed-cert-validity' }),
  tls('cipher-suites', 'strings', '', 'Comma-separated list of supported TLS cipher suites between client/server and peers (empty will be auto-populated by Go).', { yamlKey: 'cipher-suites' }),
  tls('tls-min-version', 'string', 'TLS1.2', 'Minimum TLS version supported by etcd. Possible values: TLS1.2, TLS1.3.', { since: '3.5', yamlKey: 'tls-min-version' }),
  tls('tls-max-version', 'string', '', 'Maximum TLS version supported by etcd. Possible values: TLS1.2, TLS1.3 (empty will be auto-populated by Go).', { since: '3.5', yamlKey: 'tls-max-version' }),
  tls('experimental-peer-skip-client-san-verification', 'bool', 'false', 'Skip verification of SAN field in client certificate for peer connections.', { aliasOf: 'peer-skip-client-san-verification' }),
  tls('peer-skip-client-san-verification', 'bool', 'false', 'Skip verification of SAN field in client certificate for peer connections.', { since: '3.6' }),
  f('cors', 'origins', '*', 'Security', 'Comma-separated whitelist of origins for CORS, or cross-origin resource sharing, (empty or * means allow all).', { status: 'not-yet', reason: GATEWAY_HTTP }),
  f('host-whitelist', 'unique-strings', '*', 'Security', 'Acceptable hostnames from HTTP client requests, if server is not secure (empty or * means allow all).', { status: 'not-yet', reason: GATEWAY_HTTP, yamlType: 'string' }),

  // Auth
  f('auth-token', 'string', 'simple', 'Auth', "Specify a v3 authentication token type and its options ('simple' or 'jwt').", { status: 'no-effect', reason: 'authentication arrives with the security issue' }),
  f('bcrypt-cost', 'uint', '10', 'Auth', 'Specify the cost / strength of the bcrypt algorithm for hashing auth passwords. Valid values are between 4 and 31.', { status: 'no-effect', reason: 'authentication arrives with the security issue' }),
  f('auth-token-ttl', 'uint', '300', 'Auth', 'Time (in seconds) of the auth-token-ttl.', { status: 'no-effect', reason: 'authentication arrives with the security issue' }),

  // Profiling and Monitoring
  f('enable-pprof', 'bool', 'false', 'Profiling and Monitoring', 'Enable runtime profiling data via HTTP server. Address is at client URL + "/debug/pprof/"', { status: 'not-yet', reason: "Go's pprof endpoints have no Node equivalent yet" }),
  f('metrics', 'string', 'basic', 'Profiling and Monitoring', "Set level of detail for exported metrics, specify 'extensive' to include histogram metrics.", { choices: ['basic', 'extensive'] }),
  f('listen-metrics-urls', 'urls', '', 'Profiling and Monitoring', 'List of URLs to listen on for the metrics and health endpoints.'),

  // Logging
  f('logger', 'string', 'zap', 'Logging', "Specify 'zap' for structured logging or 'capnslog'. cairn always logs with zap's format.", { etcdDefault: 'capnslog' }),
  f('log-outputs', 'unique-strings', 'default', 'Logging', "Specify 'stdout' or 'stderr' to skip journald logging even when running under systemd, or list of comma separated output targets."),
  f('log-level', 'string', 'info', 'Logging', 'Configures log level. Only supports debug, info, warn, error, panic, or fatal.'),
  f('log-format', 'string', 'json', 'Logging', 'Configures log format. Only supports json, console.', { since: '3.6', choices: ['json', 'console'] }),
  f('enable-log-rotation', 'bool', 'false', 'Logging', 'Enable log rotation of a single log-outputs file target.', { since: '3.5' }),
  f('log-rotation-config-json', 'string', '{"maxsize": 100, "maxage": 0, "maxbackups": 0, "localtime": false, "compress": false}', 'Logging', 'Configures log rotation if enabled with a JSON logger config. MaxSize(MB), MaxAge(days,0=no limit), MaxBackups(0=no limit), LocalTime(use computers local time), Compress(gzip)', { since: '3.5' }),
  f('log-output', 'unique-strings', 'default', 'Logging', "[TO BE DEPRECATED IN v3.5] use '--log-outputs'.", { hidden: true }),
  f('debug', 'bool', 'false', 'Logging', "Enable debug-level logging for etcd. [WARN] Will be deprecated in v3.5. Use '--log-level=debug' instead.", { status: 'no-effect', reason: "deprecated; etcd 3.4 with --logger=zap ignores it too: use '--log-level=debug'" }),
  f('log-package-levels', 'string', '', 'Logging', "Specify a particular log level for each etcd package (eg: 'etcdmain=CRITICAL,etcdserver=DEBUG').", { status: 'not-yet', reason: "per-package levels belong to capnslog, which cairn does not offer; use '--log-level'" }),

  // Tracing (3.5 experimental-*, 3.6 plain)
  f('enable-distributed-tracing', 'bool', 'false', 'Tracing', 'Enable distributed tracing.', { since: '3.6', status: 'not-yet', reason: TRACING }),
  f('distributed-tracing-address', 'string', 'localhost:4317', 'Tracing', 'Distributed tracing collector address.', { since: '3.6', status: 'not-yet', reason: TRACING }),
  f('distributed-tracing-service-name', 'string', 'etcd', 'Tracing', 'Distributed tracing service name, must be same across all etcd instances.', { since: '3.6', status: 'not-yet', reason: TRACING }),
  f('distributed-tracing-instance-id', 'string', '', 'Tracing', 'Distributed tracing instance ID, must be unique per each etcd instance.', { since: '3.6', status: 'not-yet', reason: TRACING }),
  f('distributed-tracing-sampling-rate', 'int', '0', 'Tracing', 'Number of samples to collect per million spans for distributed tracing.', { since: '3.6', status: 'not-yet', reason: TRACING }),
  f('experimental-enable-distributed-tracing', 'bool', 'false', 'Tracing', 'Enable experimental distributed tracing using OpenTelemetry Tracing.', { since: '3.5', status: 'not-yet', reason: TRACING, aliasOf: 'enable-distributed-tracing' }),
  f('experimental-distributed-tracing-address', 'string', 'localhost:4317', 'Tracing', 'Address for distributed tracing used for OpenTelemetry Tracing.', { since: '3.5', status: 'not-yet', reason: TRACING, aliasOf: 'distributed-tracing-address' }),
  f('experimental-distributed-tracing-service-name', 'string', 'etcd', 'Tracing', 'Configures service name for distributed tracing.', { since: '3.5', status: 'not-yet', reason: TRACING, aliasOf: 'distributed-tracing-service-name' }),
  f('experimental-distributed-tracing-instance-id', 'string', '', 'Tracing', 'Configures service instance ID for distributed tracing.', { since: '3.5', status: 'not-yet', reason: TRACING, aliasOf: 'distributed-tracing-instance-id' }),
  f('experimental-distributed-tracing-sampling-rate', 'int', '0', 'Tracing', 'Number of samples to collect per million spans for OpenTelemetry Tracing.', { since: '3.5', status: 'not-yet', reason: TRACING, aliasOf: 'distributed-tracing-sampling-rate' }),

  // v2 Proxy
  f('proxy', 'choice', 'off', 'v2 Proxy', "Proxy mode setting ('off', 'readonly' or 'on').", { status: 'not-yet', reason: PROXY, choices: ['off', 'readonly', 'on'] }),
  f('proxy-failure-wait', 'uint', '5000', 'v2 Proxy', 'Time (in milliseconds) an endpoint will be held in a failed state.', { status: 'not-yet', reason: PROXY }),
  f('proxy-refresh-interval', 'uint', '30000', 'v2 Proxy', 'Time (in milliseconds) of the endpoints refresh interval.', { status: 'not-yet', reason: PROXY }),
  f('proxy-dial-timeout', 'uint', '1000', 'v2 Proxy', 'Time (in milliseconds) for a dial to timeout.', { status: 'not-yet', reason: PROXY }),
  f('proxy-write-timeout', 'uint', '5000', 'v2 Proxy', 'Time (in milliseconds) for a write to timeout.', { status: 'not-yet', reason: PROXY }),
  f('proxy-read-timeout', 'uint', '0', 'v2 Proxy', 'Time (in milliseconds) for a read to timeout.', { status: 'not-yet', reason: PROXY }),

  // Experimental feature (3.4 names first, then the 3.5/3.6 ones)
  f('experimental-initial-corrupt-check', 'bool', 'false', 'Experimental feature', 'Enable to check data corruption before serving any client/peer traffic.', { status: 'not-yet', reason: CORRUPTION }),
  f('experimental-corrupt-check-time', 'duration', '0s', 'Experimental feature', 'Duration of time between cluster corruption check passes.', { status: 'not-yet', reason: CORRUPTION, aliasOf: 'corrupt-check-time' }),
  f('corrupt-check-time', 'duration', '0s', 'Experimental feature', 'Duration of time between cluster corruption check passes.', { since: '3.6', status: 'not-yet', reason: CORRUPTION }),
  f('experimental-enable-v2v3', 'string', '', 'Experimental feature', 'Serve v2 requests through the v3 backend under a given prefix.', { status: 'not-yet', reason: V2 }),
  f('experimental-backend-bbolt-freelist-type', 'string', '', 'Experimental feature', 'ExperimentalBackendFreelistType specifies the type of freelist that boltdb backend uses(array and map are supported types).', { status: 'no-effect', reason: 'the LMDB backend has no bbolt freelist', defaultText: 'array' }),
  f('experimental-enable-lease-checkpoint', 'bool', 'false', 'Experimental feature', 'ExperimentalEnableLeaseCheckpoint enables primary lessor to persist lease remainingTTL to prevent indefinite auto-renewal of long lived leases.'),
  f('experimental-enable-lease-checkpoint-persist', 'bool', 'false', 'Experimental feature', 'Enable persisting remainingTTL to prevent indefinite auto-renewal of long lived leases. Requires experimental-enable-lease-checkpoint to be enabled.'),
  f('experimental-compaction-batch-limit', 'int', '1000', 'Experimental feature', 'ExperimentalCompactionBatchLimit sets the maximum revisions deleted in each compaction batch.', { aliasOf: 'compaction-batch-limit' }),
  f('compaction-batch-limit', 'int', '1000', 'Experimental feature', 'CompactionBatchLimit sets the maximum revisions deleted in each compaction batch.', { since: '3.6' }),
  f('experimental-compaction-sleep-interval', 'duration', '0s', 'Experimental feature', 'Sets the sleep interval between each compaction batch.', { since: '3.5', aliasOf: 'compaction-sleep-interval' }),
  f('compaction-sleep-interval', 'duration', '0s', 'Experimental feature', 'Sets the sleep interval between each compaction batch.', { since: '3.6' }),
  f('experimental-watch-progress-notify-interval', 'duration', '10m', 'Experimental feature', 'Duration of periodical watch progress notification.', { aliasOf: 'watch-progress-notify-interval' }),
  f('watch-progress-notify-interval', 'duration', '10m', 'Experimental feature', 'Duration of periodical watch progress notification.', { since: '3.6' }),
  f('experimental-warning-apply-duration', 'duration', '100ms', 'Experimental feature', 'Warning is generated if requests take more than this duration.', { aliasOf: 'warning-apply-duration', status: 'no-effect', reason: 'slow-apply warnings are not logged yet' }),
  f('warning-apply-duration', 'duration', '100ms', 'Experimental feature', 'Warning is generated if requests take more than this duration.', { since: '3.6', status: 'no-effect', reason: 'slow-apply warnings are not logged yet' }),
  f('experimental-warning-unary-request-duration', 'duration', '300ms', 'Experimental feature', 'Time duration after which a warning is generated if a unary request takes more time.', { since: '3.5', aliasOf: 'warning-unary-request-duration', status: 'no-effect', reason: 'slow-request warnings are not logged yet' }),
  f('warning-unary-request-duration', 'duration', '300ms', 'Experimental feature', 'Set time duration after which a warning is logged if a unary request takes more than this duration.', { since: '3.6', status: 'no-effect', reason: 'slow-request warnings are not logged yet' }),
  f('experimental-snapshot-catchup-entries', 'uint64', '5000', 'Experimental feature', 'Number of entries for a slow follower to catch up after compacting the raft storage entries.', { since: '3.5', aliasOf: 'snapshot-catchup-entries', status: 'no-effect', reason: 'followers arrive with the Raft cluster issue' }),
  f('experimental-memory-mlock', 'bool', 'false', 'Experimental feature', 'Enable to enforce etcd pages (in particular bbolt) to stay in RAM.', { since: '3.5', status: 'not-yet', reason: 'locking the backend in RAM is not implemented yet', aliasOf: 'memory-mlock' }),
  f('experimental-txn-mode-write-with-shared-buffer', 'bool', 'true', 'Experimental feature', 'Enable the write transaction to use a shared buffer in its readonly check operations.', { since: '3.5', status: 'no-effect', reason: "a bbolt buffering detail; cairn's write transactions always read their own writes" }),
  f('experimental-stop-grpc-service-on-defrag', 'bool', 'false', 'Experimental feature', 'Enable etcd gRPC service to stop serving client requests on defragmentation.', { since: '3.5', status: 'not-yet', reason: DEFRAG }),
  f('experimental-bootstrap-defrag-threshold-megabytes', 'uint', '0', 'Experimental feature', 'Enable the defrag during etcd server bootstrap on condition that it will free at least the provided threshold of disk space. Needs to be set to non-zero value to take effect.', { since: '3.5', status: 'not-yet', reason: DEFRAG, aliasOf: 'bootstrap-defrag-threshold-megabytes' }),
  f('bootstrap-defrag-threshold-megabytes', 'uint', '0', 'Experimental feature', 'Enable the defrag during etcd server bootstrap on condition that it will free at least the provided threshold of disk space. Needs to be set to non-zero value to take effect.', { since: '3.6', status: 'not-yet', reason: DEFRAG }),
  f('experimental-compact-hash-check-enabled', 'bool', 'false', 'Experimental feature', 'Enable leader to periodically check followers compaction hashes.', { since: '3.5', status: 'not-yet', reason: CORRUPTION }),
  f('experimental-compact-hash-check-time', 'duration', '1m', 'Experimental feature', 'Duration of time between leader checks followers compaction hashes.', { since: '3.5', status: 'not-yet', reason: CORRUPTION, aliasOf: 'compact-hash-check-time' }),
  f('compact-hash-check-time', 'duration', '1m', 'Experimental feature', 'Duration of time between leader checks followers compaction hashes.', { since: '3.6', status: 'not-yet', reason: CORRUPTION }),
  f('experimental-downgrade-check-time', 'duration', '5s', 'Experimental feature', 'Duration of time between two downgrade status check.', { since: '3.5', status: 'not-yet', reason: DOWNGRADE, aliasOf: 'downgrade-check-time' }),
  f('downgrade-check-time', 'duration', '5s', 'Experimental feature', 'Duration of time between two downgrade status checks.', { since: '3.6', status: 'not-yet', reason: DOWNGRADE }),
  f('enable-grpc-gateway', 'bool', 'true', 'Experimental feature', 'Enable GRPC gateway.'),

  // Unsafe feature
  f('force-new-cluster', 'bool', 'false', 'Unsafe feature', 'Force to create a new one-member cluster.'),
  f('unsafe-no-fsync', 'bool', 'false', 'Unsafe feature', 'Disables fsync, unsafe, will cause data loss.'),

  // Configuration
  f('config-file', 'string', '', 'Configuration', 'Path to the server configuration file. Note that if a configuration file is provided, other command line flags and environment variables will be ignored.', { yamlKey: null }),
  f('version', 'bool', 'false', 'Configuration', 'Print the version and exit (handled by the server command).', { yamlKey: null, hidden: true }),
  ...ignoredNames.map((name) => f(name, 'ignored', '', 'Configuration', 'Ignored (removed before etcd 3.0); etcd accepts it and warns.', { hidden: true, status: 'no-effect', reason: 'etcd 3.4 ignores it too', yamlKey: null })),
]);

const byName: ReadonlyMap<string, FlagSpec> = new Map(FLAG_TABLE.map((spec) => [spec.name, spec]));

/** The spec of a flag, or undefined for a name etcd does not define. */
export function flagSpec(name: string): FlagSpec | undefined {
  return byName.get(name);
}
