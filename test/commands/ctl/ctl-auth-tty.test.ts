// Password prompts on a real pseudo-terminal (tmux): `user add`, `user passwd` and `--user name` ask as
// etcdctl 3.4 does (speakeasy: the prompt, the answer read without echo, then a newline). etcdctl runs on one
// twin etcd and cairn ctl on the other, the same keys are typed, and the two screens must be the same.
// Needs a build (`npm run build`) and tmux.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_JS, tempDir } from '../../helpers/procs';
import { escapeRegExp, hasTmux, TmuxSession } from '../init/tmux-session';
import { hasEtcdctl, runEtcdctl, startTwinEtcd, type EtcdMember } from './ctl-diff';

const describeIf = hasEtcdctl() && hasTmux() ? describe : describe.skip;

describeIf('cairn ctl password prompts on a terminal vs etcdctl 3.4', () => {
  let ref: EtcdMember;
  let sut: EtcdMember;
  let dir: string;
  let sessions = 0;

  const setup = (args: string[]) => {
    for (const m of [ref, sut]) {
      const r = runEtcdctl(m.endpoint, args);
      if (r.code !== 0) throw new Error(`setup ${args.join(' ')}: ${r.stderr}`);
    }
  };

  /** Runs one tool on a terminal, answers each prompt in turn, and returns the screen once it exited. */
  async function onTty(tool: 'etcdctl' | 'cairn', args: string[], answers: readonly (readonly [string, string])[]): Promise<string> {
    const d = path.join(dir, `s${sessions++}`);
    fs.mkdirSync(d);
    const quoted = args.map((a) => `'${a}'`).join(' ');
    const cmd = tool === 'etcdctl'
      ? `ETCDCTL_API=3 etcdctl --endpoints ${ref.endpoint} ${quoted}`
      : `'${process.execPath}' '${RUN_JS}' ctl --endpoints ${sut.endpoint} ${quoted}`;
    const s = new TmuxSession(d, `${cmd}; echo "EXIT=$?"`, d);
    try {
      for (const [prompt, answer] of answers) {
        // capture-pane drops the prompt's trailing space
        await s.waitFor(new RegExp(`^${escapeRegExp(prompt.trimEnd())}\\s*$`, 'm'));
        s.type(answer);
        s.keys('Enter');
      }
      await s.waitFor(/^EXIT=\d+$/m, 20_000);
      // clientv3's JSON log lines (etcdctl only) and tmux's own "Pane is dead" line (it may or may not be
      // there yet) are not part of the comparison; trailing blanks are the screen's, not the program's
      return s.screen().split('\n').filter((l) => !l.startsWith('{"level":') && !l.startsWith('Pane is dead'))
        .map((l) => l.trimEnd()).join('\n').trimEnd();
    } finally {
      s.kill();
    }
  }

  async function same(args: string[], answers: readonly (readonly [string, string])[]): Promise<string> {
    const etcdctl = await onTty('etcdctl', args, answers);
    const cairn = await onTty('cairn', args, answers);
    expect({ args, screen: cairn }).toEqual({ args, screen: etcdctl });
    for (const [, answer] of answers) if (answer !== '') expect(etcdctl).not.toContain(answer);
    return etcdctl;
  }

  beforeAll(async () => {
    dir = tempDir('ctl-auth-tty');
    [ref, sut] = await startTwinEtcd();
    setup(['put', 'foo', 'bar']);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ref?.stop(), sut?.stop()]);
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('user add asks twice without echo', async () => {
    const screen = await same(['user', 'add', 'alice'], [['Password of alice: ', 'secret1'], ['Type password of alice again for confirmation: ', 'secret1']]);
    expect(screen).toBe('Password of alice:\nType password of alice again for confirmation:\nUser alice created\nEXIT=0');
  }, 60_000);

  it('user add refuses different answers and an empty one', async () => {
    const screen = await same(['user', 'add', 'bob'], [['Password of bob: ', 'one'], ['Type password of bob again for confirmation: ', 'two']]);
    expect(screen).toContain('Error: given passwords are different\nEXIT=128');
    expect(await same(['user', 'add', 'bob'], [['Password of bob: ', '']])).toContain('Error: empty password\nEXIT=128');
  }, 60_000);

  it('user passwd asks twice', async () => {
    const screen = await same(['user', 'passwd', 'alice'], [['Password of alice: ', 'secret2'], ['Type password of alice again for confirmation: ', 'secret2']]);
    expect(screen).toContain('Password updated\nEXIT=0');
  }, 60_000);

  it('--user without a password asks "Password: "', async () => {
    setup(['user', 'add', 'root:rootpw']);
    setup(['auth', 'enable']);
    expect(await same(['get', 'foo', '--user', 'root'], [['Password: ', 'rootpw']])).toBe('Password:\nfoo\nbar\nEXIT=0');
    expect(await same(['get', 'foo', '--user', 'alice'], [['Password: ', 'wrong']]))
      .toContain('Error: etcdserver: authentication failed, invalid user ID or password\nEXIT=2');
  }, 60_000);
});
