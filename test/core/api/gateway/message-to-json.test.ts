// Response writing: messages encoded by the static codecs (as a gRPC server sends them), decoded again, and
// written as JSON. The expected texts follow what etcd 3.4.23's gateway wrote for the same messages.
import Long from 'long';
import { gatewaySchema } from '../../../../src/core/api/gateway/gateway-schema';
import { messageToJson } from '../../../../src/core/api/gateway/message-to-json';
import { etcdserverpb, mvccpb, v3electionpb } from '../../../../src/core/api/proto';

const schema = gatewaySchema();
const header = { clusterId: Long.fromString('15118495548433857066', true), memberId: Long.fromString('13668033151171901709', true),
  revision: Long.fromNumber(14), raftTerm: Long.fromNumber(2) };
const headerJson = '{"cluster_id":"15118495548433857066","member_id":"13668033151171901709","revision":"14","raft_term":"2"}';

interface Codec<T> {
  encode(m: T): { finish(): Uint8Array };
  decode(b: Uint8Array): object;
}
function json<T>(fullName: string, codec: Codec<T>, m: T): string {
  return messageToJson(codec.decode(codec.encode(m).finish()), schema.message(fullName));
}
const kv = (key: string, value: string, extra: Partial<mvccpb.IKeyValue> = {}): mvccpb.IKeyValue => ({
  key: Buffer.from(key), createRevision: 13, modRevision: 13, version: 1, value: Buffer.from(value), ...extra,
});

