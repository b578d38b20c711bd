// What the gateway knows about each message, read from the proto files by protobufjs reflection (never written
// per field): for every field its static-codec property name (camelCase), its proto name (what etcd's gateway
// writes, OrigName), its lowerCamel JSON name (also accepted on input), kind and Go type name (for Go's error
// texts), and for each route the static codec pair to encode the request and decode the response.
import assert from 'node:assert';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import * as codecs from '../proto';
import { gatewayRoutes } from './gateway-routes';

/** Scalar kinds etcd's messages use (64-bit ones travel as JSON strings). */
export type ScalarKind = 'int64' | 'uint64' | 'int32' | 'uint32' | 'bool' | 'string' | 'bytes';

export interface EnumSchema {
  /** the name Go registers the enum under, e.g. etcdserverpb.RangeRequest_SortOrder */
  readonly goName: string;
  readonly byName: ReadonlyMap<string, number>;
  readonly byNumber: ReadonlyMap<number, string>;
}

export type FieldType =
  | { readonly kind: 'scalar'; readonly scalar: ScalarKind }
  | { readonly kind: 'enum'; readonly enumType: EnumSchema }
  | { readonly kind: 'message'; readonly messageType: MessageSchema };

export interface FieldSchema {
  /** property name in the protobufjs static codecs */
  readonly prop: string;
  /** proto field name: written in responses, accepted in requests */
  readonly origName: string;
  /** protoc's lowerCamel JSON name: accepted in requests, wins over origName when both are given */
  readonly jsonName: string;
  readonly repeated: boolean;
  /** the oneof this field belongs to, or null: a member is encoded and written whenever set, even when zero */
  readonly oneof: string | null;
  readonly type: FieldType;
}

export interface MessageSchema {
  /** e.g. etcdserverpb.RangeRequest */
  readonly fullName: string;
  /** declaration order: the order etcd's gateway writes them in */
  readonly fields: readonly FieldSchema[];
}

/** A protobufjs static message class, reduced to what the gateway calls. */
export interface StaticCodec {
  encode(message: object): { finish(): Uint8Array };
  decode(bytes: Uint8Array): object;
}

export interface RouteSchema {
  readonly httpPath: string;
  readonly grpcPath: string;
  /** client or server streaming: served by the streaming gateway (one JSON line per response) */
  readonly streaming: boolean;
  /** client streaming (Watch, LeaseKeepAlive): the body is a stream of JSON requests */
  readonly requestStream: boolean;
  readonly request: MessageSchema;
  readonly response: MessageSchema;
  readonly requestCodec: StaticCodec;
  readonly responseCodec: StaticCodec;
}

export interface GatewaySchema {
  readonly routes: ReadonlyMap<string, RouteSchema>;
  message(fullName: string): MessageSchema;
}

/** The repository's proto/ directory, from src/core/api/gateway or dist/core/api/gateway alike. */
export const defaultProtoDir = path.resolve(__dirname, '..', '..', '..', '..', 'proto');
const protoFiles = ['rpc.proto', 'v3lock.proto', 'v3election.proto'];

const scalarKinds: Record<string, ScalarKind> = {
  int64: 'int64', sint64: 'int64', sfixed64: 'int64',
  uint64: 'uint64', fixed64: 'uint64',
  int32: 'int32', sint32: 'int32', sfixed32: 'int32',
  uint32: 'uint32', fixed32: 'uint32',
  bool: 'bool', string: 'string', bytes: 'bytes',
};

/** Go's registered enum name: package, then the nesting types and the enum joined by '_'. */
function goEnumName(e: protobuf.Enum): string {
  const names = [e.name];
  let p = e.parent;
  while (p instanceof protobuf.Type) {
    names.unshift(p.name);
    p = p.parent;
  }
  assert(p !== null, `enum ${e.fullName} has no package`);
  return `${p.fullName.replace(/^\./, '')}.${names.join('_')}`;
}

