import { gatewayRoutes } from '../../../../src/core/api/gateway/gateway-routes';
import { gatewaySchema } from '../../../../src/core/api/gateway/gateway-schema';
import type { MessageSchema } from '../../../../src/core/api/gateway/gateway-schema';
import { etcdserverpb } from '../../../../src/core/api/proto';

const names = (m: MessageSchema): string[][] => m.fields.map((f) => [f.prop, f.origName, f.jsonName]);

describe('gateway-schema', () => {
  const schema = gatewaySchema();

  it('resolves every gateway route to its request and response types and static codecs', () => {
    expect(schema.routes.size).toBe(gatewayRoutes.size);
    const range = schema.routes.get('/v3/kv/range');
    expect(range?.request.fullName).toBe('etcdserverpb.RangeRequest');
    expect(range?.response.fullName).toBe('etcdserverpb.RangeResponse');
    expect(range?.requestCodec).toBe(etcdserverpb.RangeRequest);
    expect(range?.responseCodec).toBe(etcdserverpb.RangeResponse);
    expect(schema.routes.get('/v3/lock/lock')?.response.fullName).toBe('v3lockpb.LockResponse');
    expect(schema.routes.get('/v3/election/leader')?.response.fullName).toBe('v3electionpb.LeaderResponse');
    expect(schema.routes.get('/v3/kv/lease/revoke')?.grpcPath).toBe('/etcdserverpb.Lease/LeaseRevoke');
  });

  it('marks exactly the streaming RPCs as streaming', () => {
    const streaming = [...schema.routes.values()].filter((r) => r.streaming).map((r) => r.httpPath).sort();
    expect(streaming).toEqual(['/v3/election/observe', '/v3/lease/keepalive', '/v3/maintenance/snapshot', '/v3/watch']);
  });

  it('takes proto names, JSON names and static property names from the protos', () => {
    expect(names(schema.message('etcdserverpb.RangeRequest')).slice(0, 3))
      .toEqual([['key', 'key', 'key'], ['rangeEnd', 'range_end', 'rangeEnd'], ['limit', 'limit', 'limit']]);
    expect(names(schema.message('etcdserverpb.LeaseGrantResponse'))).toEqual([['header', 'header', 'header'], ['ID', 'ID', 'ID'],
      ['TTL', 'TTL', 'TTL'], ['error', 'error', 'error']]);
    expect(names(schema.message('etcdserverpb.StatusResponse')).map(([, orig]) => orig).slice(0, 4))
      .toEqual(['header', 'version', 'dbSize', 'leader']);
    expect(names(schema.message('etcdserverpb.Member')).map(([, orig]) => orig))
      .toEqual(['ID', 'name', 'peerURLs', 'clientURLs', 'isLearner']);
    expect(names(schema.message('etcdserverpb.ResponseHeader')).map(([, orig, json]) => [orig, json]))
      .toEqual([['cluster_id', 'clusterId'], ['member_id', 'memberId'], ['revision', 'revision'], ['raft_term', 'raftTerm']]);
  });

  it('names enums as Go registers them and knows oneofs, repeated fields and kinds', () => {
    const req = schema.message('etcdserverpb.RangeRequest');
    const sortOrder = req.fields.find((f) => f.origName === 'sort_order');
    expect(sortOrder?.type.kind === 'enum' && sortOrder.type.enumType.goName).toBe('etcdserverpb.RangeRequest_SortOrder');
    const cmp = schema.message('etcdserverpb.Compare');
    expect(cmp.fields.filter((f) => f.oneof === 'targetUnion').map((f) => f.origName))
      .toEqual(['version', 'create_revision', 'mod_revision', 'value', 'lease']);
    const event = schema.message('mvccpb.Event').fields[0];
    expect(event.type.kind === 'enum' && event.type.enumType.goName).toBe('mvccpb.Event_EventType');
    const alarm = schema.message('etcdserverpb.AlarmMember').fields[1];
    expect(alarm.type.kind === 'enum' && [alarm.type.enumType.goName, alarm.type.enumType.byNumber.get(1)])
      .toEqual(['etcdserverpb.AlarmType', 'NOSPACE']);
    const kvs = schema.message('etcdserverpb.RangeResponse').fields[1];
    expect([kvs.repeated, kvs.type.kind === 'message' && kvs.type.messageType.fullName]).toEqual([true, 'mvccpb.KeyValue']);
    const hash = schema.message('etcdserverpb.HashResponse').fields[1];
    expect(hash.type).toEqual({ kind: 'scalar', scalar: 'uint32' });
  });
});
