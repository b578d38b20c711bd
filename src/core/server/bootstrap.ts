// Opens a member's data dir the same way for the server and for offline tools: backend (LMDB at
// <data-dir>/member/snap/db), then the WAL (<wal-dir>, default <data-dir>/member/wal), creating both for a new
// member. Returns the member's identity and the WAL entries not yet applied to the backend.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Wal } from '../wal';
import type { HardState, WalEntry, WalOptions } from '../wal';
import { computeClusterId, computeMemberId } from './ids';
import type { KvState } from './kv-state';
import { openKvState } from './kv-state-impl';

export interface DataDirLayout {
  readonly dataDir: string;
  readonly walDir: string;
  readonly backendPath: string;
}

export function layoutOf(dataDir: string, walDir?: string): DataDirLayout {
  return {
    dataDir,
    walDir: walDir && walDir.length > 0 ? walDir : path.join(dataDir, 'member', 'wal'),
    backendPath: path.join(dataDir, 'member', 'snap', 'db'),
  };
}

export interface ClusterSpec {
  /** this member's name and every initial member's peer URLs, by name (--initial-cluster) */
  readonly name: string;
  readonly initialCluster: ReadonlyMap<string, readonly string[]>;
  readonly initialClusterToken: string;
}

export interface OpenedMember {
  readonly layout: DataDirLayout;
  readonly memberId: bigint;
  readonly clusterId: bigint;
  /** ids of the initial members, by name */
  readonly memberIds: ReadonlyMap<string, bigint>;
  readonly wal: Wal;
  readonly hardState: HardState;
  readonly entries: readonly WalEntry[];
  readonly lastIndex: number;
  readonly kv: KvState;
  readonly isNew: boolean;
  readonly repairedBytes: number;
}

export interface OpenOptions {
  readonly wal: WalOptions;
  readonly quotaBackendBytes: number;
  /** store lease checkpoints (--experimental-enable-lease-checkpoint-persist) */
  readonly persistLeaseCheckpoints?: boolean;
}

/** Opens (or, when it has no WAL yet, creates) a member. */
export async function openMember(layout: DataDirLayout, cluster: ClusterSpec, opts: OpenOptions): Promise<OpenedMember> {
  const memberIds = new Map<string, bigint>();
  for (const [name, urls] of cluster.initialCluster) memberIds.set(name, computeMemberId(urls, cluster.initialClusterToken));
  const isNew = !Wal.exists(layout.walDir);
  let wal: Wal;
  let hardState: HardState = { term: 0, vote: 0n, commit: 0 };
  let entries: WalEntry[] = [];
  let memberId: bigint;
  let clusterId: bigint;
  let repairedBytes = 0;
  if (isNew) {
    memberId = memberIds.get(cluster.name) ?? 0n;
    clusterId = computeClusterId([...memberIds.values()]);
    fs.mkdirSync(path.dirname(layout.backendPath), { recursive: true, mode: 0o700 });
    fs.mkdirSync(path.dirname(layout.walDir), { recursive: true, mode: 0o700 });
    wal = await Wal.create(layout.walDir, { memberId, clusterId }, opts.wal);
  } else {
    const opened = await Wal.open(layout.walDir, opts.wal);
    wal = opened.wal;
    hardState = opened.hardState;
    entries = opened.entries;
    memberId = opened.meta.memberId;
    clusterId = opened.meta.clusterId;
    repairedBytes = opened.repaired?.truncatedBytes ?? 0;
    fs.mkdirSync(path.dirname(layout.backendPath), { recursive: true, mode: 0o700 });
  }
  removeStaleSnapshots(layout.backendPath);
  const kv = openKvState(layout.backendPath, { quotaBackendBytes: opts.quotaBackendBytes, persistLeaseCheckpoints: opts.persistLeaseCheckpoints });
  const lastIndex = entries.length > 0 ? entries[entries.length - 1].index : Math.max(hardState.commit, kv.consistentIndex());
  return { layout, memberId, clusterId, memberIds, wal, hardState, entries, lastIndex, kv, isNew, repairedBytes };
}

/**
 * Snapshot copies (EtcdServer.openSnapshot) left by a member that died while sending them, and defragmented
 * copies (with their LMDB lock files) left by one that died while making them or ran on one renamed into place.
 */
function removeStaleSnapshots(backendPath: string): void {
  const dir = path.dirname(backendPath);
  const prefix = `${path.basename(backendPath)}.snapshot-`;
  const defragPrefix = `${path.basename(backendPath)}.defrag-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if ((n.startsWith(prefix) && n.endsWith('.tmp')) || n.startsWith(defragPrefix)) fs.rmSync(path.join(dir, n), { force: true });
  }
}
