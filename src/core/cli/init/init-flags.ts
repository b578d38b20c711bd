// The flags of `cairn init`, one per question, as oclif hands them over (lists still comma-separated text).
import { InitError } from './init-error';

export interface InitFlags {
  readonly members?: number;
  readonly names?: string;
  readonly hosts?: string;
  readonly clientPorts?: string;
  readonly peerPorts?: string;
  readonly dataDirs?: string;
  readonly token?: string;
  readonly initialClusterState?: string;
  readonly tls?: boolean;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly trustedCaFile?: string;
  readonly clientCertAuth?: boolean;
  readonly peerCertFile?: string;
  readonly peerKeyFile?: string;
  readonly peerTrustedCaFile?: string;
  readonly peerClientCertAuth?: boolean;
  readonly outputDir?: string;
  /** take the default for every question no flag answers; never prompt */
  readonly yes: boolean;
  /** never prompt; questions no flag answers are an error (unless --yes) */
  readonly nonInteractive: boolean;
  /** overwrite existing files without asking */
  readonly force: boolean;
}

/** Bound on the entries of one list flag (a few more than membersMax, so a long list gets a precise message). */
export const listFlagEntriesMax = 64;

/** A comma-separated flag as its entries (trimmed); undefined when the flag is absent. */
export function splitListFlag(flag: string, text: string | undefined): readonly string[] | undefined {
  if (text === undefined) return undefined;
  const entries = text.split(',').map((e) => e.trim());
  if (entries.length > listFlagEntriesMax) throw new InitError(`${flag}: more than ${listFlagEntriesMax} entries`);
  if (entries.some((e) => e === '')) throw new InitError(`${flag}: empty entry in "${text}" (entries are comma-separated)`);
  return entries;
}
