// etcdctl's json, protobuf and table printers. Each supports a subset of commands; the rest exit with
// ExitBadFeature and "<format> not supported as output format", after the request was made (as etcdctl does).
import { etcdserverpb, type mvccpb } from '../../api/proto';
import { ExitCode } from '../exit-codes';
import { CtlExit } from '../ctl-exit';
import { renderTable } from '../go/table-writer';
import { goJsonString } from '../go/quote';
import {
  deleteJson, eventJson, hashKVJson, headerJson, memberListJson, putJson, rangeJson, statusJson, txnJson, GoJsonObject,
} from './go-json';
import type { EpHashKV, EpHealth, EpStatus, Out, Printer, WatchBatch } from './printer';
import { endpointHashKVTable, endpointHealthTable, endpointStatusTable, memberListTable } from './tables';

function unsupported(format: string): never {
  throw new CtlExit(ExitCode.BadFeature, `${format} not supported as output format`);
}

export class JsonPrinter implements Printer {
  readonly format = 'json' as const;

  constructor(private readonly o: Out) {}

  private print(json: string): void {
    this.o.out(json + '\n');
  }

  get(r: etcdserverpb.RangeResponse): void { this.print(rangeJson(r)); }
  put(r: etcdserverpb.PutResponse): void { this.print(putJson(r)); }
  del(r: etcdserverpb.DeleteRangeResponse): void { this.print(deleteJson(r)); }
  txn(r: etcdserverpb.TxnResponse): void { this.print(txnJson(r)); }
  memberList(r: etcdserverpb.MemberListResponse): void { this.print(memberListJson(r)); }

  watch(r: WatchBatch): void {
    this.print(new GoJsonObject()
      .raw('Header', headerJson(r.header ?? {}))
      // clientv3 always makes the Events slice (make([]*Event, n)): an empty batch is [] (progress, compaction)
      .raw('Events', `[${r.events.map(eventJson).join(',')}]`)
      .raw('CompactRevision', r.compactRevision)
      .raw('Canceled', String(r.canceled))
      .raw('Created', String(r.created))
      .toString());
  }

  endpointHealth(list: readonly EpHealth[]): void {
    this.print(`[${list.map((h) => {
      const o = new GoJsonObject().raw('endpoint', goJsonString(h.ep)).raw('health', String(h.health)).raw('took', goJsonString(h.took));
      return o.string('error', h.error).toString();
    }).join(',')}]`);
  }

  endpointStatus(list: readonly EpStatus[]): void {
    this.print(`[${list.map((s) => new GoJsonObject().raw('Endpoint', goJsonString(s.ep)).raw('Status', statusJson(s.resp)).toString()).join(',')}]`);
  }

  endpointHashKV(list: readonly EpHashKV[]): void {
    this.print(`[${list.map((s) => new GoJsonObject().raw('Endpoint', goJsonString(s.ep)).raw('HashKV', hashKVJson(s.resp)).toString()).join(',')}]`);
  }
}

/** printPB: the message marshalled, written without a newline. */
export class ProtobufPrinter implements Printer {
  readonly format = 'protobuf' as const;

  constructor(private readonly o: Out) {}

  private write(w: { finish(): Uint8Array }): void {
    this.o.out(w.finish());
  }

  get(r: etcdserverpb.RangeResponse): void { this.write(etcdserverpb.RangeResponse.encode(r)); }
  put(r: etcdserverpb.PutResponse): void { this.write(etcdserverpb.PutResponse.encode(r)); }
  del(r: etcdserverpb.DeleteRangeResponse): void { this.write(etcdserverpb.DeleteRangeResponse.encode(r)); }
  txn(r: etcdserverpb.TxnResponse): void { this.write(etcdserverpb.TxnResponse.encode(r)); }
  memberList(r: etcdserverpb.MemberListResponse): void { this.write(etcdserverpb.MemberListResponse.encode(r)); }

  watch(r: WatchBatch): void {
    this.write(etcdserverpb.WatchResponse.encode({
      header: r.header ?? {},
      events: r.events as mvccpb.Event[],
      compactRevision: Number(r.compactRevision),
      canceled: r.canceled,
      created: r.created,
    }));
  }

  endpointHealth(): void { unsupported('protobuf'); }
  endpointStatus(): void { unsupported('protobuf'); }
  endpointHashKV(): void { unsupported('protobuf'); }
}

export class TablePrinter implements Printer {
  readonly format = 'table' as const;

  constructor(private readonly o: Out) {}

  get(): void { unsupported('table'); }
  put(): void { unsupported('table'); }
  del(): void { unsupported('table'); }
  txn(): void { unsupported('table'); }
  watch(): void { unsupported('table'); }

  memberList(r: etcdserverpb.MemberListResponse): void {
    const t = memberListTable(r);
    this.o.out(renderTable(t.header, t.rows));
  }

  endpointHealth(list: readonly EpHealth[]): void {
    const t = endpointHealthTable(list);
    this.o.out(renderTable(t.header, t.rows));
  }

  endpointStatus(list: readonly EpStatus[]): void {
    const t = endpointStatusTable(list);
    this.o.out(renderTable(t.header, t.rows));
  }

  endpointHashKV(list: readonly EpHashKV[]): void {
    const t = endpointHashKVTable(list);
    this.o.out(renderTable(t.header, t.rows));
  }
}
