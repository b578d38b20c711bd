// etcdctl's printer interface (ctlv3/command/printer.go) for the commands cairn ctl has, and the sink printers
// write to. Output is bytes: keys and values are printed raw, as Go prints string(bytes).
import type { etcdserverpb } from '../../api/proto';

export type OutputFormat = 'simple' | 'json' | 'fields' | 'table' | 'protobuf';
export const outputFormats: readonly OutputFormat[] = ['simple', 'json', 'fields', 'table', 'protobuf'];

export interface Out {
  out(chunk: string | Uint8Array): void;
  err(chunk: string | Uint8Array): void;
}

export interface EpHealth {
  readonly ep: string;
  readonly health: boolean;
  readonly took: string;
  readonly error: string;
}

export interface EpStatus {
  readonly ep: string;
  readonly resp: etcdserverpb.StatusResponse;
}

export interface EpHashKV {
  readonly ep: string;
  readonly resp: etcdserverpb.HashKVResponse;
}

/** clientv3.WatchResponse as etcdctl prints it: the wire response minus what clientv3 keeps to itself. */
export interface WatchBatch {
  readonly header: etcdserverpb.ResponseHeader | null | undefined;
  readonly events: readonly import('../../api/proto').mvccpb.Event[];
  readonly compactRevision: string;
  readonly canceled: boolean;
  readonly created: boolean;
}

export interface Printer {
  readonly format: OutputFormat;
  get(r: etcdserverpb.RangeResponse): void;
  put(r: etcdserverpb.PutResponse): void;
  del(r: etcdserverpb.DeleteRangeResponse): void;
  txn(r: etcdserverpb.TxnResponse): void;
  watch(r: WatchBatch): void;
  memberList(r: etcdserverpb.MemberListResponse): void;
  endpointHealth(list: readonly EpHealth[]): void;
  endpointStatus(list: readonly EpStatus[]): void;
  endpointHashKV(list: readonly EpHashKV[]): void;
}
