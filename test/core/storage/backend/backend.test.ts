import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Backend } from '../../../../src/core/storage/backend';

const b = (s: string) => Buffer.from(s);
let dir: string;
let be: Backend;
const open = (readOnly = false) => Backend.open(path.join(dir, 'member', 'snap', 'db'), { mapSizeBytes: 16 * 1024 * 1024, buckets: ['one', 'two'], readOnly });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-backend-'));
  be = open();
});
afterEach(async () => {
  await be.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('backend', () => {
  it('stores the environment in one file at the given path', () => {
    expect(fs.statSync(path.join(dir, 'member', 'snap', 'db')).isFile()).toBe(true);
  });

  it('commits a write transaction atomically and makes it visible at once', () => {
    const one = be.bucket('one');
    be.writeSync((w) => { w.put(one, b('k1'), b('v1')); w.put(be.bucket('two'), b('k1'), b('other')); });
    expect(one.get(b('k1'))!.toString()).toBe('v1');
    expect(be.bucket('two').get(b('k1'))!.toString()).toBe('other');
  });

  it('keeps nothing of a write transaction that throws', () => {
    const one = be.bucket('one');
    expect(() => be.writeSync((w) => { w.put(one, b('k'), b('v')); throw new Error('abort'); })).toThrow('abort');
    expect(one.get(b('k'))).toBeUndefined();
  });

  it('reads its own writes inside a write transaction', () => {
    const one = be.bucket('one');
    be.writeSync((w) => {
      w.put(one, b('k'), b('v'));
      expect(one.get(b('k'))!.toString()).toBe('v');
      expect(w.remove(one, b('k'))).toBe(true);
      expect(w.remove(one, b('k'))).toBe(false);
    });
  });

  it('scans, counts and bounds ranges (exclusive start, inclusive end, reverse, limit)', () => {
    const one = be.bucket('one');
    be.writeSync((w) => { for (const k of ['a', 'b', 'c', 'd']) w.put(one, b(k), b(k.toUpperCase())); });
    const keys = (bounds: Parameters<typeof one.scan>[0]) => [...one.scan(bounds)].map((e) => `${e.key}${e.value}`).join(' ');
    expect(keys({ start: b('b'), end: b('d') })).toBe('bB cC');
    expect(keys({ start: b('b'), exclusiveStart: true, end: b('d'), inclusiveEnd: true })).toBe('cC dD');
    expect(keys({ start: b('c'), end: b('a'), reverse: true })).toBe('cC bB');
    expect(keys({ limit: 2 })).toBe('aA bB');
    expect(one.count({ start: b('b') })).toBe(3);
    expect([...one.keys({ end: b('c') })].map(String)).toEqual(['a', 'b']);
  });

  it('appends in key order and refuses an append out of order', () => {
    const one = be.bucket('one');
    be.writeSync((w) => { w.append(one, b('a'), b('1')); w.append(one, b('b'), b('2')); });
    expect(() => be.writeSync((w) => w.append(one, b('a0'), b('x')))).toThrow();
    expect(one.get(b('a0'))).toBeUndefined();
  });

  it('keeps a pinned snapshot while later writes commit', () => {
    const one = be.bucket('one');
    be.writeSync((w) => w.put(one, b('k'), b('old')));
    const snap = be.snapshot();
    be.writeSync((w) => w.put(one, b('k'), b('new')));
    expect(one.get(b('k'), snap)!.toString()).toBe('old');
    expect([...one.scan({ snapshot: snap })].map((e) => e.value.toString())).toEqual(['old']);
    expect(one.get(b('k'))!.toString()).toBe('new');
    snap.done();
  });

  it('reports sizes, flushes and survives reopening read-only', async () => {
    const one = be.bucket('one');
    be.writeSync((w) => { for (let i = 0; i < 200; i++) w.put(one, b(`k${i}`), Buffer.alloc(500, i)); });
    const size = be.sizeBytes();
    expect(size).toBeGreaterThan(100 * 1024);
    expect(be.sizeInUseBytes()).toBeGreaterThan(0);
    expect(be.sizeInUseBytes()).toBeLessThanOrEqual(size);
    be.flushSync();
    await be.flush();
    await be.close();
    be = open(true);
    expect(be.bucket('one').get(b('k199'))!.equals(Buffer.alloc(500, 199))).toBe(true);
    expect(() => be.writeSync(() => undefined)).toThrow();
  });

  it('knows the longest key it can store', () => {
    expect(be.maxKeyBytes).toBeGreaterThanOrEqual(1978);
    const one = be.bucket('one');
    be.writeSync((w) => w.put(one, Buffer.alloc(be.maxKeyBytes, 120), b('v')));
    expect(one.get(Buffer.alloc(be.maxKeyBytes, 120))!.toString()).toBe('v');
  });

  it('copies itself compacted to another file', async () => {
    const one = be.bucket('one');
    be.writeSync((w) => w.put(one, b('k'), b('v')));
    const copy = path.join(dir, 'copy.db');
    await be.copyTo(copy);
    const other = Backend.open(copy, { mapSizeBytes: 16 * 1024 * 1024, buckets: ['one', 'two'] });
    expect(other.bucket('one').get(b('k'))!.toString()).toBe('v');
    await other.close();
  });

  it('hashes every bucket from one snapshot, whatever the chunk size, leaving out what it is told to ignore', async () => {
    const one = be.bucket('one');
    be.writeSync((w) => {
      for (let i = 0; i < 25; i++) w.put(one, b(`k${String(i).padStart(2, '0')}`), b(`v${i}`));
      w.put(be.bucket('two'), b('applied'), b('1'));
    });
    const none = () => false;
    const h = await be.hashAll(none);
    expect(await be.hashAll(none, 1)).toBe(h);
    expect(await be.hashAll(none, 7)).toBe(h);
    const ignoreApplied = (bucket: string, key: Uint8Array) => bucket === 'two' && Buffer.from(key).toString() === 'applied';
    const withoutApplied = await be.hashAll(ignoreApplied);
    expect(withoutApplied).not.toBe(h);
    be.writeSync((w) => w.put(be.bucket('two'), b('applied'), b('2')));
    expect(await be.hashAll(ignoreApplied, 3)).toBe(withoutApplied);
    expect(await be.hashAll(none)).not.toBe(h);
    be.writeSync((w) => w.put(one, b('k03'), b('changed')));
    expect(await be.hashAll(ignoreApplied)).not.toBe(withoutApplied);
  });
});
