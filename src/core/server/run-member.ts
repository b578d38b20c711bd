// `cairn server`: parses etcd's flags/env/config file, opens the member, serves gRPC and HTTP on the client
// URLs, logs etcd's lifecycle lines, and stops cleanly on SIGTERM/SIGINT.
import * as fs from 'node:fs';
import * as http from 'node:http';
import { parseServerConfig, ConfigError, loggerOptionsOf, verifyBootstrapCluster } from './config';
import type { ServerConfig } from './config';
import { createLogger, EtcdMessages } from '../log';
import type { Logger, EtcdMessage, LogFields } from '../log';
import { GrpcServer, joinFrameStream } from '../api/transport';
import { registerServices } from '../api/grpc/services';
import { httpHandler } from '../api/http/handler';
import { layoutOf, openMember } from './bootstrap';
import { defaultQuotaBackendBytes, EtcdServer, minLeaseTtlSeconds } from './etcd-server';
import { ServerMetrics } from './metrics';
import type { MemberInfo } from './etcd-server';
import { SingleNodeConsensus, SINGLE_NODE_DEFAULTS } from './single-node';
import { idToHex } from './ids';
import { EtcdError, GrpcCode } from '../errors';
import { createGatewayHandler, serverStreamAsBidi, type GrpcInvoke, type GrpcStreamInvoke } from '../api/gateway';
import type { ServiceRegistry } from '../api/grpc/services';
import type { BidiHandler, HttpFallback, TlsOptions } from '../api/transport';
import { Wal } from '../wal';
import { etcdserverpb } from '../api/proto';
import { startPeriodicCompactor, startRevisionCompactor, type Compactor, type CompactorHost } from './auto-compactor';

/** The etcd version whose API cairn serves and reports (Status, /version): the one its tests compare against. */
export const ETCD_API_VERSION = '3.4.23';
export const ETCD_CLUSTER_VERSION = '3.4.0';
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const CAIRN_VERSION: string = (require('../../../package.json') as { version: string }).version;
/** gRPC accepts this much above --max-request-bytes before the transport itself refuses (etcd: 512 KiB). */
export const GRPC_OVERHEAD_BYTES = 512 * 1024;
/** how long a stopping member lets in-flight calls finish */
export const SHUTDOWN_GRACE_MS = 2000;

/**
 * Applied entries between backend fsyncs at most, whatever --snapshot-count says: the WAL before a durable backend
 * point is released, so this bounds what a restart replays.
 */
export const MAX_ENTRIES_BETWEEN_FLUSHES = 20_000;

/** etcd's default lease checkpoint interval (etcdserver LeaseCheckpointInterval, not a flag in 3.4). */
export const LEASE_CHECKPOINT_INTERVAL_MS = 5 * 60 * 1000;

export class StartError extends Error {}

export interface RunningMember {
  readonly server: EtcdServer;
  readonly clientPorts: number[];
  stop(): Promise<void>;
}

/** Logs one of etcd's lifecycle lines with etcd's level, caller and message. */
function emit(log: Logger, m: EtcdMessage, fields: LogFields = {}): void {
  log.log(m.level, m.msg, fields, m.caller);
}

