// etcdctl's printing of the auth, user and role commands (printer.go printerRPC, printer_simple.go,
// printer_fields.go). The Printer interface stays as it is: this family switches on the display's format.
// - simple: the sentences of printer_simple.go, keys printed raw.
// - json / protobuf: the response message (printerRPC), as encoding/json or as its wire bytes.
// - fields: the header (and the permissions or role names for role get/list); user get, user list and
//   auth status are not in printer_fields.go, so they are "fields not supported as output format".
// - table: nothing of this family is in printer_table.go: "table not supported as output format".
import { etcdserverpb, type authpb } from '../../api/proto';
import { CtlExit } from '../ctl-exit';
import { ExitCode } from '../exit-codes';
import { goQuote } from '../go/quote';
import { prefixRangeEnd } from '../kv-ops';
import { GoJsonObject, headerJson } from './go-json';
import type { OutputFormat, Out } from './printer';
import { bytesOf, int64Text, uint64Text } from './values';

type Header = etcdserverpb.IResponseHeader | null | undefined;
type WithHeader = { header?: Header };

/** The wire codec of a response message, for the protobuf format. */
interface Codec<T> {
  encode(m: T): { finish(): Uint8Array };
}

const permTypeNames = ['READ', 'WRITE', 'READWRITE'] as const;

function unsupported(format: string): never {
  throw new CtlExit(ExitCode.BadFeature, `${format} not supported as output format`);
}

/** a response of a header and a list of names */
function namesJson(header: Header, name: string, list: readonly string[] | null | undefined): string {
  return new GoJsonObject().message('header', header, headerJson).strings(name, list).toString();
}

function permissionJson(p: authpb.IPermission): string {
  return new GoJsonObject().number('permType', p.permType).bytes('key', p.key).bytes('range_end', p.rangeEnd).toString();
}

export class AuthDisplay {
  constructor(private readonly format: OutputFormat, private readonly o: Out) {}

  private line(s: string | Uint8Array): void {
    this.o.out(s);
    this.o.out('\n');
  }

  private hdr(h: Header): void {
    this.line(`"ClusterID" : ${uint64Text(h?.clusterId)}`);
    this.line(`"MemberID" : ${uint64Text(h?.memberId)}`);
    this.line(`"Revision" : ${int64Text(h?.revision)}`);
    this.line(`"RaftTerm" : ${uint64Text(h?.raftTerm)}`);
  }

  /**
   * printerRPC for json and protobuf; `simple` and `fields` print as given (fields === undefined: the fields
   * printer does not have this method).
   */
  private rpc<T extends WithHeader>(r: T, codec: Codec<T>, json: (r: T) => string, simple: () => void, fields?: () => void): void {
    switch (this.format) {
      case 'simple': simple(); return;
      case 'json': this.line(json(r)); return;
      case 'protobuf': this.o.out(codec.encode(r).finish()); return;
      case 'fields':
        if (fields === undefined) unsupported('fields');
        fields();
        return;
      case 'table': unsupported('table');
    }
  }

  /** responses that are only a header */
  private headerOnly<T extends WithHeader>(r: T, codec: Codec<T>, simple: string): void {
    this.rpc(r, codec, (x) => new GoJsonObject().message('header', x.header, headerJson).toString(), () => this.o.out(simple), () => this.hdr(r.header));
  }

  authStatus(r: etcdserverpb.AuthStatusResponse): void {
    // etcdctl 3.5's AuthStatus (3.4 has no such command); the fields and table printers lack it
    this.rpc(r, etcdserverpb.AuthStatusResponse,
      (x) => new GoJsonObject().message('header', x.header, headerJson).bool('enabled', x.enabled).uint64('authRevision', x.authRevision).toString(),
      () => this.o.out(`Authentication Status: ${r.enabled === true}\nAuthRevision: ${uint64Text(r.authRevision)}\n`));
  }

  userAdd(name: string, r: etcdserverpb.AuthUserAddResponse): void {
    this.headerOnly(r, etcdserverpb.AuthUserAddResponse, `User ${name} created\n`);
  }

  userGet(name: string, r: etcdserverpb.AuthUserGetResponse): void {
    this.rpc(r, etcdserverpb.AuthUserGetResponse, (x) => namesJson(x.header, 'roles', x.roles),
      () => this.o.out(`User: ${name}\nRoles:${r.roles.map((x) => ` ${x}`).join('')}\n`));
  }

  userList(r: etcdserverpb.AuthUserListResponse): void {
    this.rpc(r, etcdserverpb.AuthUserListResponse, (x) => namesJson(x.header, 'users', x.users),
      () => this.o.out(r.users.map((u) => `${u}\n`).join('')));
  }

  userChangePassword(r: etcdserverpb.AuthUserChangePasswordResponse): void {
    this.headerOnly(r, etcdserverpb.AuthUserChangePasswordResponse, 'Password updated\n');
  }

