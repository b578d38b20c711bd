// Offline defragmentation: `cairn util defrag` and `cairn ctl defrag --data-dir` rewrite a stopped member's
// backend without its free pages; the member then starts with the same data. A running member is refused.
// Needs a build (`npm run build`): it runs bin/run.js.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { etcdctl, hasEtcd, RUN_JS, startServer, type ServerProc } from '../../helpers/procs';

const cairn = (args: string[]) => {
  const r = spawnSync(process.execPath, [RUN_JS, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
};
const ok = (r: { stdout: string; stderr: string; code: number | null }) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r.stdout;
};

const describeIf = hasEtcd() ? describe : describe.skip;

describeIf('offline defrag of a stopped member', () => {
  let sp: ServerProc;

  beforeAll(async () => {
    sp = await startServer('cairn');
  }, 60_000);

  afterAll(async () => {
    await sp?.destroy();
  });

  it('refuses a running member, then shrinks the stopped one\'s file and keeps its data', async () => {
    const value = 'v'.repeat(4000);
    for (let i = 0; i < 150; i++) ok(etcdctl(sp.endpoint, ['put', `d/${i}`, value]));
    ok(etcdctl(sp.endpoint, ['del', 'd/', '--prefix']));
    ok(etcdctl(sp.endpoint, ['put', 'keep', 'me']));
    const rev = (JSON.parse(ok(etcdctl(sp.endpoint, ['get', 'keep', '-w', 'json']))) as { header: { revision: number } }).header.revision;
    ok(etcdctl(sp.endpoint, ['compaction', '--physical', String(rev)]));
    const running = cairn(['util', 'defrag', '--data-dir', sp.dataDir]);
    expect(running.code).toBe(1);
    expect(running.stderr).toBe(`Error: Failed to defragment etcd data[${sp.dataDir}] (the member using ${sp.dataDir} is running; to defragment a running member, omit --data-dir)\n`);
    expect(await sp.stop()).toBe(0);

    const db = path.join(sp.dataDir, 'member', 'snap', 'db');
    const out = ok(cairn(['util', 'defrag', '--data-dir', sp.dataDir]));
    const m = /^Finished defragmenting etcd data\[(.*)\] \(([\d.]+ [kMG]?B) -> ([\d.]+ [kMG]?B)\)\n$/.exec(out);
    expect(m?.[1]).toBe(sp.dataDir);
    // humanize.Bytes sizes back to bytes
    const bytes = (t: string | undefined) => {
      const [n, unit] = (t ?? '0 B').split(' ');
      return Number(n) * ({ B: 1, kB: 1e3, MB: 1e6, GB: 1e9 } as Record<string, number>)[unit];
    };
    // 150 values of 4 kB were deleted and compacted away: the copy leaves their pages out
    expect(bytes(m?.[3])).toBeLessThan(bytes(m?.[2]) / 2);
    expect(fs.readdirSync(path.dirname(db)).filter((n) => n.includes('defrag'))).toEqual([]);
    // cairn ctl --data-dir runs the same code, etcdctl's wording
    expect(ok(cairn(['ctl', 'defrag', '--data-dir', sp.dataDir]))).toBe(`Finished defragmenting etcd data[${sp.dataDir}]\n`);

    await sp.restart();
    expect(ok(etcdctl(sp.endpoint, ['get', '', '--from-key', '--print-value-only']))).toBe('me\n');
    const put = JSON.parse(ok(etcdctl(sp.endpoint, ['put', 'after', 'defrag', '-w', 'json']))) as { header: { revision: number } };
    expect(put.header.revision).toBe(rev + 1);
  }, 60_000);
});