export async function startMember(cfg: ServerConfig, log: Logger): Promise<RunningMember> {
  if (cfg.initialCluster.size > 1) {
    throw new StartError('cairn server: clusters of more than one member are not supported yet (they arrive with the Raft cluster issue); give --initial-cluster with this member only');
  }
  if (cfg.initialClusterState === 'existing') {
    throw new StartError('cairn server: --initial-cluster-state=existing is not supported yet (joining a cluster arrives with the Raft cluster issue)');
  }
  const layout = layoutOf(cfg.dataDir, cfg.walDir);
  const urls = (us: readonly { toString(): string }[]) => us.map((u) => u.toString());
  emit(log, EtcdMessages.configuringClientListeners, { 'listen-client-urls': urls(cfg.listenClientUrls) });
  for (const url of cfg.listenMetricsUrls) {
    if (url.protocol !== 'http:') throw new StartError(`cairn server: --listen-metrics-urls takes http:// URLs only so far (TLS for metrics listeners is not built): ${url.href}`);
  }
  // as etcd's configureClientListeners: certificates are read and https URLs checked before the member is opened
  const clientTls = clientTlsOptions(cfg, log);
  for (const url of cfg.listenClientUrls) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new StartError(`cairn server: ${url.protocol}// client URLs are not supported yet: ${url.href}`);
    if (url.protocol === 'https:' && clientTls === undefined) {
      throw new StartError(`TLS key/cert (--cert-file, --key-file) must be provided for client url ${url.href} with HTTPS scheme`);
    }
    if (url.protocol === 'http:' && clientTls !== undefined) log.warn('scheme is HTTP while key and cert files are present; ignoring key and cert files', { 'client-url': url.href });
    if (url.protocol === 'http:' && cfg.clientCertAuth) log.warn('scheme is HTTP while --client-cert-auth is enabled; ignoring client cert auth for this URL', { 'client-url': url.href });
  }
  emit(log, EtcdMessages.startingAnEtcdServer, {
    'etcd-version': ETCD_API_VERSION, 'cairn-version': CAIRN_VERSION, 'node-version': process.version, name: cfg.name,
    'data-dir': layout.dataDir, 'wal-dir': cfg.walDir, 'snapshot-count': cfg.snapshotCount,
    'advertise-client-urls': urls(cfg.advertiseClientUrls), 'listen-client-urls': urls(cfg.listenClientUrls),
    'initial-cluster': cfg.initialClusterText, 'initial-cluster-state': cfg.initialClusterState,
    'initial-cluster-token': cfg.initialClusterToken, 'quota-backend-bytes': cfg.quotaBackendBytes,
    'max-request-bytes': cfg.maxRequestBytes, 'auto-compaction-mode': cfg.autoCompactionMode,
    'auto-compaction-retention': cfg.autoCompactionRetention, 'unsafe-no-fsync': cfg.unsafeNoFsync,
  });
  const openStart = process.hrtime.bigint();
  const opened = await openMember(
    layout,
    { name: cfg.name, initialCluster: cfg.initialCluster, initialClusterToken: cfg.initialClusterToken },
    {
      wal: { unsafeNoFsync: cfg.unsafeNoFsync, logger: (msg, fields) => log.info(msg, fields) },
      quotaBackendBytes: cfg.quotaBackendBytes,
      persistLeaseCheckpoints: cfg.leaseCheckpoint && cfg.leaseCheckpointPersist,
    },
  );
  emit(log, EtcdMessages.openedBackendDb, { path: layout.backendPath, took: `${Number(process.hrtime.bigint() - openStart) / 1e6}ms` });
  if (opened.repairedBytes > 0) log.warn('repaired a torn WAL tail', { 'truncated-bytes': opened.repairedBytes, 'wal-dir': layout.walDir });
  const memberHex = idToHex(opened.memberId);
  const members: MemberInfo[] = [...opened.memberIds].map(([name, id]) => ({
    id,
    name,
    peerUrls: cfg.initialCluster.get(name) ?? [],
    clientUrls: id === opened.memberId ? cfg.advertiseClientUrls.map((u) => u.toString().replace(/\/$/, '')) : [],
    isLearner: false,
  }));
  let fatal: Error | null = null;
  // read when scraped; `server` and `consensus` exist by the time anything is scraped
  const metrics = new ServerMetrics({
    hasLeader: () => consensus.status().leader !== 0n,
    isLeader: () => consensus.status().leader === opened.memberId,
    proposalsCommitted: () => consensus.status().commitIndex,
    proposalsApplied: () => consensus.status().appliedIndex,
    proposalsPending: () => consensus.status().lastIndex - consensus.status().commitIndex,
    dbSizeBytes: () => server.dbSizeBytes(),
    dbSizeInUseBytes: () => server.dbSizeInUseBytes(),
    quotaBackendBytes: () => (cfg.quotaBackendBytes === 0 ? defaultQuotaBackendBytes : cfg.quotaBackendBytes),
    currentRevision: () => server.currentRevision(),
    compactRevision: () => server.compactRevision(),
    keysTotal: () => server.keysTotal(),
    watchers: () => server.watch.size,
    watchStreams: () => server.watch.streams,
    leases: () => server.leaseCount(),
  }, { server: ETCD_API_VERSION, cluster: ETCD_CLUSTER_VERSION.split('.').slice(0, 2).join('.') }, cfg.metrics === 'extensive');
  const consensus = new SingleNodeConsensus(opened.wal, opened.memberId, opened.hardState, opened.lastIndex, opened.kv.consistentIndex(), {
    ...SINGLE_NODE_DEFAULTS,
    onWalWrite: (seconds) => metrics.walWritten(seconds),
    onFatal: (err) => {
      fatal = err;
      log.error('failed to persist the WAL; stopping (fail-stop)', { error: err.message });
      process.exitCode = 1;
      void running.stop();
    },
  });
  const server = new EtcdServer({
    memberId: opened.memberId,
    clusterId: opened.clusterId,
    members,
    kv: opened.kv,
    consensus,
    limits: {
      maxRequestBytes: cfg.maxRequestBytes,
      maxTxnOps: cfg.maxTxnOps,
      snapshotEntries: Math.max(1, Math.min(cfg.snapshotCount, MAX_ENTRIES_BETWEEN_FLUSHES)),
      compactionBatchLimit: Math.max(1, cfg.compactionBatchLimit),
      compactionSleepIntervalMs: cfg.compactionSleepIntervalMs,
      watchProgressNotifyIntervalMs: cfg.watchProgressNotifyIntervalMs,
      minLeaseTtlSeconds: minLeaseTtlSeconds(cfg.electionTicks, cfg.heartbeatIntervalMs),
      leaseExtendMs: cfg.electionTimeoutMs,
      leaseCheckpointIntervalMs: cfg.leaseCheckpoint ? LEASE_CHECKPOINT_INTERVAL_MS : 0,
      quotaBackendBytes: cfg.quotaBackendBytes,
    },
    logger: log,
    version: ETCD_API_VERSION,
    observer: {
      applied: (seconds) => metrics.backendCommitted(seconds),
      proposalFailed: () => metrics.proposalFailed(),
      leaseEvent: (kind) => metrics.leaseEvent(kind),
    },
  });
  const replayed = server.replay(opened.entries);
  if (opened.isNew) emit(log, EtcdMessages.startingLocalMember, { 'local-member-id': memberHex, 'cluster-id': idToHex(opened.clusterId) });
  else emit(log, EtcdMessages.restartingLocalMember, { 'cluster-id': idToHex(opened.clusterId), 'local-member-id': memberHex, 'commit-index': opened.lastIndex });
  log.info('replayed the WAL above the applied index', {
    'member-id': memberHex,
    'cluster-id': idToHex(opened.clusterId),
    'new-member': opened.isNew,
    'replayed-entries': replayed,
    'consistent-index': opened.kv.consistentIndex(),
    revision: opened.kv.currentRevision(),
  });
  log.log('info', `${memberHex} became leader at term ${consensus.status().term}`, {}, 'raft/raft.go:771');
  log.log('info', `raft.node: ${memberHex} elected leader ${memberHex} at term ${consensus.status().term}`, {}, 'raft/node.go:327');

  const grpc = new GrpcServer({
    maxRecvMessageBytes: cfg.maxRequestBytes + GRPC_OVERHEAD_BYTES,
    maxConcurrentStreams: cfg.maxConcurrentStreams,
    logger: log,
    observer: metrics.callObserver,
  });
  // every handler is also reachable from the /v3/* JSON gateway, which calls it like the gRPC transport: unary
  // ones with the request bytes, streaming ones with a call of its own (server-streaming ones as bidi)
  const unary = new Map<string, Parameters<ServiceRegistry['addUnaryFramed']>[1]>();
  const streaming = new Map<string, BidiHandler>();
  const unimplemented = new Map<string, string>();
  registerServices({
    addUnaryFramed: (path, h) => { grpc.addUnaryFramed(path, h); unary.set(path, h); },
    addServerStream: (path, h) => { grpc.addServerStream(path, h); streaming.set(path, serverStreamAsBidi(h)); },
    addBidi: (path, h) => { grpc.addBidi(path, h); streaming.set(path, h); },
    addUnimplemented: (path, m) => { grpc.addUnimplemented(path, m); unimplemented.set(path, m); },
  }, server);
  const maxRecv = cfg.maxRequestBytes + GRPC_OVERHEAD_BYTES;
  const invoke: GrpcInvoke = async (path, request) => {
    // the check the gRPC transport makes (etcd's gateway goes through its gRPC server)
    if (request.length > maxRecv) throw new EtcdError(GrpcCode.RESOURCE_EXHAUSTED, `grpc: received message larger than max (${request.length} vs. ${maxRecv})`);
    const h = unary.get(path);
    if (h !== undefined) {
      const out = await h(request);
      return out instanceof Uint8Array ? out : joinFrameStream(out);
    }
    throw new EtcdError(GrpcCode.UNIMPLEMENTED, unimplemented.get(path) ?? `unknown method ${path}`);
  };
  const invokeStream: GrpcStreamInvoke = (path, call) => {
    const h = streaming.get(path);
    if (h === undefined) throw new EtcdError(GrpcCode.UNIMPLEMENTED, unimplemented.get(path) ?? `unknown method ${path}`);
    h(call);
  };
  const gateway = cfg.enableGrpcGateway ? createGatewayHandler(invoke, { maxRequestBytes: cfg.maxRequestBytes, invokeStream }) : null;
  const plain: HttpFallback = httpHandler({
    version: ETCD_API_VERSION,
    clusterVersion: ETCD_CLUSTER_VERSION,
    metrics: () => metrics.render().then((body) => ({ body, contentType: metrics.contentType })),
    // etcd 3.4's /health is false while any alarm is raised
    healthy: (exclude) => fatal === null && consensus.status().leader !== 0n
      && server.alarms().every((a) => exclude?.has(etcdserverpb.AlarmType[a.alarm] ?? '') === true),
  });
  grpc.setHttpFallback((req, res) => { if (!gateway?.(req, res)) plain(req, res); });
  const clientPorts: number[] = [];
  for (const url of cfg.listenClientUrls) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const { port } = await grpc.listen(host, Number(url.port || 2379), url.protocol === 'https:' ? clientTls : undefined);
    clientPorts.push(port);
  }
  // --listen-metrics-urls: /metrics and /health on plain HTTP listeners of their own (etcd's serveMetrics)
  const metricsServers: http.Server[] = [];
  for (const url of cfg.listenMetricsUrls) {
    const srv = http.createServer((req, res) => plain(req, res));
    metricsServers.push(srv);
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(Number(url.port || 80), url.hostname.replace(/^\[|\]$/g, ''), () => { srv.off('error', reject); resolve(); });
    }).catch(async (err: unknown) => {
      await grpc.close(0);
      for (const m of metricsServers) m.close();
      throw new StartError(`listen tcp ${url.host}: ${(err as Error).message}`);
    });
    log.info('serving metrics', { address: url.href });
  }
  emit(log, EtcdMessages.publishedLocalMember, {
    'local-member-id': memberHex,
    'local-member-attributes': `{Name:${cfg.name} ClientURLs:[${members.find((m) => m.id === opened.memberId)?.clientUrls.join(' ') ?? ''}]}`,
    'cluster-id': idToHex(opened.clusterId),
  });
  emit(log, EtcdMessages.setInitialClusterVersion, { 'cluster-id': idToHex(opened.clusterId), 'local-member-id': memberHex, 'cluster-version': '3.4' });
  emit(log, EtcdMessages.enabledCapabilities, { 'cluster-version': '3.4' });
  emit(log, EtcdMessages.readyToServeClientRequests);
  for (let i = 0; i < clientPorts.length; i++) {
    const address = `${cfg.listenClientUrls[i].hostname}:${clientPorts[i]}`;
    emit(log, cfg.listenClientUrls[i].protocol === 'https:' ? EtcdMessages.servingClientSecurely : EtcdMessages.servingClientInsecurely, { address });
  }

  const compactor = startAutoCompaction(cfg, server, log);

  let stopping: Promise<void> | null = null;
  const running: RunningMember = {
    server,
    clientPorts,
    stop: () => {
      stopping ??= (async () => {
        const closeFields = { name: cfg.name, 'data-dir': layout.dataDir, 'advertise-client-urls': urls(cfg.advertiseClientUrls) };
        emit(log, EtcdMessages.closingEtcdServer, closeFields);
        compactor?.stop();
        await grpc.close(SHUTDOWN_GRACE_MS);
        for (const m of metricsServers) {
          m.closeAllConnections();
          m.close();
        }
        await server.stop();
        await opened.wal.close();
        emit(log, EtcdMessages.closedEtcdServer, closeFields);
      })();
      return stopping;
    },
  };
  return running;
}

