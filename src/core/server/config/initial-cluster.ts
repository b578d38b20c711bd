// --initial-cluster: "name=url,name=url2,other=url3" → name → sorted peer URLs (etcd's types.NewURLsMap), and
// the checks etcd runs on it when a member bootstraps (etcdserver/config.go VerifyBootstrap and
// VerifyJoinExisting). etcd runs those checks only when the member has no WAL yet, so parseServerConfig does not
// call them: the server calls verifyBootstrapCluster once it knows the data dir is empty.
import { ConfigError } from './config-error';
import { parseEtcdUrlList, type EtcdUrl } from './etcd-url';
import { goQuote, goQuoteList } from './go-values';

/** A Map that refuses changes once built, so a frozen config cannot be altered through it. */
export class FrozenMap<K, V> extends Map<K, V> {
  private sealed = false;

  constructor(entries: Iterable<readonly [K, V]>) {
    super(entries);
    this.sealed = true;
  }

  override set(key: K, value: V): this {
    if (this.sealed) throw new TypeError('FrozenMap is read-only');
    return super.set(key, value);
  }

  override delete(): boolean {
    throw new TypeError('FrozenMap is read-only');
  }

  override clear(): void {
    throw new TypeError('FrozenMap is read-only');
  }
}

export type InitialCluster = ReadonlyMap<string, readonly EtcdUrl[]>;

/**
 * etcd's NewURLsMap: split on ",", each element split at its first "=" (no "=" means an empty URL), URLs of the
 * same name gathered. Throws the URL's error (etcd's words) for the first bad element.
 */
export function parseInitialCluster(s: string): InitialCluster {
  const gathered = new Map<string, string[]>();
  for (const element of s.split(',')) {
    if (element === '') continue;
    const eq = element.indexOf('=');
    const name = eq < 0 ? element : element.slice(0, eq);
    const url = eq < 0 ? '' : element.slice(eq + 1);
    const list = gathered.get(name) ?? [];
    list.push(url);
    gathered.set(name, list);
  }
  const out: Array<[string, readonly EtcdUrl[]]> = [];
  for (const [name, urls] of gathered) out.push([name, parseEtcdUrlList(urls.join(','))]);
  return new FrozenMap(out);
}

/** etcd's URLsMap.String(): "name=url" pairs sorted. */
export function formatInitialCluster(cluster: InitialCluster): string {
  const pairs: string[] = [];
  for (const [name, urls] of cluster) for (const u of urls) pairs.push(`${name}=${u.href}`);
  return pairs.sort().join(',');
}

/** The "name=url,..." etcd builds from a name and its advertised peer URLs (InitialClusterFromName). */
export function initialClusterFromName(name: string, advertisePeerUrls: readonly EtcdUrl[]): string {
  const n = name === '' ? 'default' : name;
  return advertisePeerUrls.map((u) => `${n}=${u.href}`).join(',');
}

/** What the bootstrap checks need from a ServerConfig. */
export interface BootstrapClusterView {
  readonly name: string;
  readonly initialClusterUrls: InitialCluster;
  readonly initialAdvertisePeerUrls: readonly EtcdUrl[];
  readonly initialClusterState: 'new' | 'existing';
}

function hasDuplicateUrl(cluster: InitialCluster): boolean {
  const seen = new Set<string>();
  for (const urls of cluster.values()) {
    for (const u of urls) {
      if (seen.has(u.href)) return true;
      seen.add(u.href);
    }
  }
  return false;
}

/**
 * The address a URL stands for when etcd compares advertised and cluster URLs. etcd resolves host names with
 * DNS; cairn resolves only "localhost" (to 127.0.0.1), which covers the common single-host setups.
 */
function resolvedHref(u: EtcdUrl): string {
  return u.hostname === 'localhost' ? `${u.scheme}://127.0.0.1:${u.port}` : u.href;
}

/** etcd's URLStringsEqual error, or undefined when the lists name the same addresses. */
function urlsEqualError(a: readonly EtcdUrl[], b: readonly EtcdUrl[]): string | undefined {
  if (a.length !== b.length) return `len(${goQuoteList(a.map((u) => u.href))}) != len(${goQuoteList(b.map((u) => u.href))})`;
  if (a.every((u, i) => u.href === b[i].href)) return undefined;
  const ra = a.map(resolvedHref).sort();
  const rb = b.map(resolvedHref).sort();
  for (let i = 0; i < ra.length; i++) {
    if (ra[i] !== rb[i]) return `resolved urls: ${goQuote(a[i].href)} != ${goQuote(b[i].href)}`;
  }
  return undefined;
}

function advertiseMatchesCluster(c: BootstrapClusterView): void {
  const clusterUrls = c.initialClusterUrls.get(c.name) ?? [];
  const advertised = c.initialAdvertisePeerUrls;
  const err = urlsEqualError(advertised, clusterUrls);
  if (err === undefined) return;
  const adHrefs = new Set(advertised.map((u) => u.href));
  const clHrefs = new Set(clusterUrls.map((u) => u.href));
  const apStr = advertised.map((u) => u.href).join(',');
  const missingFromAdvertised = [...clHrefs].filter((h) => !adHrefs.has(h));
  if (missingFromAdvertised.length > 0) {
    const mstr = missingFromAdvertised.map((h) => `${c.name}=${h}`).join(',');
    throw new ConfigError(`--initial-cluster has ${mstr} but missing from --initial-advertise-peer-urls=${apStr} (${err})`);
  }
  const own = formatInitialCluster(new Map([[c.name, advertised]]));
  const missingFromCluster = [...adHrefs].filter((h) => !clHrefs.has(h));
  if (missingFromCluster.length > 0) {
    throw new ConfigError(`--initial-advertise-peer-urls has ${missingFromCluster.join(',')} but missing from --initial-cluster=${own}`);
  }
  throw new ConfigError(`failed to resolve ${apStr} to match --initial-cluster=${own} (${err})`);
}

/**
 * The checks etcd makes before it bootstraps a member that has no WAL: for a new cluster (VerifyBootstrap) the
 * member's name is in --initial-cluster, its URLs there match --initial-advertise-peer-urls, no URL appears
 * twice; when joining an existing cluster (VerifyJoinExisting) only the name and the duplicates. Throws
 * ConfigError with etcd's message.
 */
export function verifyBootstrapCluster(c: BootstrapClusterView): void {
  if (c.initialClusterUrls.get(c.name) === undefined) {
    throw new ConfigError(`couldn't find local name ${goQuote(c.name)} in the initial cluster configuration`);
  }
  if (c.initialClusterState === 'new') advertiseMatchesCluster(c);
  if (hasDuplicateUrl(c.initialClusterUrls)) {
    throw new ConfigError(`initial cluster ${formatInitialCluster(c.initialClusterUrls)} has duplicate url`);
  }
  if (c.initialClusterState === 'new' && formatInitialCluster(c.initialClusterUrls) === '') {
    throw new ConfigError('initial cluster unset and no discovery URL found');
  }
}
