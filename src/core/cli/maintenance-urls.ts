// pkg/types.NewURLs as clientv3 3.4 runs it on member add/update peer URLs before sending them ("fail-fast
// before panic in rafthttp"), with Go's net/url parse errors for the cases a peer URL hits.

function goUrlParse(raw: string): { scheme: string; host: string; path: string } {
  const fail = (why: string): never => {
    throw new Error(`parse ${JSON.stringify(raw)}: ${why}`);
  };
  if (/[\x00-\x1f\x7f]/.test(raw)) fail('net/url: invalid control character in URL');
  let rest = raw;
  let scheme = '';
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw);
  if (m) {
    scheme = m[1].toLowerCase();
    rest = raw.slice(m[0].length);
  } else if (raw.startsWith(':')) {
    fail('missing protocol scheme');
  }
  const hashless = rest.split('#')[0].split('?')[0];
  if (scheme === '' && !hashless.startsWith('/')) {
    const seg = hashless.split('/')[0];
    if (seg.includes(':')) fail('first path segment in URL cannot contain colon');
  }
  if (scheme !== '' && !hashless.startsWith('/')) return { scheme, host: '', path: '' }; // opaque
  let host = '';
  let path = hashless;
  if (hashless.startsWith('//')) {
    const auth = hashless.slice(2);
    const slash = auth.indexOf('/');
    host = slash < 0 ? auth : auth.slice(0, slash);
    path = slash < 0 ? '' : auth.slice(slash);
    const at = host.lastIndexOf('@');
    if (at >= 0) host = host.slice(at + 1);
    const colon = host.startsWith('[') ? host.indexOf(':', host.indexOf(']')) : host.lastIndexOf(':');
    if (colon >= 0 && !/^\d*$/.test(host.slice(colon + 1))) fail(`invalid port ${JSON.stringify(host.slice(colon))} after host`);
  }
  return { scheme, host, path };
}

/** net.SplitHostPort's acceptance: "host:port" with one colon, or "[v6]:port". */
function hasHostPort(host: string): boolean {
  if (host.startsWith('[')) return /^\[[^\]]*\]:[^:]*$/.test(host);
  return (host.match(/:/g) ?? []).length === 1;
}

/** types.NewURLs: throws Error with the message etcdctl prints. */
export function checkPeerUrls(urls: readonly string[]): void {
  if (urls.length === 0) throw new Error('no valid URLs given');
  for (const raw of urls) {
    const s = raw.trim();
    const u = goUrlParse(s);
    if (!['http', 'https', 'unix', 'unixs'].includes(u.scheme)) throw new Error(`URL scheme must be http, https, unix, or unixs: ${s}`);
    if (!hasHostPort(u.host)) throw new Error(`URL address does not have the form "host:port": ${s}`);
    if (u.path !== '') throw new Error(`URL must not contain a path: ${s}`);
  }
}
