// Checks on single answers. Each returns null when the answer is fine, else the message shown to the user
// (under the prompt, or after the flag's name). The same checks serve prompts and flags.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { memberNamePlaceholder, membersMax } from './cluster-plan';

export const memberNameLengthMax = 63;
export const hostLengthMax = 253;
export const hostLabelLengthMax = 63;
export const portMin = 1;
export const portMax = 65535;
export const tokenLengthMax = 256;

const memberNamePattern = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const hostLabelPattern = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const wholeNumberPattern = /^[0-9]+$/;

export function memberCountProblem(text: string): string | null {
  const trimmed = text.trim();
  const n = Number(trimmed);
  if (!wholeNumberPattern.test(trimmed) || n < 1 || n > membersMax) {
    return `member count must be a whole number from 1 to ${membersMax} (etcd recommends 3, 5 or 7), not "${text}"`;
  }
  return null;
}

export function memberNameProblem(name: string, takenBy: ReadonlyMap<string, number>): string | null {
  if (name === '') return 'member name must not be empty';
  if (name.length > memberNameLengthMax) return `member name "${name}" is longer than ${memberNameLengthMax} characters`;
  if (!memberNamePattern.test(name)) {
    return `member name "${name}" may hold only letters, digits, '-', '_' and '.', and must start and end with a letter or digit`;
  }
  const other = takenBy.get(name);
  if (other !== undefined) return `member name "${name}" is already member ${other + 1}'s`;
  return null;
}

/** An IPv6 literal with or without brackets comes back bare; anything else unchanged. */
export function normalizeHost(host: string): string {
  const trimmed = host.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']') && net.isIPv6(trimmed.slice(1, -1))) return trimmed.slice(1, -1);
  return trimmed;
}

export function hostProblem(host: string): string | null {
  const h = normalizeHost(host);
  if (h === '') return 'host must not be empty';
  if (h === '0.0.0.0' || h === '::') {
    return `host ${h} can be listened on but not advertised: give the address other members and clients reach this member at`;
  }
  if (net.isIP(h) !== 0) return null;
  const labels = h.split('.');
  const dnsName = h.length <= hostLengthMax && labels.every((l) => l.length <= hostLabelLengthMax && hostLabelPattern.test(l));
  if (!dnsName || /^[0-9.]+$/.test(h)) return `host "${host}" is neither an IP address nor a DNS name`;
  return null;
}

/** Parses a port typed or passed as text; a problem message when it is not a whole number in range. */
export function parsePort(text: string): number | string {
  const trimmed = text.trim();
  const n = Number(trimmed);
  if (!wholeNumberPattern.test(trimmed) || n < portMin || n > portMax) {
    return `port must be a whole number from ${portMin} to ${portMax}, not "${text}"`;
  }
  return n;
}

export function dataDirProblem(dir: string, takenBy: ReadonlyMap<string, string>): string | null {
  if (dir.trim() === '') return 'data dir must not be empty';
  const other = takenBy.get(dir);
  if (other !== undefined) return `data dir ${dir} is already ${other}'s`;
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) return `data dir ${dir} exists and is not a directory`;
  return null;
}

export function tokenProblem(token: string): string | null {
  if (token === '') return 'cluster token must not be empty';
  if (token.length > tokenLengthMax) return `cluster token is longer than ${tokenLengthMax} characters`;
  if (!/^[\x21-\x7e]+$/.test(token)) return `cluster token "${token}" may hold only printable ASCII characters without spaces`;
  return null;
}

export function outputDirProblem(dir: string): string | null {
  if (dir.trim() === '') return 'output directory must not be empty';
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) return `output directory ${dir} exists and is not a directory`;
  return null;
}

/**
 * A TLS file must exist for every member: `paths` holds the path each member would read (after {name} is
 * replaced), keyed by member name; `what` names the file ("client certificate file").
 */
export function tlsFileProblem(what: string, template: string, paths: ReadonlyMap<string, string>): string | null {
  if (template.trim() === '') return `${what} must not be empty when TLS is on`;
  const perMember = template.includes(memberNamePlaceholder);
  for (const [member, p] of paths) {
    const forWhom = perMember ? ` (member ${member})` : '';
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      return `${what} ${p}${forWhom} does not exist`;
    }
    if (!stat.isFile()) return `${what} ${p}${forWhom} is not a file`;
    try {
      fs.accessSync(p, fs.constants.R_OK);
    } catch {
      return `${what} ${p}${forWhom} is not readable`;
    }
  }
  return null;
}
