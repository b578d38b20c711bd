import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WalEntry, WalMetadata } from '../../../src/core/wal';

export const META: WalMetadata = { memberId: 0x8e9e05c52164694dn, clusterId: 0xcdf818194e3a8c32n };

/** A temp dir per test; call `cleanup` in afterEach. */
export function makeTempDirs(): { make: () => string; cleanup: () => void } {
  const dirs: string[] = [];
  return {
    make: () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-wal-'));
      dirs.push(d);
      return path.join(d, 'wal');
    },
    cleanup: () => {
      for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Deterministic entry data for (index, term). */
export function entry(index: number, term = 1, size = 8): WalEntry {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (index * 7 + term * 13 + i) & 0xff;
  return { index, term, data };
}

export function entries(from: number, to: number, term = 1, size = 8): WalEntry[] {
  const out: WalEntry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term, size));
  return out;
}

/** Entries as comparable plain values. */
export function plain(es: readonly WalEntry[]): Array<{ index: number; term: number; data: string }> {
  return es.map((e) => ({ index: e.index, term: e.term, data: Buffer.from(e.data).toString('hex') }));
}

export function segmentFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.wal'))
    .sort();
}
