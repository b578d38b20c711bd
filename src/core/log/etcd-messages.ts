// The lines etcd 3.4.23 logs (--logger=zap) over a member's life, recorded from the real binary on loopback
// (new member, then restart of the same data dir; SIGTERM / SIGINT; the raw logs are kept in
// test/core/log/fixtures/). Each entry: the exact message, level, etcd's caller, and the field names in etcd's
// order, so the server can print the same lines. Raft's lines embed their values in the message and are
// built by the functions at the end. Member and cluster ids are lower-case hex (idToHex); raft's
// "voters=(…)" lists them in decimal.
import type { LogLevel } from './levels';

export interface EtcdMessage {
  readonly msg: string;
  readonly level: LogLevel;
  /** the caller etcd 3.4.23 reports (file:line in its tree) */
  readonly caller: string;
  /** field names, in etcd's order */
  readonly fields: readonly string[];
}

const m = (level: LogLevel, caller: string, msg: string, fields: readonly string[] = []): EtcdMessage =>
  Object.freeze({ msg, level, caller, fields: Object.freeze([...fields]) });

/** Fields of "starting an etcd server", in etcd's order. */
export const STARTING_ETCD_SERVER_FIELDS: readonly string[] = Object.freeze([
  'etcd-version', 'git-sha', 'go-version', 'go-os', 'go-arch', 'max-cpu-set', 'max-cpu-available', 'member-initialized',
  'name', 'data-dir', 'wal-dir', 'wal-dir-dedicated', 'member-dir', 'force-new-cluster', 'heartbeat-interval',
  'election-timeout', 'initial-election-tick-advance', 'snapshot-count', 'max-wals', 'max-snapshots',
  'snapshot-catchup-entries', 'initial-advertise-peer-urls', 'listen-peer-urls', 'advertise-client-urls',
  'listen-client-urls', 'listen-metrics-urls', 'cors', 'host-whitelist', 'initial-cluster', 'initial-cluster-state',
  'initial-cluster-token', 'quota-backend-bytes', 'max-request-bytes', 'max-concurrent-streams', 'pre-vote',
  'initial-corrupt-check', 'corrupt-check-time-interval', 'auto-compaction-mode', 'auto-compaction-retention',
  'auto-compaction-interval', 'discovery-url', 'discovery-proxy',
]);

const urlFields = ['initial-advertise-peer-urls', 'listen-peer-urls', 'advertise-client-urls', 'listen-client-urls', 'listen-metrics-urls'];
const closeFields = ['name', 'data-dir', 'advertise-peer-urls', 'advertise-client-urls'];

