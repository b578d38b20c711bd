// Turns flags and answers into a ClusterPlan. Every question has a flag; a question its flag answers is not
// asked. The rest are asked (mode 'ask'), take their defaults ('defaults', --yes) or are reported missing
// together at the end ('strict': no terminal or --non-interactive, without --yes).
import assert from 'node:assert';
import * as path from 'node:path';
import {
  hostDefault, memberTlsPath, membersDefault, outputDirDefault,
  type ClusterPlan, type ClusterTls, type InitialClusterState, type MemberPlan, type TlsSide,
} from './cluster-plan';
import { InitError } from './init-error';
import { splitListFlag, type InitFlags } from './init-flags';
import type { Prompter } from './prompter';
import { UsedPorts } from './used-ports';
import {
  dataDirProblem, hostProblem, memberCountProblem, memberNameProblem, normalizeHost, outputDirProblem, parsePort,
  tlsFileProblem, tokenProblem,
} from './validators';

export type CollectMode = 'ask' | 'defaults' | 'strict';

export interface CollectContext {
  readonly flags: InitFlags;
  /** asks the questions; required in mode 'ask' */
  readonly prompter: Prompter | null;
  readonly mode: CollectMode;
  /** relative output and TLS paths are resolved against it */
  readonly cwd: string;
  /** a fresh cluster token (random in production) */
  readonly newToken: () => string;
}

interface Answerable<T> {
  readonly flag: string;
  readonly given: T | undefined;
  /** undefined: no default (the question must be answered) */
  readonly def: T | undefined;
  /** stands in for a missing answer that has no default, so collection goes on to find the other missing ones */
  readonly fallback?: T;
  readonly ask: () => Promise<T>;
  readonly check: (answer: T) => string | null;
}

interface TextQuestion {
  readonly flag: string;
  readonly given: string | undefined;
  readonly def: string | undefined;
  readonly message: string;
  readonly check: (answer: string) => string | null;
}

const stateChoices = [
  { value: 'new', name: 'new: the members start a new cluster together' },
  { value: 'existing', name: 'existing: the members join a cluster that is already running' },
] as const;

/** Entry i of a list flag that may give one entry for every member. */
function entryFor(list: readonly string[] | undefined, i: number): string | undefined {
  if (list === undefined) return undefined;
  return list.length === 1 ? list[0] : list[i];
}

class PlanCollector {
  readonly missing = new Set<string>();
  private readonly names: readonly string[] | undefined;
  private readonly hosts: readonly string[] | undefined;
  private readonly clientPorts: readonly string[] | undefined;
  private readonly peerPorts: readonly string[] | undefined;
  private readonly dataDirs: readonly string[] | undefined;
  private readonly nameOwners = new Map<string, number>();
  private readonly usedPorts = new UsedPorts();
  /** per host (lower case): data dir → member name */
  private readonly dataDirOwners = new Map<string, Map<string, string>>();

  constructor(private readonly ctx: CollectContext) {
    const f = ctx.flags;
    this.names = splitListFlag('--names', f.names);
    this.hosts = splitListFlag('--hosts', f.hosts);
    this.clientPorts = splitListFlag('--client-ports', f.clientPorts);
    this.peerPorts = splitListFlag('--peer-ports', f.peerPorts);
    this.dataDirs = splitListFlag('--data-dirs', f.dataDirs);
  }

  async collect(): Promise<ClusterPlan> {
    const outputDir = await this.outputDir();
    const count = await this.memberCount();
    const members: MemberPlan[] = [];
    for (let i = 0; i < count; i++) members.push(await this.member(i, count, outputDir, members));
    const token = await this.text({
      flag: '--token', given: this.ctx.flags.token, def: this.ctx.newToken(),
      message: 'Cluster token (unique per cluster, so members of different clusters never join each other):',
      check: tokenProblem,
    });
    const state = await this.state();
    const tls = await this.tls(members);
    return { outputDir, members, token, state, tls };
  }

  private async answer<T>(q: Answerable<T>): Promise<T> {
    if (q.given !== undefined) {
      const problem = q.check(q.given);
      if (problem !== null) throw new InitError(`${q.flag}: ${problem}`);
      return q.given;
    }
    if (this.ctx.mode === 'ask') return q.ask();
    if (this.ctx.mode === 'defaults' && q.def !== undefined) {
      const problem = q.check(q.def);
      if (problem !== null) throw new InitError(`${q.flag} (default): ${problem}`);
      return q.def;
    }
    this.missing.add(q.flag);
    const stand = q.def ?? q.fallback;
    assert(stand !== undefined, `${q.flag} has neither a default nor a fallback`);
    return stand;
  }

