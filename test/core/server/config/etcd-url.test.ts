import {
  checkBindUrls,
  checkHostUrls,
  EtcdUrlError,
  formatEtcdUrls,
  parseEtcdUrl,
  parseEtcdUrlList,
} from '../../../../src/core/server/config/etcd-url';

function errorOf(s: string): string {
  try {
    parseEtcdUrlList(s);
  } catch (err) {
    expect(err).toBeInstanceOf(EtcdUrlError);
    return (err as Error).message;
  }
  throw new Error(`no error for ${s}`);
}

describe('etcd-url', () => {
  it('prints URLs as Go does, keeping default ports and adding no path', () => {
    const u = parseEtcdUrl('http://127.0.0.1:80');
    expect(u.href).toBe('http://127.0.0.1:80');
    expect(String(u)).toBe('http://127.0.0.1:80');
    expect(u.port).toBe('80');
    expect(u.protocol).toBe('http:');
    expect(u.hostname).toBe('127.0.0.1');
    expect(Object.isFrozen(u)).toBe(true);
    expect(JSON.stringify({ urls: [u] })).toBe('{"urls":["http://127.0.0.1:80"]}');
  });

  it('splits IPv6 hosts and unix sockets', () => {
    const v6 = parseEtcdUrl('https://[::1]:2379');
    expect([v6.host, v6.hostname, v6.port, v6.href]).toEqual(['[::1]:2379', '::1', '2379', 'https://[::1]:2379']);
    const unix = parseEtcdUrl('unix://localhost:12345');
    expect([unix.scheme, unix.hostname, unix.port]).toEqual(['unix', 'localhost', '12345']);
    expect(parseEtcdUrl(' HTTP://Example.COM:1 ').href).toBe('http://Example.COM:1');
  });

  it('sorts, trims and deduplicates a list like etcd', () => {
    const list = parseEtcdUrlList('http://b:2, http://a:1,http://b:2');
    expect(formatEtcdUrls(list)).toBe('http://a:1,http://b:2');
  });

  it("rejects bad URLs with etcd's messages", () => {
    expect(errorOf('foo')).toBe('URL scheme must be http, https, unix, or unixs: foo');
    expect(errorOf('ftp://127.0.0.1:2379')).toBe('URL scheme must be http, https, unix, or unixs: ftp://127.0.0.1:2379');
    expect(errorOf('127.0.0.1:2379')).toBe('URL scheme must be http, https, unix, or unixs: 127.0.0.1:2379');
    expect(errorOf('localhost:2379')).toBe('URL scheme must be http, https, unix, or unixs: localhost:2379');
    expect(errorOf('http://127.0.0.1')).toBe('URL address does not have the form "host:port": http://127.0.0.1');
    expect(errorOf('http:foo')).toBe('URL address does not have the form "host:port": http:foo');
    expect(errorOf('http://127.0.0.1:2379/x')).toBe('URL must not contain a path: http://127.0.0.1:2379/x');
    expect(errorOf('http://127.0.0.1:2379/')).toBe('URL must not contain a path: http://127.0.0.1:2379/');
    expect(errorOf('http://h:abc')).toBe('parse "http://h:abc": invalid port ":abc" after host');
    expect(errorOf('http://[::1:2379')).toBe('parse "http://[::1:2379": missing \']\' in host');
    expect(errorOf('http://a:1,')).toBe('URL scheme must be http, https, unix, or unixs: ');
    expect(errorOf(':2379')).toBe('parse ":2379": missing protocol scheme');
  });

  it('accepts what Go accepts at parse time and leaves the rest to validation', () => {
    expect(parseEtcdUrl('http://:2379').hostname).toBe('');
    expect(parseEtcdUrl('http://h:').port).toBe('');
    expect(checkHostUrls([parseEtcdUrl('http://:2379')])).toBe('unexpected empty host (http://:2379)');
    expect(checkHostUrls([parseEtcdUrl('http://example.com:2379')])).toBeUndefined();
  });

  it('requires an IP or localhost in listen URLs', () => {
    expect(checkBindUrls(parseEtcdUrlList('http://example.com:2379'))).toBe('expected IP in URL for binding (http://example.com:2379)');
    expect(checkBindUrls(parseEtcdUrlList('http://localhost:2379,http://0.0.0.0:1,http://[::]:2'))).toBeUndefined();
    expect(checkBindUrls(parseEtcdUrlList('unix://somewhere:1'))).toBeUndefined();
  });
});
