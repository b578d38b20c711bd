import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DirLock, LOCK_FILE_NAME } from '../../../src/core/wal/dir-lock';
import { WalLockedError } from '../../../src/core/wal/errors';
import { makeTempDirs } from './helpers';

const tmp = makeTempDirs();
afterEach(tmp.cleanup);

function lockDir(): string {
  const dir = tmp.make();
  fs.mkdirSync(dir);
  return dir;
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  expect(r.pid).toBeGreaterThan(0);
  return r.pid as number;
}

describe('dir-lock', () => {
  it('refuses a second holder in the same process and admits one after release', async () => {
    const dir = lockDir();
    const lock = await DirLock.acquire(dir);
    const second = DirLock.acquire(dir);
    await expect(second).rejects.toBeInstanceOf(WalLockedError);
    await expect(second).rejects.toMatchObject({ holderPid: process.pid });
    await lock.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(false);
    const again = await DirLock.acquire(dir);
    await again.release();
  });

  it('takes over a lock left by a dead process (kill -9)', async () => {
    const dir = lockDir();
    fs.writeFileSync(path.join(dir, LOCK_FILE_NAME), `${deadPid()} 12345 deadbeef\n`);
    const lock = await DirLock.acquire(dir);
    expect(fs.readFileSync(path.join(dir, LOCK_FILE_NAME), 'latin1')).toMatch(new RegExp(`^${process.pid} `));
    await lock.release();
  });

  it('takes over a lock whose pid was reused by another process', async () => {
    const dir = lockDir();
    fs.writeFileSync(path.join(dir, LOCK_FILE_NAME), `${process.pid} 1 cafebabe\n`);
    const lock = await DirLock.acquire(dir);
    await lock.release();
  });

  it('takes over an unreadable lock file', async () => {
    const dir = lockDir();
    fs.writeFileSync(path.join(dir, LOCK_FILE_NAME), '');
    const lock = await DirLock.acquire(dir);
    await lock.release();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('does not remove a lock file that is no longer its own', async () => {
    const dir = lockDir();
    const lock = await DirLock.acquire(dir);
    fs.writeFileSync(path.join(dir, LOCK_FILE_NAME), `${deadPid()} 1 other\n`);
    await lock.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(true);
  });
});