  /** A typed answer, trimmed; the check sees the trimmed text. */
  private async text(q: TextQuestion): Promise<string> {
    const check = (a: string): string | null => q.check(a.trim());
    const prompter = this.ctx.prompter;
    const answer = await this.answer<string>({
      flag: q.flag, given: q.given, def: q.def, fallback: '', check,
      ask: () => {
        assert(prompter !== null);
        return prompter.input({ message: q.message, default: q.def, validate: check });
      },
    });
    return answer.trim();
  }

  private async confirm(flag: string, given: boolean | undefined, def: boolean, message: string): Promise<boolean> {
    const prompter = this.ctx.prompter;
    return this.answer<boolean>({
      flag: `--[no-]${flag.slice(2)}`, given, def, check: () => null,
      ask: () => {
        assert(prompter !== null);
        return prompter.confirm({ message, default: def });
      },
    });
  }

  private async outputDir(): Promise<string> {
    const dir = await this.text({
      flag: '--output-dir', given: this.ctx.flags.outputDir, def: outputDirDefault,
      message: 'Output directory (member configs, start/stop scripts, logs):',
      check: (a) => outputDirProblem(path.resolve(this.ctx.cwd, a)),
    });
    return path.resolve(this.ctx.cwd, dir);
  }

  /** Lists with one entry per member fix the count; hosts and ports may also give one entry for all members. */
  private async memberCount(): Promise<number> {
    const f = this.ctx.flags;
    const lists: readonly [string, readonly string[] | undefined, boolean][] = [
      ['--names', this.names, false], ['--data-dirs', this.dataDirs, false], ['--hosts', this.hosts, true],
      ['--client-ports', this.clientPorts, true], ['--peer-ports', this.peerPorts, true],
    ];
    let fixedBy: { readonly flag: string; readonly n: number } | undefined;
    for (const [flag, list, forAll] of lists) {
      if (list === undefined || (forAll && list.length === 1)) continue;
      if (f.members !== undefined && list.length !== f.members) {
        throw new InitError(`${flag} has ${list.length} entries but --members is ${f.members}`);
      }
      if (fixedBy !== undefined && fixedBy.n !== list.length) {
        throw new InitError(`${flag} has ${list.length} entries but ${fixedBy.flag} has ${fixedBy.n}`);
      }
      fixedBy = { flag, n: list.length };
    }
    const given = f.members !== undefined ? String(f.members) : fixedBy !== undefined ? String(fixedBy.n) : undefined;
    const text = await this.text({
      flag: '--members', given, def: String(membersDefault),
      message: 'How many members (etcd recommends 3, 5 or 7)?', check: memberCountProblem,
    });
    return Number(text);
  }

  private defaultName(i: number): string {
    for (let j = i; ; j++) if (!this.nameOwners.has(`infra${j}`)) return `infra${j}`;
  }

  private async member(i: number, count: number, outputDir: string, before: readonly MemberPlan[]): Promise<MemberPlan> {
    const name = await this.text({
      flag: '--names', given: this.names?.[i], def: this.defaultName(i),
      message: `Member ${i + 1} of ${count}: name`, check: (a) => memberNameProblem(a, this.nameOwners),
    });
    this.nameOwners.set(name, i);
    const host = normalizeHost(await this.text({
      flag: '--hosts', given: entryFor(this.hosts, i), def: before.at(-1)?.host ?? hostDefault,
      message: `${name}: host (the address clients and the other members reach it at)`, check: hostProblem,
    }));
    const clientPort = await this.port('--client-ports', entryFor(this.clientPorts, i), host,
      this.usedPorts.defaultClientPort(host), `${name}: client port`);
    this.usedPorts.claim(host, clientPort, `${name}'s client port`);
    const peerPort = await this.port('--peer-ports', entryFor(this.peerPorts, i), host,
      this.usedPorts.defaultPeerPort(host, clientPort), `${name}: peer port`);
    this.usedPorts.claim(host, peerPort, `${name}'s peer port`);
    const owners = this.dataDirOwners.get(host.toLowerCase()) ?? new Map<string, string>();
    this.dataDirOwners.set(host.toLowerCase(), owners);
    const dataDir = path.resolve(outputDir, await this.text({
      flag: '--data-dirs', given: this.dataDirs?.[i], def: path.join(outputDir, `${name}.etcd`),
      message: `${name}: data dir (relative: under the output directory)`,
      check: (a) => dataDirProblem(path.resolve(outputDir, a), owners),
    }));
    owners.set(dataDir, name);
    return { name, host, clientPort, peerPort, dataDir };
  }

