import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Wal } from '../../../src/core/wal';
import { entry, makeTempDirs, plain } from './helpers';

const tmp = makeTempDirs();
afterEach(tmp.cleanup);

const CHILD = path.join(__dirname, 'fixtures', 'crash-child.js');
/** The child is killed once it has acknowledged this many appends. */
const ACKS_BEFORE_KILL = 2500;

/** Runs the child until it acknowledged ACKS_BEFORE_KILL appends, kills it with SIGKILL, returns the acked indices. */
function runAndKill(dir: string, mode: 'create' | 'open'): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let pending = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line !== 'ready') acked.push(Number(line));
      if (acked.length >= ACKS_BEFORE_KILL && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child exited with ${code}: ${stderr}`));
      resolve(acked);
    });
  });
}

describe('wal crash', () => {
  it('keeps every acknowledged append across kill -9, twice', async () => {
    const dir = tmp.make();
    const ackedFirst = await runAndKill(dir, 'create');
    const r1 = await Wal.open(dir);
    expectAllAcked(r1.entries.map((e) => e.index), ackedFirst);
    expect(plain(r1.entries)).toEqual(plain(r1.entries.map((e) => entry(e.index, 1, 100))));
    expect(r1.hardState.commit).toBeLessThanOrEqual(r1.wal.lastIndex);
    expect(r1.wal.stats().segments).toBeGreaterThan(1);
    await r1.wal.close();

    const ackedSecond = await runAndKill(dir, 'open');
    const r2 = await Wal.open(dir);
    expectAllAcked(r2.entries.map((e) => e.index), [...ackedFirst, ...ackedSecond]);
    expect(plain(r2.entries)).toEqual(plain(r2.entries.map((e) => entry(e.index, 1, 100))));
    await r2.wal.close();
  });
});

function expectAllAcked(indices: number[], acked: number[]): void {
  expect(indices).toEqual(Array.from({ length: indices.length }, (_, i) => i + 1)); // contiguous from 1
  expect(acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
  expect(indices.length).toBeGreaterThanOrEqual(Math.max(...acked));
}
