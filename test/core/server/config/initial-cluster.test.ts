import * as os from 'node:os';
import { ConfigError, parseServerConfig } from '../../../../src/core/server/config';
import { formatInitialCluster, parseInitialCluster, verifyBootstrapCluster } from '../../../../src/core/server/config/initial-cluster';

const cfg = (argv: string[]) => parseServerConfig(argv, {}, os.tmpdir());

function bootstrapError(argv: string[]): string | undefined {
  try {
    verifyBootstrapCluster(cfg(argv));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  return undefined;
}

describe('initial-cluster', () => {
  it('gathers the URLs of each name, sorted, skipping empty elements', () => {
    const c = parseInitialCluster('b=http://2.2.2.2:2380,,a=http://1.1.1.1:2380,b=http://1.1.1.1:2381');
    expect([...c.keys()]).toEqual(['b', 'a']);
    expect(c.get('b')?.map((u) => u.href)).toEqual(['http://1.1.1.1:2381', 'http://2.2.2.2:2380']);
    expect(formatInitialCluster(c)).toBe('a=http://1.1.1.1:2380,b=http://1.1.1.1:2381,b=http://2.2.2.2:2380');
    expect(parseInitialCluster('').size).toBe(0);
  });

  it('accepts a cluster that names this member with its advertised URLs', () => {
    expect(bootstrapError([])).toBeUndefined();
    expect(bootstrapError(['--name=n1', '--initial-advertise-peer-urls=http://127.0.0.1:2390'])).toBeUndefined();
    // localhost and 127.0.0.1 name the same address, as etcd's resolver finds
    expect(bootstrapError(['--initial-cluster=default=http://127.0.0.1:2380'])).toBeUndefined();
  });

  it("rejects a cluster without this member's name, with etcd's message", () => {
    expect(bootstrapError(['--initial-cluster=a=http://127.0.0.1:2380'])).toBe('couldn\'t find local name "default" in the initial cluster configuration');
    expect(bootstrapError(['--initial-cluster=a=http://127.0.0.1:2380', '--initial-cluster-state=existing'])).toBe(
      'couldn\'t find local name "default" in the initial cluster configuration',
    );
  });

  it('rejects URLs that differ between --initial-cluster and --initial-advertise-peer-urls', () => {
    expect(bootstrapError(['--initial-cluster=default=http://127.0.0.1:2381'])).toBe(
      '--initial-cluster has default=http://127.0.0.1:2381 but missing from --initial-advertise-peer-urls=http://localhost:2380 (resolved urls: "http://localhost:2380" != "http://127.0.0.1:2381")',
    );
    expect(bootstrapError(['--initial-cluster=default=http://10.0.0.1:2380', '--initial-advertise-peer-urls=http://10.0.0.1:2380,http://10.0.0.2:2380'])).toBe(
      '--initial-advertise-peer-urls has http://10.0.0.2:2380 but missing from --initial-cluster=default=http://10.0.0.1:2380,default=http://10.0.0.2:2380',
    );
    // joining an existing cluster does not compare them
    expect(bootstrapError(['--initial-cluster=default=http://127.0.0.1:2381', '--initial-cluster-state=existing'])).toBeUndefined();
  });

  it('rejects a URL given to two members', () => {
    expect(bootstrapError(['--initial-cluster=default=http://127.0.0.1:2380,b=http://127.0.0.1:2380', '--initial-advertise-peer-urls=http://127.0.0.1:2380'])).toBe(
      'initial cluster b=http://127.0.0.1:2380,default=http://127.0.0.1:2380 has duplicate url',
    );
  });
});