  private async port(flag: string, given: string | undefined, host: string, def: number, message: string): Promise<number> {
    const check = (a: string): string | null => {
      const port = parsePort(a);
      return typeof port === 'string' ? port : this.usedPorts.problem(host, port);
    };
    const text = await this.text({ flag, given, def: String(def), message, check });
    return parsePort(text) as number;
  }

  private async state(): Promise<InitialClusterState> {
    const given = this.ctx.flags.initialClusterState;
    const prompter = this.ctx.prompter;
    return this.answer<InitialClusterState>({
      flag: '--initial-cluster-state', given: given as InitialClusterState | undefined, def: 'new',
      check: (a) => (a === 'new' || a === 'existing' ? null : `expected new or existing, not "${a}"`),
      ask: () => {
        assert(prompter !== null);
        return prompter.select<InitialClusterState>({ message: 'Initial cluster state:', choices: stateChoices, default: 'new' });
      },
    });
  }

  private async tls(members: readonly MemberPlan[]): Promise<ClusterTls | null> {
    const on = await this.confirm('--tls', this.ctx.flags.tls, false, 'Use TLS (https) for client and peer traffic?');
    if (!on) return null;
    const client = await this.tlsSide('client', members, null);
    const peer = await this.tlsSide('peer', members, client);
    return { client, peer };
  }

  /** The peer side offers the client side's answers as its defaults. */
  private async tlsSide(side: 'client' | 'peer', members: readonly MemberPlan[], base: TlsSide | null): Promise<TlsSide> {
    const f = this.ctx.flags;
    const peer = side === 'peer';
    const pre = peer ? '--peer-' : '--';
    const certFile = await this.tlsFile(`${pre}cert-file`, peer ? f.peerCertFile : f.certFile, base?.certFile,
      `${side} certificate`, members, true);
    const keyFile = await this.tlsFile(`${pre}key-file`, peer ? f.peerKeyFile : f.keyFile, base?.keyFile,
      `${side} key`, members, true);
    const trustedCaFile = await this.tlsFile(`${pre}trusted-ca-file`, peer ? f.peerTrustedCaFile : f.trustedCaFile,
      base?.trustedCaFile ?? '', `${side} trusted CA`, members, false);
    const authFlag = `${pre}client-cert-auth`;
    const authGiven = peer ? f.peerClientCertAuth : f.clientCertAuth;
    if (trustedCaFile === '') {
      if (authGiven === true) throw new InitError(`${authFlag} needs ${pre}trusted-ca-file to check the certificates against`);
      return { certFile, keyFile, trustedCaFile, clientCertAuth: false };
    }
    const who = peer ? 'other members' : 'clients';
    const clientCertAuth = await this.confirm(authFlag, authGiven, base?.clientCertAuth ?? true,
      `Require ${who} to present a certificate signed by that CA (${side} client-cert-auth)?`);
    return { certFile, keyFile, trustedCaFile, clientCertAuth };
  }

  private async tlsFile(flag: string, given: string | undefined, def: string | undefined, what: string,
    members: readonly MemberPlan[], required: boolean): Promise<string> {
    const resolve = (a: string): string => (a === '' ? '' : path.resolve(this.ctx.cwd, a));
    const check = (a: string): string | null => {
      if (a === '' && !required) return null;
      const template = resolve(a);
      return tlsFileProblem(`${what} file`, template, new Map(members.map((m) => [m.name, memberTlsPath(template, m.name)])));
    };
    const optional = required ? '' : ', empty for none';
    const message = `${what[0].toUpperCase()}${what.slice(1)} file ({name} stands for the member's name${optional}):`;
    return resolve(await this.text({ flag, given, def, message, check }));
  }
}

function missingMessage(missing: ReadonlySet<string>, mode: CollectMode): string {
  const list = [...missing].join(', ');
  if (mode === 'defaults') return `missing answers with no default: ${list}`;
  return `missing answers, and no terminal to ask them on (or --non-interactive): ${list}\n` +
    'Pass these flags, or --yes to take the defaults (certificate and key files have none).';
}

/** Asks, or takes from flags and defaults, every answer; throws InitError naming what is wrong or missing. */
export async function collectPlan(ctx: CollectContext): Promise<ClusterPlan> {
  assert(ctx.mode !== 'ask' || ctx.prompter !== null, 'mode ask needs a prompter');
  const collector = new PlanCollector(ctx);
  try {
    const plan = await collector.collect();
    if (collector.missing.size === 0) return plan;
  } catch (err) {
    // a stand-in for a missing answer may clash with a given one: report what is missing first
    if (!(err instanceof InitError) || collector.missing.size === 0) throw err;
  }
  throw new InitError(missingMessage(collector.missing, ctx.mode));
}
