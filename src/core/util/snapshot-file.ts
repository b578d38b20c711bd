// Snapshot files, offline: what `cairn util snapshot status` and `restore` do with a file that `etcdctl snapshot
// save` (or cairn ctl) fetched from `cairn server` (Maintenance.Snapshot). Such a file is the member's backend
// (an LMDB environment, compacted) followed by the SHA-256 of those bytes, the framing etcd uses for its bbolt
// snapshots. A plain backend file (a member's member/snap/db) is taken too, without a hash to check.
// Both commands open the backend through the same storage code as the server (storage/, schema/).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Backend } from '../storage/backend';
import { allBuckets, Buckets, MetaKeys, readMeta, storageVersion, writeMetaNumber } from '../storage/schema';
import { crc32cUpdate, MvccStore } from '../storage/mvcc';

const shaBytes = 32;
/** LMDB's first meta page carries this magic right after the page header (MDB_MAGIC, little-endian): at byte 16
 * in LMDB 0.9's format, at 24 in the 1.0 format lmdb-js writes (its page header holds a txn id too). */
const lmdbMagic = 0xbeefc0de;
/** LMDB's page size here (the OS page size): a backend file is a whole number of pages. */
const lmdbPageBytes = 4096;

export class SnapshotFileError extends Error {}

export interface SnapshotLayout {
  /** bytes of the backend part (the file without its hash) */
  readonly dbBytes: number;
  /** whether the file ends with the SHA-256 of its backend part */
  readonly hasHash: boolean;
}

