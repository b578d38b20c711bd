// `cairn ctl txn -i` on a real pseudo-terminal (tmux): inquirer asks for compares, then success and failure
// requests, one line each (an empty answer ends a section), and re-asks a line that does not parse with
// etcdctl's error beside it. The transaction it commits must print what etcdctl prints for the same lines
// piped (etcdctl 3.4 has no terminal prompts of its own), on a twin etcd 3.4 with the same state.
// Needs a build (`npm run build`) and tmux.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_JS, tempDir } from '../../helpers/procs';
import { hasTmux, TmuxSession } from '../init/tmux-session';
import { hasEtcdctl, runEtcdctl, startTwinEtcd, type EtcdMember } from './ctl-diff';

const describeIf = hasEtcdctl() && hasTmux() ? describe : describe.skip;

describeIf('cairn ctl txn -i on a terminal', () => {
  let ref: EtcdMember;
  let sut: EtcdMember;
  let dir: string;
  let sessions = 0;

  beforeAll(async () => {
    dir = tempDir('ctl-txn-tty');
    [ref, sut] = await startTwinEtcd();
    for (const m of [ref, sut]) {
      for (const [k, v] of [['foo', 'bar'], ['n', '1']]) {
        const r = runEtcdctl(m.endpoint, ['put', k, v]);
        if (r.code !== 0) throw new Error(r.stderr);
      }
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ref?.stop(), sut?.stop()]);
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Answers the prompts of each section in turn; returns what was printed after the last answer. */
  async function onTty(sections: readonly (readonly string[])[], bad?: { section: number; line: string; error: RegExp }): Promise<string> {
    const d = path.join(dir, `s${sessions++}`);
    fs.mkdirSync(d);
    const s = new TmuxSession(d, `'${process.execPath}' '${RUN_JS}' ctl --endpoints ${sut.endpoint} txn -i; echo "EXIT=$?"`, d);
    const questions = ['compare, e.g. value("key") = "v"', 'success request (get, put, del)', 'failure request (get, put, del)'];
    try {
      for (let i = 0; i < sections.length; i++) {
        const lines = [...sections[i], ''];
        for (let n = 0; n < lines.length; n++) {
          if (bad !== undefined && bad.section === i && n === 0) {
            await s.answer(`${questions[i]} #1 (empty line to finish)`, bad.line);
            await s.waitFor(bad.error); // asked again, the error beside the question
            s.keys('C-u');
            if (lines[n] !== '') s.type(lines[n]);
            s.keys('Enter');
            continue;
          }
          await s.answer(`${questions[i]} #${n + 1} (empty line to finish)`, lines[n]);
        }
      }
      const m = await s.waitFor(/^EXIT=\d+$/m, 20_000);
      const screen = s.screen();
      // what the command printed after inquirer's last (answered) question
      const last = screen.lastIndexOf('failure request (get, put, del) #');
      const after = screen.slice(screen.indexOf('\n', last) + 1, screen.indexOf(m[0]) + m[0].length);
      return after.split('\n').map((l) => l.trimEnd()).join('\n');
    } finally {
      s.kill();
    }
  }

  function piped(sections: readonly (readonly string[])[]): string {
    const input = sections.map((lines) => lines.map((l) => `${l}\n`).join('') + '\n').join('');
    const r = runEtcdctl(ref.endpoint, ['txn'], { input });
    return `${r.stdout}${r.stderr}EXIT=${r.code}`;
  }

  it('commits the success branch and prints it as etcdctl does', async () => {
    const sections = [['value("foo") = "bar"', 'version("n") > "0"'], ['put foo baz --prev-kv', 'get n'], ['del foo']];
    expect(await onTty(sections)).toBe(piped(sections));
    expect(runEtcdctl(sut.endpoint, ['get', 'foo', '--print-value-only']).stdout).toBe('baz\n');
  }, 60_000);

  it('takes the failure branch when a compare fails', async () => {
    const sections = [['mod("foo") < "2"'], ['put never 1'], ['put fallback yes', 'get fallback']];
    expect(await onTty(sections)).toBe(piped(sections));
  }, 60_000);

  it('asks again for a line that does not parse, showing why', async () => {
    const sections = [['value("n") = "1"'], ['put ok 1'], []];
    const out = await onTty(sections, { section: 0, line: 'value(n) = "1"', error: /malformed comparison: value\(n\) = "1"/ });
    expect(out).toBe(piped(sections));
  }, 60_000);
});