function enumSchema(e: protobuf.Enum): EnumSchema {
  const byName = new Map<string, number>(Object.entries(e.values));
  const byNumber = new Map<number, string>();
  for (const [name, n] of byName) if (!byNumber.has(n)) byNumber.set(n, name);
  return { goName: goEnumName(e), byName, byNumber };
}

/** The static class for a reflected type, found by its full name in the generated module. */
function staticCodec(fullName: string): StaticCodec {
  let node: unknown = codecs;
  for (const part of fullName.split('.')) {
    const container = (node !== null && typeof node === 'object') || typeof node === 'function';
    node = container ? (node as Record<string, unknown>)[part] : undefined;
  }
  const c = node as Partial<StaticCodec> | undefined;
  assert(c !== undefined && typeof c.encode === 'function' && typeof c.decode === 'function', `no static codec for ${fullName}`);
  return c as StaticCodec;
}

class SchemaBuilder {
  private readonly messages = new Map<string, { fullName: string; fields: FieldSchema[] }>();
  private readonly enums = new Map<string, EnumSchema>();

  message(t: protobuf.Type): MessageSchema {
    const fullName = t.fullName.replace(/^\./, '');
    const known = this.messages.get(fullName);
    if (known) return known;
    const m = { fullName, fields: [] as FieldSchema[] };
    this.messages.set(fullName, m); // before the fields: messages refer to themselves (TxnRequest → RequestOp)
    for (const f of t.fieldsArray) m.fields.push(this.field(t, f));
    return m;
  }

  private field(t: protobuf.Type, f: protobuf.Field): FieldSchema {
    assert(!(f instanceof protobuf.MapField), `${t.fullName}.${f.name}: map fields are not supported by the gateway`);
    f.resolve();
    const rt = f.resolvedType;
    let type: FieldType;
    if (rt instanceof protobuf.Type) {
      type = { kind: 'message', messageType: this.message(rt) };
    } else if (rt instanceof protobuf.Enum) {
      let e = this.enums.get(rt.fullName);
      if (!e) this.enums.set(rt.fullName, (e = enumSchema(rt)));
      type = { kind: 'enum', enumType: e };
    } else {
      const scalar = scalarKinds[f.type];
      assert(scalar !== undefined, `${t.fullName}.${f.name}: type ${f.type} is not supported by the gateway`);
      type = { kind: 'scalar', scalar };
    }
    const origName = f.protoName ?? f.name;
    return {
      prop: f.name,
      origName,
      jsonName: f.jsonName ?? protobuf.util.jsonName(origName),
      repeated: f.repeated,
      oneof: f.partOf ? f.partOf.name : null,
      type,
    };
  }
}

/** Reads the protos under `protoDir` and builds the schema of every gateway route. */
export function loadGatewaySchema(protoDir: string = defaultProtoDir): GatewaySchema {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(protoDir, target);
  root.loadSync(protoFiles, { keepCase: false });
  root.resolveAll();
  const builder = new SchemaBuilder();
  const routes = new Map<string, RouteSchema>();
  for (const [httpPath, grpcPath] of gatewayRoutes) {
    const [, service, method] = grpcPath.split('/');
    const m = root.lookupService(service).methods[method];
    assert(m !== undefined, `gateway route ${httpPath}: no method ${grpcPath} in the protos`);
    m.resolve();
    assert(m.resolvedRequestType && m.resolvedResponseType, `${grpcPath}: unresolved types`);
    const request = builder.message(m.resolvedRequestType);
    const response = builder.message(m.resolvedResponseType);
    routes.set(httpPath, {
      httpPath,
      grpcPath,
      streaming: m.requestStream === true || m.responseStream === true,
      requestStream: m.requestStream === true,
      request,
      response,
      requestCodec: staticCodec(request.fullName),
      responseCodec: staticCodec(response.fullName),
    });
  }
  return {
    routes,
    message: (fullName) => {
      const t = root.lookupType(fullName);
      return builder.message(t);
    },
  };
}

let cached: GatewaySchema | null = null;

/** The schema from the repository's protos, built once per process. */
export function gatewaySchema(): GatewaySchema {
  if (cached === null) cached = loadGatewaySchema();
  return cached;
}
