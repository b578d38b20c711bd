import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clusterFiles } from '../../../../src/core/cli/init/cluster-files';
import type { ClusterPlan } from '../../../../src/core/cli/init/cluster-plan';
import { writeClusterFiles } from '../../../../src/core/cli/init/write-cluster-files';

// Stands in for `cairn server`: prints its arguments, exits 3 at once for a config named bad.yaml, else runs
// until SIGTERM.
const fakeServer = `#!/bin/sh
echo "args: $*"
case "$2" in *bad.yaml) echo "bad config" >&2; exit 3 ;; esac
trap 'echo "got TERM"; exit 0' TERM
while :; do sleep 0.1; done
`;

let dir: string;
let fake: string;

function plan(names: readonly string[]): ClusterPlan {
  return {
    outputDir: path.join(dir, 'out dir'), // a space, to prove the scripts quote their paths
    members: names.map((name, i) => ({ name, host: '127.0.0.1', clientPort: 3000 + 2 * i, peerPort: 3001 + 2 * i, dataDir: path.join(dir, name) })),
    token: 't',
    state: 'new',
    tls: null,
  };
}

function run(script: string, args: readonly string[] = []) {
  const r = spawnSync(path.join(dir, 'out dir', script), args, { env: { ...process.env, CAIRN_SERVER: fake }, encoding: 'utf8', timeout: 15000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function pidOf(name: string): number | null {
  const p = path.join(dir, 'out dir', `${name}.pid`);
  return fs.existsSync(p) ? Number(fs.readFileSync(p, 'utf8')) : null;
}

/** A zombie (exited, not yet reaped: this container's init reaps slowly) counts as gone. */
function alive(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

describe('clusterScripts', () => {
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-init-scripts-'));
    fake = path.join(dir, 'fake-server.sh');
    fs.writeFileSync(fake, fakeServer, { mode: 0o755 });
  });
  afterEach(() => {
    for (const f of fs.existsSync(path.join(dir, 'out dir')) ? fs.readdirSync(path.join(dir, 'out dir')) : []) {
      const pid = f.endsWith('.pid') ? pidOf(f.slice(0, -4)) : null;
      if (pid !== null && alive(pid)) process.kill(pid, 'SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts each member in the background with its config, and stops it', () => {
    writeClusterFiles(clusterFiles(plan(['a', 'b'])));
    const started = run('start-cluster.sh');
    expect(started.code).toBe(0);
    expect(started.out).toMatch(/^started a \(pid \d+\), log .*\/out dir\/a\.log\nstarted b \(pid \d+\), log .*\/out dir\/b\.log\n$/);
    const [a, b] = [pidOf('a'), pidOf('b')];
    expect(a !== null && alive(a) && b !== null && alive(b)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'out dir', 'a.log'), 'utf8')).toBe(`args: --config-file ${path.join(dir, 'out dir', 'a.yaml')}\n`);

    expect(run('start-cluster.sh', ['a']).out).toBe(`a is already running (pid ${a})\n`);

    const stopped = run('stop-cluster.sh');
    expect(stopped).toEqual({ code: 0, out: `stopping a (pid ${a})\nstopping b (pid ${b})\n`, err: '' });
    expect(alive(a as number) || alive(b as number)).toBe(false);
    expect(pidOf('a')).toBeNull();
    expect(fs.readFileSync(path.join(dir, 'out dir', 'b.log'), 'utf8')).toContain('got TERM');
    expect(run('stop-cluster.sh', ['a']).out).toBe(`a is not running (no ${path.join(dir, 'out dir', 'a.pid')})\n`);
  });

  it('reports a member that exits at once, with the end of its log', () => {
    writeClusterFiles(clusterFiles(plan(['good', 'bad'])));
    const r = run('start-cluster.sh');
    expect(r.code).toBe(1);
    expect(r.err).toBe(`bad exited at once; the end of ${path.join(dir, 'out dir', 'bad.log')}:\nargs: --config-file ${path.join(dir, 'out dir', 'bad.yaml')}\nbad config\n`);
    expect(pidOf('bad')).toBeNull();
    expect(pidOf('good')).not.toBeNull();
    run('stop-cluster.sh');
  });

  it('refuses an unknown member name', () => {
    writeClusterFiles(clusterFiles(plan(['a'])));
    const r = run('start-cluster.sh', ['zz']);
    expect(r).toEqual({ code: 2, out: '', err: 'unknown member: zz (members: a)\n' });
  });

  it('writes the scripts executable and the configs readable', () => {
    writeClusterFiles(clusterFiles(plan(['a'])));
    const mode = (f: string) => fs.statSync(path.join(dir, 'out dir', f)).mode & 0o777;
    expect([mode('a.yaml'), mode('start-cluster.sh'), mode('stop-cluster.sh')]).toEqual([0o644, 0o755, 0o755]);
    expect(fs.readdirSync(path.join(dir, 'out dir')).sort()).toEqual(['a.yaml', 'start-cluster.sh', 'stop-cluster.sh']);
  });
});
