// Request conversion: the object handed to the static codec, checked by encoding and decoding it again.
// Error texts are those etcd 3.4.23's gateway answered for the same bodies.
import Long from 'long';
import { gatewaySchema } from '../../../../src/core/api/gateway/gateway-schema';
import { maxMessageDepth, messageFromBody } from '../../../../src/core/api/gateway/json-to-message';
import { GatewayError } from '../../../../src/core/api/gateway/gateway-error';
import { etcdserverpb } from '../../../../src/core/api/proto';

const schema = gatewaySchema();
const route = (p: string) => {
  const r = schema.routes.get(p);
  if (r === undefined) throw new Error(`no route ${p}`);
  return r;
};

/** body → wire bytes → decoded by the static codec, as the gRPC handler would see it */
function roundTrip<T>(path: string, body: string, decode: (b: Uint8Array) => T): T {
  const r = route(path);
  return decode(r.requestCodec.encode(messageFromBody(Buffer.from(body), r.request)).finish());
}
const range = (body: string) => roundTrip('/v3/kv/range', body, (b) => etcdserverpb.RangeRequest.decode(b));
const wire = (path: string, body: string): Buffer => {
  const r = route(path);
  return Buffer.from(r.requestCodec.encode(messageFromBody(Buffer.from(body), r.request)).finish());
};
const errorOf = (path: string, body: string): { code: number; message: string } | string => {
  try {
    wire(path, body);
  } catch (err) {
    if (err instanceof GatewayError) return { code: err.code, message: err.message };
    throw err;
  }
  return 'no error';
};
const invalid = (message: string) => ({ code: 3, message });

