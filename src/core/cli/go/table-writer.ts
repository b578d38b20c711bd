// etcdctl's tables: olekukonko/tablewriter (2017 revision a0225b3) with SetAlignment(ALIGN_RIGHT) and its
// defaults: headers upper-cased and centred, cells wrapped to 30 columns at spaces with minimal raggedness,
// borders "+-|". Reproduced rule for rule (cli-table3 cannot wrap or pad the same way).

const maxCellWidth = 30;
const wrapPenalty = 1e5;

function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += isWide(ch.codePointAt(0) as number) ? 2 : 1;
  return w;
}

/** East Asian wide and fullwidth ranges (go-runewidth's common cases). */
function isWide(r: number): boolean {
  return (r >= 0x1100 && r <= 0x115f) || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
    (r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) ||
    (r >= 0xffe0 && r <= 0xffe6) || (r >= 0x1f300 && r <= 0x1f64f) || (r >= 0x20000 && r <= 0x3fffd);
}

function title(name: string): string {
  return name.replace(/_/g, ' ').replace(/\./g, ' ').trim().toUpperCase();
}

/** tablewriter.WrapString: lines of at most lim runes where possible; returns the lines and the used limit. */
export function wrapString(s: string, limit: number): { lines: string[]; limit: number } {
  const words = s.replace(/\n/g, ' ').split(' ');
  let lim = limit;
  for (const w of words) lim = Math.max(lim, w.length);
  const n = words.length;
  const len = (i: number, j: number): number => {
    let t = 0;
    for (let k = i; k <= j; k++) t += [...words[k]].length + (k > i ? 1 : 0);
    return t;
  };
  const nbrk = new Array<number>(n).fill(0);
  const cost = new Array<number>(n).fill(2 ** 31 - 1);
  for (let i = n - 1; i >= 0; i--) {
    if (len(i, n - 1) <= lim) {
      cost[i] = 0;
      nbrk[i] = n;
      continue;
    }
    for (let j = i + 1; j < n; j++) {
      const d = lim - len(i, j - 1);
      let c = d * d + cost[j];
      if (len(i, j - 1) > lim) c += wrapPenalty;
      if (c < cost[i]) {
        cost[i] = c;
        nbrk[i] = j;
      }
    }
  }
  const lines: string[] = [];
  for (let i = 0; i < n; i = nbrk[i]) lines.push(words.slice(i, nbrk[i]).join(' '));
  return { lines, limit: lim };
}

function center(s: string, width: number): string {
  const gap = width - displayWidth(s);
  if (gap <= 0) return s;
  const left = Math.floor(gap / 2);
  return ' '.repeat(left) + s + ' '.repeat(gap - left);
}

function padLeft(s: string, width: number): string {
  const gap = width - displayWidth(s);
  return gap > 0 ? ' '.repeat(gap) + s : s;
}

/** Renders a table exactly as etcdctl's table printer does (trailing newline included). */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cs: number[] = [];
  const setWidth = (col: number, w: number) => {
    if (cs[col] === undefined || cs[col] < w || cs[col] === 0) cs[col] = w;
  };
  header.forEach((h, i) => setWidth(i, Math.min(displayWidth(h), maxCellWidth)));
  const cellLines: string[][][] = [];
  const heights: number[] = [];
  for (const row of rows) {
    const line: string[][] = [];
    let height = 0;
    row.forEach((cell, i) => {
      setWidth(i, Math.min(displayWidth(cell), maxCellWidth));
      const raw = wrapString(cell, cs[i]).lines;
      const widest = Math.max(...raw.map(displayWidth));
      if (widest > cs[i]) cs[i] = widest;
      height = Math.max(height, raw.length);
      line.push(raw);
    });
    cellLines.push(line);
    heights.push(height);
  }
  const border = '+' + cs.map((w) => '-'.repeat(w + 2) + '+').join('') + '\n';
  let out = border;
  out += '|' + header.map((h, i) => ` ${center(title(h), cs[i])} |`).join('') + '\n';
  out += border;
  cellLines.forEach((columns, r) => {
    const padded = columns.map((c) => [...c, ...new Array<string>(heights[r] - c.length).fill('  ')]);
    for (let x = 0; x < heights[r]; x++) {
      out += '|' + padded.map((c, y) => ` ${padLeft(c[x], cs[y])} `).join('|') + '|\n';
    }
  });
  return out + border;
}
