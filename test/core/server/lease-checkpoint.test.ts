// Lease checkpoints end to end in one process, on a fake clock: a member with checkpoints on proposes them
// through its log; with persistence they are stored, and the member reopened on the same data dir gives the
// lease the time it had left, not its full TTL (etcd --experimental-enable-lease-checkpoint[-persist]).
import * as fs from 'node:fs';
import { etcdserverpb } from '../../../src/core/api/proto';
import { layoutOf, openMember } from '../../../src/core/server/bootstrap';
import { EtcdServer } from '../../../src/core/server/etcd-server';
import { SINGLE_NODE_DEFAULTS, SingleNodeConsensus } from '../../../src/core/server/single-node';
import { tempDir } from '../../helpers/procs';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

async function startMember(dir: string, persist: boolean, clock: () => number) {
  const cluster = { name: 'm', initialCluster: new Map([['m', ['http://127.0.0.1:2380']]]), initialClusterToken: 't' };
  const opened = await openMember(layoutOf(dir), cluster, { wal: {}, quotaBackendBytes: 0, persistLeaseCheckpoints: persist });
  const consensus = new SingleNodeConsensus(opened.wal, opened.memberId, opened.hardState, opened.lastIndex, opened.kv.consistentIndex(), {
    ...SINGLE_NODE_DEFAULTS, onFatal: (err) => { throw err; },
  });
  const server = new EtcdServer({
    memberId: opened.memberId, clusterId: opened.clusterId, members: [], kv: opened.kv, consensus, logger: quiet, version: 'test', clock,
    limits: { maxRequestBytes: 1 << 20, maxTxnOps: 128, snapshotEntries: 10_000, compactionBatchLimit: 1000, compactionSleepIntervalMs: 0, leaseCheckpointIntervalMs: 60_000 },
  });
  server.replay(opened.entries);
  return { server, stop: async () => { await server.stop(); await opened.wal.close(); } };
}

/** A put proposed after `tickLeases` applies after what the tick proposed (entries apply in log order). */
async function afterTick(server: EtcdServer): Promise<void> {
  server.tickLeases();
  const req = { key: Buffer.from('after-tick'), value: Buffer.from('x') };
  await server.put(etcdserverpb.PutRequest.create(req), etcdserverpb.PutRequest.encode(req).finish());
}

describe.each([true, false])('lease checkpoints (persist: %s)', (persist) => {
  it(persist ? 'a reopened member gives the lease the time it had left at its last checkpoint' : 'without persistence a reopened member gives the full TTL again', async () => {
    const dir = tempDir('lease-cp');
    const t = { now: 1_000_000_000 };
    try {
      let m = await startMember(dir, persist, () => t.now);
      await m.server.leaseGrant({ ID: 77, TTL: 600 });
      t.now += 100_000;
      await afterTick(m.server); // checkpoint: 500 s left
      expect(m.server.leaseTimeToLive(77n, false)?.ttl).toBe(500);
      await m.stop();
      m = await startMember(dir, persist, () => t.now);
      expect(m.server.leaseTimeToLive(77n, false)).toEqual({ ttl: persist ? 500 : 600, grantedTtl: 600, keys: [] });
      // a renewal voids the checkpoint: reopened again, the lease has its full TTL
      expect(m.server.leaseRenew(77n)).toBe(600);
      await afterTick(m.server);
      await m.stop();
      m = await startMember(dir, persist, () => t.now);
      expect(m.server.leaseTimeToLive(77n, false)?.ttl).toBe(600);
      await m.stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
