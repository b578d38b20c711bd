// Go's encoding/json of etcd's gogoproto structs, as etcdctl's json printer emits it: fields in struct order
// under their json tags, `omitempty` zero values left out, 64-bit integers as exact numbers, bytes as base64.
import type { etcdserverpb, mvccpb } from '../../api/proto';
import { goJsonString } from '../go/quote';
import { bytesOf, int64Text, isZero, uint64Text } from './values';

type Int64Like = Parameters<typeof int64Text>[0];

/** A JSON object under construction; `omit` helpers skip Go's omitempty zero values. */
export class GoJsonObject {
  private readonly parts: string[] = [];

  raw(name: string, json: string): this {
    this.parts.push(`${goJsonString(name)}:${json}`);
    return this;
  }

  int64(name: string, v: Int64Like): this {
    return isZero(v) ? this : this.raw(name, int64Text(v));
  }

  uint64(name: string, v: Int64Like): this {
    return isZero(v) ? this : this.raw(name, uint64Text(v));
  }

  number(name: string, v: number | null | undefined): this {
    return !v ? this : this.raw(name, String(v));
  }

  bool(name: string, v: boolean | null | undefined): this {
    return v ? this.raw(name, 'true') : this;
  }

  string(name: string, v: string | null | undefined): this {
    return !v ? this : this.raw(name, goJsonString(v));
  }

  bytes(name: string, v: Uint8Array | null | undefined): this {
    const b = bytesOf(v);
    return b.length === 0 ? this : this.raw(name, JSON.stringify(Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64')));
  }

  strings(name: string, v: readonly string[] | null | undefined): this {
    return !v || v.length === 0 ? this : this.raw(name, `[${v.map((s) => goJsonString(s)).join(',')}]`);
  }

  array<T>(name: string, v: readonly T[] | null | undefined, each: (x: T) => string): this {
    return !v || v.length === 0 ? this : this.raw(name, `[${v.map(each).join(',')}]`);
  }

  message<T>(name: string, v: T | null | undefined, each: (x: T) => string): this {
    return v === null || v === undefined ? this : this.raw(name, each(v));
  }

  toString(): string {
    return `{${this.parts.join(',')}}`;
  }
}

export function headerJson(h: etcdserverpb.ResponseHeader.$Properties): string {
  return new GoJsonObject().uint64('cluster_id', h.clusterId).uint64('member_id', h.memberId)
    .int64('revision', h.revision).uint64('raft_term', h.raftTerm).toString();
}

export function keyValueJson(kv: mvccpb.KeyValue.$Properties): string {
  return new GoJsonObject().bytes('key', kv.key).int64('create_revision', kv.createRevision)
    .int64('mod_revision', kv.modRevision).int64('version', kv.version).bytes('value', kv.value)
    .int64('lease', kv.lease).toString();
}

export function rangeJson(r: etcdserverpb.RangeResponse.$Properties): string {
  return new GoJsonObject().message('header', r.header, headerJson).array('kvs', r.kvs, keyValueJson)
    .bool('more', r.more).int64('count', r.count).toString();
}

export function putJson(r: etcdserverpb.PutResponse.$Properties): string {
  return new GoJsonObject().message('header', r.header, headerJson).message('prev_kv', r.prevKv, keyValueJson).toString();
}

export function deleteJson(r: etcdserverpb.DeleteRangeResponse.$Properties): string {
  return new GoJsonObject().message('header', r.header, headerJson).int64('deleted', r.deleted)
    .array('prev_kvs', r.prevKvs, keyValueJson).toString();
}

function responseOpJson(op: etcdserverpb.ResponseOp.$Properties): string {
  // the oneof is an interface field without a json tag: {"Response":{"ResponsePut":{...}}}
  let inner = 'null';
  if (op.responseRange) inner = new GoJsonObject().raw('ResponseRange', rangeJson(op.responseRange)).toString();
  else if (op.responsePut) inner = new GoJsonObject().raw('ResponsePut', putJson(op.responsePut)).toString();
  else if (op.responseDeleteRange) inner = new GoJsonObject().raw('ResponseDeleteRange', deleteJson(op.responseDeleteRange)).toString();
  else if (op.responseTxn) inner = new GoJsonObject().raw('ResponseTxn', txnJson(op.responseTxn)).toString();
  return new GoJsonObject().raw('Response', inner).toString();
}

export function txnJson(r: etcdserverpb.TxnResponse.$Properties): string {
  return new GoJsonObject().message('header', r.header, headerJson).bool('succeeded', r.succeeded)
    .array('responses', r.responses, responseOpJson).toString();
}

export function eventJson(e: mvccpb.Event.$Properties): string {
  return new GoJsonObject().number('type', e.type).message('kv', e.kv, keyValueJson)
    .message('prev_kv', e.prevKv, keyValueJson).toString();
}

export function memberJson(m: etcdserverpb.Member.$Properties): string {
  return new GoJsonObject().uint64('ID', m.ID).string('name', m.name).strings('peerURLs', m.peerURLs)
    .strings('clientURLs', m.clientURLs).bool('isLearner', m.isLearner).toString();
}

export function memberListJson(r: etcdserverpb.MemberListResponse.$Properties): string {
  return new GoJsonObject().message('header', r.header, headerJson).array('members', r.members, memberJson).toString();
}

export function statusJson(r: etcdserverpb.StatusResponse.$Properties): string {
  return new GoJsonObject().message('header', r.header, headerJson).string('version', r.version)
    .int64('dbSize', r.dbSize).uint64('leader', r.leader).uint64('raftIndex', r.raftIndex)
    .uint64('raftTerm', r.raftTerm).uint64('raftAppliedIndex', r.raftAppliedIndex).strings('errors', r.errors)
    .int64('dbSizeInUse', r.dbSizeInUse).bool('isLearner', r.isLearner).toString();
}

export function hashKVJson(r: etcdserverpb.HashKVResponse.$Properties): string {
  return new GoJsonObject().message('header', r.header, headerJson).number('hash', r.hash)
    .int64('compact_revision', r.compactRevision).toString();
}
