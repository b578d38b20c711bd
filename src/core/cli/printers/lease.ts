// etcdctl's lease printing (printer.go Grant/Revoke/KeepAlive/TimeToLive/Leases in every format). The
// clientv3 lease responses embed *pb.ResponseHeader, so Go's encoding/json flattens the header fields into the
// object and printPB finds the header's Marshal method: -w protobuf writes the header alone. Revoke's response
// is a defined type without methods: printPB refuses it with the value's %v. Table prints none of them.
import { etcdserverpb } from '../../api/proto';
import { CtlExit } from '../ctl-exit';
import { ExitCode } from '../exit-codes';
import { goQuote } from '../go/quote';
import { GoJsonObject, headerJson } from './go-json';
import type { Out, OutputFormat } from './printer';
import { bytesOf, int64Text, uint64Text } from './values';

type Header = etcdserverpb.ResponseHeader.$Properties | null | undefined;
type Int64Like = Parameters<typeof int64Text>[0];

export interface LeaseSink {
  readonly format: OutputFormat;
  readonly out: Out;
}

/** Go's %016x of an int64: 16 hex digits, zero padded, a minus sign (and 15 digits) when negative. */
export function leaseHex(id: bigint): string {
  return id < 0n ? `-${(-id).toString(16).padStart(15, '0')}` : id.toString(16).padStart(16, '0');
}

function unsupported(format: string): never {
  throw new CtlExit(ExitCode.BadFeature, `${format} not supported as output format`);
}

/** the embedded header's fields, inline (omitempty), as encoding/json promotes them */
function flatHeader(h: Header): GoJsonObject {
  const o = new GoJsonObject();
  if (h === null || h === undefined) return o;
  return o.uint64('cluster_id', h.clusterId).uint64('member_id', h.memberId).int64('revision', h.revision).uint64('raft_term', h.raftTerm);
}

function fieldsHeader(out: Out, h: Header): void {
  out.out(`"ClusterID" : ${uint64Text(h?.clusterId)}\n"MemberID" : ${uint64Text(h?.memberId)}\n"Revision" : ${int64Text(h?.revision)}\n"RaftTerm" : ${uint64Text(h?.raftTerm)}\n`);
}

/** printPB on a clientv3 lease response: the promoted ResponseHeader.Marshal */
function headerPB(out: Out, h: Header): void {
  out.out(etcdserverpb.ResponseHeader.encode(h ?? {}).finish());
}

/** golang/protobuf's compact text of a header (String()): set fields, each followed by a space */
function headerText(h: Header): string {
  if (h === null || h === undefined) return '<nil>';
  const parts: [string, Int64Like, boolean][] = [
    ['cluster_id', h.clusterId, false], ['member_id', h.memberId, false], ['revision', h.revision, true], ['raft_term', h.raftTerm, false],
  ];
  let s = '';
  for (const [name, v, signed] of parts) {
    const t = signed ? int64Text(v) : uint64Text(v);
    if (t !== '0') s += `${name}:${t} `;
  }
  return s;
}

export function printGrant(p: LeaseSink, r: etcdserverpb.LeaseGrantResponse): void {
  switch (p.format) {
    case 'simple': p.out.out(`lease ${leaseHex(BigInt(int64Text(r.ID)))} granted with TTL(${int64Text(r.TTL)}s)\n`); return;
    case 'json': p.out.out(flatHeader(r.header).raw('ID', int64Text(r.ID)).raw('TTL', int64Text(r.TTL)).raw('Error', JSON.stringify(r.error ?? '')).toString() + '\n'); return;
    case 'fields': fieldsHeader(p.out, r.header); p.out.out(`"ID" : ${int64Text(r.ID)}\n"TTL" : ${int64Text(r.TTL)}\n`); return;
    case 'protobuf': headerPB(p.out, r.header); return;
    case 'table': unsupported('table');
  }
}