  userGrantRole(user: string, role: string, r: etcdserverpb.AuthUserGrantRoleResponse): void {
    this.headerOnly(r, etcdserverpb.AuthUserGrantRoleResponse, `Role ${role} is granted to user ${user}\n`);
  }

  userRevokeRole(user: string, role: string, r: etcdserverpb.AuthUserRevokeRoleResponse): void {
    this.headerOnly(r, etcdserverpb.AuthUserRevokeRoleResponse, `Role ${role} is revoked from user ${user}\n`);
  }

  userDelete(user: string, r: etcdserverpb.AuthUserDeleteResponse): void {
    this.headerOnly(r, etcdserverpb.AuthUserDeleteResponse, `User ${user} deleted\n`);
  }

  roleAdd(role: string, r: etcdserverpb.AuthRoleAddResponse): void {
    this.headerOnly(r, etcdserverpb.AuthRoleAddResponse, `Role ${role} created\n`);
  }

  roleDelete(role: string, r: etcdserverpb.AuthRoleDeleteResponse): void {
    this.headerOnly(r, etcdserverpb.AuthRoleDeleteResponse, `Role ${role} deleted\n`);
  }

  roleGrantPermission(role: string, r: etcdserverpb.AuthRoleGrantPermissionResponse): void {
    this.headerOnly(r, etcdserverpb.AuthRoleGrantPermissionResponse, `Role ${role} updated\n`);
  }

  /** key as the command line gave it, end as sent (empty for one key, "\x00" for open ended) */
  roleRevokePermission(role: string, key: Uint8Array, end: Uint8Array, r: etcdserverpb.AuthRoleRevokePermissionResponse): void {
    const parts: (string | Uint8Array)[] = end.length === 0 ? ['Permission of key ', key, ` is revoked from role ${role}\n`]
      : !(end.length === 1 && end[0] === 0) ? ['Permission of range [', key, ', ', end, `) is revoked from role ${role}\n`]
      : ['Permission of range [', key, `, <open ended> is revoked from role ${role}\n`];
    this.rpc(r, etcdserverpb.AuthRoleRevokePermissionResponse, (x) => new GoJsonObject().message('header', x.header, headerJson).toString(),
      () => { for (const p of parts) this.o.out(p); }, () => this.hdr(r.header));
  }

  roleList(r: etcdserverpb.AuthRoleListResponse): void {
    this.rpc(r, etcdserverpb.AuthRoleListResponse, (x) => namesJson(x.header, 'roles', x.roles),
      () => this.o.out(r.roles.map((x) => `${x}\n`).join('')),
      () => {
        this.hdr(r.header);
        this.line(`"Roles" :${r.roles.map((x) => ` ${goQuote(x)}`).join('')}`);
      });
  }

  roleGet(role: string, r: etcdserverpb.AuthRoleGetResponse): void {
    this.rpc(r, etcdserverpb.AuthRoleGetResponse,
      (x) => new GoJsonObject().message('header', x.header, headerJson).array('perm', x.perm, permissionJson).toString(),
      () => this.roleGetSimple(role, r.perm),
      () => {
        this.hdr(r.header);
        for (const p of r.perm) {
          // fmt.Println(`"PermType" : `, …) puts a second space before the name
          this.line(`"PermType" :  ${permTypeNames[p.permType ?? 0] ?? String(p.permType)}`);
          this.line(`"Key" : ${goQuote(bytesOf(p.key))}`);
          this.line(`"RangeEnd" : ${goQuote(bytesOf(p.rangeEnd))}`);
        }
      });
  }

  private roleGetSimple(role: string, perms: readonly authpb.IPermission[]): void {
    const out = (s: string | Uint8Array) => this.o.out(s);
    const printRange = (key: Uint8Array, end: Uint8Array) => {
      if (!(end.length === 1 && end[0] === 0)) {
        out('\t[');
        out(key);
        out(', ');
        out(end);
        out(')');
      } else {
        out('\t[');
        out(key);
        out(', <open ended>');
      }
      if (Buffer.compare(prefixRangeEnd(key), end) === 0) {
        out(' (prefix ');
        out(key);
        out(')');
      }
      out('\n');
    };
    const section = (title: string, types: readonly number[]) => {
      out(title);
      for (const p of perms) {
        if (!types.includes(p.permType ?? 0)) continue;
        const key = bytesOf(p.key);
        const end = bytesOf(p.rangeEnd);
        if (end.length === 0) {
          out('\t');
          out(key);
          out('\n');
        } else printRange(key, end);
      }
    };
    out(`Role ${role}\n`);
    section('KV Read:\n', [0, 2]);
    section('KV Write:\n', [1, 2]);
  }
}

export function authDisplay(format: OutputFormat, o: Out): AuthDisplay {
  return new AuthDisplay(format, o);
}
