// Runs the real etcdctl 3.4 against two servers (etcd and cairn) and compares what it prints. Only what
// legitimately differs between two members is masked: client/peer addresses (random ports), member and cluster
// ids (they hash the peer URLs), zap log timestamps and client UUIDs, health-check latencies, and the columns
// callers ask to mask (endpoint status db size and raft index). Protobuf output (-w protobuf) is decoded,
// masked and re-encoded, after checking that each side's bytes are the canonical encoding of what they decode
// to, so equal re-encodings mean equal bytes apart from the ids.
// Debugging: CAIRN_CTL_DIFF_LOG=/tmp/ctl.log appends every compared pair (masked) to that file.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import Long from 'long';
import { etcdserverpb } from '../../src/core/api/proto';
import { RawClient } from './grpc';
import { RUN_JS } from './procs';

/** etcdctl runs are short; one that outlives this is stuck (e.g. waiting on stdin). */
export const etcdctlTimeoutMs = 20000;
/** etcdctl pairs run at once by runReadOnly (each pair is two processes; the CPUs are shared). */
export const readOnlyConcurrency = 4;
/** Captured stdout/stderr beyond this is a runaway command. */
const maxOutputBytes = 4 * 1024 * 1024;

export interface CtlOutput {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly code: number | null;
}

/** The test's environment without ETCDCTL_* settings (endpoints, certs, ...) that would change the run. */
function etcdctlEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCDCTL_')) env[k] = v;
  return { ...env, ETCDCTL_API: '3' };
}

/** The client a command line runs through: the real etcdctl 3.4, or `cairn ctl` (node bin/run.js ctl). */
export type CtlTool = 'etcdctl' | 'cairn ctl';

/** Runs `etcdctl --endpoints <endpoint> ...args` (API v3) with optional stdin; stdout kept as raw bytes. */
export function runEtcdctl(endpoint: string, args: readonly string[], input?: string | Buffer, timeoutMs = etcdctlTimeoutMs): Promise<CtlOutput> {
  return runCtl('etcdctl', endpoint, args, input, timeoutMs);
}

/** Runs the command line through `tool`; cairn ctl's own name in its output is written as etcdctl's. */
export async function runCtl(tool: CtlTool, endpoint: string, args: readonly string[], input?: string | Buffer, timeoutMs = etcdctlTimeoutMs): Promise<CtlOutput> {
  if (tool === 'etcdctl') return spawnCtl('etcdctl', ['--endpoints', endpoint, ...args], input, timeoutMs);
  const r = await spawnCtl(process.execPath, [RUN_JS, 'ctl', '--endpoints', endpoint, ...args], input, timeoutMs);
  return { ...r, stderr: r.stderr.replace(/cairn ctl/g, 'etcdctl'), stdout: /cairn ctl/.test(r.stdout.toString('latin1')) ? Buffer.from(r.stdout.toString('latin1').replace(/cairn ctl/g, 'etcdctl'), 'latin1') : r.stdout };
}

function spawnCtl(cmd: string, argv: readonly string[], input: string | Buffer | undefined, timeoutMs: number): Promise<CtlOutput> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, argv, {
      env: etcdctlEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const keep = (into: Buffer[]) => (b: Buffer) => {
      size += b.length;
      if (size > maxOutputBytes) p.kill('SIGKILL');
      else into.push(b);
    };
    p.stdout.on('data', keep(out));
    p.stderr.on('data', keep(err));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), code });
    });
    p.stdin.on('error', () => undefined); // etcdctl may exit before reading all of stdin
    p.stdin.end(input ?? '');
  });
}

/** What differs between two otherwise identical single-member servers. */
export interface MemberIdentity {
  readonly endpoint: string; // host:port
  readonly memberId: string; // decimal uint64
  readonly clusterId: string; // decimal uint64
  readonly peerUrls: readonly string[];
}

