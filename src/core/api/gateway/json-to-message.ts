// A request body (JSON) to a protobufjs static-codec object, with the semantics and error texts of what
// etcd's gateway runs (golang/protobuf jsonpb Unmarshaler, AllowUnknownFields, over encoding/json):
//  - a field is found by its proto name or its lowerCamel JSON name (the latter wins when both are given);
//    unknown names are ignored; a repeated key keeps its last value;
//  - int64/uint64/int32/uint32 take a JSON number or a string holding one (the quotes are dropped and the rest
//    parsed as JSON: "1e2" and " 1 " behave as Go's json.Unmarshal on them);
//  - enums take a name (matched on the raw, unescaped text) or a number; bytes take base64 (Go's decoder) or
//    an array of byte values; null leaves a field unset (a oneof scalar member is then set to zero, as Go sets
//    the oneof wrapper);
//  - fields are converted in declaration order, oneof members last, and the first error is reported.
// Errors are GatewayErrors with code INVALID_ARGUMENT and Go's message.
import Long from 'long';
import { GrpcCode } from '../../errors';
import { Base64Error, goBase64Decode } from './go-base64';
import { JsonSyntaxError, readFirstValue, readWholeValue } from './go-json';
import type { JsonValue } from './go-json';
import { goQuote } from './go-text';
import { GatewayError } from './gateway-error';
import type { FieldSchema, FieldType, MessageSchema, ScalarKind } from './gateway-schema';

/** Deepest message nesting accepted (the static codecs' own recursion limit, protobufjs util.recursionLimit). */
export const maxMessageDepth = 100;

export type MessageObject = Record<string, unknown>;
type Value = MessageObject | Long | number | boolean | string | Buffer | Value[];

const invalid = (message: string): GatewayError => new GatewayError(GrpcCode.INVALID_ARGUMENT, message);

function kindWord(v: JsonValue): string {
  return v.kind;
}

function typeError(value: string, goType: string): GatewayError {
  return invalid(`json: cannot unmarshal ${value} into Go value of type ${goType}`);
}

/** The body's first JSON value as a message of `schema` ({} for an empty body or `null`). */
export function messageFromBody(body: Buffer, schema: MessageSchema): MessageObject {
  let v: JsonValue | null;
  try {
    v = readFirstValue(body);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw invalid(err.message);
    throw err;
  }
  return messageFromValue(v, schema);
}

/** A JSON value already read (from a stream of them) as a message of `schema` ({} for `null`). */
export function messageFromValue(v: JsonValue | null, schema: MessageSchema): MessageObject {
  return v === null || v.kind === 'null' ? {} : messageFromJson(v, schema, 0);
}

function messageFromJson(v: JsonValue, schema: MessageSchema, depth: number): MessageObject {
  if (depth >= maxMessageDepth) throw invalid(`gateway: messages nested deeper than ${maxMessageDepth} levels`);
  if (v.kind !== 'object') throw typeError(kindWord(v), 'map[string]json.RawMessage');
  const out: MessageObject = {};
  // jsonpb visits the plain fields first, then the oneofs
  for (const pass of [false, true]) {
    for (const f of schema.fields) {
      if ((f.oneof !== null) !== pass) continue;
      const raw = v.fields.get(f.jsonName) ?? v.fields.get(f.origName);
      if (raw !== undefined) setField(out, schema, f, raw, depth);
    }
  }
  return out;
}

function setField(out: MessageObject, schema: MessageSchema, f: FieldSchema, raw: JsonValue, depth: number): void {
  if (f.repeated) {
    if (raw.kind === 'null') return;
    if (raw.kind !== 'array') throw typeError(kindWord(raw), '[]json.RawMessage');
    const items = raw.items.map((item) => elementFromJson(f, item, depth));
    if (items.length > 0) out[f.prop] = items;
    return;
  }
  let value: Value | null = singleFromJson(f.type, raw, depth);
  if (f.oneof !== null) {
    // the oneof wrapper is set even for null; its message or bytes stays nil (not encoded), a scalar is zero
    if (value === null) value = zeroOf(f.type);
    for (const other of schema.fields) if (other.oneof === f.oneof) delete out[other.prop];
  }
  if (value !== null) out[f.prop] = value;
}

