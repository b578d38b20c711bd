// etcdctl's simple printer (printer_simple.go): raw keys and values one per line, OK / SUCCESS / FAILURE,
// comma-separated rows for member and endpoint lists; endpoint health goes to stderr. --hex prints keys and
// values as \x.. escapes.
import type { etcdserverpb, mvccpb } from '../../api/proto';
import type { EpHashKV, EpHealth, EpStatus, Out, Printer, WatchBatch } from './printer';
import { endpointHashKVTable, endpointStatusTable, memberListTable, type Table } from './tables';
import { bytesOf, int64Text } from './values';

const eventTypeNames = ['PUT', 'DELETE'] as const;

function hexEscaped(b: Uint8Array): string {
  let s = '';
  for (const byte of b) s += `\\x${byte.toString(16).padStart(2, '0')}`;
  return s;
}

export class SimplePrinter implements Printer {
  readonly format = 'simple' as const;
  /** --print-value-only */
  valueOnly = false;

  constructor(private readonly o: Out, private readonly isHex: boolean) {}

  private kv(kv: mvccpb.KeyValue): void {
    const key = bytesOf(kv.key);
    const value = bytesOf(kv.value);
    if (!this.valueOnly) this.line(this.isHex ? hexEscaped(key) : key);
    this.line(this.isHex ? hexEscaped(value) : value);
  }

  private line(s: string | Uint8Array): void {
    this.o.out(s);
    this.o.out('\n');
  }

  private rows(t: Table): void {
    for (const row of t.rows) this.line(row.join(', '));
  }

  get(r: etcdserverpb.RangeResponse): void {
    for (const kv of r.kvs) this.kv(kv as mvccpb.KeyValue);
  }

  put(r: etcdserverpb.PutResponse): void {
    this.line('OK');
    if (r.prevKv) this.kv(r.prevKv as mvccpb.KeyValue);
  }

  del(r: etcdserverpb.DeleteRangeResponse): void {
    this.line(int64Text(r.deleted));
    for (const kv of r.prevKvs) this.kv(kv as mvccpb.KeyValue);
  }

  txn(r: etcdserverpb.TxnResponse): void {
    this.line(r.succeeded ? 'SUCCESS' : 'FAILURE');
    for (const op of r.responses) {
      this.line('');
      if (op.responseDeleteRange) this.del(op.responseDeleteRange as etcdserverpb.DeleteRangeResponse);
      else if (op.responsePut) this.put(op.responsePut as etcdserverpb.PutResponse);
      else if (op.responseRange) this.get(op.responseRange as etcdserverpb.RangeResponse);
      else this.line('unexpected response');
    }
  }

  watch(r: WatchBatch): void {
    for (const e of r.events) {
      this.line(eventTypeNames[e.type] ?? String(e.type));
      if (e.prevKv) this.kv(e.prevKv as mvccpb.KeyValue);
      this.kv((e.kv ?? {}) as mvccpb.KeyValue);
    }
  }

  memberList(r: etcdserverpb.MemberListResponse): void {
    this.rows(memberListTable(r));
  }

  endpointHealth(list: readonly EpHealth[]): void {
    for (const h of list) {
      this.o.err(h.error === ''
        ? `${h.ep} is healthy: successfully committed proposal: took = ${h.took}\n`
        : `${h.ep} is unhealthy: failed to commit proposal: ${h.error}\n`);
    }
  }

  endpointStatus(list: readonly EpStatus[]): void {
    this.rows(endpointStatusTable(list));
  }

  endpointHashKV(list: readonly EpHashKV[]): void {
    this.rows(endpointHashKVTable(list));
  }
}
