// etcdctl's fields printer (printer_fields.go): `"Name" : value` lines, strings as Go %q, every response
// header first. Tables of endpoints end each entry with a blank line.
import type { etcdserverpb, mvccpb } from '../../api/proto';
import { goQuote, goStringList } from '../go/quote';
import type { EpHashKV, EpHealth, EpStatus, Out, Printer, WatchBatch } from './printer';
import { bytesOf, int64Text, uint64Text } from './values';

const eventTypeNames = ['PUT', 'DELETE'] as const;

export class FieldsPrinter implements Printer {
  readonly format = 'fields' as const;

  constructor(private readonly o: Out) {}

  private line(s: string): void {
    this.o.out(s + '\n');
  }

  private hdr(h: etcdserverpb.ResponseHeader | null | undefined): void {
    this.line(`"ClusterID" : ${uint64Text(h?.clusterId)}`);
    this.line(`"MemberID" : ${uint64Text(h?.memberId)}`);
    this.line(`"Revision" : ${int64Text(h?.revision)}`);
    this.line(`"RaftTerm" : ${uint64Text(h?.raftTerm)}`);
  }

  private kv(pfx: string, kv: mvccpb.KeyValue): void {
    this.line(`"${pfx}Key" : ${goQuote(bytesOf(kv.key))}`);
    this.line(`"${pfx}CreateRevision" : ${int64Text(kv.createRevision)}`);
    this.line(`"${pfx}ModRevision" : ${int64Text(kv.modRevision)}`);
    this.line(`"${pfx}Version" : ${int64Text(kv.version)}`);
    this.line(`"${pfx}Value" : ${goQuote(bytesOf(kv.value))}`);
    this.line(`"${pfx}Lease" : ${int64Text(kv.lease)}`);
  }

  get(r: etcdserverpb.RangeResponse): void {
    this.hdr(r.header as etcdserverpb.ResponseHeader);
    for (const kv of r.kvs) this.kv('', kv as mvccpb.KeyValue);
    this.line(`"More" : ${r.more === true}`);
    this.line(`"Count" : ${int64Text(r.count)}`);
  }

  put(r: etcdserverpb.PutResponse): void {
    this.hdr(r.header as etcdserverpb.ResponseHeader);
    if (r.prevKv) this.kv('Prev', r.prevKv as mvccpb.KeyValue);
  }

  del(r: etcdserverpb.DeleteRangeResponse): void {
    this.hdr(r.header as etcdserverpb.ResponseHeader);
    this.line(`"Deleted" : ${int64Text(r.deleted)}`);
    for (const kv of r.prevKvs) this.kv('Prev', kv as mvccpb.KeyValue);
  }

  txn(r: etcdserverpb.TxnResponse): void {
    this.hdr(r.header as etcdserverpb.ResponseHeader);
    this.line(`"Succeeded" : ${r.succeeded === true}`);
    for (const op of r.responses) {
      if (op.responseDeleteRange) this.del(op.responseDeleteRange as etcdserverpb.DeleteRangeResponse);
      else if (op.responsePut) this.put(op.responsePut as etcdserverpb.PutResponse);
      else if (op.responseRange) this.get(op.responseRange as etcdserverpb.RangeResponse);
      else this.line(`"Unknown" : ""`);
    }
  }

  watch(r: WatchBatch): void {
    this.hdr(r.header);
    for (const e of r.events) {
      this.line(`"Type" : ${eventTypeNames[e.type] ?? String(e.type)}`);
      if (e.prevKv) this.kv('Prev', e.prevKv as mvccpb.KeyValue);
      this.kv('', (e.kv ?? {}) as mvccpb.KeyValue);
    }
  }

  memberList(r: etcdserverpb.MemberListResponse): void {
    this.hdr(r.header as etcdserverpb.ResponseHeader);
    for (const m of r.members) {
      this.line(`"ID" : ${uint64Text(m.ID)}`);
      this.line(`"Name" : ${goQuote(m.name ?? '')}`);
      for (const u of m.peerURLs ?? []) this.line(`"PeerURL" : ${goQuote(u)}`);
      for (const u of m.clientURLs ?? []) this.line(`"ClientURL" : ${goQuote(u)}`);
      this.line(`"IsLearner" : ${m.isLearner === true}`);
      this.line('');
    }
  }

  endpointHealth(list: readonly EpHealth[]): void {
    for (const h of list) {
      this.line(`"Endpoint" : ${goQuote(h.ep)}`);
      this.line(`"Health" : ${h.health}`);
      this.line(`"Took" : ${h.took}`);
      this.line(`"Error" : ${h.error}`);
      this.line('');
    }
  }

  endpointStatus(list: readonly EpStatus[]): void {
    for (const { ep, resp } of list) {
      this.hdr(resp.header as etcdserverpb.ResponseHeader);
      this.line(`"Version" : ${goQuote(resp.version ?? '')}`);
      this.line(`"DBSize" : ${int64Text(resp.dbSize)}`);
      this.line(`"Leader" : ${uint64Text(resp.leader)}`);
      this.line(`"IsLearner" : ${resp.isLearner === true}`);
      this.line(`"RaftIndex" : ${uint64Text(resp.raftIndex)}`);
      this.line(`"RaftTerm" : ${uint64Text(resp.raftTerm)}`);
      this.line(`"RaftAppliedIndex" : ${uint64Text(resp.raftAppliedIndex)}`);
      this.line(`"Errors" : ${goStringList(resp.errors ?? [])}`);
      this.line(`"Endpoint" : ${goQuote(ep)}`);
      this.line('');
    }
  }

  endpointHashKV(list: readonly EpHashKV[]): void {
    for (const { ep, resp } of list) {
      this.hdr(resp.header as etcdserverpb.ResponseHeader);
      this.line(`"Endpoint" : ${goQuote(ep)}`);
      this.line(`"Hash" : ${resp.hash ?? 0}`);
      this.line('');
    }
  }
}
