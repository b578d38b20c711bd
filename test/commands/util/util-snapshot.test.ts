// Snapshots end to end: Maintenance.Snapshot as etcd sends it (32 KiB blobs, remaining bytes, a SHA-256 last),
// saved by the real etcdctl and by cairn ctl; `cairn util snapshot status` in every format; `cairn util snapshot
// restore` into a new data dir that `cairn server` then serves with the same keys, history, leases and
// compaction state, and refusals for damaged files, existing dirs and unsupported clusters.
// Needs a build (`npm run build`): it runs bin/run.js.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { etcdserverpb } from '../../../src/core/api/proto';
import { RawClient } from '../../helpers/grpc';
import { etcdctl, freePort, hasEtcd, RUN_JS, startServer, tempDir, type ServerProc } from '../../helpers/procs';

const util = (args: string[]) => {
  const r = spawnSync(process.execPath, [RUN_JS, 'util', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
};
const ok = (r: { stdout: string; stderr: string; code: number | null }) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r.stdout;
};
/** every key with its revisions, versions, lease and value (etcdctl -w json), and the header revision */
const dump = (endpoint: string, rev?: number) => {
  const j = JSON.parse(ok(etcdctl(endpoint, ['get', '', '--from-key', '-w', 'json', ...(rev ? ['--rev', String(rev)] : [])]))) as { header: { revision: number }; kvs?: unknown[] };
  return { revision: j.header.revision, kvs: j.kvs ?? [] };
};

const describeIf = hasEtcd() ? describe : describe.skip;

describeIf('snapshots: save from cairn server, cairn util snapshot status and restore', () => {
  let src: ServerProc;
  let dir: string;
  let lease: string;
  let historyRev: number;

  beforeAll(async () => {
    src = await startServer('cairn');
    dir = tempDir('util-snapshot');
    for (let i = 0; i < 40; i++) ok(etcdctl(src.endpoint, ['put', `k/${String(i).padStart(2, '0')}`, 'v'.repeat(2000) + i]));
    historyRev = dump(src.endpoint).revision;
    ok(etcdctl(src.endpoint, ['put', 'k/00', 'changed']));
    ok(etcdctl(src.endpoint, ['del', 'k/01']));
    ok(etcdctl(src.endpoint, ['compaction', String(historyRev - 5)]));
    lease = ok(etcdctl(src.endpoint, ['lease', 'grant', '600'])).split(' ')[1];
    ok(etcdctl(src.endpoint, ['put', 'leased', 'x', '--lease', lease]));
  }, 60_000);

  afterAll(async () => {
    await src?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends the backend in 32 KiB blobs counting down, then its SHA-256, as etcd does', async () => {
    const c = new RawClient(src.endpoint);
    try {
      const msgs = (await c.serverStream('/etcdserverpb.Maintenance/Snapshot', Buffer.alloc(0))).map((m) => etcdserverpb.SnapshotResponse.decode(m));
      const blobs = msgs.map((m) => Buffer.from(m.blob));
      const db = Buffer.concat(blobs.slice(0, -1));
      expect(msgs.length).toBe(Math.ceil(db.length / 32768) + 1);
      let left = db.length;
      for (const m of msgs.slice(0, -1)) {
        left -= m.blob.length;
        expect(Number(m.remainingBytes)).toBe(left);
        expect(m.header).toBeNull();
      }
      expect(blobs.slice(0, -2).every((b) => b.length === 32768)).toBe(true);
      expect(Number(msgs[msgs.length - 1].remainingBytes)).toBe(0);
      expect(blobs[blobs.length - 1]).toEqual(createHash('sha256').update(db).digest());
      // no copy is left beside the backend once the stream is done
      expect(fs.readdirSync(path.join(src.dataDir, 'member', 'snap')).filter((n) => n.includes('.snapshot-'))).toEqual([]);
    } finally {
      c.close();
    }
  });

  it('etcdctl and cairn ctl save it; status reads both the same way in every format', () => {
    const a = path.join(dir, 'etcdctl.db');
    const b = path.join(dir, 'cairn.db');
    expect(ok(etcdctl(src.endpoint, ['snapshot', 'save', a]))).toBe(`Snapshot saved at ${a}\n`);
    const saved = spawnSync(process.execPath, [RUN_JS, 'ctl', '--endpoints', src.endpoint, 'snapshot', 'save', b], { encoding: 'utf8' });
    expect([saved.status, saved.stdout]).toEqual([0, `Snapshot saved at ${b}\n`]);
    const { revision } = dump(src.endpoint);
    const simple = ok(util(['snapshot', 'status', a]));
    expect(simple).toMatch(new RegExp(`^[0-9a-f]+, ${revision}, \\d+, \\d+ kB\\n$`));
    const json = JSON.parse(ok(util(['snapshot', 'status', a, '-w', 'json']))) as { hash: number; revision: number; totalKey: number; totalSize: number };
    expect(json.revision).toBe(revision);
    expect(json.totalSize).toBe(fs.statSync(a).size - 32);
    // every live key, every history record and lease record is an entry: at least the 41 puts/deletes
    expect(json.totalKey).toBeGreaterThan(41);
    expect(simple).toBe(`${json.hash.toString(16)}, ${revision}, ${json.totalKey}, ${Math.round(json.totalSize / 1000)} kB\n`);
    expect(ok(util(['snapshot', 'status', a, '-w', 'fields']))).toBe(`"Hash" : ${json.hash}\n"Revision" : ${json.revision}\n"Keys" : ${json.totalKey}\n"Size" : ${json.totalSize}\n`);
    expect(ok(util(['snapshot', 'status', a, '-w', 'table']))).toContain(`| ${json.hash.toString(16)} |`);
    // the same state saved twice: the same content
    expect(ok(util(['snapshot', 'status', b, '-w', 'json']))).toBe(`${JSON.stringify(json)}\n`);
    const bad = util(['snapshot', 'status', a, '-w', 'protobuf']);
    expect([bad.code, bad.stderr]).toEqual([4, 'Error: protobuf not supported as output format\n']);
  });

  it('hashkv of the snapshot equals the member\'s own HashKV, at its revision and at a past one', () => {
    const snap = path.join(dir, 'etcdctl.db');
    const live = (rev?: number) => (JSON.parse(ok(etcdctl(src.endpoint, ['endpoint', 'hashkv', '-w', 'json', ...(rev ? ['--rev', String(rev)] : [])]))) as Array<{ HashKV: { hash: number; compact_revision: number; hash_revision?: number } }>)[0].HashKV;
    const { revision } = dump(src.endpoint);
    const now = live();
    expect(ok(util(['hashkv', snap]))).toBe(`${now.hash}, ${revision}, ${now.compact_revision}\n`);
    expect(JSON.parse(ok(util(['hashkv', snap, '--rev', String(historyRev), '-w', 'json'])))).toEqual({ hash: live(historyRev).hash, hashRevision: historyRev, compactRevision: historyRev - 5 });
    expect(ok(util(['hashkv', snap, '-w', 'table']))).toContain(`| ${now.hash} |`);
    const compacted = util(['hashkv', snap, '--rev', String(historyRev - 6)]);
    expect([compacted.code, compacted.stderr]).toEqual([1, 'Error: etcdserver: mvcc: required revision has been compacted\n']);
  });

  it('restores into a new data dir that cairn server serves with the same keys, history, leases and compaction', async () => {
    const snap = path.join(dir, 'etcdctl.db');
    const before = dump(src.endpoint);
    const pastBefore = dump(src.endpoint, historyRev);
    const port = await freePort();
    const peer = `http://127.0.0.1:${await freePort()}`;
    const dataDir = path.join(dir, 'restored');
    const restored = util(['snapshot', 'restore', snap, '--data-dir', dataDir, '--name', 'r1', '--initial-cluster', `r1=${peer}`,
      '--initial-advertise-peer-urls', peer, '--initial-cluster-token', 'tok']);
    expect(restored.code).toBe(0);
    expect(restored.stderr).toContain(`revision ${before.revision}`);
    let proc: ChildProcess | undefined;
    try {
      proc = spawn(process.execPath, [RUN_JS, 'server', '--name', 'r1', '--data-dir', dataDir, '--listen-client-urls', `http://127.0.0.1:${port}`,
        '--advertise-client-urls', `http://127.0.0.1:${port}`, '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
        '--initial-cluster', `r1=${peer}`, '--initial-cluster-token', 'tok'], { stdio: 'ignore' });
      const deadline = Date.now() + 20_000;
      while (!(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false))) {
        if (Date.now() > deadline || proc.exitCode !== null) throw new Error('the restored member did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
      const ep = `127.0.0.1:${port}`;
      expect(dump(ep)).toEqual(before);
      expect(dump(ep, historyRev)).toEqual(pastBefore);
      const compacted = etcdctl(ep, ['get', 'k/00', '--rev', String(historyRev - 6)]);
      expect(compacted.stderr).toContain('required revision has been compacted');
      expect(ok(etcdctl(ep, ['lease', 'timetolive', lease, '--keys']))).toContain('attached keys([leased])');
      const put = JSON.parse(ok(etcdctl(ep, ['put', 'after', 'restore', '-w', 'json']))) as { header: { revision: number } };
      expect(put.header.revision).toBe(before.revision + 1);
      ok(etcdctl(ep, ['lease', 'revoke', lease]));
      expect(ok(etcdctl(ep, ['get', 'leased']))).toBe('');
    } finally {
      if (proc && proc.exitCode === null) {
        const exited = new Promise((r) => proc?.once('exit', r));
        proc.kill('SIGKILL');
        await exited;
      }
    }
    // the target exists now: refused, nothing touched
    const again = util(['snapshot', 'restore', snap, '--data-dir', dataDir]);
    expect([again.code, again.stderr]).toEqual([1, `Error: data-dir "${dataDir}" exists\n`]);
  }, 60_000);

  it('refuses a damaged snapshot, a bare backend without --skip-hash-check, and clusters of several members', async () => {
    const snap = path.join(dir, 'etcdctl.db');
    const damaged = path.join(dir, 'damaged.db');
    const bytes = fs.readFileSync(snap);
    bytes[8192] ^= 0xff;
    fs.writeFileSync(damaged, bytes);
    const st = util(['snapshot', 'status', damaged]);
    expect(st.code).toBe(1);
    expect(st.stderr).toMatch(/^Error: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}\n$/);
    const rs = util(['snapshot', 'restore', damaged, '--data-dir', path.join(dir, 'from-damaged')]);
    expect(rs.stderr).toMatch(/^Error: expected sha256/);
    expect(fs.existsSync(path.join(dir, 'from-damaged'))).toBe(false);

    const bare = path.join(dir, 'bare.db');
    fs.writeFileSync(bare, fs.readFileSync(snap).subarray(0, bytes.length - 32));
    const noHash = util(['snapshot', 'restore', bare, '--data-dir', path.join(dir, 'from-bare')]);
    expect([noHash.code, noHash.stderr]).toEqual([1, 'Error: snapshot missing hash but --skip-hash-check=false\n']);
    expect(fs.existsSync(path.join(dir, 'from-bare'))).toBe(false);
    expect(util(['snapshot', 'restore', bare, '--skip-hash-check', '--data-dir', path.join(dir, 'from-bare')]).code).toBe(0);
    expect(ok(util(['snapshot', 'status', bare, '-w', 'json']))).toBe(ok(util(['snapshot', 'status', snap, '-w', 'json'])));

    const multi = util(['snapshot', 'restore', snap, '--data-dir', path.join(dir, 'multi'), '--name', 'a',
      '--initial-cluster', 'a=http://127.0.0.1:1,b=http://127.0.0.1:2', '--initial-advertise-peer-urls', 'http://127.0.0.1:1']);
    expect(multi.code).toBe(4);
    expect(multi.stderr).toContain('single-member clusters only');
    const notMe = util(['snapshot', 'restore', snap, '--data-dir', path.join(dir, 'x'), '--name', 'z', '--initial-cluster', 'a=http://127.0.0.1:1']);
    expect([notMe.code, notMe.stderr]).toEqual([128, 'Error: couldn\'t find local name "z" in the initial cluster configuration\n']);
    const garbage = path.join(dir, 'garbage.db');
    fs.writeFileSync(garbage, Buffer.alloc(10_000, 7));
    expect(util(['snapshot', 'status', garbage]).stderr).toBe(`Error: ${garbage}: not a cairn snapshot or backend file (no LMDB environment at its start)\n`);
  });
});
