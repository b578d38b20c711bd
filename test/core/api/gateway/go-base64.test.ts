// Offsets are those etcd 3.4.23's gateway (Go's base64.StdEncoding via encoding/json) reported.
import { goBase64Decode } from '../../../../src/core/api/gateway/go-base64';
import { Prng } from '../../../helpers/prng';

const decode = (s: string): string => {
  try {
    return goBase64Decode(Buffer.from(s, 'latin1')).toString('latin1');
  } catch (err) {
    return (err as Error).message;
  }
};

describe('go-base64', () => {
  it('decodes padded base64, skipping CR and LF anywhere and ignoring non-zero trailing bits', () => {
    expect(decode('')).toBe('');
    expect(decode('YQ==')).toBe('a');
    expect(decode('YWI=')).toBe('ab');
    expect(decode('YWJj')).toBe('abc');
    expect(decode('YQ==\n')).toBe('a');
    expect(decode('Y\nQ==')).toBe('a');
    expect(decode('Y\r\nW\nJ\nj\n')).toBe('abc');
    expect(decode('YQ=\n=')).toBe('a');
    expect(decode('YR==')).toBe('a');
  });

  it('reports the offset Go reports for bad input', () => {
    const cases: ReadonlyArray<readonly [string, number]> = [
      ['!!!', 0], ['YQ', 0], ['YQ=', 3], ['YWJj-_', 4], ['YW Jj', 2], ['YQ===', 4], ['YQ=x', 2], ['==', 0], ['Y===', 1],
      ['YQ==YQ==', 4], ['YWJjY', 4], ['YWJjYQ', 4], ['YWJjYWI', 4],
    ];
    for (const [input, offset] of cases) expect([input, decode(input)]).toEqual([input, `illegal base64 data at input byte ${offset}`]);
  });

  it('gives the same bytes on its fast and general paths', () => {
    const rng = new Prng(20261125);
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(Array.from({ length: rng.int(40) }, () => rng.int(256)));
      const text = bytes.toString('base64');
      expect(goBase64Decode(Buffer.from(text))).toEqual(bytes);
      // a newline sends the input down the quantum-by-quantum path
      const at = rng.int(text.length + 1);
      expect(goBase64Decode(Buffer.from(text.slice(0, at) + '\n' + text.slice(at)))).toEqual(bytes);
    }
  });
});
