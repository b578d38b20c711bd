import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { backupTimestamp, createLogger, RotatingFileSink, type RotationSettings } from '../../../src/core/log';

const megabyte = 1024 * 1024;
const settings = (over: Partial<RotationSettings> = {}): RotationSettings => ({ maxSizeMb: 1, maxAgeDays: 0, maxBackups: 0, localTime: false, compress: false, ...over });

let dir: string;
let now: number;
const clock = () => now;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-rotate-'));
  now = Date.UTC(2026, 10, 25, 6, 0, 0, 0);
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const chunk = (c: string, bytes: number) => `${c.repeat(bytes - 1)}\n`;
const listing = () => fs.readdirSync(dir).sort();

describe('rotating-file-sink', () => {
  it("names backups with lumberjack's time stamp", () => {
    expect(backupTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 6), false)).toBe('2026-01-02T03-04-05.006');
  });

  it('starts a new file when a write would pass maxsize', async () => {
    const file = path.join(dir, 'etcd.log');
    const sink = new RotatingFileSink(file, settings(), clock);
    sink.write(chunk('a', 600 * 1024));
    sink.write(chunk('b', 300 * 1024));
    expect(listing()).toEqual(['etcd.log']);
    now += 1000;
    sink.write(chunk('c', 200 * 1024));
    await sink.close();
    expect(listing()).toEqual(['etcd-2026-11-25T06-00-01.000.log', 'etcd.log']);
    expect(fs.readFileSync(file, 'utf8')).toBe(chunk('c', 200 * 1024));
    expect(fs.statSync(path.join(dir, 'etcd-2026-11-25T06-00-01.000.log')).size).toBe(900 * 1024);
  });

  it('counts what the file already holds when it opens', async () => {
    const file = path.join(dir, 'etcd.log');
    fs.writeFileSync(file, 'x'.repeat(megabyte - 10));
    const sink = new RotatingFileSink(file, settings(), clock);
    sink.write(chunk('y', 100));
    await sink.close();
    expect(listing().length).toBe(2);
    expect(fs.statSync(file).size).toBe(100);
  });

  it('keeps at most maxbackups backups, newest first', async () => {
    const file = path.join(dir, 'etcd.log');
    const sink = new RotatingFileSink(file, settings({ maxBackups: 2 }), clock);
    for (let i = 0; i < 4; i++) {
      sink.write(chunk(String(i), 100));
      now += 1000;
      sink.rotate();
    }
    await sink.close();
    expect(listing()).toEqual(['etcd-2026-11-25T06-00-03.000.log', 'etcd-2026-11-25T06-00-04.000.log', 'etcd.log']);
  });

  it('removes backups older than maxage days', async () => {
    const file = path.join(dir, 'etcd.log');
    const sink = new RotatingFileSink(file, settings({ maxAgeDays: 1 }), clock);
    sink.write('old\n');
    sink.rotate();
    now += 2 * 24 * 3600 * 1000;
    sink.write('new\n');
    sink.rotate();
    await sink.close();
    expect(listing()).toEqual(['etcd-2026-11-27T06-00-00.000.log', 'etcd.log']);
  });

  it('gzips backups in the background when compress is set', async () => {
    const file = path.join(dir, 'etcd.log');
    const sink = new RotatingFileSink(file, settings({ compress: true }), clock);
    sink.write('first\n');
    sink.rotate();
    await sink.settled();
    expect(listing()).toEqual(['etcd-2026-11-25T06-00-00.000.log.gz', 'etcd.log']);
    expect(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'etcd-2026-11-25T06-00-00.000.log.gz'))).toString()).toBe('first\n');
    await sink.close();
  });

  it('is what the logger uses for a file output when rotation is on', async () => {
    const log = createLogger({ outputs: ['etcd.log'], cwd: dir, rotation: settings(), clock });
    log.info('x'.repeat(700 * 1024));
    await log.flush();
    log.info('y'.repeat(700 * 1024));
    await log.close();
    expect(listing().length).toBe(2);
  });
});
