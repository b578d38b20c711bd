// Prometheus metrics under etcd's names (/metrics on the client URLs and on --listen-metrics-urls), from
// prom-client. Gauges are read from the member when scraped; counters and histograms are fed by hooks (gRPC
// calls from the transport's observer, WAL writes from the consensus module, applies from the server).
// Only metrics cairn can give the same meaning as etcd's are exported; each name and type is checked against a
// real etcd's /metrics in test/integration/metrics.test.ts.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CallObserver, CallType } from '../api/transport';

/** What the scrape-time gauges read. */
export interface MetricsSource {
  hasLeader(): boolean;
  isLeader(): boolean;
  proposalsCommitted(): number;
  proposalsApplied(): number;
  proposalsPending(): number;
  dbSizeBytes(): number;
  dbSizeInUseBytes(): number;
  quotaBackendBytes(): number;
  currentRevision(): number;
  compactRevision(): number;
  keysTotal(): number;
  watchers(): number;
  watchStreams(): number;
  leases(): number;
}

/** grpc-go's names for status codes, as go-grpc-prometheus labels them. */
const codeNames = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists',
  'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal',
  'Unavailable', 'DataLoss', 'Unauthenticated'];

/** etcd's disk latency buckets: 1 ms doubling 14 times (prometheus.ExponentialBuckets(0.001, 2, 14)). */
const diskBuckets = Array.from({ length: 14 }, (_, i) => 0.001 * 2 ** i);

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly walFsync: Histogram;
  private readonly backendCommit: Histogram;
  private readonly proposalsFailed: Counter;
  private readonly leaseGranted: Counter;
  private readonly leaseRevoked: Counter;
  private readonly leaseRenewed: Counter;
  private readonly grpcStarted: Counter<'grpc_type' | 'grpc_service' | 'grpc_method'>;
  private readonly grpcHandled: Counter<'grpc_type' | 'grpc_service' | 'grpc_method' | 'grpc_code'>;

  /** with --metrics=extensive: grpc_server_handling_seconds per method (go-grpc-prometheus's histogram) */
  private readonly grpcHandling: Histogram<'grpc_type' | 'grpc_service' | 'grpc_method'> | null;

  constructor(source: MetricsSource, versions: { server: string; cluster: string }, extensive = false) {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers, collect() { this.set(read()); } });
    gauge('etcd_server_has_leader', 'Whether or not a leader exists. 1 is existence, 0 is not.', () => (source.hasLeader() ? 1 : 0));
    gauge('etcd_server_is_leader', 'Whether or not this member is a leader. 1 if is, 0 otherwise.', () => (source.isLeader() ? 1 : 0));
    gauge('etcd_server_proposals_committed_total', 'The total number of consensus proposals committed.', source.proposalsCommitted);
    gauge('etcd_server_proposals_applied_total', 'The total number of consensus proposals applied.', source.proposalsApplied);
    gauge('etcd_server_proposals_pending', 'The current number of pending proposals to commit.', source.proposalsPending);
    gauge('etcd_mvcc_db_total_size_in_bytes', 'Total size of the underlying database physically allocated in bytes.', source.dbSizeBytes);
    gauge('etcd_mvcc_db_total_size_in_use_in_bytes', 'Total size of the underlying database logically in use in bytes.', source.dbSizeInUseBytes);
    gauge('etcd_debugging_mvcc_db_total_size_in_bytes', 'Total size of the underlying database physically allocated in bytes.', source.dbSizeBytes);
    gauge('etcd_server_quota_backend_bytes', 'Current backend storage quota size in bytes.', source.quotaBackendBytes);
    gauge('etcd_debugging_mvcc_current_revision', 'The current revision of store.', source.currentRevision);
    gauge('etcd_debugging_mvcc_compact_revision', 'The revision of the last compaction in store.', source.compactRevision);
    gauge('etcd_debugging_mvcc_keys_total', 'Total number of keys.', source.keysTotal);
    gauge('etcd_debugging_mvcc_watcher_total', 'Total number of watchers.', source.watchers);
    gauge('etcd_debugging_mvcc_watch_stream_total', 'Total number of watch streams.', source.watchStreams);
    new Gauge({ name: 'etcd_server_version', help: 'Which version is running. 1 for \'server_version\' label with current version.', labelNames: ['server_version'], registers })
      .set({ server_version: versions.server }, 1);
    new Gauge({ name: 'etcd_cluster_version', help: 'Which version is running. 1 for \'cluster_version\' label with current cluster version', labelNames: ['cluster_version'], registers })
      .set({ cluster_version: versions.cluster }, 1);
    // one member elects itself once per start
    new Counter({ name: 'etcd_server_leader_changes_seen_total', help: 'The number of leader changes seen.', registers }).inc();
    this.proposalsFailed = new Counter({ name: 'etcd_server_proposals_failed_total', help: 'The total number of failed proposals seen.', registers });
    this.walFsync = new Histogram({ name: 'etcd_disk_wal_fsync_duration_seconds', help: 'The latency distributions of fsync called by WAL.', buckets: diskBuckets, registers });
    this.backendCommit = new Histogram({ name: 'etcd_disk_backend_commit_duration_seconds', help: 'The latency distributions of commit called by backend.', buckets: diskBuckets, registers });
    this.leaseGranted = new Counter({ name: 'etcd_debugging_lease_granted_total', help: 'The total number of granted leases.', registers });
    this.leaseRevoked = new Counter({ name: 'etcd_debugging_lease_revoked_total', help: 'The total number of revoked leases.', registers });
    this.leaseRenewed = new Counter({ name: 'etcd_debugging_lease_renewed_total', help: 'The number of renewed leases seen by the leader.', registers });
    this.grpcStarted = new Counter({
      name: 'grpc_server_started_total', help: 'Total number of RPCs started on the server.', labelNames: ['grpc_type', 'grpc_service', 'grpc_method'], registers,
    });
    this.grpcHandled = new Counter({
      name: 'grpc_server_handled_total', help: 'Total number of RPCs completed on the server, regardless of success or failure.',
      labelNames: ['grpc_type', 'grpc_service', 'grpc_method', 'grpc_code'], registers,
    });
    this.grpcHandling = extensive
      ? new Histogram({
        name: 'grpc_server_handling_seconds', help: 'Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.',
        labelNames: ['grpc_type', 'grpc_service', 'grpc_method'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
      })
      : null;
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  walWritten(seconds: number): void {
    this.walFsync.observe(seconds);
  }

  backendCommitted(seconds: number): void {
    this.backendCommit.observe(seconds);
  }

  proposalFailed(): void {
    this.proposalsFailed.inc();
  }

  leaseEvent(kind: 'granted' | 'revoked' | 'renewed'): void {
    (kind === 'granted' ? this.leaseGranted : kind === 'revoked' ? this.leaseRevoked : this.leaseRenewed).inc();
  }

  /** The transport's observer: gRPC calls counted as go-grpc-prometheus counts them. */
  get callObserver(): CallObserver {
    const labels = (path: string, type: CallType) => {
      const [, service = '', method = ''] = path.split('/');
      return { grpc_type: type, grpc_service: service, grpc_method: method };
    };
    return {
      started: (path, type) => this.grpcStarted.inc(labels(path, type)),
      handled: (path, type, code, seconds) => {
        const l = labels(path, type);
        this.grpcHandled.inc({ ...l, grpc_code: codeNames[code] ?? String(code) });
        this.grpcHandling?.observe(l, seconds);
      },
    };
  }
}