/** Every etcd line cairn reproduces, by purpose. */
export const EtcdMessages = Object.freeze({
  // ---- configuration (etcdmain, pkg/flags; 3.5 zap field names for the flag lines)
  recognizedEnvironmentVariable: m('info', 'flags/flag.go:113', 'recognized and used environment variable', ['variable-name', 'variable-value']),
  unrecognizedEnvironmentVariable: m('warn', 'flags/flag.go:93', 'unrecognized environment variable', ['environment-variable']),
  loadedConfigFile: m('info', 'etcdmain/config.go:312', 'loaded server configuration, other configuration command line flags and environment variables will be ignored if provided', ['path']),
  failedToVerifyFlags: m('warn', 'etcdmain/etcd.go:66', 'failed to verify flags', ['error']),
  advertiseClientUrlsNotSet: m('warn', 'etcdmain/etcd.go:73', 'advertise client URLs are not set', ['error']),
  dataDirEmpty: m('warn', 'etcdmain/etcd.go:119', "'data-dir' was empty; using default", ['data-dir']),
  alreadyInitialized: m('info', 'etcdmain/etcd.go:134', 'server has been already initialized', ['data-dir', 'dir-type']),

  // ---- start (in the order etcd prints them)
  configuringPeerListeners: m('info', 'embed/etcd.go:117', 'configuring peer listeners', ['listen-peer-urls']),
  configuringClientListeners: m('info', 'embed/etcd.go:127', 'configuring client listeners', ['listen-client-urls']),
  startingAnEtcdServer: m('info', 'embed/etcd.go:305', 'starting an etcd server', STARTING_ETCD_SERVER_FIELDS),
  openedBackendDb: m('info', 'etcdserver/backend.go:80', 'opened backend db', ['path', 'took']),
  startingLocalMember: m('info', 'etcdserver/raft.go:536', 'starting local member', ['local-member-id', 'cluster-id']),
  restartingLocalMember: m('info', 'etcdserver/raft.go:586', 'restarting local member', ['cluster-id', 'local-member-id', 'commit-index']),
  simpleTokenNotSigned: m('warn', 'auth/store.go:1380', 'simple token is not cryptographically signed'),
  enabledBackendQuotaDefault: m('info', 'etcdserver/quota.go:98', 'enabled backend quota with default value', ['quota-name', 'quota-size-bytes', 'quota-size']),
  startingEtcdServer: m('info', 'etcdserver/server.go:816', 'starting etcd server', ['local-member-id', 'local-server-version', 'cluster-version']),
  nowServing: m('info', 'embed/etcd.go:247', 'now serving peer/client/metrics', ['local-member-id', ...urlFields]),
  servingPeerTraffic: m('info', 'embed/etcd.go:587', 'serving peer traffic', ['address']),
  servingMetrics: m('info', 'embed/etcd.go:789', 'serving metrics', ['address']),
  singleNodeFastForward: m('info', 'etcdserver/server.go:682', 'started as single-node; fast-forwarding election ticks', ['local-member-id', 'forward-ticks', 'forward-duration', 'election-ticks', 'election-timeout']),
  initialElectionTickAdvance: m('info', 'etcdserver/server.go:704', 'starting initial election tick advance', ['election-ticks']),
  startedToPurgeFile: m('info', 'fileutil/purge.go:42', 'started to purge file', ['dir', 'suffix', 'max', 'interval']),
  addedMember: m('info', 'membership/cluster.go:392', 'added member', ['cluster-id', 'local-member-id', 'added-peer-id', 'added-peer-peer-urls']),
  settingUpInitialClusterVersion: m('info', 'etcdserver/server.go:2567', 'setting up initial cluster version', ['cluster-version']),
  publishedLocalMember: m('info', 'etcdserver/server.go:2069', 'published local member to cluster through raft', ['local-member-id', 'local-member-attributes', 'request-path', 'cluster-id', 'publish-timeout']),
  setInitialClusterVersion: m('info', 'membership/cluster.go:558', 'set initial cluster version', ['cluster-id', 'local-member-id', 'cluster-version']),
  enabledCapabilities: m('info', 'api/capability.go:76', 'enabled capabilities for version', ['cluster-version']),
  clusterVersionUpdated: m('info', 'etcdserver/server.go:2599', 'cluster version is updated', ['cluster-version']),
  /** etcd 3.5+ (zap) logs this before serving; 3.4 logs it only with capnslog */
  readyToServeClientRequests: m('info', 'embed/serve.go:124', 'ready to serve client requests'),
  servingClientInsecurely: m('info', 'embed/serve.go:145', 'serving client traffic insecurely; this is strongly discouraged!', ['address']),
  servingClientSecurely: m('info', 'embed/serve.go:202', 'serving client traffic securely', ['address']),

  // ---- stop (SIGTERM / SIGINT)
  receivedSignal: m('info', 'osutil/interrupt_unix.go:64', 'received signal; shutting down', ['signal']),
  closingEtcdServer: m('info', 'embed/etcd.go:371', 'closing etcd server', closeFields),
  skippedLeadershipTransfer: m('info', 'etcdserver/server.go:1507', 'skipped leadership transfer for single voting member cluster', ['local-member-id', 'current-leader-member-id']),
  stoppingServingPeerTraffic: m('info', 'embed/etcd.go:566', 'stopping serving peer traffic', ['address']),
  stoppedServingPeerTraffic: m('info', 'embed/etcd.go:573', 'stopped serving peer traffic', ['address']),
  closedEtcdServer: m('info', 'embed/etcd.go:375', 'closed etcd server', closeFields),

  // ---- failures at start
  failedToStartEtcd: m('warn', 'etcdmain/etcd.go:176', 'failed to start etcd', ['error']),
  discoveryFailed: m('fatal', 'etcdmain/etcd.go:271', 'discovery failed', ['error']),
});

export type EtcdMessageName = keyof typeof EtcdMessages;

/** The lines of a new single member's start, in etcd's order (raft lines excluded). */
export const START_SEQUENCE_NEW_MEMBER: readonly EtcdMessageName[] = Object.freeze([
  'configuringPeerListeners', 'configuringClientListeners', 'startingAnEtcdServer', 'openedBackendDb', 'startingLocalMember',
  'simpleTokenNotSigned', 'enabledBackendQuotaDefault', 'startingEtcdServer', 'nowServing', 'servingPeerTraffic',
  'singleNodeFastForward', 'startedToPurgeFile', 'addedMember', 'settingUpInitialClusterVersion', 'publishedLocalMember',
  'setInitialClusterVersion', 'enabledCapabilities', 'clusterVersionUpdated', 'servingClientInsecurely',
] as const);

