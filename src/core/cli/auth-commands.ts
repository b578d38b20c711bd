// What etcdctl's auth, user and role commands share (ctlv3/command/user_command.go, role_command.go).
import { CtlExit } from './ctl-exit';
import type { CtlContext } from './ctl-context';
import { ExitCode } from './exit-codes';
import { prefixRangeEnd } from './kv-ops';
import { authDisplay, type AuthDisplay } from './printers/auth';
import { promptPassword } from './password-prompt';

/** The user and role commands call the client with context.TODO(): no deadline of their own. */
export const noDeadline = { deadline: Number.POSITIVE_INFINITY } as const;

export function badArgs(message: string): never {
  throw new CtlExit(ExitCode.BadArgs, message);
}

/** The display for this family, once the client configuration has set the output format. */
export function display(ctx: CtlContext): AuthDisplay {
  return authDisplay(ctx.display.format, ctx.out);
}

/** readPasswordInteractive: asked twice, refused when empty or different. */
export async function readPasswordInteractive(ctx: CtlContext, name: string): Promise<string> {
  const first = await promptPassword(`Password of ${name}: `, ctx.out);
  if (first.length === 0) badArgs('empty password');
  const second = await promptPassword(`Type password of ${name} again for confirmation: `, ctx.out);
  if (first !== second) badArgs('given passwords are different');
  return first;
}

/** clientv3.StrToPermissionType */
export function permissionType(s: string): number {
  const i = ['READ', 'WRITE', 'READWRITE'].indexOf(s.toUpperCase());
  if (i < 0) badArgs(`invalid permission type: ${s}`);
  return i;
}

/** permRange: the key and range end of a grant or revoke ("\x00" for an empty key or an open end). */
export function permRange(args: readonly string[], prefix: boolean, fromKey: boolean): { key: Buffer; end: Buffer } {
  const zero = () => Buffer.from([0]);
  const key = Buffer.from(args[0], 'utf8');
  if (key.length === 0) {
    if (prefix && fromKey) badArgs('--from-key and --prefix flags are mutually exclusive');
    return { key: zero(), end: prefix || fromKey ? zero() : Buffer.alloc(0) };
  }
  if (args.length === 1) {
    if (prefix) {
      if (fromKey) badArgs('--from-key and --prefix flags are mutually exclusive');
      return { key, end: prefixRangeEnd(key) };
    }
    return { key, end: fromKey ? zero() : Buffer.alloc(0) };
  }
  if (prefix) badArgs('unexpected endkey argument with --prefix flag');
  if (fromKey) badArgs('unexpected endkey argument with --from-key flag');
  return { key, end: Buffer.from(args[1], 'utf8') };
}
