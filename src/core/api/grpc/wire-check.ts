// Rejects malformed request bytes the way etcd (gogo-protobuf under grpc-go) does, before protobufjs decodes
// them: protobufjs skips a known field sent with the wrong wire type, etcd fails the call with INTERNAL
// "grpc: error unmarshalling request: proto: wrong wireType = 0 for field Key". The schema comes from the
// same proto/*.proto files, read once through protobufjs reflection.
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { EtcdError, GrpcCode } from '../../errors';

interface FieldRule {
  readonly goName: string;
  /** wire types accepted: one, or two for repeated scalars (packed or not) */
  readonly wireTypes: readonly number[];
  readonly message: MessageRule | null;
}
interface MessageRule {
  readonly name: string;
  readonly fields: Map<number, FieldRule>;
}

const PROTO_FILES = ['kv.proto', 'auth.proto', 'rpc.proto', 'v3lock.proto', 'v3election.proto'];
const VARINT_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool']);
const FIXED64_TYPES = new Set(['fixed64', 'sfixed64', 'double']);
const FIXED32_TYPES = new Set(['fixed32', 'sfixed32', 'float']);

let root: protobuf.Root | null = null;
const rules = new Map<string, MessageRule>();

/** gogo's Go field name: CamelCase of the proto name (key → Key, range_end → RangeEnd, peerURLs → PeerURLs). */
function goName(protoName: string): string {
  return protoName.split('_').map((p) => (p.length > 0 ? p[0].toUpperCase() + p.slice(1) : p)).join('');
}

function ruleOf(type: protobuf.Type): MessageRule {
  const known = rules.get(type.fullName);
  if (known) return known;
  const rule: MessageRule = { name: type.name, fields: new Map() };
  rules.set(type.fullName, rule);
  for (const f of type.fieldsArray) {
    f.resolve();
    let wireTypes: number[];
    let message: MessageRule | null = null;
    if (f.resolvedType instanceof protobuf.Type) {
      wireTypes = [2];
      message = ruleOf(f.resolvedType);
    } else if (f.resolvedType instanceof protobuf.Enum || VARINT_TYPES.has(f.type)) {
      wireTypes = f.repeated ? [0, 2] : [0];
    } else if (FIXED64_TYPES.has(f.type)) {
      wireTypes = f.repeated ? [1, 2] : [1];
    } else if (FIXED32_TYPES.has(f.type)) {
      wireTypes = f.repeated ? [5, 2] : [5];
    } else {
      wireTypes = [2]; // bytes, string
    }
    rule.fields.set(f.id, { goName: goName(f.name), wireTypes, message });
  }
  return rule;
}

/** Loads the schema (once). Call at start so that no request pays for it. */
export function loadWireCheck(protoDir = path.join(__dirname, '..', '..', '..', '..', 'proto')): void {
  if (root) return;
  root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(protoDir, path.basename(target));
  root.loadSync(PROTO_FILES.map((f) => path.join(protoDir, f)), { keepCase: true });
  root.resolveAll();
}

class Malformed extends Error {}

function varint(buf: Uint8Array, pos: number, end: number): [number, number] {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    if (shift >= 64) throw new Malformed('proto: integer overflow');
    if (pos >= end) throw new Malformed('unexpected EOF');
    const b = buf[pos++];
    if (shift < 53) value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, pos];
  }
}

function check(rule: MessageRule, buf: Uint8Array, pos: number, end: number): void {
  while (pos < end) {
    let tag: number;
    [tag, pos] = varint(buf, pos, end);
    const fieldNum = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 4) throw new Malformed(`proto: ${rule.name}: wiretype end group for non-group`);
    if (fieldNum <= 0) throw new Malformed(`proto: ${rule.name}: illegal tag ${fieldNum} (wire type ${wire})`);
    const field = rule.fields.get(fieldNum);
    if (field && !field.wireTypes.includes(wire)) throw new Malformed(`proto: wrong wireType = ${wire} for field ${field.goName}`);
    switch (wire) {
      case 0:
        [, pos] = varint(buf, pos, end);
        break;
      case 1:
        pos += 8;
        if (pos > end) throw new Malformed('unexpected EOF');
        break;
      case 5:
        pos += 4;
        if (pos > end) throw new Malformed('unexpected EOF');
        break;
      case 2: {
        let len: number;
        [len, pos] = varint(buf, pos, end);
        if (len < 0) throw new Malformed('proto: negative length found during unmarshaling');
        if (pos + len > end) throw new Malformed('unexpected EOF');
        if (field?.message) check(field.message, buf, pos, pos + len);
        pos += len;
        break;
      }
      case 3:
        throw new Malformed(`proto: ${rule.name}: wiretype end group for non-group`);
      default:
        throw new Malformed(`proto: illegal wireType ${wire}`);
    }
  }
}

/** grpc-go's wording for a request it cannot unmarshal: unary handlers, and streams (RecvMsg). */
export const unmarshalPrefix = { unary: 'grpc: error unmarshalling request: ', stream: 'grpc: failed to unmarshal the received message ' } as const;

/**
 * Throws etcd's INTERNAL "grpc: error unmarshalling request: …" (on a stream: "grpc: failed to unmarshal the
 * received message …") when `bytes` are not a well-formed `fullName` message (e.g. ".etcdserverpb.RangeRequest").
 */
export function checkWire(fullName: string, bytes: Uint8Array, prefix: string = unmarshalPrefix.unary): void {
  if (!root) loadWireCheck();
  let rule = rules.get(fullName);
  if (!rule) rule = ruleOf((root as protobuf.Root).lookupType(fullName));
  try {
    check(rule, bytes, 0, bytes.length);
  } catch (err) {
    if (err instanceof Malformed) throw new EtcdError(GrpcCode.INTERNAL, `${prefix}${err.message}`);
    throw err;
  }
}