function zeroOf(t: FieldType): Value | null {
  if (t.kind === 'enum') return 0;
  if (t.kind === 'message') return null;
  switch (t.scalar) {
    case 'int64': return Long.ZERO;
    case 'uint64': return Long.UZERO;
    case 'int32': case 'uint32': return 0;
    case 'bool': return false;
    case 'string': return '';
    case 'bytes': return null;
  }
}

function elementFromJson(f: FieldSchema, raw: JsonValue, depth: number): Value {
  if (raw.kind === 'null') {
    // Go keeps a nil element here and then fails to marshal it (etcd drops the connection); say why instead
    if (f.type.kind === 'message') throw invalid(`gateway: null element in repeated field "${f.origName}"`);
    const zero = zeroOf(f.type);
    return zero ?? Buffer.alloc(0);
  }
  const v = singleFromJson(f.type, raw, depth);
  if (v === null) throw invalid(`gateway: null element in repeated field "${f.origName}"`);
  return v;
}

/** One value of type `t` (null: leave unset). */
function singleFromJson(t: FieldType, raw: JsonValue, depth: number): Value | null {
  if (t.kind === 'message') return raw.kind === 'null' ? null : messageFromJson(raw, t.messageType, depth + 1);
  if (t.kind === 'enum') {
    if (raw.kind === 'string') {
      const n = t.enumType.byName.get(raw.raw.toString('latin1'));
      if (n === undefined) throw invalid(`unknown value ${goQuote(raw.raw)} for enum ${t.enumType.goName}`);
      return n;
    }
    return integerFromJson(raw, 'int32', t.enumType.goName);
  }
  switch (t.scalar) {
    case 'int64': case 'uint64': case 'int32': case 'uint32':
      return integerFromJson(raw.kind === 'string' ? unquoteNumber(raw.raw) : raw, t.scalar, t.scalar);
    case 'bool':
      if (raw.kind === 'null') return null;
      if (raw.kind !== 'bool') throw typeError(kindWord(raw), 'bool');
      return raw.value;
    case 'string':
      if (raw.kind === 'null') return null;
      if (raw.kind !== 'string') throw typeError(kindWord(raw), 'string');
      return raw.bytes.toString('utf8');
    case 'bytes':
      return bytesFromJson(raw);
  }
}

/** jsonpb drops the quotes around a number and lets json.Unmarshal read what is left. */
function unquoteNumber(inner: Buffer): JsonValue {
  try {
    return readWholeValue(inner);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw invalid(err.message);
    throw err;
  }
}

const ranges: Record<Exclude<ScalarKind, 'bool' | 'string' | 'bytes'> | 'uint8', readonly [bigint, bigint]> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  uint8: [0n, 255n],
};

/**
 * encoding/json's store of a literal into an integer: strconv.ParseInt/ParseUint (so no fraction, no
 * exponent, no '-' at all for unsigned) and the type's range, else "number <text>".
 */
function integerFromJson(v: JsonValue, kind: keyof typeof ranges, goType: string): Long | number | null {
  if (v.kind === 'null') return null;
  if (v.kind !== 'number') throw typeError(kindWord(v), goType);
  const [min, max] = ranges[kind];
  const signed = min < 0n;
  const ok = signed ? /^-?[0-9]+$/.test(v.text) : /^[0-9]+$/.test(v.text);
  const n = ok ? BigInt(v.text) : null;
  if (n === null || n < min || n > max) throw typeError(`number ${v.text}`, goType);
  if (kind === 'int64' || kind === 'uint64') return Long.fromString(n.toString(), kind === 'uint64');
  return Number(n);
}

function bytesFromJson(raw: JsonValue): Buffer | null {
  switch (raw.kind) {
    case 'null':
      return null;
    case 'string':
      try {
        return goBase64Decode(raw.bytes);
      } catch (err) {
        if (err instanceof Base64Error) throw invalid(err.message);
        throw err;
      }
    case 'array': {
      // encoding/json also fills a []byte from an array of numbers
      const out = Buffer.alloc(raw.items.length);
      raw.items.forEach((item, i) => {
        out[i] = (integerFromJson(item, 'uint8', 'uint8') as number | null) ?? 0;
      });
      return out;
    }
    default:
      throw typeError(kindWord(raw), '[]uint8');
  }
}
