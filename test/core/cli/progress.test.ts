import { progressEnabled, startProgress } from '../../../src/core/cli/progress';

const tty = { isTTY: true } as unknown as NodeJS.WriteStream;
const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;

describe('progress', () => {
  it('shows only on a terminal and never for json or protobuf output', () => {
    expect(progressEnabled({ format: 'simple', stream: tty })).toBe(true);
    expect(progressEnabled({ format: 'table', stream: tty })).toBe(true);
    expect(progressEnabled({ format: 'json', stream: tty })).toBe(false);
    expect(progressEnabled({ format: 'protobuf', stream: tty })).toBe(false);
    expect(progressEnabled({ format: 'simple', stream: pipe })).toBe(false);
  });

  it('writes nothing on a pipe', async () => {
    const written: string[] = [];
    const stream = { isTTY: false, write: (s: string) => { written.push(s); return true; } } as unknown as NodeJS.WriteStream;
    const p = await startProgress('working', { format: 'simple', stream });
    p.update('50%');
    p.stop();
    expect(written).toEqual([]);
  });
});