describe('json-to-message', () => {
  it('accepts proto names and JSON names, the JSON name winning when both are given', () => {
    const r = range('{"key":"YQ==","range_end":"eg==","keysOnly":true,"count_only":true,"countOnly":false}');
    expect(Buffer.from(r.key).toString()).toBe('a');
    expect(Buffer.from(r.rangeEnd).toString()).toBe('z');
    expect([r.keysOnly, r.countOnly]).toEqual([true, false]);
    const m = roundTrip('/v3/cluster/member/add', '{"peerURLs":["http://a:1","http://b:2"],"isLearner":true}',
      (b) => etcdserverpb.MemberAddRequest.decode(b));
    expect([m.peerURLs, m.isLearner]).toEqual([['http://a:1', 'http://b:2'], true]);
    const g = roundTrip('/v3/lease/grant', '{"TTL":"60","ID":7}', (b) => etcdserverpb.LeaseGrantRequest.decode(b));
    expect([String(g.TTL), String(g.ID)]).toEqual(['60', '7']);
  });

  it('ignores unknown fields, wrongly cased names and everything after the first value', () => {
    expect(Buffer.from(range('{"key":"YQ==","bogus":{"x":[1]},"Key":"Yg=="} trailing').key).toString()).toBe('a');
    expect(wire('/v3/kv/range', '')).toEqual(Buffer.alloc(0));
    expect(wire('/v3/kv/range', 'null')).toEqual(Buffer.alloc(0));
  });

  it('keeps 64-bit integers exact from numbers and strings, signed and unsigned', () => {
    const r = range('{"limit":"9223372036854775807","revision":-9223372036854775808,"min_mod_revision":" 12 "}');
    expect([r.limit.toString(), r.revision.toString(), String(r.minModRevision)]).toEqual(['9223372036854775807', '-9223372036854775808', '12']);
    const rm = roundTrip('/v3/cluster/member/remove', '{"ID":"18446744073709551615"}', (b) => etcdserverpb.MemberRemoveRequest.decode(b));
    expect(Long.fromValue(rm.ID).toUnsigned().toString()).toBe('18446744073709551615');
    expect(String(range('{"limit":"-0"}').limit)).toBe('0');
  });

  it('leaves zero values off the wire as gogoproto does', () => {
    expect(wire('/v3/kv/range', '{"key":"","limit":0,"revision":"0","serializable":false,"sort_order":"NONE","keys_only":null}'))
      .toEqual(Buffer.alloc(0));
  });

  it('takes enums by name or number', () => {
    expect(range('{"sort_order":"DESCEND","sort_target":4}').sortOrder).toBe(2);
    expect(range('{"sort_target":4}').sortTarget).toBe(4);
    expect(range('{"sort_order":7}').sortOrder).toBe(7);
  });

  it('decodes bytes from base64 and from arrays of byte values', () => {
    expect(Buffer.from(range('{"key":[97,0,255]}').key)).toEqual(Buffer.from([97, 0, 255]));
    expect(Buffer.from(range('{"key":[97,null]}').key)).toEqual(Buffer.from([97, 0]));
    expect(Buffer.from(range('{"key":"/w=="}').key)).toEqual(Buffer.from([255]));
  });

  it('sets a oneof member even when it is zero, and only one member of a oneof', () => {
    const t = roundTrip('/v3/kv/txn', '{"compare":[{"key":"YQ==","target":"VERSION","version":"0"},{"version":null},{"value":""},{"value":null}]}',
      (b) => etcdserverpb.TxnRequest.decode(b));
    expect(t.compare.map((c) => c.targetUnion)).toEqual(['version', 'version', 'value', undefined]);
    const two = roundTrip('/v3/kv/txn', '{"compare":[{"version":"3","mod_revision":"4"}]}', (b) => etcdserverpb.TxnRequest.decode(b));
    expect(two.compare[0].targetUnion).toBe('modRevision');
    const ops = roundTrip('/v3/kv/txn', '{"success":[{"request_range":null},{"request_put":{}}]}', (b) => etcdserverpb.TxnRequest.decode(b));
    expect(ops.success.map((o) => o.request ?? null)).toEqual([null, 'requestPut']);
  });

  it('answers type mismatches with encoding/json texts', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['{"key":5}', 'json: cannot unmarshal number into Go value of type []uint8'],
      ['{"key":{}}', 'json: cannot unmarshal object into Go value of type []uint8'],
      ['{"key":[97,256]}', 'json: cannot unmarshal number 256 into Go value of type uint8'],
      ['{"key":[97,"a"]}', 'json: cannot unmarshal string into Go value of type uint8'],
      ['{"key":"YQ"}', 'illegal base64 data at input byte 0'],
      ['{"limit":"abc"}', `invalid character 'a' looking for beginning of value`],
      ['{"limit":1.5}', 'json: cannot unmarshal number 1.5 into Go value of type int64'],
      ['{"limit":"1e2"}', 'json: cannot unmarshal number 1e2 into Go value of type int64'],
      ['{"limit":9223372036854775808}', 'json: cannot unmarshal number 9223372036854775808 into Go value of type int64'],
      ['{"limit":""}', 'unexpected end of JSON input'],
      ['{"limit":"-"}', `invalid character ' ' in numeric literal`],
      ['{"limit":"true"}', 'json: cannot unmarshal bool into Go value of type int64'],
      ['{"limit":[]}', 'json: cannot unmarshal array into Go value of type int64'],
      ['{"serializable":"true"}', 'json: cannot unmarshal string into Go value of type bool'],
      ['{"serializable":1}', 'json: cannot unmarshal number into Go value of type bool'],
      ['{"sort_order":"BOGUS"}', 'unknown value "BOGUS" for enum etcdserverpb.RangeRequest_SortOrder'],
      ['{"sort_order":"1"}', 'unknown value "1" for enum etcdserverpb.RangeRequest_SortOrder'],
      ['{"sort_order":"\\u0041SCEND"}', 'unknown value "\\\\u0041SCEND" for enum etcdserverpb.RangeRequest_SortOrder'],
      ['{"sort_order":true}', 'json: cannot unmarshal bool into Go value of type etcdserverpb.RangeRequest_SortOrder'],
      ['{"sort_order":99999999999}', 'json: cannot unmarshal number 99999999999 into Go value of type etcdserverpb.RangeRequest_SortOrder'],
      ['[]', 'json: cannot unmarshal array into Go value of type map[string]json.RawMessage'],
      ['"x"', 'json: cannot unmarshal string into Go value of type map[string]json.RawMessage'],
      // fields are converted in declaration order: key (1) fails before limit (3)
      ['{"limit":"x","key":5}', 'json: cannot unmarshal number into Go value of type []uint8'],
    ];
    for (const [body, message] of cases) expect([body, errorOf('/v3/kv/range', body)]).toEqual([body, invalid(message)]);
    expect(errorOf('/v3/kv/txn', '{"compare":{}}')).toEqual(invalid('json: cannot unmarshal object into Go value of type []json.RawMessage'));
    expect(errorOf('/v3/kv/txn', '{"compare":[5]}')).toEqual(invalid('json: cannot unmarshal number into Go value of type map[string]json.RawMessage'));
    expect(errorOf('/v3/cluster/member/remove', '{"ID":-1}')).toEqual(invalid('json: cannot unmarshal number -1 into Go value of type uint64'));
    expect(errorOf('/v3/cluster/member/remove', '{"ID":"-0"}')).toEqual(invalid('json: cannot unmarshal number -0 into Go value of type uint64'));
    expect(errorOf('/v3/cluster/member/add', '{"peerURLs":[5]}')).toEqual(invalid('json: cannot unmarshal number into Go value of type string'));
  });

  it('refuses a null element of a repeated message field, which etcd cannot marshal', () => {
    expect(errorOf('/v3/kv/txn', '{"success":[null]}')).toEqual(invalid('gateway: null element in repeated field "success"'));
  });

  it('refuses messages nested deeper than the codecs allow', () => {
    const nested = (d: number): string => '{"success":[{"request_txn":'.repeat(d) + '{}' + '}]}'.repeat(d);
    expect(errorOf('/v3/kv/txn', nested(maxMessageDepth / 2 - 1))).toBe('no error');
    expect(errorOf('/v3/kv/txn', nested(maxMessageDepth))).toEqual(invalid(`gateway: messages nested deeper than ${maxMessageDepth} levels`));
  });
});
