// Go's text/tabwriter as etcdctl's help uses it: Init(w, minwidth 0, tabwidth 8, padding 1, padchar '\t', 0).
// Cells are tab-terminated; a column's width is the widest cell (+padding) of a block of consecutive lines
// that have a cell in that column, rounded up to a multiple of the tab width; padding is written as tabs.

const tabWidth = 8;
const padding = 1;

interface Line {
  readonly cells: string[]; // terminated cells, then the trailing text as the last element
}

function displayWidth(s: string): number {
  return [...s].length;
}

/** Formats text as Go's tabwriter with tab padding would. */
export function tabwrite(text: string): string {
  const lines: Line[] = text.split('\n').map((l) => ({ cells: l.split('\t') }));
  const widths: number[][] = lines.map(() => []);
  formatBlock(lines, widths, 0, 0, lines.length);
  return lines
    .map((line, i) => {
      let out = '';
      for (let c = 0; c < line.cells.length - 1; c++) {
        const cell = line.cells[c];
        const n = Math.ceil((widths[i][c] - displayWidth(cell)) / tabWidth);
        out += cell + '\t'.repeat(n);
      }
      return out + line.cells[line.cells.length - 1];
    })
    .join('\n');
}

/** Go's Writer.format: column `col` over lines [line0, line1). */
function formatBlock(lines: Line[], widths: number[][], col: number, line0: number, line1: number): void {
  let l = line0;
  while (l < line1) {
    if (lines[l].cells.length - 1 <= col) {
      l++;
      continue;
    }
    // a block of lines that all have a terminated cell in this column
    const start = l;
    let width = 0;
    for (; l < line1 && lines[l].cells.length - 1 > col; l++) {
      width = Math.max(width, displayWidth(lines[l].cells[col]) + padding);
    }
    width = Math.ceil(width / tabWidth) * tabWidth;
    for (let k = start; k < l; k++) widths[k][col] = width;
    formatBlock(lines, widths, col + 1, start, l);
  }
}