describe('message-to-json', () => {
  it('writes a RangeResponse with proto names, 64-bit strings and base64 bytes in declaration order', () => {
    expect(json('etcdserverpb.RangeResponse', etcdserverpb.RangeResponse, {
      header, kvs: [kv('a', '1'), kv('b', '', { lease: Long.fromNumber(7) })], more: true, count: Long.fromNumber(2),
    })).toBe(`{"header":${headerJson},"kvs":[{"key":"YQ==","create_revision":"13","mod_revision":"13","version":"1","value":"MQ=="},`
      + '{"key":"Yg==","create_revision":"13","mod_revision":"13","version":"1","lease":"7"}],"more":true,"count":"2"}');
  });

  it('leaves out zero scalars, empty repeated fields and absent messages, but writes an empty present message', () => {
    expect(json('etcdserverpb.RangeResponse', etcdserverpb.RangeResponse, { header, kvs: [], more: false, count: 0 }))
      .toBe(`{"header":${headerJson}}`);
    expect(json('etcdserverpb.AlarmResponse', etcdserverpb.AlarmResponse, {})).toBe('{}');
    expect(json('etcdserverpb.TxnResponse', etcdserverpb.TxnResponse, {
      header,
      succeeded: true,
      responses: [
        { responsePut: { header: { revision: 14 } } },
        { responseRange: { header: { revision: 14 }, kvs: [kv('a', '1')], count: 1 } },
        { responseDeleteRange: { header: { revision: 14 }, deleted: 1, prevKvs: [kv('b', '2')] } },
        { responseTxn: { header: {}, succeeded: true, responses: [{ responseRange: { header: { revision: 14 } } }] } },
      ],
    })).toBe(`{"header":${headerJson},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"14"}}},`
      + '{"response_range":{"header":{"revision":"14"},"kvs":[{"key":"YQ==","create_revision":"13","mod_revision":"13","version":"1","value":"MQ=="}],"count":"1"}},'
      + '{"response_delete_range":{"header":{"revision":"14"},"deleted":"1","prev_kvs":[{"key":"Yg==","create_revision":"13","mod_revision":"13","version":"1","value":"Mg=="}]}},'
      + '{"response_txn":{"header":{},"succeeded":true,"responses":[{"response_range":{"header":{"revision":"14"}}}]}}]}');
  });

  it('writes a PutResponse with its prev_kv', () => {
    expect(json('etcdserverpb.PutResponse', etcdserverpb.PutResponse, { header, prevKv: kv('a', '1') }))
      .toBe(`{"header":${headerJson},"prev_kv":{"key":"YQ==","create_revision":"13","mod_revision":"13","version":"1","value":"MQ=="}}`);
  });

  it('keeps camelCase proto names (StatusResponse, Member) and writes uint32 as a number', () => {
    expect(json('etcdserverpb.StatusResponse', etcdserverpb.StatusResponse, {
      header, version: '3.4.23', dbSize: 20480, leader: Long.fromString('13668033151171901709', true), raftIndex: 12, raftTerm: 2,
      raftAppliedIndex: 12, errors: ['memberID:1 alarm:NOSPACE '], dbSizeInUse: 16384, isLearner: false,
    })).toBe(`{"header":${headerJson},"version":"3.4.23","dbSize":"20480","leader":"13668033151171901709","raftIndex":"12",`
      + '"raftTerm":"2","raftAppliedIndex":"12","errors":["memberID:1 alarm:NOSPACE "],"dbSizeInUse":"16384"}');
    expect(json('etcdserverpb.MemberListResponse', etcdserverpb.MemberListResponse, {
      header: { ...header, revision: 0 },
      members: [
        { ID: Long.fromString('4759045945124570320', true), peerURLs: ['http://127.0.0.1:1'], isLearner: true },
        { ID: Long.fromString('13668033151171901709', true), name: 'gw', peerURLs: ['http://127.0.0.1:2380'], clientURLs: ['http://127.0.0.1:2379'] },
      ],
    })).toBe('{"header":{"cluster_id":"15118495548433857066","member_id":"13668033151171901709","raft_term":"2"},"members":['
      + '{"ID":"4759045945124570320","peerURLs":["http://127.0.0.1:1"],"isLearner":true},'
      + '{"ID":"13668033151171901709","name":"gw","peerURLs":["http://127.0.0.1:2380"],"clientURLs":["http://127.0.0.1:2379"]}]}');
    expect(json('etcdserverpb.HashResponse', etcdserverpb.HashResponse, { header, hash: 4294967295 })).toBe(`{"header":${headerJson},"hash":4294967295}`);
  });

  it('writes enums by name, unknown enum values by number, zero enums not at all', () => {
    expect(json('etcdserverpb.AlarmResponse', etcdserverpb.AlarmResponse, {
      alarms: [{ memberID: Long.fromNumber(5, true), alarm: etcdserverpb.AlarmType.NOSPACE }, { memberID: Long.fromNumber(6, true), alarm: 9 as etcdserverpb.AlarmType },
        { memberID: Long.fromNumber(7, true), alarm: etcdserverpb.AlarmType.NONE }],
    })).toBe('{"alarms":[{"memberID":"5","alarm":"NOSPACE"},{"memberID":"6","alarm":9},{"memberID":"7"}]}');
  });

  it('writes negative int64 and full-range uint64 exactly', () => {
    expect(json('etcdserverpb.LeaseTimeToLiveResponse', etcdserverpb.LeaseTimeToLiveResponse, {
      header, ID: Long.fromString('-9223372036854775808'), TTL: -1, grantedTTL: Long.MAX_VALUE, keys: [Buffer.from('k')],
    })).toBe(`{"header":${headerJson},"ID":"-9223372036854775808","TTL":"-1","grantedTTL":"9223372036854775807","keys":["aw=="]}`);
    expect(json('etcdserverpb.MemberRemoveResponse', etcdserverpb.MemberRemoveResponse, {
      header: { clusterId: Long.MAX_UNSIGNED_VALUE },
    })).toBe('{"header":{"cluster_id":"18446744073709551615"}}');
  });

  it('escapes strings as Go does and writes nested election messages', () => {
    expect(json('etcdserverpb.AuthUserListResponse', etcdserverpb.AuthUserListResponse, { users: ['a<b>&\u2028\u0007'] }))
      .toBe('{"users":["a\\u003cb\\u003e\\u0026\\u2028\\u0007"]}');
    expect(json('v3electionpb.CampaignResponse', v3electionpb.CampaignResponse, {
      header, leader: { name: Buffer.from('el'), key: Buffer.from('el/1'), rev: 8, lease: Long.fromString('4120971855787611180') },
    })).toBe(`{"header":${headerJson},"leader":{"name":"ZWw=","key":"ZWwvMQ==","rev":"8","lease":"4120971855787611180"}}`);
  });
});
