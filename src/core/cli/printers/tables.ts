// The rows etcdctl's simple and table printers share (printer.go make*Table).
import type { etcdserverpb } from '../../api/proto';
import { humanizeBytes } from '../go/numbers';
import type { EpHashKV, EpHealth, EpStatus } from './printer';
import { int64Text, uint64Big, uint64Text } from './values';

export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export function memberListTable(r: etcdserverpb.MemberListResponse): Table {
  return {
    header: ['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'],
    rows: r.members.map((m) => [
      uint64Big(m.ID).toString(16),
      (m.name ?? '').length === 0 ? 'unstarted' : 'started',
      m.name ?? '',
      (m.peerURLs ?? []).join(','),
      (m.clientURLs ?? []).join(','),
      m.isLearner ? 'true' : 'false',
    ]),
  };
}

export function endpointHealthTable(list: readonly EpHealth[]): Table {
  return {
    header: ['endpoint', 'health', 'took', 'error'],
    rows: list.map((h) => [h.ep, String(h.health), h.took, h.error]),
  };
}

export function endpointStatusTable(list: readonly EpStatus[]): Table {
  return {
    header: ['endpoint', 'ID', 'version', 'db size', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors'],
    rows: list.map(({ ep, resp }) => [
      ep,
      uint64Big(resp.header?.memberId).toString(16),
      resp.version ?? '',
      humanizeBytes(Number(int64Text(resp.dbSize))),
      String(uint64Text(resp.leader) === uint64Text(resp.header?.memberId)),
      String(resp.isLearner === true),
      uint64Text(resp.raftTerm),
      uint64Text(resp.raftIndex),
      uint64Text(resp.raftAppliedIndex),
      (resp.errors ?? []).join(', '),
    ]),
  };
}

export function endpointHashKVTable(list: readonly EpHashKV[]): Table {
  return {
    header: ['endpoint', 'hash'],
    rows: list.map(({ ep, resp }) => [ep, String(resp.hash ?? 0)]),
  };
}
