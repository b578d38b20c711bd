import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { InitFlags } from '../../../../src/core/cli/init/init-flags';
import type { Prompter } from '../../../../src/core/cli/init/prompter';
import { collectMode, randomToken, runInit } from '../../../../src/core/cli/init/run-init';
import { ScriptedPrompter } from './scripted-prompter';

const noFlags: InitFlags = { yes: false, nonInteractive: false, force: false };
let cwd: string;

beforeEach(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-init-run-'));
});
afterEach(() => {
  fs.rmSync(cwd, { recursive: true, force: true });
});

async function run(flags: Partial<InitFlags>, interactive = false, prompter: Prompter = new ScriptedPrompter([])) {
  let stdout = '';
  let stderr = '';
  const code = await runInit({ ...noFlags, ...flags }, {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    interactive,
    cwd,
    prompter: () => prompter,
    newToken: () => 'tok',
  });
  return { code, stdout, stderr };
}

describe('runInit', () => {
  it('writes every file and prints the summary under --yes', async () => {
    const r = await run({ yes: true, members: 2 });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(fs.readdirSync(path.join(cwd, 'cairn-cluster')).sort()).toEqual(['infra0.yaml', 'infra1.yaml', 'start-cluster.sh', 'stop-cluster.sh']);
    expect(r.stdout).toContain('│ infra1 │ http://127.0.0.1:22379 │ http://127.0.0.1:22380 │');
    expect(r.stdout).toContain('ETCDCTL_API=3 etcdctl --endpoints http://127.0.0.1:2379,http://127.0.0.1:22379 endpoint health');
    expect(r.stdout).toContain('Note: cairn server runs a single member for now');
  });

  it('refuses to overwrite without --force when it cannot ask', async () => {
    await run({ yes: true, members: 1 });
    const again = await run({ yes: true, members: 1 });
    expect(again).toEqual({
      code: 1, stdout: '',
      stderr: `Error: these files exist in ${path.join(cwd, 'cairn-cluster')} already: infra0.yaml, start-cluster.sh, stop-cluster.sh; pass --force to overwrite them\n`,
    });
    expect((await run({ yes: true, members: 1, force: true, token: 'new-token' })).code).toBe(0);
    expect(fs.readFileSync(path.join(cwd, 'cairn-cluster', 'infra0.yaml'), 'utf8')).toContain('initial-cluster-token: "new-token"');
  });

  it('fails listing the missing flags when there is no terminal', async () => {
    const r = await run({ members: 1 }, false);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: missing answers, and no terminal to ask them on \(or --non-interactive\): --output-dir, --names,/);
    expect(fs.existsSync(path.join(cwd, 'cairn-cluster'))).toBe(false);
  });

  it('asks on a terminal and writes nothing when the last answer is no', async () => {
    const p = new ScriptedPrompter(['', '1', '', '', '', '', '', '', '', false, false]);
    const r = await run({}, true, p);
    expect(p.done).toBe(true);
    expect(p.asked.at(-1)?.message).toBe(`Write 3 files to ${path.join(cwd, 'cairn-cluster')}?`);
    expect(r).toMatchObject({ code: 1, stderr: 'Nothing written.\n' });
    expect(fs.existsSync(path.join(cwd, 'cairn-cluster'))).toBe(false);
  });

  it('offers no as the default before overwriting on a terminal', async () => {
    await run({ yes: true, members: 1 });
    const p = new ScriptedPrompter(['']);
    const r = await run({ members: 1, names: 'infra0', hosts: '127.0.0.1', clientPorts: '2379', peerPorts: '2380', dataDirs: 'd', token: 't', initialClusterState: 'new', tls: false, outputDir: 'cairn-cluster' }, true, p);
    expect(p.asked).toEqual([{ message: `Write 3 files to ${path.join(cwd, 'cairn-cluster')} (overwrites infra0.yaml, start-cluster.sh, stop-cluster.sh)?`, default: false, answer: false }]);
    expect(r.code).toBe(1);
  });

  it('exits 130 when the user presses Ctrl+C in a prompt', async () => {
    const abort = Object.assign(new Error('User force closed the prompt with SIGINT'), { name: 'ExitPromptError' });
    const prompter: Prompter = { input: async () => { throw abort; }, confirm: async () => { throw abort; }, select: async () => { throw abort; } };
    expect(await run({}, true, prompter)).toEqual({ code: 130, stdout: '', stderr: 'Aborted: nothing written.\n' });
  });

  it('never asks under --yes or --non-interactive', () => {
    expect(collectMode({ ...noFlags, yes: true }, true)).toBe('defaults');
    expect(collectMode({ ...noFlags, nonInteractive: true }, true)).toBe('strict');
    expect(collectMode({ ...noFlags, yes: true, nonInteractive: true }, false)).toBe('defaults');
    expect(collectMode(noFlags, false)).toBe('strict');
    expect(collectMode(noFlags, true)).toBe('ask');
    expect(randomToken()).toMatch(/^cairn-cluster-[0-9a-f]{8}$/);
  });
});
