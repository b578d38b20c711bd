// The ctl fast path (src/core/cli/ctl-fast-path.ts, bin/run.js): which command lines it runs without oclif, and
// that everything else (help, topics, unknown commands) still reaches oclif with the same output as before.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planCtl, type CtlCommandMap } from '../../../src/core/cli/ctl-fast-path';
import { ROOT, RUN_JS, tempDir } from '../../helpers/procs';

const map: CtlCommandMap = {
  commands: {
    ctl: 'dist/commands/ctl/index.js',
    'ctl:completion': 'dist/commands/ctl/completion.js',
    'ctl:endpoint': 'dist/commands/ctl/endpoint/index.js',
    'ctl:endpoint:hashkv': 'dist/commands/ctl/endpoint/hashkv.js',
    'ctl:endpoint:health': 'dist/commands/ctl/endpoint/health.js',
    'ctl:endpoint:status': 'dist/commands/ctl/endpoint/status.js',
    'ctl:get': 'dist/commands/ctl/get.js',
    'ctl:put': 'dist/commands/ctl/put.js',
    'ctl:version': 'dist/commands/ctl/version.js',
  },
};

describe('planCtl', () => {
  const root = '/pkg';
  it('runs a named command with its arguments', () => {
    expect(planCtl(['get', 'foo', '--prefix'], root, map)).toEqual({ kind: 'run', id: 'ctl:get', module: path.join(root, 'dist/commands/ctl/get.js'), argv: ['foo', '--prefix'] });
  });
  it('keeps global flags given before the command, with their values', () => {
    expect(planCtl(['--endpoints', 'a:1', '-w', 'json', '--hex', 'put', 'k', 'v'], root, map)).toMatchObject({ kind: 'run', id: 'ctl:put', argv: ['--endpoints', 'a:1', '-w', 'json', '--hex', 'k', 'v'] });
    expect(planCtl(['--endpoints=a:1', 'endpoint', '--cluster', 'status'], root, map)).toMatchObject({ kind: 'run', id: 'ctl:endpoint:status', argv: ['--endpoints=a:1', '--cluster'] });
  });
  it('matches unambiguous prefixes as cobra does', () => {
    expect(planCtl(['ver'], root, map)).toMatchObject({ kind: 'run', id: 'ctl:version' });
    expect(planCtl(['end', 'hea'], root, map)).toMatchObject({ kind: 'run', id: 'ctl:endpoint:health' });
  });
  it('leaves commands that read oclif\'s own state to oclif', () => {
    expect(planCtl(['completion', 'bash'], root, map)).toEqual({ kind: 'oclif', reason: 'needs-oclif' });
  });
  it('leaves help, topics and unknown or ambiguous commands to oclif', () => {
    expect(planCtl(['get', 'foo', '--help'], root, map)).toEqual({ kind: 'oclif', reason: 'help' });
    expect(planCtl(['-h'], root, map)).toEqual({ kind: 'oclif', reason: 'help' });
    expect(planCtl([], root, map)).toEqual({ kind: 'oclif', reason: 'help' });
    expect(planCtl(['endpoint'], root, map)).toEqual({ kind: 'oclif', reason: 'help' });
    expect(planCtl(['frobnicate'], root, map)).toEqual({ kind: 'oclif', reason: 'unknown' });
    expect(planCtl(['endpoint', 'h'], root, map)).toEqual({ kind: 'oclif', reason: 'unknown' }); // hashkv or health
  });
  it('leaves everything to oclif when no map was built', () => {
    expect(planCtl(['get', 'foo'], root, undefined)).toEqual({ kind: 'oclif', reason: 'no-map' });
    expect(planCtl(['get', 'foo'], path.join(ROOT, 'no-such-dir'))).toEqual({ kind: 'oclif', reason: 'no-map' });
  });
});

describe('bin/run.js ctl', () => {
  // a preload that reports at exit whether any of @oclif/core was loaded
  let probe: string;
  let dir: string;
  beforeAll(() => {
    expect(fs.existsSync(path.join(ROOT, 'dist', 'ctl-commands.json'))).toBe(true);
    dir = tempDir('ctl-fastpath');
    probe = path.join(dir, 'probe.js');
    fs.writeFileSync(probe, "process.on('exit', () => { process.stderr.write(`oclif-loaded=${Object.keys(require.cache).some((k) => k.includes('@oclif'))}\\n`); });\n");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (args: readonly string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, ['-r', probe, RUN_JS, 'ctl', ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
    const m = /oclif-loaded=(true|false)\n$/.exec(r.stderr);
    return { stdout: r.stdout, stderr: r.stderr.replace(/oclif-loaded=(true|false)\n$/, ''), code: r.status, oclif: m?.[1] };
  };

  it('runs a command without loading oclif, with the same output as through oclif', () => {
    const fast = run(['ver']);
    const slow = run(['ver'], { CAIRN_CTL_NO_FAST_PATH: '1' });
    expect(fast.oclif).toBe('false');
    expect(slow.oclif).toBe('true');
    expect(fast.stdout).toMatch(/^etcdctl version: 3\.4\.\d+\nAPI version: 3\.4\n$/);
    expect({ ...fast, oclif: '' }).toEqual({ ...slow, oclif: '' });
  });

  it('keeps flag errors and exit codes', () => {
    const fast = run(['get', '--no-such-flag']);
    const slow = run(['get', '--no-such-flag'], { CAIRN_CTL_NO_FAST_PATH: '1' });
    expect(fast.oclif).toBe('false');
    expect(fast.code).toBe(1);
    expect(fast.stderr).toMatch(/^Error: unknown flag: --no-such-flag\n/);
    expect({ ...fast, oclif: '' }).toEqual({ ...slow, oclif: '' });
    const badFormat = run(['-w', 'yaml', 'get', 'k', '--endpoints', '127.0.0.1:1']);
    expect(badFormat).toMatchObject({ oclif: 'false', code: 4, stderr: 'Error: unsupported output format\n' });
  });

  it('sends help and topics to oclif', () => {
    for (const args of [['--help'], ['get', '--help'], ['endpoint'], []]) {
      const r = run(args);
      expect(r.oclif).toBe('true');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/USAGE/);
    }
    expect(run(['get', '--help']).stdout).toBe(run(['get', '--help'], { CAIRN_CTL_NO_FAST_PATH: '1' }).stdout);
    // -h reaches oclif too, which hands it to the command as before
    const h = run(['get', '-h']);
    expect(h.oclif).toBe('true');
    expect({ ...h, oclif: '' }).toEqual({ ...run(['get', '-h'], { CAIRN_CTL_NO_FAST_PATH: '1' }), oclif: '' });
  });

  it('sends unknown commands to oclif, which names them as etcdctl does', () => {
    const r = run(['--endpoints', '127.0.0.1:1', 'frobnicate']);
    expect(r.oclif).toBe('true');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: unknown command "frobnicate" for "cairn ctl"\nRun \'cairn ctl --help\' for usage.\nError: unknown command "frobnicate" for "cairn ctl"\n');
  });
});
