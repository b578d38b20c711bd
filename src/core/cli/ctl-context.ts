// What a ctl command runs with: its parsed flags and arguments, the printer, and the client, set up in
// etcdctl's order (ctlv3/command/global.go): ETCDCTL_* variables, --debug, endpoints, timeouts, TLS files,
// user and password, output format, then the connection. Commands call these steps where etcdctl does, so
// argument errors, environment warnings and connection errors come out in the same order.
import * as fs from 'node:fs';
import type { ClientOptions, TlsOptions } from '../client/client-options';
import type { EtcdClient } from '../client/etcd-client';
import { EtcdError } from '../errors';
import { CtlExit } from './ctl-exit';
import { ExitCode } from './exit-codes';
import { applyEnv, flagToEnv } from './flags/env-flags';
import { FlagError, FlagSet, type ParsedArgs } from './flags/flag-set';
import { formatFlagValue, globalFlags, helpFlag, type FlagSpec } from './flags/flag-spec';
import { renderUsage, type UsageSpec } from './flags/usage';
import type * as NewPrinter from './printers/new-printer';
import type { Out, Printer } from './printers/printer';
import { SimplePrinter } from './printers/simple-printer';

/** How cairn names itself where etcdctl prints "etcdctl" (usage lines). */
export const ctlRootName = 'cairn ctl';

export interface CtlSpec extends UsageSpec {
  /** the command's own flags (help is added) */
  readonly flags: readonly FlagSpec[];
  /** persistent flags of a parent command (endpoint's --cluster), inherited like the global ones */
  readonly parentFlags?: readonly FlagSpec[];
  /** ETCDCTL_* variables the command reads itself, which therefore draw no warning */
  readonly envNames?: readonly string[];
}

export class CtlContext {
  readonly flags: FlagSet;
  readonly inherited: readonly FlagSpec[];
  args: string[] = [];
  argsLenAtDash = -1;
  /** etcdctl's package-level display: simple until the client configuration sets it */
  display: Printer;
  private clientPromise: Promise<EtcdClient> | undefined;
  private clientInstance: EtcdClient | undefined;
  private readonly extraClients: EtcdClient[] = [];
  private envApplied = false;

  constructor(readonly spec: CtlSpec, readonly out: Out, readonly env: NodeJS.ProcessEnv) {
    this.inherited = [...globalFlags, ...(spec.parentFlags ?? [])];
    const local = [...spec.flags, helpFlag(spec.path.split(' ').slice(-1)[0])];
    this.flags = new FlagSet([...local, ...this.inherited]);
    this.display = new SimplePrinter(out, false);
  }

  /** cobra's flag parsing; a bad flag prints etcdctl's error and usage and exits 1. */
  parse(argv: readonly string[]): void {
    let parsed: ParsedArgs;
    try {
      parsed = this.flags.parse(argv);
    } catch (err) {
      if (!(err instanceof FlagError)) throw err;
      this.out.err(`Error: ${err.message}\n`);
      this.out.out(renderUsage(ctlRootName, this.spec, [...this.spec.flags, helpFlag(this.spec.path.split(' ').slice(-1)[0])], this.inherited));
      this.out.err('\n');
      throw new CtlExit(ExitCode.Error, err.message);
    }
    this.args = parsed.args;
    this.argsLenAtDash = parsed.argsLenAtDash;
  }

  /** commandCtx: the deadline of one command, from --command-timeout as it stands now. */
  commandDeadline(): number {
    return Date.now() + this.flags.durationMs('command-timeout');
  }

  /** flags.SetPflagsFromEnv over the inherited flags (once). */
  applyEnv(): void {
    if (this.envApplied) return;
    this.envApplied = true;
    const r = applyEnv(this.flags, this.inherited.map((f) => f.name), this.env, this.spec.envNames ?? []);
    for (const m of r.messages) this.out.err(m);
    if (r.fatal) throw new CtlExit(ExitCode.Error);
  }

  /** initDisplayFromCmd */
  initDisplay(): void {
    // loaded here, not at the top: the json/protobuf printers bring the 2.3 MB generated proto module, which
    // commands that never print (version, argument errors) should not pay for at start (ctl-fast-path.ts)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { newPrinter } = require('./printers/new-printer') as typeof NewPrinter;
    const p = newPrinter(this.flags.string('write-out'), this.flags.bool('hex'), this.out);
    if (p === undefined) throw new CtlExit(ExitCode.BadFeature, 'unsupported output format');
    this.display = p;
  }

