// URLs as etcd parses and prints them (pkg/types/urls.go NewURLs on top of Go's net/url). Not WHATWG `URL`:
// that one drops default ports ("http://h:80" loses ":80", which etcd keeps and needs for host:port), adds a
// "/" path to every http URL (so it would no longer print like etcd, and member ids are hashed from the
// printed form), and lower-cases hosts. An EtcdUrl is a frozen value whose `href` is Go's url.String(); it
// offers the members of `URL` that make sense here (protocol, host, hostname, port, href, toString) so code
// written against `URL` keeps working, but its `port` keeps ":80"/":443" and its `hostname` has no brackets.
import * as net from 'node:net';
import { goQuote } from './go-values';

export type EtcdUrlScheme = 'http' | 'https' | 'unix' | 'unixs';

export interface EtcdUrl {
  readonly scheme: EtcdUrlScheme;
  /** the scheme with its colon, like URL.protocol: 'http:' */
  readonly protocol: string;
  /** host:port exactly as given (IPv6 keeps its brackets) */
  readonly host: string;
  /** the host without port or brackets */
  readonly hostname: string;
  /** the port text, possibly empty ("http://h:" is valid for etcd) */
  readonly port: string;
  /** Go's url.String(): scheme://host */
  readonly href: string;
  /** href */
  toString(): string;
  /** href, so JSON and log fields show a URL list as etcd does: ["http://127.0.0.1:2379"] */
  toJSON(): string;
}

/** An error from one URL; the message is etcd's. */
export class EtcdUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EtcdUrlError';
  }
}

const schemes: ReadonlySet<string> = new Set(['http', 'https', 'unix', 'unixs']);

/** Go's getScheme: a scheme is [a-zA-Z][a-zA-Z0-9+.-]* followed by ':'. Returns [scheme, rest]. */
function splitScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new EtcdUrlError(`parse ${goQuote(raw)}: missing protocol scheme`);
      return [raw.slice(0, i).toLowerCase(), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

/** Go's net.SplitHostPort, reduced to: does it succeed, and what are host and port. */
function splitHostPort(hostport: string): { hostname: string; port: string } | undefined {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return undefined;
  let hostname: string;
  let j = 0;
  let k = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== i) return undefined;
    hostname = hostport.slice(1, end);
    [j, k] = [1, end + 1];
  } else {
    hostname = hostport.slice(0, i);
    if (hostname.includes(':')) return undefined;
  }
  if (hostport.indexOf('[', j) >= 0 || hostport.indexOf(']', k) >= 0) return undefined;
  return { hostname, port: hostport.slice(i + 1) };
}

/** Go's url.Parse host validation: "[v6]:port" needs its ']'; a port must be digits. */
function checkGoHost(raw: string, host: string): void {
  let colonPort: string;
  if (host.startsWith('[')) {
    const end = host.lastIndexOf(']');
    if (end < 0) throw new EtcdUrlError(`parse ${goQuote(raw)}: missing ']' in host`);
    colonPort = host.slice(end + 1);
  } else {
    const i = host.lastIndexOf(':');
    colonPort = i < 0 ? '' : host.slice(i);
  }
  if (colonPort !== '' && !/^:[0-9]*$/.test(colonPort)) {
    throw new EtcdUrlError(`parse ${goQuote(raw)}: invalid port ${goQuote(colonPort)} after host`);
  }
}

/** One URL, validated like etcd's types.NewURLs does for each element (after TrimSpace). */
export function parseEtcdUrl(input: string): EtcdUrl {
  const raw = input.trim();
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new EtcdUrlError(`parse ${goQuote(raw)}: net/url: invalid control character in URL`);
  const [scheme, rest] = splitScheme(raw);
  if (!schemes.has(scheme)) throw new EtcdUrlError(`URL scheme must be http, https, unix, or unixs: ${raw}`);
  let host = '';
  let path = rest;
  if (rest.startsWith('//')) {
    const authority = rest.slice(2).split(/[/?#]/, 1)[0];
    path = rest.slice(2 + authority.length);
    host = authority.slice(authority.lastIndexOf('@') + 1);
    checkGoHost(raw, host);
    if (authority.includes('@')) throw new EtcdUrlError(`URL must not contain user info: ${raw}`);
  }
  const hp = splitHostPort(host);
  if (hp === undefined) throw new EtcdUrlError(`URL address does not have the form "host:port": ${raw}`);
  if (/^[^?#]/.test(path)) throw new EtcdUrlError(`URL must not contain a path: ${raw}`);
  if (path !== '') throw new EtcdUrlError(`URL must not contain a query or fragment: ${raw}`);
  const href = `${scheme}://${host}`;
  return Object.freeze({ scheme: scheme as EtcdUrlScheme, protocol: `${scheme}:`, host, hostname: hp.hostname, port: hp.port, href, toString: () => href, toJSON: () => href });
}

/**
 * etcd's types.NewURLs(strings.Split(s, ",")): every element must parse; the result is sorted by its printed
 * form and, like etcd's UniqueURLs flag value, holds each URL once.
 */
export function parseEtcdUrlList(s: string): readonly EtcdUrl[] {
  const parsed = s.split(',').map(parseEtcdUrl);
  const byHref = new Map<string, EtcdUrl>();
  for (const u of parsed) byHref.set(u.href, u);
  return Object.freeze([...byHref.values()].sort((a, b) => (a.href < b.href ? -1 : a.href > b.href ? 1 : 0)));
}

/** The printed form of a URL list, comma-joined (types.URLs.String()). */
export function formatEtcdUrls(urls: readonly EtcdUrl[]): string {
  return urls.map((u) => u.href).join(',');
}

/** etcd's checkBindURLs: a listen URL names an IP address or "localhost" (unix sockets excepted). */
export function checkBindUrls(urls: readonly EtcdUrl[]): string | undefined {
  for (const u of urls) {
    if (u.scheme === 'unix' || u.scheme === 'unixs') continue;
    if (u.hostname === 'localhost') continue;
    if (net.isIP(u.hostname) === 0) return `expected IP in URL for binding (${u.href})`;
  }
  return undefined;
}

/** etcd's checkHostURLs: an advertised URL names a host. */
export function checkHostUrls(urls: readonly EtcdUrl[]): string | undefined {
  for (const u of urls) {
    if (u.hostname === '') return `unexpected empty host (${u.href})`;
  }
  return undefined;
}
