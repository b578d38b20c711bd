// A decoded response (protobufjs static-codec object) to the JSON etcd's gateway writes: grpc-gateway v1's
// JSONPb{OrigName: true} (golang/protobuf jsonpb, EmitDefaults off) over gogoproto structs decoded from the
// wire. Fields in declaration order under their proto names; zero scalars, empty strings and bytes, empty
// repeated fields and absent messages left out, but a present message is written even when empty ("header":{})
// and a set oneof member even when zero; int64/uint64 as decimal strings, int32/uint32 as numbers, bytes as
// padded base64, enums by name (by number when unknown), strings escaped as encoding/json does.
import Long from 'long';
import { goJsonString } from './go-text';
import type { FieldSchema, FieldType, MessageSchema } from './gateway-schema';

type Decoded = Record<string, unknown>;

function isLongLike(v: unknown): v is Long | number | string {
  return typeof v === 'number' || typeof v === 'string' || Long.isLong(v);
}

const twoTo32 = 4294967296;
/** |high| below this: the 64-bit value is exact as a double */
const safeHighBound = 1 << 21;

/** Decimal text of a 64-bit field value (Long from the codecs; number or string if set by code). */
function decimal64(v: Long | number | string, unsigned: boolean): string {
  if (typeof v === 'object') {
    const high = unsigned ? v.high >>> 0 : v.high;
    if (high < safeHighBound && high >= -safeHighBound) return String(high * twoTo32 + (v.low >>> 0));
  }
  const l = Long.fromValue(v);
  return (unsigned ? l.toUnsigned() : l.toSigned()).toString();
}

function isZero64(v: Long | number | string): boolean {
  return typeof v === 'object' ? v.low === 0 && v.high === 0 : Long.fromValue(v).isZero();
}

function isPresent(msg: Decoded, f: FieldSchema): boolean {
  const v = msg[f.prop];
  if (f.repeated) return Array.isArray(v) && v.length > 0;
  if (v === null || v === undefined) return false;
  if (f.oneof !== null) return Object.prototype.hasOwnProperty.call(msg, f.prop);
  const t = f.type;
  if (t.kind === 'message') return true;
  if (t.kind === 'enum') return v !== 0;
  switch (t.scalar) {
    case 'int64': case 'uint64': return isLongLike(v) && !isZero64(v);
    case 'int32': case 'uint32': return v !== 0;
    case 'bool': return v === true;
    case 'string': return v !== '';
    case 'bytes': return (v as Uint8Array).length > 0;
  }
}

function valueText(t: FieldType, v: unknown): string {
  if (t.kind === 'message') return messageText(v as Decoded, t.messageType);
  if (t.kind === 'enum') {
    const name = t.enumType.byNumber.get(v as number);
    return name !== undefined ? `"${name}"` : String(v);
  }
  switch (t.scalar) {
    case 'int64': case 'uint64':
      return `"${decimal64(v as Long | number | string, t.scalar === 'uint64')}"`;
    case 'int32': case 'uint32':
      return String(v);
    case 'bool':
      return v === true ? 'true' : 'false';
    case 'string':
      return goJsonString(v as string);
    case 'bytes': {
      const b = v as Uint8Array; // a Buffer from the codecs on Node; a plain Uint8Array if set by code
      return `"${(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length)).toString('base64')}"`;
    }
  }
}

// string concatenation (V8 ropes) rather than parts joined: fewer allocations on large ranges
function messageText(msg: Decoded, schema: MessageSchema): string {
  let out = '{';
  for (const f of schema.fields) {
    if (!isPresent(msg, f)) continue;
    out += out.length === 1 ? `"${f.origName}":` : `,"${f.origName}":`;
    const v = msg[f.prop];
    if (f.repeated) {
      const items = v as unknown[];
      out += '[';
      for (let i = 0; i < items.length; i++) out += (i > 0 ? ',' : '') + valueText(f.type, items[i]);
      out += ']';
    } else {
      out += valueText(f.type, v);
    }
  }
  return out + '}';
}

/** The JSON text etcd's gateway writes for `msg`, a decoded message of `schema`. */
export function messageToJson(msg: object, schema: MessageSchema): string {
  return messageText(msg as Decoded, schema);
}