  /** clientConfigFromCmd: everything but the connection. */
  async clientConfig(): Promise<ClientOptions> {
    this.applyEnv();
    if (this.flags.bool('debug')) {
      for (const f of [...this.inherited].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        this.out.err(`${flagToEnv(f.name)}=${formatFlagValue(f.kind, this.flags.get(f.name))}\n`);
      }
    }
    if (this.flags.string('discovery-srv') !== '') {
      throw new CtlExit(ExitCode.Error, 'cairn ctl: --discovery-srv (DNS SRV discovery) is not supported yet; list --endpoints');
    }
    const endpoints = this.flags.strings('endpoints').map((e) => e.trim());
    const tls = this.tlsOptions();
    const auth = await this.authOptions();
    this.initDisplay();
    return {
      endpoints,
      dialTimeoutMs: this.flags.durationMs('dial-timeout'),
      keepAliveTimeMs: this.flags.durationMs('keepalive-time'),
      keepAliveTimeoutMs: this.flags.durationMs('keepalive-timeout'),
      tls,
      auth,
    };
  }

  private tlsOptions(): TlsOptions | undefined {
    return tlsFromFlags(this.flags, { cert: 'cert', key: 'key', cacert: 'cacert', insecureTransport: 'insecure-transport', skipVerify: 'insecure-skip-tls-verify' });
  }

  private async authOptions(): Promise<{ user: string; password: string } | undefined> {
    const user = this.flags.string('user');
    const password = this.flags.string('password');
    if (user === '') return undefined;
    if (password !== '') return { user, password };
    const colon = user.indexOf(':');
    if (colon >= 0) return { user: user.slice(0, colon), password: user.slice(colon + 1) };
    const { promptPassword } = await import('./password-prompt.js');
    return { user, password: await promptPassword('Password: ', this.out) };
  }

  /** mustClientFromCmd: configuration, then the connection (ExitBadConnection when it fails). */
  client(): Promise<EtcdClient> {
    this.clientPromise ??= (async () => {
      const opts = await this.clientConfig();
      this.clientInstance = await this.connect(opts);
      return this.clientInstance;
    })();
    return this.clientPromise;
  }

  /** A client for other options (one endpoint at a time: endpoint health); closed with the context. */
  async connect(opts: ClientOptions): Promise<EtcdClient> {
    const { EtcdClient: Client } = await import('../client/etcd-client.js');
    try {
      const c = await Client.connect(opts);
      this.extraClients.push(c);
      return c;
    } catch (err) {
      if (err instanceof EtcdError) throw new CtlExit(ExitCode.BadConnection, err.message);
      throw err;
    }
  }

  close(): void {
    for (const c of this.extraClients) c.close();
    this.clientInstance?.close();
  }
}

/** The flag names of one TLS configuration: the global --cert/--key/--cacert, or make-mirror's --dest-*. */
export interface TlsFlagNames {
  readonly cert: string;
  readonly key: string;
  readonly cacert: string;
  readonly insecureTransport: string;
  /** absent: verification is never skipped (make-mirror has no such flag) */
  readonly skipVerify?: string;
}

/**
 * etcdctl's TLS set-up from flags: an empty path given explicitly is refused, unreadable files are refused as
 * Go's open() words it, and no files with the insecure transport (the default) means plain text.
 */
export function tlsFromFlags(flags: FlagSet, names: TlsFlagNames): TlsOptions | undefined {
  const file = (name: string): string | undefined => {
    const v = flags.string(name);
    if (v === '' && flags.changed.has(name)) throw new CtlExit(ExitCode.BadArgs, `empty string is passed to --${name} option`);
    return v === '' ? undefined : v;
  };
  const certFile = file(names.cert);
  const keyFile = file(names.key);
  const caFile = file(names.cacert);
  const skip = names.skipVerify !== undefined && flags.bool(names.skipVerify);
  const configured = certFile !== undefined || keyFile !== undefined || caFile !== undefined;
  if (!configured && flags.bool(names.insecureTransport)) return undefined;
  for (const f of [certFile, keyFile, caFile]) {
    if (f === undefined) continue;
    try {
      fs.accessSync(f, fs.constants.R_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CtlExit(ExitCode.BadArgs, `open ${f}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code}`);
    }
  }
  return { certFile, keyFile, caFile, insecureSkipVerify: skip };
}
