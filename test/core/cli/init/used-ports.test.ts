import { UsedPorts } from '../../../../src/core/cli/init/used-ports';

describe('UsedPorts', () => {
  it('follows etcd\'s local-cluster ports, then pairs from 2381', () => {
    const used = new UsedPorts();
    const pairs: [number, number][] = [];
    for (let i = 0; i < 8; i++) {
      const client = used.defaultClientPort('127.0.0.1');
      used.claim('127.0.0.1', client, `m${i}'s client port`);
      const peer = used.defaultPeerPort('127.0.0.1', client);
      used.claim('127.0.0.1', peer, `m${i}'s peer port`);
      pairs.push([client, peer]);
    }
    expect(pairs).toEqual([
      [2379, 2380], [22379, 22380], [32379, 32380], [42379, 42380], [52379, 52380], [62379, 62380], [2381, 2382], [2383, 2384],
    ]);
  });

  it('keeps hosts apart and compares them without case', () => {
    const used = new UsedPorts();
    used.claim('Node-A', 2379, 'a\'s client port');
    expect(used.defaultClientPort('node-b')).toBe(2379);
    expect(used.defaultClientPort('node-a')).toBe(22379);
    expect(used.problem('NODE-A', 2379)).toBe('port 2379 on NODE-A is already a\'s client port');
    expect(used.problem('node-b', 2379)).toBeNull();
  });

  it('skips a taken client+1 for the peer port', () => {
    const used = new UsedPorts();
    used.claim('h', 5001, 'x');
    expect(used.defaultPeerPort('h', 5000)).toBe(2382);
    expect(used.defaultPeerPort('h', 65535)).toBe(2382);
    expect(used.defaultPeerPort('h', 4000)).toBe(4001);
  });
});
