// Test helpers: a store in a temp dir, applying entries one at a time, and reading results back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mvccpb } from '../../../src/core/api/proto';
import { openStorage } from '../../../src/core/storage';
import type { Backend } from '../../../src/core/storage/backend';
import type { EntryOutcome, KvWriter, MvccStore } from '../../../src/core/storage/mvcc';

export const testMapSizeBytes = 64 * 1024 * 1024;

export interface TempStore {
  readonly dir: string;
  readonly path: string;
  backend: Backend;
  store: MvccStore;
  nextIndex: number;
  /** applies `fn` as the next log entry in its own batch */
  apply<R>(fn: (w: KvWriter) => R): EntryOutcome<R>;
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export function tempStore(): TempStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-mvcc-'));
  const file = path.join(dir, 'member', 'snap', 'db');
  const opened = openStorage(file, { mapSizeBytes: testMapSizeBytes });
  const t: TempStore = {
    dir,
    path: file,
    backend: opened.backend,
    store: opened.store,
    nextIndex: opened.store.consistentIndex + 1,
    apply<R>(fn: (w: KvWriter) => R): EntryOutcome<R> {
      const index = t.nextIndex++;
      const out = t.store.writeBatch((b) => b.apply({ index, term: 1 }, (w) => fn(w), undefined));
      if (out === null) throw new Error('entry skipped');
      return out;
    },
    async reopen() {
      await t.backend.close();
      const o = openStorage(file, { mapSizeBytes: testMapSizeBytes });
      t.backend = o.backend;
      t.store = o.store;
      t.nextIndex = o.store.consistentIndex + 1;
    },
    async close() {
      await t.backend.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

export const b = (s: string): Buffer => Buffer.from(s);

export interface PlainKv {
  key: string;
  value: string;
  create: number;
  mod: number;
  version: number;
  lease: string;
}

/** An encoded KeyValue decoded with protobufjs (independent of our codec), as plain values. */
export function plain(kv: Uint8Array): PlainKv {
  const d = mvccpb.KeyValue.decode(kv);
  const n = (v: unknown) => Number(String(v ?? 0));
  return { key: Buffer.from(d.key).toString(), value: Buffer.from(d.value).toString(), create: n(d.createRevision), mod: n(d.modRevision), version: n(d.version), lease: String(d.lease ?? 0) };
}

/** "key=value@create/mod/version" for compact assertions. */
export function brief(kv: Uint8Array): string {
  const p = plain(kv);
  return `${p.key}=${p.value}@${p.create}/${p.mod}/${p.version}`;
}