/** Reads [0, end) of the file in 1 MiB pieces, in order; `fn` may be async (it is awaited before the next). */
async function eachPiece(file: string, end: number, fn: (b: Buffer) => void | Promise<void>): Promise<void> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (let pos = 0; pos < end;) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos), pos);
      if (bytesRead === 0) throw new SnapshotFileError(`${file}: ended at ${pos} bytes, expected ${end}`);
      await fn(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

/**
 * Tells the backend part from the hash: a file whose last 32 bytes are the SHA-256 of the rest carries its
 * hash (a snapshot); anything else must be a bare backend file (it has to start like an LMDB environment).
 */
export async function inspectSnapshot(file: string): Promise<SnapshotLayout> {
  let size: number;
  try {
    size = (await fs.promises.stat(file)).size;
  } catch (err) {
    throw new SnapshotFileError(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const head = Buffer.alloc(28);
  const fh = await fs.promises.open(file, 'r');
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  if (size < lmdbPageBytes || (head.readUInt32LE(16) !== lmdbMagic && head.readUInt32LE(24) !== lmdbMagic)) {
    throw new SnapshotFileError(`${file}: not a cairn snapshot or backend file (no LMDB environment at its start)`);
  }
  // the hash is checked by reading the file once; a bare backend file simply does not end with its own hash
  const h = createHash('sha256');
  await eachPiece(file, size - shaBytes, (b) => { h.update(b); });
  const trailer = Buffer.alloc(shaBytes);
  const t = await fs.promises.open(file, 'r');
  try {
    await t.read(trailer, 0, shaBytes, size - shaBytes);
  } finally {
    await t.close();
  }
  const digest = h.digest();
  if (digest.equals(trailer)) return { dbBytes: size - shaBytes, hasHash: true };
  // an LMDB file is whole pages: 32 bytes more is a snapshot whose hash does not match (damaged, truncated)
  if (size % lmdbPageBytes === shaBytes) throw new SnapshotFileError(`expected sha256 ${trailer.toString('hex')}, got ${digest.toString('hex')}`);
  return { dbBytes: size, hasHash: false };
}

/** Copies the backend part of a snapshot file to `dest` (created, fsynced), a piece at a time. */
async function extractBackend(file: string, layout: SnapshotLayout, dest: string): Promise<void> {
  const out = await fs.promises.open(dest, 'wx', 0o600);
  try {
    let pos = 0;
    await eachPiece(file, layout.dbBytes, async (b) => {
      await out.write(b, 0, b.length, pos);
      pos += b.length;
    });
    await out.sync();
  } finally {
    await out.close();
  }
}

export interface SnapshotStatus {
  /** CRC-32C over every bucket's name, keys and values, in bucket and key order */
  readonly hash: number;
  readonly revision: number;
  /** entries in all buckets (etcd counts every bolt key the same way) */
  readonly totalKey: number;
  /** bytes of the backend part */
  readonly totalSize: number;
}

function openBackendOf(dbFile: string, readOnly: boolean): Backend {
  const backend = Backend.open(dbFile, { mapSizeBytes: Math.max(fs.statSync(dbFile).size * 2, 64 * 1024 * 1024), buckets: allBuckets, readOnly });
  const sv = readMeta(backend.bucket(Buckets.meta)).storageVersion;
  if (sv !== undefined && sv !== storageVersion) {
    void backend.close();
    throw new SnapshotFileError(`${dbFile}: backend has storage version ${sv}, this build reads ${storageVersion}`);
  }
  return backend;
}

/** A temp dir for a working copy, removed by `done`. */
function scratch(): { dir: string; done(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-snapshot-'));
  return { dir, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** `snapshot status`: the hash is checked first; the backend is read from a working copy (the file is not touched). */
export async function snapshotStatus(file: string): Promise<SnapshotStatus> {
  const layout = await inspectSnapshot(file);
  const tmp = scratch();
  try {
    const db = path.join(tmp.dir, 'db');
    await extractBackend(file, layout, db);
    const backend = openBackendOf(db, true);
    try {
      let crc = 0;
      let totalKey = 0;
      for (const name of allBuckets) {
        crc = crc32cUpdate(crc, Buffer.from(name));
        for (const { key, value } of backend.bucket(name).scan({})) {
          crc = crc32cUpdate(crc32cUpdate(crc, key), value);
          totalKey++;
        }
      }
      return { hash: crc >>> 0, revision: readMeta(backend.bucket(Buckets.meta)).currentRevision, totalKey, totalSize: layout.dbBytes };
    } finally {
      await backend.close();
    }
  } finally {
    tmp.done();
  }
}

export interface RestoreTarget {
  readonly dataDir: string;
  readonly walDir: string;
  readonly backendPath: string;
}

/**
 * `snapshot restore`: writes the snapshot's backend as `target.backendPath` with its applied index and term
 * reset (the new member's log starts empty, at index 1), and hands back to `createWal` to start that log.
 * The data dir must not exist; nothing is left behind if any step fails.
 */
export async function snapshotRestore(
  file: string,
  target: RestoreTarget,
  opts: { skipHashCheck: boolean },
  createWal: () => Promise<void>,
): Promise<{ revision: number }> {
  const layout = await inspectSnapshot(file);
  if (!layout.hasHash && !opts.skipHashCheck) throw new SnapshotFileError('snapshot missing hash but --skip-hash-check=false');
  if (fs.existsSync(target.dataDir)) throw new SnapshotFileError(`data-dir "${target.dataDir}" exists`);
  if (fs.existsSync(target.walDir)) throw new SnapshotFileError(`wal-dir "${target.walDir}" exists`);
  try {
    fs.mkdirSync(path.dirname(target.backendPath), { recursive: true, mode: 0o700 });
    await extractBackend(file, layout, target.backendPath);
    const backend = openBackendOf(target.backendPath, false);
    let revision: number;
    try {
      const meta = backend.bucket(Buckets.meta);
      revision = readMeta(meta).currentRevision;
      backend.writeSync((w) => {
        writeMetaNumber(w, meta, MetaKeys.consistentIndex, 0);
        writeMetaNumber(w, meta, MetaKeys.term, 0);
      });
      await backend.flush();
    } finally {
      await backend.close();
    }
    fs.rmSync(`${target.backendPath}-lock`, { force: true });
    await createWal();
    return { revision };
  } catch (err) {
    fs.rmSync(target.dataDir, { recursive: true, force: true });
    if (!target.walDir.startsWith(target.dataDir + path.sep)) fs.rmSync(target.walDir, { recursive: true, force: true });
    throw err;
  }
}

export interface FileHashKV {
  readonly hash: number;
  readonly hashRevision: number;
  readonly compactRevision: number;
}

/**
 * `hashkv`: etcd's HashKV of a backend or snapshot file at `revision` (0: its current revision), computed by the
 * server's own code on a working copy (a pending physical compaction is finished there, as the server would
 * before hashing; the file itself is not touched). Equal to `etcdctl endpoint hashkv` on the member it came
 * from at the same revision.
 */
export async function hashKvOfFile(file: string, revision: number): Promise<FileHashKV> {
  const layout = await inspectSnapshot(file);
  const tmp = scratch();
  try {
    const db = path.join(tmp.dir, 'db');
    await extractBackend(file, layout, db);
    const backend = openBackendOf(db, false);
    try {
      const h = MvccStore.open(backend).hashKV(revision);
      return { hash: h.hash, hashRevision: h.hashRevision, compactRevision: h.compactRevision };
    } finally {
      await backend.close();
    }
  } finally {
    tmp.done();
  }
}