export function printRevoke(p: LeaseSink, id: bigint, r: etcdserverpb.LeaseRevokeResponse): void {
  switch (p.format) {
    case 'simple': p.out.out(`lease ${leaseHex(id)} revoked\n`); return;
    case 'json': p.out.out(new GoJsonObject().message('header', r.header, headerJson).toString() + '\n'); return;
    case 'fields': fieldsHeader(p.out, r.header); return;
    case 'protobuf': throw new CtlExit(ExitCode.BadFeature, `marshal unsupported for type clientv3.LeaseRevokeResponse ({${headerText(r.header)}})`);
    case 'table': unsupported('table');
  }
}

export function printKeepAlive(p: LeaseSink, r: etcdserverpb.LeaseKeepAliveResponse): void {
  switch (p.format) {
    case 'simple': p.out.out(`lease ${leaseHex(BigInt(int64Text(r.ID)))} keepalived with TTL(${int64Text(r.TTL)})\n`); return;
    case 'json': p.out.out(flatHeader(r.header).raw('ID', int64Text(r.ID)).raw('TTL', int64Text(r.TTL)).toString() + '\n'); return;
    case 'fields': fieldsHeader(p.out, r.header); p.out.out(`"ID" : ${int64Text(r.ID)}\n"TTL" : ${int64Text(r.TTL)}\n`); return;
    case 'protobuf': headerPB(p.out, r.header); return;
    case 'table': unsupported('table');
  }
}

export function printTimeToLive(p: LeaseSink, r: etcdserverpb.LeaseTimeToLiveResponse, keys: boolean): void {
  const id = int64Text(r.ID);
  const ttl = int64Text(r.TTL);
  const granted = int64Text(r.grantedTTL);
  switch (p.format) {
    case 'simple': {
      if (granted === '0' && ttl === '-1') {
        p.out.out(`lease ${leaseHex(BigInt(id))} already expired\n`);
        return;
      }
      p.out.out(`lease ${leaseHex(BigInt(id))} granted with TTL(${granted}s), remaining(${ttl}s)`);
      // Go's %v of a []string: [a b c], each string raw
      if (keys) {
        p.out.out(', attached keys([');
        r.keys.forEach((k, i) => { if (i > 0) p.out.out(' '); p.out.out(bytesOf(k)); });
        p.out.out('])');
      }
      p.out.out('\n');
      return;
    }
    case 'json': {
      const ks = r.keys.length === 0 ? 'null' : `[${r.keys.map((k) => JSON.stringify(Buffer.from(bytesOf(k)).toString('base64'))).join(',')}]`;
      p.out.out(flatHeader(r.header).raw('id', id).raw('ttl', ttl).raw('granted-ttl', granted).raw('keys', ks).toString() + '\n');
      return;
    }
    case 'fields':
      fieldsHeader(p.out, r.header);
      p.out.out(`"ID" : ${id}\n"TTL" : ${ttl}\n"GrantedTTL" : ${granted}\n`);
      for (const k of r.keys) p.out.out(`"Key" : ${goQuote(bytesOf(k))}\n`);
      return;
    case 'protobuf': headerPB(p.out, r.header); return;
    case 'table': unsupported('table');
  }
}

export function printLeases(p: LeaseSink, r: etcdserverpb.LeaseLeasesResponse): void {
  switch (p.format) {
    case 'simple':
      p.out.out(`found ${r.leases.length} leases\n`);
      for (const l of r.leases) p.out.out(`${leaseHex(BigInt(int64Text(l.ID)))}\n`);
      return;
    case 'json':
      p.out.out(flatHeader(r.header).raw('leases', `[${r.leases.map((l) => `{"id":${int64Text(l.ID)}}`).join(',')}]`).toString() + '\n');
      return;
    case 'fields':
      fieldsHeader(p.out, r.header);
      for (const l of r.leases) p.out.out(`"ID" : ${int64Text(l.ID)}\n`);
      return;
    case 'protobuf': headerPB(p.out, r.header); return;
    case 'table': unsupported('table');
  }
}
