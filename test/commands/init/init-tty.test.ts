// `cairn init` answered by typing into a real pseudo-terminal (tmux): the prompts, their defaults and
// validation messages as a user sees them, the files written, and the 3-member etcd cluster they start.
// Needs `npm run build`, tmux, /usr/bin/etcd and /usr/bin/etcdctl.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasEtcd, RUN_JS, tempDir } from '../../helpers/procs';
import { etcdctl, freePorts, killLeftovers, requireBuiltCli, runScript, waitHealthy } from './cluster-helpers';
import { hasTmux, TmuxSession } from './tmux-session';

let dir: string;
let session: TmuxSession | undefined;

beforeAll(() => {
  requireBuiltCli();
  if (!hasTmux()) throw new Error('these tests need tmux (apt-get install -y tmux)');
  if (!hasEtcd()) throw new Error('these tests need the real etcd and etcdctl 3.4');
});
beforeEach(() => {
  dir = tempDir('init-tty');
});
afterEach(() => {
  session?.kill();
  session = undefined;
  killLeftovers(path.join(dir, 'out'));
  fs.rmSync(dir, { recursive: true, force: true });
});

function startWizard(): TmuxSession {
  session = new TmuxSession(dir, `'${process.execPath}' '${RUN_JS}' init; echo "EXIT=$?"`, dir);
  return session;
}

describe('cairn init (interactive, in a pseudo-terminal)', () => {
  it('asks every question with its default, re-asks invalid answers, and writes a working cluster', async () => {
    const [c0, c1, c2, p0, p1, p2] = await freePorts(6);
    const t = startWizard();
    await t.answer('Output directory (member configs, start/stop scripts, logs): (cairn-cluster)', 'out');
    await t.answer('How many members (etcd recommends 3, 5 or 7)? (3)', '');

    await t.answer('Member 1 of 3: name (infra0)', '');
    await t.answer('infra0: host (the address clients and the other members reach it at) (127.0.0.1)', '');
    await t.answer('infra0: client port (2379)', '70000');
    await t.waitFor(/^> port must be a whole number from 1 to 65535, not "70000"$/m);
    t.keys('C-u');
    t.type(String(c0));
    t.keys('Enter');
    await t.answer(`infra0: peer port (${c0 + 1})`, String(p0));
    await t.answer(`infra0: data dir (relative: under the output directory) (${path.join(dir, 'out', 'infra0.etcd')})`, '');

    await t.answer('Member 2 of 3: name (infra1)', 'infra0');
    await t.waitFor(/^> member name "infra0" is already member 1's$/m);
    t.keys('C-u');
    t.type('db1');
    t.keys('Enter');
    await t.answer('db1: host (the address clients and the other members reach it at) (127.0.0.1)', '');
    await t.answer('db1: client port (', String(p0));
    await t.waitFor(new RegExp(`^> port ${p0} on 127\\.0\\.0\\.1 is already infra0's peer port$`, 'm'));
    t.keys('C-u');
    t.type(String(c1));
    t.keys('Enter');
    await t.answer('db1: peer port (', String(p1));
    await t.answer('db1: data dir', 'custom-dir');

    await t.answer('Member 3 of 3: name (infra2)', '');
    await t.answer('infra2: host', '');
    await t.answer('infra2: client port', String(c2));
    await t.answer('infra2: peer port', String(p2));
    await t.answer('infra2: data dir', '');

    await t.answer('Cluster token', 'tty-token');
    await t.waitFor(/^\? Initial cluster state:\n❯ new: the members start a new cluster together\n {2}existing: /m);
    t.keys('Enter');
    await t.answer('Use TLS (https) for client and peer traffic? (y/N)', '');
    await t.waitFor(new RegExp(`│ db1 +│ http://127\\.0\\.0\\.1:${c1} │ http://127\\.0\\.0\\.1:${p1} │ ${dir}/out/custom-dir +│`));
    await t.answer(`Write 5 files to ${dir}/out? (Y/n)`, 'y');

    const screen = (await t.waitFor(/^EXIT=(\d+)$/m))[0];
    expect(screen).toBe('EXIT=0');
    const all = t.screen();
    expect(all).toContain('✔ Initial cluster state: new');
    expect(all).toContain('Next:');
    expect(all).toContain('Note: cairn server runs a single member for now');

    const out = path.join(dir, 'out');
    expect(fs.readdirSync(out).sort()).toEqual(['db1.yaml', 'infra0.yaml', 'infra2.yaml', 'start-cluster.sh', 'stop-cluster.sh']);
    const db1 = fs.readFileSync(path.join(out, 'db1.yaml'), 'utf8');
    expect(db1).toContain(`data-dir: "${out}/custom-dir"\n`);
    expect(db1).toContain('initial-cluster-token: "tty-token"\n');
    expect(db1).toContain(`initial-cluster: "infra0=http://127.0.0.1:${p0},db1=http://127.0.0.1:${p1},infra2=http://127.0.0.1:${p2}"\n`);

    const started = runScript(path.join(out, 'start-cluster.sh'), { CAIRN_SERVER: 'etcd' });
    expect(started.code).toBe(0);
    const endpoints = ['--endpoints', [c0, c1, c2].map((p) => `http://127.0.0.1:${p}`).join(',')];
    expect((await waitHealthy(endpoints)).code).toBe(0);
    expect(etcdctl([...endpoints, 'member', 'list']).stdout).toContain(`, started, db1, http://127.0.0.1:${p1}, http://127.0.0.1:${c1}, false`);
    expect(runScript(path.join(out, 'stop-cluster.sh')).code).toBe(0);
  });

  it('writes nothing and exits 130 on Ctrl+C', async () => {
    const t = startWizard();
    await t.answer('Output directory', 'out');
    await t.waitFor(/^\? How many members/m);
    t.keys('C-c');
    await t.waitFor(/^EXIT=130$/m);
    expect(t.screen()).toContain('Aborted: nothing written.');
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });
});
