#!/usr/bin/env node
// Not a test: the unary path of cairn's transport next to shared/bench/ceiling (a bare node:http2 responder),
// both answering etcd's KV calls with the same fixed bytes, driven by the same grpc-js client loop.
// Reports calls/s and the server's CPU time per call (from /proc, user+system), which is what matters when
// the load generator shares the machine. Usage:
//   node test/core/api/transport/bench-unary.js [seconds=5] [concurrency=64] [rounds=3]
// It compiles src/core/api/transport with tsc into a temp dir first.
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../../../..');

// ---- the stand-in server: the ceiling's answers, served through GrpcServer ----
function serve(transportDir, port) {
  const { GrpcServer } = require(path.join(transportDir, 'core/api/transport'));
  let revision = 1;
  const varint = (n, out) => { while (n > 127) { out.push((n & 127) | 128); n = Math.floor(n / 128); } out.push(n); };
  const field = (tag, bytes) => { const o = [tag]; varint(bytes.length, o); return Buffer.concat([Buffer.from(o), bytes]); };
  const header = () => { const o = [0x08, 1, 0x10, 2, 0x18]; varint(revision, o); o.push(0x20, 2); return Buffer.from(o); };
  const kv = Buffer.concat([field(0x0a, Buffer.from('foo')), Buffer.from([0x10, 1, 0x18, 1, 0x20, 1]), field(0x2a, Buffer.alloc(256))]);
  const server = new GrpcServer({ maxRecvMessageBytes: 2 * 1024 * 1024 });
  server.addUnary('/etcdserverpb.KV/Range', () => Buffer.concat([field(0x0a, header()), field(0x12, kv), Buffer.from([0x20, 1])]));
  server.addUnary('/etcdserverpb.KV/Put', () => { revision++; return field(0x0a, header()); });
  server.listen('127.0.0.1', port).then(() => process.send && process.send('ready'));
  process.on('SIGTERM', () => process.exit(0));
}

// ---- the driver ----
function cpuTicks(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime
}

function freePort() {
  const net = require('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitPort(port) {
  const net = require('node:net');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} never opened`);
}

async function load(port, seconds, concurrency, method) {
  const grpc = require(path.join(root, 'node_modules/@grpc/grpc-js'));
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const id = (b) => b;
  // RangeRequest{key: "foo", serializable: true} / PutRequest{key, value: 256 bytes}
  const req = method === 'Range' ? Buffer.from([0x0a, 3, 0x66, 0x6f, 0x6f, 0x40, 1])
    : Buffer.concat([Buffer.from([0x0a, 3, 0x66, 0x6f, 0x6f, 0x12, 0x80, 0x02]), Buffer.alloc(256, 1)]);
  const call = () => new Promise((resolve, reject) =>
    client.makeUnaryRequest(`/etcdserverpb.KV/${method}`, id, id, req, (e) => (e ? reject(e) : resolve())));
  let done = 0;
  let stop = false;
  const worker = async () => { while (!stop) { await call(); done++; } };
  // warm-up
  const warm = Date.now() + 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (Date.now() < warm) await call(); }));
  const t0 = process.hrtime.bigint();
  const n0 = done;
  setTimeout(() => (stop = true), seconds * 1000);
  return { client, t0, n0, running: Promise.all(Array.from({ length: concurrency }, worker)), count: () => done };
}

async function measure(name, child, port, seconds, concurrency, method) {
  await waitPort(port);
  const l = await load(port, seconds, concurrency, method);
  const c0 = cpuTicks(child.pid);
  await l.running;
  const c1 = cpuTicks(child.pid);
  const elapsed = Number(process.hrtime.bigint() - l.t0) / 1e9;
  const calls = l.count() - l.n0;
  l.client.close();
  const hz = Number(execFileSync('getconf', ['CLK_TCK']).toString());
  return { name, method, qps: calls / elapsed, cpuUsPerCall: ((c1 - c0) / hz) * 1e6 / calls };
}

async function main() {
  const [seconds = 5, concurrency = 64, rounds = 3] = process.argv.slice(2).map(Number);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-transport-'));
  try {
    execFileSync('npx', ['tsc', '--outDir', out, '--rootDir', path.join(root, 'src'), '--module', 'node16', '--moduleResolution', 'node16',
      '--target', 'es2022', '--strict', '--esModuleInterop', '--skipLibCheck', path.join(root, 'src/core/api/transport/index.ts')],
    { cwd: root, stdio: 'inherit' });
    const pin = fs.existsSync('/usr/bin/taskset') ? ['taskset', '-c', '1'] : [];
    const results = [];
    for (let r = 0; r < rounds; r++) {
      for (const method of ['Range', 'Put']) {
        for (const side of ['ceiling', 'transport']) {
          const port = await freePort();
          const args = side === 'ceiling'
            ? [path.join(root, '../shared/bench/ceiling/bin/run.js'), '--listen-client-urls', `http://127.0.0.1:${port}`]
            : [__filename, '--serve', out, String(port)];
          const cmd = pin.length ? pin[0] : process.execPath;
          const child = spawn(cmd, pin.length ? [...pin.slice(1), process.execPath, ...args] : args, { stdio: 'inherit' });
          try {
            results.push(await measure(side, child, port, seconds, concurrency, method));
          } finally {
            child.kill('SIGTERM');
          }
          const last = results[results.length - 1];
          console.log(`${last.method.padEnd(6)} ${last.name.padEnd(10)} ${last.qps.toFixed(0).padStart(7)} calls/s  ${last.cpuUsPerCall.toFixed(1).padStart(6)} us CPU/call`);
        }
      }
    }
    const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log('\nmedian over rounds:');
    for (const method of ['Range', 'Put']) {
      for (const side of ['ceiling', 'transport']) {
        const rs = results.filter((x) => x.name === side && x.method === method);
        console.log(`${method.padEnd(6)} ${side.padEnd(10)} ${median(rs.map((x) => x.qps)).toFixed(0).padStart(7)} calls/s  ${median(rs.map((x) => x.cpuUsPerCall)).toFixed(1).padStart(6)} us CPU/call`);
      }
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') serve(process.argv[3], Number(process.argv[4]));
else main().catch((err) => { console.error(err); process.exit(1); });