/** Asks the member itself (Cluster.MemberList) for its ids and peer URLs. */
export async function memberIdentity(endpoint: string): Promise<MemberIdentity> {
  const c = new RawClient(endpoint);
  try {
    const res = await c.call('/etcdserverpb.Cluster/MemberList', etcdserverpb.MemberListRequest, etcdserverpb.MemberListResponse, {});
    const u64 = (v: unknown): string => (Long.isLong(v) ? Long.fromValue(v).toUnsigned().toString() : String(v ?? 0));
    const self = res.members.find((m) => u64(m.ID) === u64(res.header?.memberId));
    if (!self) throw new Error(`member list of ${endpoint} does not contain the answering member`);
    return { endpoint, memberId: u64(res.header?.memberId), clusterId: u64(res.header?.clusterId), peerUrls: self.peerURLs ?? [] };
  } finally {
    c.close();
  }
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function hostPort(url: string): string {
  return url.replace(/^[a-z]+:\/\//, '');
}

/** Masks addresses, ids, zap timestamps and client UUIDs (always legitimately different). */
export function maskIdentity(text: string, id: MemberIdentity): string {
  let s = text;
  for (const p of id.peerUrls) s = s.split(hostPort(p)).join('<PEER>');
  s = s.split(id.endpoint).join('<CLIENT>');
  const ids: Array<[string, string]> = [[id.memberId, '<MEMBER_ID>'], [id.clusterId, '<CLUSTER_ID>']];
  for (const [dec, tag] of ids) {
    const hex = BigInt(dec).toString(16);
    s = s.replace(new RegExp(`\\b(${escapeRe(dec)}|0*${hex})\\b`, 'g'), tag);
  }
  s = s.replace(/"ts":"[^"]*"/g, '"ts":"<TS>"');
  s = s.replace(/client-[0-9a-f-]{36}/g, 'client-<UUID>');
  return s;
}

/**
 * Table output pads columns to their widest cell, so a shorter id shifts every border: compare cells, not
 * padding. Border lines become "+", rows become their trimmed cells joined by " | ".
 */
export function normalizeTables(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (/^\+[-+]+\+$/.test(line)) return '+';
      if (line.startsWith('|') && line.endsWith('|')) return '| ' + line.slice(1, -1).split('|').map((c) => c.trim()).join(' | ') + ' |';
      return line;
    })
    .join('\n');
}

/** Replaces the given columns (by header name) of table rows with "<MASKED>"; tables are normalized first. */
export function maskTableColumns(text: string, headers: readonly string[]): string {
  const lines = normalizeTables(text).split('\n');
  let cols: number[] = [];
  return lines
    .map((line) => {
      if (!line.startsWith('| ')) return line;
      const cells = line.slice(2, -2).split(' | ');
      if (headers.some((h) => cells.includes(h))) {
        cols = headers.map((h) => cells.indexOf(h)).filter((i) => i >= 0);
        return line;
      }
      for (const i of cols) cells[i] = '<MASKED>';
      return '| ' + cells.join(' | ') + ' |';
    })
    .join('\n');
}

/**
 * `endpoint status` in every format with db size (each engine's file layout) and raft index / applied
 * index (etcd counts raft's own entries: the leader's empty entry, the member attribute and cluster version
 * publications; cairn does not log those the same way) masked.
 */
export function maskEndpointStatus(text: string): string {
  let s = maskTableColumns(text, ['DB SIZE', 'RAFT INDEX', 'RAFT APPLIED INDEX']);
  s = s.replace(/"(dbSize|dbSizeInUse|raftIndex|raftAppliedIndex)":\d+/g, '"$1":<MASKED>');
  s = s.replace(/"(DBSize|RaftIndex|RaftAppliedIndex)" : \d+/g, '"$1" : <MASKED>');
  // simple: endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors
  s = s
    .split('\n')
    .map((line) => {
      const f = line.split(', ');
      if (f.length !== 10) return line;
      f[3] = f[7] = f[8] = '<MASKED>';
      return f.join(', ');
    })
    .join('\n');
  return s;
}

