#!/usr/bin/env node
// Restart time with many keys: fills a fresh cairn member with N keys (Txns of 100 puts, 64 in flight), stops it
// (SIGTERM, or SIGKILL with --kill), starts it again and measures the time until it answers a linearizable
// Range on the same port. Usage: node scripts/restart-bench.js [keys=1000000] [--kill]
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const { etcdserverpb } = require('../dist/core/api/proto');

const N = Number(process.argv[2] || 1_000_000);
const KILL = process.argv.includes('--kill');
const PER_TXN = 100;
const INFLIGHT = 64;
const port = 40000 + Math.floor(Math.random() * 10000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-restart-'));
const ep = `127.0.0.1:${port}`;
const args = [path.join(__dirname, '..', 'bin', 'run.js'), 'server', '--name', 'r', '--data-dir', path.join(dir, 'data'),
  '--listen-client-urls', `http://${ep}`, '--advertise-client-urls', `http://${ep}`, '--log-level', process.env.LOG_LEVEL || 'warn'];
const start = () => spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });

function call(client, method, type, req) {
  return new Promise((resolve, reject) => client.makeUnaryRequest(`/etcdserverpb.KV/${method}`,
    (m) => Buffer.from(etcdserverpb[`${type}Request`].encode(m).finish()), (b) => etcdserverpb[`${type}Response`].decode(b),
    req, (err, res) => (err ? reject(err) : resolve(res))));
}

async function waitReady(client, t0) {
  for (;;) {
    try {
      const res = await call(client, 'Range', 'Range', { key: Buffer.from('k00000000') });
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6, count: res.kvs.length };
    } catch { await new Promise((r) => setTimeout(r, 10)); }
  }
}

(async () => {
  let p = start();
  let client = new grpc.Client(ep, grpc.credentials.createInsecure());
  await waitReady(client, process.hrtime.bigint());
  const t0 = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < N) {
      const from = next; next += PER_TXN;
      const success = [];
      for (let i = from; i < Math.min(from + PER_TXN, N); i++) {
        success.push({ requestPut: { key: Buffer.from(`k${String(i).padStart(8, '0')}`), value: Buffer.alloc(64, 120) } });
      }
      await call(client, 'Txn', 'Txn', { success });
    }
  };
  await Promise.all(Array.from({ length: INFLIGHT }, worker));
  console.log(`wrote ${N} keys in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  client.close();
  await new Promise((r) => { p.once('exit', r); p.kill(KILL ? 'SIGKILL' : 'SIGTERM'); });
  const walDir = path.join(dir, 'data', 'member', 'wal');
  const walBytes = fs.readdirSync(walDir).filter((f) => f.endsWith('.wal')).reduce((s, f) => s + fs.statSync(path.join(walDir, f)).size, 0);
  console.log(`stopped with ${KILL ? 'SIGKILL' : 'SIGTERM'}; WAL on disk: ${(walBytes / 1e6).toFixed(1)} MB`);
  const t1 = process.hrtime.bigint();
  p = start();
  client = new grpc.Client(ep, grpc.credentials.createInsecure());
  const r = await waitReady(client, t1);
  const tc = process.hrtime.bigint();
  const counted = await call(client, 'Range', 'Range', { key: Buffer.from('k'), rangeEnd: Buffer.from('l'), countOnly: true });
  console.log(`count of ${Number(counted.count)} keys: ${(Number(process.hrtime.bigint() - tc) / 1e6).toFixed(0)} ms`);
  console.log(`restart to first linearizable read: ${r.ms.toFixed(0)} ms (process start included)`);
  client.close();
  p.kill('SIGTERM');
  await new Promise((res) => p.once('exit', res));
  fs.rmSync(dir, { recursive: true, force: true });
})().catch((e) => { console.error(e); process.exit(1); });