function startAutoCompaction(cfg: ServerConfig, server: EtcdServer, log: Logger): Compactor | null {
  const host: CompactorHost = {
    currentRevision: () => server.status().header.revision,
    compact: async (revision) => {
      const req = etcdserverpb.CompactionRequest.create({ revision });
      await server.compact(req, etcdserverpb.CompactionRequest.encode(req).finish());
    },
    info: (msg, fields) => log.info(msg, fields as LogFields),
    warn: (msg, fields) => log.warn(msg, fields as LogFields),
  };
  if (cfg.autoCompactionMode === 'revision' && cfg.autoCompactionRevisions > 0) {
    return startRevisionCompactor(host, cfg.autoCompactionRevisions);
  }
  if (cfg.autoCompactionMode === 'periodic' && cfg.autoCompactionPeriodMs > 0) {
    return startPeriodicCompactor(host, cfg.autoCompactionPeriodMs);
  }
  return null;
}

/** The whole `cairn server` process: exit code 0 after a clean stop, 1 on a start error. */
export async function runServerCommand(argv: string[]): Promise<number> {
  let cfg: ServerConfig;
  try {
    cfg = parseServerConfig(argv, process.env, process.cwd());
  } catch (err) {
    if (err instanceof ConfigError) {
      (err.kind === 'help' ? process.stdout : process.stderr).write(`${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
  if (cfg.printVersion) {
    process.stdout.write(`etcd Version: ${ETCD_API_VERSION}\ncairn Version: ${CAIRN_VERSION}\nNode Version: ${process.version}\nGo OS/Arch: ${process.platform}/${process.arch}\n`);
    return 0;
  }
  const log = createLogger(loggerOptionsOf(cfg));
  for (const entry of cfg.configLog) log.log(entry.level, entry.msg, entry.fields as LogFields);
  if (!Wal.exists(layoutOf(cfg.dataDir, cfg.walDir).walDir)) {
    // like etcd, the initial cluster is checked only when the member is new
    try {
      verifyBootstrapCluster(cfg);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      emit(log, EtcdMessages.failedToStartEtcd, { error: err.message });
      log.flushSync();
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
  }
  let member: RunningMember;
  try {
    member = await startMember(cfg, log);
  } catch (err) {
    const message = err instanceof StartError || err instanceof EtcdError ? err.message : (err as Error).stack ?? String(err);
    emit(log, EtcdMessages.failedToStartEtcd, { error: message });
    log.flushSync();
    if (!(err instanceof StartError)) process.stderr.write(`${message}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      emit(log, EtcdMessages.receivedSignal, { signal: sig === 'SIGTERM' ? 'terminated' : 'interrupt' });
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      member.stop().then(resolve, (err: unknown) => {
        log.error('error while stopping', { error: String(err) });
        resolve();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  log.flushSync();
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

/**
 * The TLS settings of https client listeners (etcd's ClientTLSInfo): the server certificate and key, and with
 * --client-cert-auth a required client certificate verified against --trusted-ca-file. undefined when no
 * certificate is configured. Files are read once, at start.
 */
function clientTlsOptions(cfg: ServerConfig, log: Logger): TlsOptions | undefined {
  if (cfg.clientCertFile === '' && cfg.clientKeyFile === '') {
    if (cfg.clientCertAuth || cfg.clientTrustedCaFile !== '') log.warn('--client-cert-auth and --trusted-ca-file take effect only with --cert-file and --key-file');
    return undefined;
  }
  const read = (what: string, file: string): Buffer => {
    if (file === '') throw new StartError(`TLS key/cert: ${what} is not given (both --cert-file and --key-file are needed)`);
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new StartError(`open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
  };
  const cert = read('--cert-file', cfg.clientCertFile);
  const key = read('--key-file', cfg.clientKeyFile);
  const ca = cfg.clientTrustedCaFile !== '' ? read('--trusted-ca-file', cfg.clientTrustedCaFile) : undefined;
  return { cert, key, ca, requestCert: cfg.clientCertAuth, rejectUnauthorized: cfg.clientCertAuth };
}
