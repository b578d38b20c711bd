// The logger in a real process: lines still pending when the process calls process.exit() reach stderr, stdout
// and files, and fatal() exits with status 1 after writing its line. The log module is compiled with swc into a
// temp dir and run by a plain node child.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { transformFileSync } from '@swc/core';

const srcDir = path.join(__dirname, '../../../src/core/log');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-log-proc-'));
  fs.mkdirSync(path.join(dir, 'log'));
  for (const name of fs.readdirSync(srcDir).filter((n) => n.endsWith('.ts'))) {
    const out = transformFileSync(path.join(srcDir, name), { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } });
    fs.writeFileSync(path.join(dir, 'log', name.replace(/\.ts$/, '.js')), out.code);
  }
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function run(body: string) {
  const script = `const { createLogger } = require(${JSON.stringify(path.join(dir, 'log', 'index.js'))});\n${body}`;
  return spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', timeout: 10_000 });
}

describe('logger-process', () => {
  it('flushes pending lines to every output when the process exits', () => {
    const r = run(`
      const log = createLogger({ outputs: ['stderr', 'stdout', 'out.log'] });
      for (let i = 0; i < 3; i++) log.info('line', { i });
      process.exit(0);
    `);
    expect(r.status).toBe(0);
    const parse = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l).i);
    expect(parse(r.stderr)).toEqual([0, 1, 2]);
    expect(parse(r.stdout)).toEqual([0, 1, 2]);
    expect(parse(fs.readFileSync(path.join(dir, 'out.log'), 'utf8'))).toEqual([0, 1, 2]);
  });

  it('writes the fatal line and exits with status 1', () => {
    const r = run(`
      const log = createLogger();
      log.info('before');
      log.fatal('discovery failed', { error: 'boom' });
      log.info('never');
    `);
    expect(r.status).toBe(1);
    const lines = r.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['info', 'before'],
      ['fatal', 'discovery failed'],
    ]);
    expect(lines[1].error).toBe('boom');
    expect(typeof lines[1].stacktrace).toBe('string');
  });
});
