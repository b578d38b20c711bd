// Online defragmentation (Maintenance.Defragment) on cairn server: the real etcdctl defrag shrinks the backend
// while writes keep arriving, a watch keeps its events, a RangeStream started before it finishes from its
// snapshot, and every acknowledged write is there afterwards and after a restart.
import { spawn } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { etcdserverpb } from '../../src/core/api/proto';
import { RawClient } from '../helpers/grpc';
import { etcdctl, hasEtcd, startServer, type ServerProc } from '../helpers/procs';

const KV = '/etcdserverpb.KV/';
const b = (s: string) => Buffer.from(s);
const describeIf = hasEtcd() ? describe : describe.skip;

describeIf('online defragmentation', () => {
  let sp: ServerProc;
  let client: RawClient;

  beforeAll(async () => {
    sp = await startServer('cairn');
    client = new RawClient(sp.endpoint);
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await sp?.destroy();
  });

  const dbSize = () => (JSON.parse(etcdctl(sp.endpoint, ['endpoint', 'status', '-w', 'json']).stdout) as Array<{ Status: { dbSize: number } }>)[0].Status.dbSize;
  const put = (key: string, value: string) => client.call(KV + 'Put', etcdserverpb.PutRequest, etcdserverpb.PutResponse, { key: b(key), value: b(value) });

  it('shrinks the backend while writes, a watch and a range stream go on; nothing acknowledged is lost', async () => {
    const big = 'x'.repeat(4000);
    for (let i = 0; i < 200; i++) await put(`junk/${i}`, big);
    // 300 values of 2 kB: the range stream sends them in several chunks, so it is still open across the defrag
    for (let i = 0; i < 300; i++) await put(`keep/${String(i).padStart(3, '0')}`, `v${i}`.padEnd(2000, '.'));
    await client.call(KV + 'DeleteRange', etcdserverpb.DeleteRangeRequest, etcdserverpb.DeleteRangeResponse, { key: b('junk/'), rangeEnd: b('junk0') });
    const rev = Number((await put('mark', 'm')).header?.revision);
    await client.call(KV + 'Compact', etcdserverpb.CompactionRequest, etcdserverpb.CompactionResponse, { revision: rev, physical: true });
    const before = dbSize();

    // a watch from now on, and a range stream taken before the defragmentation and read after it
    const events: string[] = [];
    const watch = client.client.makeBidiStreamRequest('/etcdserverpb.Watch/Watch', (x: Buffer) => x, (x: Buffer) => x);
    watch.on('data', (m: Buffer) => {
      for (const e of etcdserverpb.WatchResponse.decode(m).events) events.push(Buffer.from(e.kv?.key ?? []).toString());
    });
    watch.on('error', () => { /* canceled at the end */ });
    watch.write(Buffer.from(etcdserverpb.WatchRequest.encode({ createRequest: { key: b('w/'), rangeEnd: b('w0') } }).finish()));
    const chunks: etcdserverpb.RangeStreamResponse[] = [];
    let pause!: () => void;
    const paused = new Promise<void>((resolve) => { pause = resolve; });
    const stream = client.client.makeServerStreamRequest(KV + 'RangeStream', (x: Buffer) => x, (x: Buffer) => x,
      Buffer.from(etcdserverpb.RangeRequest.encode({ key: b('keep/'), rangeEnd: b('keep0'), serializable: true }).finish()), new grpc.Metadata(), {});
    const streamed = new Promise<void>((resolve, reject) => {
      stream.on('data', (m: Buffer) => {
        chunks.push(etcdserverpb.RangeStreamResponse.decode(m));
        pause();
      });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    await paused;
    stream.pause();

    // writes racing the defragmentation: each acknowledged one must survive it
    const acked: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing || i < 20; i++) {
        await put(`w/${String(i).padStart(4, '0')}`, 'during');
        acked.push(`w/${String(i).padStart(4, '0')}`);
      }
    })();
    while (acked.length < 5) await new Promise((r) => setTimeout(r, 5));
    // etcdctl runs as a child the test does not wait on synchronously: the writer keeps writing meanwhile
    const defrag = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
      const p = spawn('etcdctl', ['--endpoints', sp.endpoint, 'defrag'], { env: { ...process.env, ETCDCTL_API: '3' } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      p.on('close', (code) => resolve({ stdout, stderr, code }));
    });
    const duringDefrag = acked.length;
    writing = false;
    await writer;
    expect(defrag).toEqual({ stdout: `Finished defragmenting etcd member[${sp.endpoint}]\n`, stderr: '', code: 0 });
    expect(duringDefrag).toBeGreaterThan(5); // writes went on while etcdctl ran
    // 800 kB of deleted, compacted values left out of the copy (300 live 2 kB values stay)
    expect(dbSize()).toBeLessThan(before - 500_000);

    stream.resume();
    await streamed;
    expect(chunks.length).toBeGreaterThan(1);
    const keys = chunks.flatMap((c) => (c.rangeResponse?.kvs ?? []).map((kv) => Buffer.from(kv.key ?? []).toString()));
    expect(keys.length).toBe(300);
    expect(keys[0]).toBe('keep/000');

    const deadline = Date.now() + 5000;
    while (events.length < acked.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    watch.cancel();
    expect(events).toEqual(acked);

    const all = await client.call(KV + 'Range', etcdserverpb.RangeRequest, etcdserverpb.RangeResponse, { key: b('w/'), rangeEnd: b('w0'), keysOnly: true });
    expect(all.kvs.map((kv) => Buffer.from(kv.key ?? []).toString())).toEqual(acked);

    // the defragmented file is the member's backend from now on
    client.close();
    await sp.stop();
    await sp.restart();
    client = new RawClient(sp.endpoint);
    const again = await client.call(KV + 'Range', etcdserverpb.RangeRequest, etcdserverpb.RangeResponse, { key: b('keep/'), rangeEnd: b('keep0'), countOnly: true });
    expect(Number(again.count)).toBe(300);
    expect(etcdctl(sp.endpoint, ['get', 'w/', '--prefix', '--keys-only']).stdout.split('\n').filter((l) => l !== '')).toEqual(acked);
    expect(etcdctl(sp.endpoint, ['defrag']).code).toBe(0);
  }, 60_000);

  it('Maintenance.Hash: the same data hashes the same across a restart and a defrag (applied index left out); a write changes it', async () => {
    const hash = async () => Number((await client.call('/etcdserverpb.Maintenance/Hash', etcdserverpb.HashRequest, etcdserverpb.HashResponse, {})).hash);
    const h1 = await hash();
    expect(await hash()).toBe(h1);
    client.close();
    await sp.stop();
    await sp.restart(); // a new term and a leader's entry: the applied index and term move, the data does not
    client = new RawClient(sp.endpoint);
    expect(await hash()).toBe(h1);
    await put('hash/k', 'v');
    const h2 = await hash();
    expect(h2).not.toBe(h1);
    expect(etcdctl(sp.endpoint, ['defrag']).code).toBe(0);
    expect(await hash()).toBe(h2);
  }, 60_000);
});
