// What `check perf` and `check datascale` share (ctlv3/command/check.go, util.go): their flags, the keys they
// write, the empty-prefix check, the cleanup, --auto-compact and --auto-defrag, and the server's resident memory
// read from /metrics.
import * as fs from 'node:fs';
import type { EtcdClient } from '../../client/etcd-client';
import { Rpc } from '../../client/rpc-methods';
import { EtcdError } from '../../errors';
import type { CtlContext } from '../ctl-context';
import { CtlExit } from '../ctl-exit';
import { ExitCode } from '../exit-codes';
import { bool, str, type FlagSpec } from '../flags/flag-spec';
import { goQuote } from '../go/quote';
import { prefixRangeEnd } from '../kv-ops';

export function checkFlags(what: 'performance' | 'datascale', defaultPrefix: string): FlagSpec[] {
  return [
    str('load', `The ${what} check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)`, 's'),
    str('prefix', `The prefix for writing the ${what} check's keys.`, defaultPrefix),
    bool('auto-compact', 'Compact storage with last revision after test is finished.'),
    bool('auto-defrag', 'Defragment storage after test is finished.'),
  ];
}

/** clientv3.WithPrefix: [key, end) — an empty prefix means every key */
export function prefixRange(prefix: string): { key: Buffer; rangeEnd: Buffer } {
  const key = Buffer.from(prefix, 'utf8');
  if (key.length === 0) return { key: Buffer.from([0]), rangeEnd: Buffer.from([0]) };
  return { key, rangeEnd: prefixRangeEnd(key) };
}

/** check.go's key: the prefix, then `size` bytes holding a varint of a random int63 (binary.PutVarint), zeros after */
export function randomKey(prefix: Buffer, size: number): Buffer {
  const k = Buffer.alloc(prefix.length + size);
  prefix.copy(k, 0);
  // a random int63 n ≥ 0 as two 32-bit halves, zigzag-encoded (n << 1), then 7 bits a byte (no BigInt: hot path)
  const hi = Math.floor(Math.random() * 2 ** 31);
  const lo = Math.floor(Math.random() * 2 ** 32);
  let zhi = ((hi << 1) | (lo >>> 31)) >>> 0;
  let zlo = (lo << 1) >>> 0;
  let i = prefix.length;
  while (zhi !== 0 || zlo >= 0x80) {
    k[i++] = (zlo & 0x7f) | 0x80;
    zlo = ((zlo >>> 7) | (zhi << 25)) >>> 0;
    zhi >>>= 7;
  }
  k[i] = zlo;
  return k;
}

/** "a week": etcdctl's workers call with context.Background() (no deadline) */
export const noDeadlineMs = 7 * 24 * 3600 * 1000;

/** Refuses a prefix that already holds keys (ExitInvalidInput), as etcdctl does before writing. */
export async function ensureEmptyPrefix(client: EtcdClient, prefix: string, deadline: number): Promise<void> {
  let count: number;
  try {
    const resp = await client.call(Rpc.range, { ...prefixRange(prefix), limit: 1 }, { deadline });
    count = resp.kvs.length;
  } catch (err) {
    if (err instanceof EtcdError) throw new CtlExit(ExitCode.Error, err.message);
    throw err;
  }
  if (count > 0) {
    throw new CtlExit(ExitCode.InvalidInput, `prefix ${goQuote(prefix)} has keys. Delete with etcdctl del --prefix ${prefix} first`);
  }
}

/** Deletes what the check wrote, then compacts and defragments when asked; returns nothing, prints etcdctl's lines. */
export async function cleanUp(ctx: CtlContext, client: EtcdClient, prefix: string, deadline: number): Promise<void> {
  let revision: number;
  try {
    const resp = await client.call(Rpc.deleteRange, prefixRange(prefix), { deadline });
    revision = Number(resp.header?.revision ?? 0);
  } catch (err) {
    if (err instanceof EtcdError) throw new CtlExit(ExitCode.Error, err.message);
    throw err;
  }
  if (ctx.flags.bool('auto-compact')) {
    ctx.out.out(`Compacting with revision ${revision}\n`);
    try {
      await client.call(Rpc.compact, { revision, physical: true }, { deadline: Date.now() + 30_000 });
    } catch (err) {
      if (err instanceof EtcdError) throw new CtlExit(ExitCode.Error, err.message);
      throw err;
    }
    ctx.out.out(`Compacted with revision ${revision}\n`);
  }
  if (ctx.flags.bool('auto-defrag')) {
    for (const ep of client.endpoints) {
      ctx.out.out(`Defragmenting ${goQuote(ep)}\n`);
      const pinned = client.pinned(ep);
      try {
        await pinned.call(Rpc.defragment, {}, { deadline: Date.now() + 30_000 });
      } catch (err) {
        if (err instanceof EtcdError) throw new CtlExit(ExitCode.Error, err.message);
        throw err;
      } finally {
        pinned.close();
      }
      ctx.out.out(`Defragmented ${goQuote(ep)}\n`);
    }
  }
}

/**
 * endpointMemoryMetrics: process_resident_memory_bytes from the endpoint's /metrics, or 0 after printing what
 * went wrong (etcdctl's lines). Like etcdctl, https uses the client certificate and key but not --cacert.
 */
export async function residentMemory(ctx: CtlContext, endpoint: string): Promise<number> {
  const host = endpoint.startsWith('http://') || endpoint.startsWith('https://') ? endpoint : `http://${endpoint}`;
  const url = `${host}/metrics`;
  let body: string;
  try {
    body = host.startsWith('https://') ? await httpsGet(ctx, url) : await (await fetch(url)).text();
  } catch (err) {
    ctx.out.out(`fetch error: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}\n`);
    return 0;
  }
  const key = 'process_resident_memory_bytes';
  const line = body.split('\n').find((l) => l.startsWith(key));
  const value = line?.slice(key.length).trim();
  if (value === undefined || value === '') {
    ctx.out.out(`could not find: ${key}\n`);
    return 0;
  }
  const n = Number(value);
  if (!Number.isFinite(n)) {
    ctx.out.out(`parse error: strconv.ParseFloat: parsing ${goQuote(value)}: invalid syntax\n`);
    return 0;
  }
  return n;
}

async function httpsGet(ctx: CtlContext, url: string): Promise<string> {
  const https = await import('node:https');
  const certFile = ctx.flags.string('cert');
  const keyFile = ctx.flags.string('key');
  const cert = certFile === '' ? undefined : fs.readFileSync(certFile);
  const key = keyFile === '' ? undefined : fs.readFileSync(keyFile);
  return new Promise((resolve, reject) => {
    https.get(url, { cert, key, rejectUnauthorized: !ctx.flags.bool('insecure-skip-tls-verify') }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    }).on('error', reject);
  });
}