/** The lines of a restart of an existing member, in etcd's order (raft lines excluded). */
export const START_SEQUENCE_RESTART: readonly EtcdMessageName[] = Object.freeze([
  'alreadyInitialized', 'configuringPeerListeners', 'configuringClientListeners', 'startingAnEtcdServer', 'openedBackendDb',
  'restartingLocalMember', 'simpleTokenNotSigned', 'enabledBackendQuotaDefault', 'startingEtcdServer', 'nowServing',
  'servingMetrics', 'initialElectionTickAdvance', 'startedToPurgeFile', 'servingPeerTraffic', 'addedMember',
  'setInitialClusterVersion', 'enabledCapabilities', 'publishedLocalMember', 'servingClientInsecurely',
] as const);

/** The lines of a clean stop on SIGTERM / SIGINT, in etcd's order. */
export const STOP_SEQUENCE: readonly EtcdMessageName[] = Object.freeze([
  'receivedSignal', 'closingEtcdServer', 'skippedLeadershipTransfer', 'stoppingServingPeerTraffic', 'stoppedServingPeerTraffic', 'closedEtcdServer',
] as const);

/** The capnslog (etcd 3.4 default logger) wording of lines whose zap text differs; for reference only. */
export const CAPNSLOG_MESSAGES = Object.freeze({
  readyToServeClientRequests: 'ready to serve client requests',
  servingInsecurely: (address: string) => `serving insecure client requests on ${address}, this is strongly discouraged!`,
  enabledCapabilities: (version: string) => `enabled capabilities for version ${version}`,
  setInitialClusterVersion: (version: string) => `set the initial cluster version to ${version}`,
  publishedLocalMember: (attrs: string, clusterId: string) => `published ${attrs} to cluster ${clusterId}`,
});

// ---- raft lines (caller raft/raft.go or raft/node.go); ids are lower-case hex strings

/** "101b54487497a4b9 switched to configuration voters=(1160613999148508345)"; voters in decimal */
export function raftSwitchedConfiguration(id: string, voterIds: readonly bigint[]): string {
  return `${id} switched to configuration voters=(${voterIds.map((v) => v.toString(10)).join(' ')})`;
}

export function raftBecameFollower(id: string, term: number): string {
  return `${id} became follower at term ${term}`;
}

export function raftNewRaft(id: string, s: { peers: readonly string[]; term: number; commit: number; applied: number; lastIndex: number; lastTerm: number }): string {
  return `newRaft ${id} [peers: [${s.peers.join(',')}], term: ${s.term}, commit: ${s.commit}, applied: ${s.applied}, lastindex: ${s.lastIndex}, lastterm: ${s.lastTerm}]`;
}

export function raftStartingElection(id: string, term: number): string {
  return `${id} is starting a new election at term ${term}`;
}

export function raftBecameCandidate(id: string, term: number): string {
  return `${id} became candidate at term ${term}`;
}

export function raftBecamePreCandidate(id: string, term: number): string {
  return `${id} became pre-candidate at term ${term}`;
}

export function raftReceivedVote(id: string, from: string, term: number, pre = false): string {
  return `${id} received ${pre ? 'MsgPreVoteResp' : 'MsgVoteResp'} from ${from} at term ${term}`;
}

export function raftBecameLeader(id: string, term: number): string {
  return `${id} became leader at term ${term}`;
}

export function raftElectedLeader(id: string, leader: string, term: number): string {
  return `raft.node: ${id} elected leader ${leader} at term ${term}`;
}

export function raftLostLeader(id: string, leader: string, term: number): string {
  return `raft.node: ${id} lost leader ${leader} at term ${term}`;
}

export function raftChangedLeader(id: string, from: string, to: string, term: number): string {
  return `raft.node: ${id} changed leader from ${from} to ${to} at term ${term}`;
}

/** The callers etcd 3.4.23 reports for the raft lines above. */
export const RAFT_CALLERS = Object.freeze({
  switchedConfiguration: 'raft/raft.go:1523',
  becameFollower: 'raft/raft.go:706',
  newRaft: 'raft/raft.go:389',
  startingElection: 'raft/raft.go:929',
  becameCandidate: 'raft/raft.go:719',
  receivedVote: 'raft/raft.go:830',
  becameLeader: 'raft/raft.go:771',
  electedLeader: 'raft/node.go:327',
});
