// From resolved flag values to a validated, frozen ServerConfig. Order and messages follow etcd:
// embed.Config.Validate (logging first, then URLs, cluster state, heartbeat/election, advertise URLs,
// compaction mode, lease checkpoint), then etcdmain's defaulting (initial cluster from --name, data dir from
// the name), then the initial cluster parse etcd does at start. Before all of that, cairn's own rule: a
// not-yet flag given with a value other than its default is rejected by name.
import * as path from 'node:path';
import { ConfigError } from './config-error';
import { configLogEntry } from './config-log';
import { checkBindUrls, checkHostUrls, formatEtcdUrls, type EtcdUrl } from './etcd-url';
import { FLAG_TABLE, flagSpec } from './flag-table';
import { defaultFlagValue, flagValueKey, type FlagValue } from './flag-value';
import { GoDurationError, goQuote, parseGoDurationNs } from './go-values';
import { FrozenMap, initialClusterFromName, parseInitialCluster } from './initial-cluster';
import type { ResolvedFlags } from './resolve-flags';
import {
  MAX_ELECTION_TIMEOUT_MS,
  type AutoCompactionMode,
  type InitialClusterState,
  type LogLevelName,
  type LogRotationConfig,
  type ServerConfig,
} from './server-config';

const logLevels: readonly LogLevelName[] = ['debug', 'info', 'warn', 'error', 'panic', 'fatal'];
const defaultInitialCluster = 'default=http://localhost:2380';
const bcryptCostMin = 4;
const bcryptCostMax = 31;
const bcryptCostDefault = 10;

/** etcd 3.6: an experimental-* spelling given explicitly wins over the plain flag. */
function applyAliases(r: ResolvedFlags): void {
  for (const spec of FLAG_TABLE) {
    if (spec.aliasOf !== undefined && r.isSet(spec.name)) r.override(spec.aliasOf, r.value(spec.name));
  }
}

function checkNotYet(r: ResolvedFlags): void {
  for (const spec of FLAG_TABLE) {
    if (!r.isSet(spec.name)) continue;
    const changed = flagValueKey(r.value(spec.name)) !== flagValueKey(defaultFlagValue(spec));
    if (spec.status === 'not-yet' && changed) {
      throw new ConfigError(`cairn server: ${r.describe(spec.name)} is not supported yet (${spec.reason ?? 'not implemented'})`);
    }
    if (spec.status === 'no-effect' && changed && spec.type !== 'ignored') {
      r.log.push(configLogEntry('warn', 'flag has no effect in cairn', { flag: r.describe(spec.name), reason: spec.reason ?? '' }));
    }
  }
}