/** `endpoint health` reports how long its probe took. */
export function maskHealthLatency(text: string): string {
  let s = maskTableColumns(text, ['TOOK']);
  s = s.replace(/(took = |"took":"|"Took" : )[0-9.]+(ns|µs|us|ms|s)/g, '$1<TOOK>');
  return s;
}

/** The response type etcdctl marshals for `-w protobuf`. */
export type ProtobufResponse = 'PutResponse' | 'RangeResponse' | 'DeleteRangeResponse' | 'TxnResponse' | 'MemberListResponse';

interface Codec {
  decode(b: Uint8Array): object;
  encode(m: object): { finish(): Uint8Array };
  toObject(m: object, o: object): object;
}

function codec(type: ProtobufResponse): Codec {
  return (etcdserverpb as unknown as Record<string, Codec>)[type];
}

/** Fixed stand-ins for the masked ids inside protobuf messages. */
const maskedMemberId = Long.fromNumber(1, true);
const maskedClusterId = Long.fromNumber(2, true);

function maskMessage(v: unknown, id: MemberIdentity): unknown {
  if (Long.isLong(v)) {
    const u = Long.fromValue(v).toUnsigned().toString();
    if (u === id.memberId) return maskedMemberId;
    if (u === id.clusterId) return maskedClusterId;
    return v;
  }
  if (typeof v === 'string') return maskIdentity(v, id);
  if (Array.isArray(v)) return v.map((x) => maskMessage(x, id));
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = maskMessage(o[k], id);
  }
  return v;
}

/**
 * Decodes etcdctl's `-w protobuf` bytes, masks ids and addresses and returns a printable form: the hex of
 * the re-encoded message plus its JSON. Non-canonical bytes (what a re-encode would not reproduce) are shown
 * as such, so they surface as a difference.
 */
export function describeProtobuf(raw: Buffer, type: ProtobufResponse, id: MemberIdentity): string {
  const c = codec(type);
  let msg: object;
  try {
    msg = c.decode(raw);
  } catch (e) {
    return `undecodable ${type}: ${(e as Error).message} ${raw.toString('hex')}`;
  }
  const canonical = Buffer.from(c.encode(msg).finish()).equals(raw);
  const masked = maskMessage(msg, id) as object;
  const hex = Buffer.from(c.encode(masked).finish()).toString('hex');
  const json = JSON.stringify(c.toObject(masked, { longs: String, bytes: String }));
  return `${canonical ? 'canonical' : `NON-CANONICAL raw=${maskIdentity(raw.toString('hex'), id)}`} ${type} ${hex}\n${json}`;
}

export interface DiffOptions {
  readonly input?: string | Buffer;
  /** stdout is protobuf of this type */
  readonly protobuf?: ProtobufResponse;
  /** extra masking after the identity masking (applied to stdout and stderr) */
  readonly mask?: (text: string) => string;
  readonly timeoutMs?: number;
}

export interface DiffResult {
  readonly args: readonly string[];
  readonly etcd: string;
  readonly cairn: string;
  readonly same: boolean;
}

/** The printable, masked form of one run: exit code, stdout, stderr. */
export function describeRun(r: CtlOutput, id: MemberIdentity, opts: DiffOptions = {}): string {
  const extra = opts.mask ?? ((s: string) => s);
  const out = opts.protobuf && r.code === 0 ? describeProtobuf(r.stdout, opts.protobuf, id) : extra(normalizeTables(maskIdentity(r.stdout.toString('utf8'), id)));
  const err = extra(normalizeTables(maskIdentity(r.stderr, id)));
  return `exit ${r.code}\n--- stdout\n${out}\n--- stderr\n${err}`;
}

/** Runs one etcdctl command line against both members (in parallel) and compares the masked results. */
export class EtcdctlDiff {
  readonly results: DiffResult[] = [];

  constructor(
    readonly etcd: MemberIdentity,
    readonly cairn: MemberIdentity,
    /** the client run against cairn (etcd always gets the real etcdctl) */
    readonly cairnTool: CtlTool = 'etcdctl',
  ) {}

  static async connect(etcdEndpoint: string, cairnEndpoint: string, cairnTool: CtlTool = 'etcdctl'): Promise<EtcdctlDiff> {
    const [e, c] = await Promise.all([memberIdentity(etcdEndpoint), memberIdentity(cairnEndpoint)]);
    return new EtcdctlDiff(e, c, cairnTool);
  }

  async run(args: readonly string[], opts: DiffOptions = {}): Promise<DiffResult> {
    const [e, c] = await Promise.all([
      runEtcdctl(this.etcd.endpoint, args, opts.input, opts.timeoutMs),
      runCtl(this.cairnTool, this.cairn.endpoint, args, opts.input, opts.timeoutMs),
    ]);
    // clientv3's zap warnings (retrying of unary invoker failed …) are Go client internals cairn ctl does not
    // reproduce: dropped from etcdctl's stderr when the other side is cairn ctl
    const zapFree = (r: CtlOutput): CtlOutput => ({ ...r, stderr: r.stderr.split('\n').filter((l) => !l.startsWith('{"level":')).join('\n') });
    const etcd = describeRun(this.cairnTool === 'etcdctl' ? e : zapFree(e), this.etcd, opts);
    const cairn = describeRun(c, this.cairn, opts);
    const r = { args, etcd, cairn, same: etcd === cairn };
    this.results.push(r);
    const log = process.env.CAIRN_CTL_DIFF_LOG; // debugging: every compared pair, e.g. CAIRN_CTL_DIFF_LOG=/tmp/d.log
    if (log) fs.appendFileSync(log, `${r.same ? 'SAME' : 'DIFFERENT'} $ ${this.cairnTool} ${args.join(' ')}\n=== etcd\n${etcd}\n${r.same ? '' : `=== cairn\n${cairn}\n`}\n`);
    return r;
  }

  /**
   * Runs command lines that do not change the store (reads, status) a few at a time; each still runs against
   * both members. Results are recorded in the order given.
   */
  async runReadOnly(commands: ReadonlyArray<readonly [readonly string[], DiffOptions?]>, concurrency = readOnlyConcurrency): Promise<DiffResult[]> {
    const out: DiffResult[] = new Array(commands.length);
    const recorded = this.results.length;
    let next = 0;
    const worker = async () => {
      while (next < commands.length) {
        const i = next++;
        out[i] = await this.run(commands[i][0], commands[i][1]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, commands.length) }, worker));
    this.results.splice(recorded, this.results.length - recorded, ...out);
    return out;
  }

  /** Every differing command since the last call, formatted for a failure message; clears the list. */
  takeDifferences(): string[] {
    const diffs = this.results
      .filter((r) => !r.same)
      .map((r) => `$ etcdctl ${r.args.map((a) => (/^[\w./:=-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}\n=== etcd\n${r.etcd}\n=== cairn\n${r.cairn}`);
    this.results.length = 0;
    return diffs;
  }
}
