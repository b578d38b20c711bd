// --enable-log-rotation: a file sink that rotates like lumberjack (gopkg.in/natefinch/lumberjack.v2), which
// etcd 3.5+ uses. When a write would take the file past maxsize MB, the file is renamed to
// <name>-<time><ext> (time "2006-01-02T15-04-05.000", UTC unless localtime) and a new one is started; then old
// backups are removed (beyond maxbackups, older than maxage days) and, with compress, gzipped in the background.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { writeAll, type LogSink } from './sinks';

export interface RotationSettings {
  readonly maxSizeMb: number;
  readonly maxAgeDays: number;
  readonly maxBackups: number;
  readonly localTime: boolean;
  readonly compress: boolean;
}

const bytesPerMegabyte = 1024 * 1024;
const msPerDay = 24 * 60 * 60 * 1000;
/** Bound on backups compressed at once; more wait for the next rotation. */
export const compressionsInFlightMax = 4;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** lumberjack's backup time stamp: 2006-01-02T15-04-05.000 */
export function backupTimestamp(epochMs: number, localTime: boolean): string {
  const d = new Date(epochMs);
  const [y, mo, da, h, mi, s, ms] = localTime
    ? [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()]
    : [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()];
  return `${pad(y, 4)}-${pad(mo, 2)}-${pad(da, 2)}T${pad(h, 2)}-${pad(mi, 2)}-${pad(s, 2)}.${pad(ms, 3)}`;
}

function parseBackupTimestamp(stamp: string, localTime: boolean): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})$/.exec(stamp);
  if (m === null) return undefined;
  const [y, mo, da, h, mi, s, ms] = m.slice(1).map(Number);
  return localTime ? new Date(y, mo - 1, da, h, mi, s, ms).getTime() : Date.UTC(y, mo - 1, da, h, mi, s, ms);
}

export class RotatingFileSink implements LogSink {
  private fd: number | null;
  private size: number;
  private readonly maxBytes: number;
  private readonly dir: string;
  private readonly prefix: string;
  private readonly ext: string;
  private readonly compressions = new Map<string, Promise<void>>();

  constructor(
    readonly filePath: string,
    private readonly settings: RotationSettings,
    private readonly clock: () => number = Date.now,
  ) {
    this.maxBytes = (settings.maxSizeMb > 0 ? settings.maxSizeMb : 100) * bytesPerMegabyte;
    this.dir = path.dirname(filePath);
    this.ext = path.extname(filePath);
    this.prefix = `${path.basename(filePath, this.ext)}-`;
    fs.mkdirSync(this.dir, { recursive: true });
    this.fd = fs.openSync(filePath, 'a', 0o600);
    this.size = fs.fstatSync(this.fd).size;
  }

  write(chunk: string): void {
    if (this.fd === null) return;
    const buf = Buffer.from(chunk, 'utf8');
    if (this.size > 0 && this.size + buf.length > this.maxBytes) this.rotate();
    writeAll(this.fd, buf);
    this.size += buf.length;
  }

  /** Starts a new file now (lumberjack's Rotate). */
  rotate(): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    const backup = path.join(this.dir, `${this.prefix}${backupTimestamp(this.clock(), this.settings.localTime)}${this.ext}`);
    fs.renameSync(this.filePath, backup);
    this.fd = fs.openSync(this.filePath, 'a', 0o600);
    this.size = 0;
    this.mill();
  }

  /** The backups on disk, newest first. */
  backups(): Array<{ readonly file: string; readonly timeMs: number; readonly compressed: boolean }> {
    const out: Array<{ file: string; timeMs: number; compressed: boolean }> = [];
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.startsWith(this.prefix)) continue;
      const compressed = name.endsWith(`${this.ext}.gz`);
      const tail = compressed ? `${this.ext}.gz` : this.ext;
      if (!name.endsWith(tail)) continue;
      const timeMs = parseBackupTimestamp(name.slice(this.prefix.length, name.length - tail.length), this.settings.localTime);
      if (timeMs !== undefined) out.push({ file: path.join(this.dir, name), timeMs, compressed });
    }
    return out.sort((a, b) => b.timeMs - a.timeMs);
  }

  /** lumberjack's millRunOnce: drop backups past maxbackups / maxage, compress the rest. */
  private mill(): void {
    let files = this.backups();
    const remove: string[] = [];
    if (this.settings.maxBackups > 0) {
      const kept = new Set<string>();
      const keep: typeof files = [];
      for (const f of files) {
        const base = f.compressed ? f.file.slice(0, -3) : f.file;
        if (kept.has(base) || kept.size < this.settings.maxBackups) {
          kept.add(base);
          keep.push(f);
        } else remove.push(f.file);
      }
      files = keep;
    }
    if (this.settings.maxAgeDays > 0) {
      const cutoff = this.clock() - this.settings.maxAgeDays * msPerDay;
      files = files.filter((f) => (f.timeMs < cutoff ? (remove.push(f.file), false) : true));
    }
    for (const file of remove) fs.rmSync(file, { force: true });
    if (!this.settings.compress) return;
    for (const f of files) {
      if (f.compressed || this.compressions.has(f.file) || this.compressions.size >= compressionsInFlightMax) continue;
      const job = compressFile(f.file).finally(() => this.compressions.delete(f.file));
      this.compressions.set(f.file, job);
    }
  }

  /** Waits for background compression (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.compressions.size > 0) await Promise.all([...this.compressions.values()]);
  }

  async close(): Promise<void> {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    await this.settled();
  }
}

async function compressFile(file: string): Promise<void> {
  const gz = `${file}.gz`;
  try {
    await pipeline(fs.createReadStream(file), zlib.createGzip(), fs.createWriteStream(gz, { mode: 0o600 }));
    await fs.promises.rm(file, { force: true });
  } catch {
    // the backup stays uncompressed; the next rotation tries again
    await fs.promises.rm(gz, { force: true }).catch(() => {});
  }
}
