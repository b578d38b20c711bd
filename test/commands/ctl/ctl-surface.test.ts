// The committed `cairn ctl` surface (test/commands/ctl/surface.txt) matches the built commands' `ctl` specs.
// Needs `npm run build`. When it fails: run `node scripts/ctl-surface.js --write` and review the change.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../../helpers/procs';

interface SurfaceScript {
  renderSurface(dir?: string): string;
  surfaceFile: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require(path.join(ROOT, 'scripts', 'ctl-surface.js')) as SurfaceScript;

/** A line diff (longest common subsequence): "- " lines only in `a`, "+ " lines only in `b`. */
export function lineDiff(a: readonly string[], b: readonly string[]): string[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { i++; j++; continue; }
    if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) out.push(`+ ${b[j++]}`);
    else out.push(`- ${a[i++]}`);
  }
  return out;
}

describe('ctl surface', () => {
  it('diffs lines', () => {
    expect(lineDiff(['a', 'b', 'c'], ['a', 'x', 'c', 'd'])).toEqual(['+ x', '- b', '+ d']);
    expect(lineDiff(['a'], ['a'])).toEqual([]);
  });

  it('matches test/commands/ctl/surface.txt', () => {
    const committed = fs.readFileSync(script.surfaceFile, 'utf8');
    const current = script.renderSurface(ROOT);
    const diff = lineDiff(committed.split('\n'), current.split('\n'));
    if (diff.length > 0) {
      throw new Error(`the ctl command/flag surface differs from test/commands/ctl/surface.txt (- committed, + built):\n${diff.join('\n')}\n\nIf the change is intended, run \`node scripts/ctl-surface.js --write\` (after npm run build) and commit surface.txt.`);
    }
    expect(current).toContain('\nget: get [options] <key> [range_end]\n');
  });
});
