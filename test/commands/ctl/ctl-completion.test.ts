// cairn ctl completion bash|zsh|fish|powershell (etcdctl 3.6's cobra command). No etcd needed: the generated scripts
// run in real bash and real fish (.ci/run installs fish; without it this test fails rather than skips). No PowerShell
// runs on the test machines: its script is parsed with tree-sitter's PowerShell grammar (no syntax errors) and its
// tables must equal the fish script's (docs/DECISIONS.md). Needs a build (`npm run build`): it runs bin/run.js.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { completionScript, type CompletionCommand } from '../../../src/core/cli/maintenance-completion';
import { RUN_JS, tempDir } from '../../helpers/procs';

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

function completion(...args: string[]): Run {
  const r = spawnSync(process.execPath, [RUN_JS, 'ctl', 'completion', ...args], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

function script(shell: string): string {
  const r = completion(shell);
  expect({ stderr: r.stderr, code: r.code }).toEqual({ stderr: '', code: 0 });
  return r.stdout;
}

/** Runs `commands` in fish after sourcing `scriptFile`; `argv` is fish's $argv. Throws when there is no fish. */
function fish(scriptFile: string, commands: string, argv: readonly string[], cwd?: string): string {
  const r = spawnSync('fish', ['--no-config', '-c', `source ${scriptFile}; ${commands}`, ...argv], { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`fish does not run (${r.error.message}): apt-get install fish (.ci/run does)`);
  expect({ stderr: r.stderr, code: r.status }).toEqual({ stderr: '', code: 0 });
  return r.stdout;
}

function lines(s: string): string[] {
  return s.split('\n').filter((l) => l !== '');
}

describe('cairn ctl completion', () => {
  let dir: string;

  beforeAll(() => {
    dir = tempDir('ctl-completion');
  });

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it.each([
    [[], 'Error: accepts 1 arg(s), received 0\n'],
    [['tcsh'], 'Error: invalid argument "tcsh" for "cairn ctl completion"\n'],
  ])('%j fails plainly', (args, err) => {
    expect(completion(...args)).toEqual({ stdout: '', stderr: err, code: 1 });
  });

  it('generates a bash script that completes ctl commands and flags', () => {
    const file = write('completion.bash', script('bash'));
    const complete = (...words: string[]) => spawnSync('bash', ['-c',
      `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _cairn_completions; echo "\${COMPREPLY[*]}"`]).stdout.toString();
    expect(complete('cairn', 'ctl', 'mem')).toBe('member\n');
    expect(complete('cairn', 'ctl', 'member', '')).toBe('add list promote remove update\n');
    expect(complete('cairn', 'ctl', 'make-mirror', '--dest-')).toBe('--dest-cacert --dest-cert --dest-insecure-transport --dest-key --dest-prefix\n');
    expect(complete('cairn', 'ctl', '--endpoints', 'x', 'sn')).toBe('snapshot\n');
  });

  it('generates a zsh script that loads the bash function through bashcompinit', () => {
    const zsh = script('zsh');
    expect(zsh).toMatch(/^#compdef cairn\n/);
    expect(zsh).toContain('autoload -U +X bashcompinit && bashcompinit\n');
    expect(zsh).toContain('complete -o default -F _cairn_completions cairn\n');
  });

  describe('fish', () => {
    let file: string;
    let cwd: string;

    /** fish's own completion of the command line, one candidate a line (sorted by fish). */
    const complete = (line: string) => lines(fish(file, 'complete -C $argv[1]', [line], cwd));

    beforeAll(() => {
      const text = script('fish');
      expect(text).toMatch(/^# fish completion for cairn\n# load with: cairn ctl completion fish \| source\n/);
      file = write('completion.fish', text);
      cwd = path.join(dir, 'cwd');
      fs.mkdirSync(cwd);
      for (const f of ['ca.pem', 'memo.txt', 'snap.db']) fs.writeFileSync(path.join(cwd, f), '');
    });

    it('completes command words', () => {
      expect(complete('cairn ')).toEqual(['ctl', 'init', 'server', 'util']);
      expect(complete('cairn ctl mem')).toEqual(['member']);
      expect(complete('cairn ctl member ')).toEqual(['add', 'list', 'promote', 'remove', 'update']);
      expect(complete('cairn ctl --endpoints x sn')).toEqual(['snapshot']);
      expect(complete('cairn ctl --debug lease gr')).toEqual(['grant']);
    });

    it('completes flags after a dash, global ones too', () => {
      expect(complete('cairn ctl get --pre')).toEqual(['--prefix']);
      expect(complete('cairn ctl get --endp')).toEqual(['--endpoints']);
      expect(complete('cairn ctl make-mirror --dest-')).toEqual(['--dest-cacert', '--dest-cert', '--dest-insecure-transport', '--dest-key', '--dest-prefix']);
      const all = complete('cairn ctl get --');
      expect(all).toEqual(expect.arrayContaining(['--prefix', '--rev', '--endpoints', '--write-out', '--help']));
      expect(all).not.toContain('--dest-prefix');
    });

    it('falls back to file names where no command word or flag matches', () => {
      expect(complete('cairn ctl snapshot save sn')).toEqual(['snap.db']);
      expect(complete('cairn ctl put k ')).toEqual(['ca.pem', 'memo.txt', 'snap.db']);
      expect(complete('cairn ctl --cacert ca')).toEqual(['ca.pem']);
    });

    it('quotes the table words', () => {
      const odd = write('odd.fish', completionScript('fish', [{ id: "it's:a\\b", flags: ["o'k", '$x'] }, { id: 'a*:b', flags: [] }]));
      const table = (...paths: string[]) => fish(odd, 'for p in $argv; echo "$p:" (__cairn_table $p subs) (__cairn_table $p flags); end', paths);
      expect(table('', "it's", "it's a\\b", 'a*', 'ax')).toBe(`: a* it's\nit's: a\\b\nit's a\\b: --$x --o'k\na*: b\nax:\n`);
    });
  });

  describe('powershell', () => {
    let parser: Parser;

    /** The `$subs = @{…}` and `$flags = @{…}` tables as PowerShell's grammar reads them: key → value. */
    const tables = (ps: string): { subs: Map<string, string>; flags: Map<string, string> } => {
      const tree = parser.parse(ps);
      if (tree === null) throw new Error('no parse tree');
      expect(tree.rootNode.hasError).toBe(false);
      const literal = (n: Node | null): string => {
        const strings = n?.descendantsOfType('string_literal') ?? [];
        expect(strings.length).toBe(1);
        const text = strings[0]?.text ?? '';
        expect(n?.text).toBe(text);
        expect(text).toMatch(/^'.*'$/s);
        return text.slice(1, -1).replace(/(['\u2018\u2019\u201a\u201b])\1/g, '$1');
      };
      const table = (name: string): Map<string, string> => {
        const assignment = tree.rootNode.descendantsOfType('assignment_expression').find((a) => a?.firstChild?.text === `$${name}`);
        const entries = assignment?.descendantsOfType('hash_entry') ?? [];
        expect(entries.length).toBeGreaterThan(0);
        return new Map(entries.map((e) => [literal(e?.childForFieldName('key') ?? e?.firstChild ?? null), literal(e?.lastChild ?? null)]));
      };
      return { subs: table('subs'), flags: table('flags') };
    };

    beforeAll(async () => {
      await Parser.init();
      parser = new Parser();
      parser.setLanguage(await Language.load(fs.readFileSync(require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm'))));
    });

    it('rejects what is not PowerShell (the check works)', () => {
      expect(parser.parse("$a = @{ 'x' = 'y' ")?.rootNode.hasError).toBe(true);
      expect(parser.parse("$a = 'it's'")?.rootNode.hasError).toBe(true);
    });

    it('registers a native completer with the same table as the fish script', () => {
      const ps = script('powershell');
      expect(ps).toMatch(/^# powershell completion for cairn\n# load with: cairn ctl completion powershell \| Out-String \| Invoke-Expression\n/);
      expect(ps).toContain('Register-ArgumentCompleter -Native -CommandName cairn -ScriptBlock {\n');
      expect(ps).toContain('[System.Management.Automation.CompletionResult]::new(');
      const { subs, flags } = tables(ps);
      expect([...flags.keys()]).toEqual([...subs.keys()]);
      expect(subs.get('ctl member')).toBe('add list promote remove update');
      expect(flags.get('ctl get')?.split(' ')).toEqual(expect.arrayContaining(['--prefix', '--endpoints', '--help']));

      const manifest = JSON.parse(fs.readFileSync(path.join(path.dirname(RUN_JS), '..', 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, { hidden?: boolean }> };
      const ids = Object.entries(manifest.commands).filter(([, c]) => !c.hidden).map(([id]) => id.replace(/:/g, ' '));
      expect(ids).toContain('ctl member add');
      for (const id of ids) expect(subs.has(id)).toBe(true);

      const file = write('completion-tables.fish', script('fish'));
      const paths = [...subs.keys()];
      const fishTables = fish(file, 'for p in $argv; set -l s (__cairn_table $p subs); set -l f (__cairn_table $p flags); echo "$p|$s|$f"; end', paths);
      expect(lines(fishTables)).toEqual(paths.map((p) => `${p}|${subs.get(p)}|${flags.get(p)}`));
    });

    it('quotes the table words', () => {
      const odd: CompletionCommand[] = [{ id: "it's:\u2018x\u2019", flags: ["o'k", '$x'] }];
      const { subs, flags } = tables(completionScript('powershell', odd));
      expect(subs).toEqual(new Map([['', "it's"], ["it's", '\u2018x\u2019'], ["it's \u2018x\u2019", '']]));
      expect(flags.get("it's \u2018x\u2019")).toBe("--$x --o'k");
    });
  });
});