/** lumberjack's JSON settings (--log-rotation-config-json), decoded as etcd decodes them. */
function parseLogRotation(json: string): LogRotationConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new ConfigError(`improperly formatted log rotation config: ${(err as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`invalid log rotation config: json: cannot unmarshal ${Array.isArray(raw) ? 'array' : typeof raw} into Go value of type embed.logRotationConfig`);
  }
  const obj = raw as Record<string, unknown>;
  const field = (key: string, type: 'int' | 'bool'): number | boolean | undefined => {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    const ok = type === 'int' ? typeof v === 'number' && Number.isInteger(v) : typeof v === 'boolean';
    if (!ok) {
      const kind = typeof v === 'number' ? `number ${v}` : Array.isArray(v) ? 'array' : typeof v;
      throw new ConfigError(`invalid log rotation config: json: cannot unmarshal ${kind} into Go struct field logRotationConfig.${key} of type ${type}`);
    }
    return v as number | boolean;
  };
  return Object.freeze({
    maxSizeMb: (field('maxsize', 'int') as number | undefined) || 100,
    maxAgeDays: (field('maxage', 'int') as number | undefined) ?? 0,
    maxBackups: (field('maxbackups', 'int') as number | undefined) ?? 0,
    localTime: (field('localtime', 'bool') as boolean | undefined) ?? false,
    compress: (field('compress', 'bool') as boolean | undefined) ?? false,
  });
}

type Logging = Pick<ServerConfig, 'logger' | 'logLevel' | 'logOutputs' | 'logFormat' | 'enableLogRotation' | 'logRotation'>;

/** embed.Config.setupLogging, for zap (the only logger cairn has). */
function validateLogging(r: ResolvedFlags, cwd: string): Logging {
  let outputs = r.strs('log-outputs');
  if (r.isSet('log-output')) {
    if (!r.isSet('log-outputs')) {
      r.log.push(configLogEntry('warn', "'--log-output' flag has been deprecated! Please use '--log-outputs'!"));
      outputs = r.strs('log-output');
    } else if (flagValueKey(r.value('log-output')) !== flagValueKey(outputs)) {
      throw new ConfigError("both '--log-output' and '--log-outputs' are set; only set '--log-outputs'");
    }
  }
  if (r.bool('debug')) r.log.push(configLogEntry('warn', "Deprecated '--debug' flag is set to true (use '--log-level=debug' instead"));
  const logger = r.str('logger');
  if (logger === 'capnslog') {
    r.log.push(configLogEntry('warn', "Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead", { logger: 'zap' }));
  } else if (logger !== 'zap') {
    throw new ConfigError(`unknown logger option ${goQuote(logger)}`);
  }
  if (outputs.length === 0) outputs = ['default'];
  if (outputs.length > 1 && outputs.includes('default')) throw new ConfigError('multi logoutput for "default" is not supported yet');
  if (outputs.includes('systemd/journal')) {
    throw new ConfigError(`cairn server: ${r.describe('log-outputs')}=systemd/journal is not supported yet (journald output is not implemented yet)`);
  }
  const mapped = outputs.map((o) => (o === 'default' ? 'stderr' : o === 'stderr' || o === 'stdout' || o === '/dev/null' ? o : path.resolve(cwd, o)));
  const merged = mapped.includes('/dev/null') ? ['/dev/null'] : [...new Set(mapped)].sort();
  const level = r.str('log-level');
  if (!(logLevels as readonly string[]).includes(level)) throw new ConfigError(`unknown level ${goQuote(level)}`);
  const format = r.str('log-format');
  if (format !== 'json' && format !== 'console') throw new ConfigError(`unknown log format: ${format}, supported values json, console`);
  const enableLogRotation = r.bool('enable-log-rotation');
  const logRotation = parseLogRotation(enableLogRotation ? r.str('log-rotation-config-json') : flagSpec('log-rotation-config-json')?.default ?? '{}');
  if (enableLogRotation) {
    const files = outputs.filter((o) => o !== 'default' && o !== 'stderr' && o !== 'stdout');
    if ((outputs.length === 1 && files.length === 0) || files.length > 1) {
      throw new ConfigError('--log-outputs requires a single file path when --log-rotate-config-json is defined');
    }
  }
  return { logger: 'zap', logLevel: level as LogLevelName, logOutputs: Object.freeze(merged), logFormat: format, enableLogRotation, logRotation };
}

/** The rest of embed.Config.Validate, in etcd's order. */
function validateEtcd(r: ResolvedFlags): void {
  const fail = (msg: string | undefined) => {
    if (msg !== undefined) throw new ConfigError(msg);
  };
  fail(checkBindUrls(r.urls('listen-peer-urls')));
  fail(checkBindUrls(r.urls('listen-client-urls')));
  fail(checkBindUrls(r.urls('listen-client-http-urls')));
  fail(checkBindUrls(r.urls('listen-metrics-urls')));
  const hostCheck = (flag: string) => {
    const err = checkHostUrls(r.urls(flag));
    if (err !== undefined) throw new ConfigError(`--${flag} ${goQuote(formatEtcdUrls(r.urls(flag)))} must be "host:port" (${err})`);
  };
  hostCheck('initial-advertise-peer-urls');
  hostCheck('advertise-client-urls');
  const state = r.str('initial-cluster-state');
  if (state !== 'new' && state !== 'existing') throw new ConfigError(`unexpected clusterState ${goQuote(state)}`);
  const tickMs = r.num('heartbeat-interval');
  const electionMs = r.num('election-timeout');
  if (tickMs <= 0) throw new ConfigError(`--heartbeat-interval must be >0 (set to ${tickMs}ms)`);
  if (electionMs <= 0) throw new ConfigError(`--election-timeout must be >0 (set to ${electionMs}ms)`);
  if (5 * tickMs > electionMs) {
    throw new ConfigError(`--election-timeout[${electionMs}ms] should be at least as 5 times as --heartbeat-interval[${tickMs}ms]`);
  }
  if (electionMs > MAX_ELECTION_TIMEOUT_MS) {
    throw new ConfigError(`--election-timeout[${electionMs}ms] is too long, and should be set less than ${MAX_ELECTION_TIMEOUT_MS}ms`);
  }
  // etcdmain: listen-client-urls given on the command line or in the environment without advertise-client-urls
  const fromFile = r.configFile !== null;
  if (!fromFile && r.isSet('listen-client-urls') && !r.isSet('advertise-client-urls')) {
    throw new ConfigError('--advertise-client-urls is required when --listen-client-urls is set explicitly');
  }
  const mode = r.str('auto-compaction-mode');
  if (mode !== '' && mode !== 'periodic' && mode !== 'revision') throw new ConfigError(`unknown auto-compaction-mode ${goQuote(mode)}`);
  const checkpoint = r.bool('experimental-enable-lease-checkpoint');
  const persist = r.bool('experimental-enable-lease-checkpoint-persist');
  if (!persist && checkpoint) {
    r.log.push(configLogEntry('warn', 'Detected that checkpointing is enabled without persistence. Consider enabling experimental-enable-lease-checkpoint-persist'));
  }
  if (persist && !checkpoint) throw new ConfigError('setting experimental-enable-lease-checkpoint-persist requires experimental-enable-lease-checkpoint');
  const metrics = r.str('metrics');
  if (metrics !== 'basic' && metrics !== 'extensive') throw new ConfigError(`unknown metrics option ${goQuote(metrics)} (only supports basic, extensive)`);
}

/** embed.StartEtcd's reading of --auto-compaction-retention: a bare integer is hours (periodic) or revisions. */
function autoCompaction(mode: AutoCompactionMode, retention: string): { periodMs: number; revisions: number } {
  const text = retention === '' ? '0' : retention;
  if (/^[+-]?[0-9]+$/.test(text) && Number(text) >= 0) {
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw new ConfigError(`error parsing AutoCompactionRetention: value out of range`);
    return mode === 'periodic' ? { periodMs: n * 3_600_000, revisions: 0 } : { periodMs: 0, revisions: n };
  }
  let ns: bigint;
  try {
    ns = parseGoDurationNs(text);
  } catch (err) {
    if (err instanceof GoDurationError) throw new ConfigError(`error parsing AutoCompactionRetention: ${err.message}`);
    throw err;
  }
  return mode === 'periodic' ? { periodMs: Number(ns) / 1e6, revisions: 0 } : { periodMs: 0, revisions: Number(ns) };
}

function bcryptCost(r: ResolvedFlags): number {
  const given = r.num('bcrypt-cost');
  if (given >= bcryptCostMin && given <= bcryptCostMax) return given;
  r.log.push(
    configLogEntry('warn', 'use default bcrypt cost instead of the invalid given cost', {
      'min-cost': bcryptCostMin,
      'max-cost': bcryptCostMax,
      'default-cost': bcryptCostDefault,
      'given-cost': given,
    }),
  );
  return bcryptCostDefault;
}

function freezeUrls(list: readonly EtcdUrl[]): readonly EtcdUrl[] {
  return Object.isFrozen(list) ? list : Object.freeze([...list]);
}

/** Validates resolved flags and builds the frozen ServerConfig. Throws ConfigError. */
export function buildServerConfig(r: ResolvedFlags, cwd: string): ServerConfig {
  applyAliases(r);
  checkNotYet(r);
  const logging = validateLogging(r, cwd);
  validateEtcd(r);

  const name = r.str('name');
  let initialClusterText = r.str('initial-cluster');
  if (name !== 'default' && initialClusterText === defaultInitialCluster) {
    initialClusterText = initialClusterFromName(name, r.urls('initial-advertise-peer-urls'));
    r.override('initial-cluster', initialClusterText);
  }
  let dataDirGiven = r.str('data-dir');
  if (dataDirGiven === '') {
    dataDirGiven = `${name}.etcd`;
    r.log.push(configLogEntry('warn', "'data-dir' was empty; using default", { 'data-dir': dataDirGiven }));
  }
  const dataDir = path.resolve(cwd, dataDirGiven);
  const walDirGiven = r.str('wal-dir');
  let initialCluster;
  try {
    initialCluster = parseInitialCluster(initialClusterText);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const mode: AutoCompactionMode = r.str('auto-compaction-mode') === 'revision' ? 'revision' : 'periodic';
  const retention = r.str('auto-compaction-retention');
  const compaction = autoCompaction(mode, retention);
  const cost = bcryptCost(r);
  const tickMs = r.num('heartbeat-interval');
  const electionMs = r.num('election-timeout');

  const config: ServerConfig = {
    configFile: r.configFile,
    printVersion: r.printVersion,
    configLog: Object.freeze([...r.log]),
    explicitlySet: Object.freeze([...r.sources.keys()].sort()),
    flagValues: new FrozenMap<string, FlagValue>(r.entries()),
    name,
    dataDir,
    walDir: walDirGiven === '' ? path.join(dataDir, 'member', 'wal') : path.resolve(cwd, walDirGiven),
    dedicatedWalDir: walDirGiven !== '',
    snapshotCount: r.num('snapshot-count'),
    snapshotCatchupEntries: r.num('snapshot-catchup-entries'),
    maxSnapshots: r.num('max-snapshots'),
    maxWals: r.num('max-wals'),
    heartbeatIntervalMs: tickMs,
    electionTimeoutMs: electionMs,
    electionTicks: tickMs > 0 ? Math.floor(electionMs / tickMs) : 0,
    initialElectionTickAdvance: r.bool('initial-election-tick-advance'),
    quotaBackendBytes: r.num('quota-backend-bytes'),
    backendBatchIntervalMs: r.num('backend-batch-interval'),
    backendBatchLimit: r.num('backend-batch-limit'),
    maxTxnOps: r.num('max-txn-ops'),
    maxRequestBytes: r.num('max-request-bytes'),
    maxConcurrentStreams: r.num('max-concurrent-streams'),
    grpcKeepaliveMinTimeMs: r.num('grpc-keepalive-min-time'),
    grpcKeepaliveIntervalMs: r.num('grpc-keepalive-interval'),
    grpcKeepaliveTimeoutMs: r.num('grpc-keepalive-timeout'),
    raftReadTimeoutMs: r.num('raft-read-timeout'),
    raftWriteTimeoutMs: r.num('raft-write-timeout'),
    maxLearners: r.num('max-learners'),
    listenPeerUrls: freezeUrls(r.urls('listen-peer-urls')),
    listenClientUrls: freezeUrls(r.urls('listen-client-urls')),
    listenClientHttpUrls: freezeUrls(r.urls('listen-client-http-urls')),
    advertiseClientUrls: freezeUrls(r.urls('advertise-client-urls')),
    initialAdvertisePeerUrls: freezeUrls(r.urls('initial-advertise-peer-urls')),
    listenMetricsUrls: freezeUrls(r.urls('listen-metrics-urls')),
    clientCertFile: r.str('cert-file'),
    clientKeyFile: r.str('key-file'),
    clientTrustedCaFile: r.str('trusted-ca-file'),
    clientCertAuth: r.bool('client-cert-auth'),
    initialCluster: new FrozenMap([...initialCluster].map(([n, urls]) => [n, Object.freeze(urls.map((u) => u.href))] as const)),
    initialClusterUrls: initialCluster,
    initialClusterText,
    initialClusterState: r.str('initial-cluster-state') as InitialClusterState,
    initialClusterToken: r.str('initial-cluster-token'),
    strictReconfigCheck: r.bool('strict-reconfig-check'),
    preVote: r.bool('pre-vote'),
    forceNewCluster: r.bool('force-new-cluster'),
    autoCompactionMode: mode,
    autoCompactionRetention: retention,
    autoCompactionPeriodMs: compaction.periodMs,
    autoCompactionRevisions: compaction.revisions,
    compactionBatchLimit: r.num('compaction-batch-limit'),
    compactionSleepIntervalMs: r.num('compaction-sleep-interval'),
    leaseCheckpoint: r.bool('experimental-enable-lease-checkpoint'),
    leaseCheckpointPersist: r.bool('experimental-enable-lease-checkpoint-persist'),
    watchProgressNotifyIntervalMs: r.num('watch-progress-notify-interval'),
    warningApplyDurationMs: r.num('warning-apply-duration'),
    warningUnaryRequestDurationMs: r.num('warning-unary-request-duration'),
    authToken: r.str('auth-token'),
    bcryptCost: cost,
    authTokenTtlSeconds: r.num('auth-token-ttl'),
    enableGrpcGateway: r.bool('enable-grpc-gateway'),
    enablePprof: false,
    metrics: r.str('metrics') === 'extensive' ? 'extensive' : 'basic',
    ...logging,
    unsafeNoFsync: r.bool('unsafe-no-fsync'),
  };
  return Object.freeze(config);
}
