#!/usr/bin/env node
// Generates protobufjs static codecs (and their TypeScript declarations) from proto/*.proto into
// src/core/api/proto/gen/. Skips the work when the outputs are newer than every .proto file.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pbjs, pbts } = require('protobufjs-cli');

const root = path.join(__dirname, '..');
const protoDir = path.join(root, 'proto');
const outDir = path.join(root, 'src/core/api/proto/gen');
const outJs = path.join(outDir, 'etcd.js');
const outDts = path.join(outDir, 'etcd.d.ts');
const inputs = ['kv.proto', 'auth.proto', 'rpc.proto', 'v3lock.proto', 'v3election.proto', 'internal.proto']
  .map((f) => path.join(protoDir, f));

function mtime(f) { try { return fs.statSync(f).mtimeMs; } catch { return 0; } }
const newestInput = Math.max(...inputs.map(mtime), mtime(__filename));
if (mtime(outJs) > newestInput && mtime(outDts) > newestInput && !process.argv.includes('--force')) process.exit(0);

fs.mkdirSync(outDir, { recursive: true });
const run = (fn, args) => new Promise((resolve, reject) => fn.main(args, (err, out) => (err ? reject(err) : resolve(out))));
(async () => {
  await run(pbjs, ['-t', 'static-module', '-w', 'commonjs', '--no-verify', '--no-delimited', '--no-beautify',
    '--no-service', '-p', protoDir, '-o', outJs, ...inputs]);
  await run(pbts, ['-o', outDts, outJs]);
})().catch((err) => { console.error(`gen-proto: ${err.stack || err}`); process.exit(1); });
