// Expected texts are what etcd 3.4.23's gateway (Go 1.19 encoding/json) answered for the same inputs.
import { maxNestingDepth, readFirstValue, readWholeValue } from '../../../../src/core/api/gateway/go-json';
import type { JsonValue } from '../../../../src/core/api/gateway/go-json';

const first = (s: string | Buffer): JsonValue | null => readFirstValue(Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'));
const whole = (s: string): JsonValue => readWholeValue(Buffer.from(s, 'utf8'));
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

describe('go-json', () => {
  it('reads objects, arrays, strings, numbers and literals keeping number text and raw string bytes', () => {
    const v = first('{"a":[1,-0.5e+3,"x\\u0041\\n",true,false,null],"b":{}}');
    expect(v?.kind).toBe('object');
    if (v?.kind !== 'object') return;
    const a = v.fields.get('a');
    expect(a?.kind).toBe('array');
    if (a?.kind !== 'array') return;
    expect(a.items[0]).toEqual({ kind: 'number', text: '1' });
    expect(a.items[1]).toEqual({ kind: 'number', text: '-0.5e+3' });
    const s = a.items[2];
    expect(s.kind === 'string' && [s.raw.toString(), s.bytes.toString()]).toEqual(['x\\u0041\\n', 'xA\n']);
    expect(a.items.slice(3)).toEqual([{ kind: 'bool', value: true }, { kind: 'bool', value: false }, { kind: 'null' }]);
    expect(v.fields.get('b')).toEqual({ kind: 'object', fields: new Map() });
  });

  it('keeps the last value of a repeated key', () => {
    const v = first('{"k":1,"k":2}');
    expect(v?.kind === 'object' && v.fields.get('k')).toEqual({ kind: 'number', text: '2' });
  });

  it('reads only the first value of a body and treats a blank body as no value', () => {
    expect(first('{} x')).toEqual({ kind: 'object', fields: new Map() });
    expect(first('{}{}')).toEqual({ kind: 'object', fields: new Map() });
    expect(first('5x')).toEqual({ kind: 'number', text: '5' });
    expect(first('')).toBeNull();
    expect(first(' \n\t\r ')).toBeNull();
  });

  it('decodes surrogate pairs and replaces lone surrogates and invalid UTF-8 by U+FFFD', () => {
    const str = (s: string | Buffer): string => {
      const v = first(s);
      return v?.kind === 'string' ? v.bytes.toString('utf8') : 'not a string';
    };
    expect(str('"\\ud83d\\ude00"')).toBe('\u{1f600}');
    expect(str('"\\ud83dx"')).toBe('\ufffdx');
    expect(str('"\\ude00\\ud83d"')).toBe('\ufffd\ufffd');
    expect(str(Buffer.from([0x22, 0x7a, 0xff, 0xc3, 0x22]))).toBe('z\ufffd\ufffd');
    expect(str(Buffer.from([0x22, 0xc3, 0xa9, 0x22]))).toBe('é');
  });

  it('names the offending byte and scanner state as encoding/json does', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['{bad', `invalid character 'b' looking for beginning of object key string`],
      ['{"key":"YQ==",}', `invalid character '}' looking for beginning of object key string`],
      ['[]x', 'no error'],
      ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
      ['{"a" 1}', `invalid character '1' after object key`],
      ['{"a":[1 2]}', `invalid character '2' after array element`],
      ['{"a":"\\x"}', `invalid character 'x' in string escape code`],
      ['{"a":"\\u12G4"}', `invalid character 'G' in \\u hexadecimal character escape`],
      ['{"a":-x}', `invalid character 'x' in numeric literal`],
      ['{"a":1.x}', `invalid character 'x' after decimal point in numeric literal`],
      ['{"a":1ex}', `invalid character 'x' in exponent of numeric literal`],
      ['{"a":tru}', `invalid character '}' in literal true (expecting 'e')`],
      ['{"a":nul}', `invalid character '}' in literal null (expecting 'l')`],
      ['{"a":fals}', `invalid character '}' in literal false (expecting 'e')`],
      ['{"a":01}', `invalid character '1' after object key:value pair`],
      ['{"a":"\u0001"}', `invalid character '\\x01' in string literal`],
      ['{\u00e9', `invalid character 'Ã' looking for beginning of object key string`],
      ["{'a':1}", `invalid character '\\'' looking for beginning of object key string`],
      ['+1', `invalid character '+' looking for beginning of value`],
      ['{"key":"YQ=="', 'unexpected EOF'],
      ['{"key"', 'unexpected EOF'],
      ['{', 'unexpected EOF'],
      ['{"a":"\u00e9', 'unexpected EOF'],
      ['[1,', 'unexpected EOF'],
      ['-', 'unexpected EOF'],
      ['tr', 'unexpected EOF'],
    ];
    for (const [input, want] of cases) expect([input, errorOf(() => first(input))]).toEqual([input, want]);
  });

  it('checks a whole input as json.Unmarshal does, feeding a space at its end', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['-', `invalid character ' ' in numeric literal`],
      ['1.', `invalid character ' ' after decimal point in numeric literal`],
      ['1e', `invalid character ' ' in exponent of numeric literal`],
      ['tru', `invalid character ' ' in literal true (expecting 'e')`],
      ['"\\', `invalid character ' ' in string escape code`],
      ['"\\u12', `invalid character ' ' in \\u hexadecimal character escape`],
      ['', 'unexpected end of JSON input'],
      ['   ', 'unexpected end of JSON input'],
      ['"abc', 'unexpected end of JSON input'],
      ['[1,', 'unexpected end of JSON input'],
      ['1x', `invalid character 'x' after top-level value`],
      ['00', `invalid character '0' after top-level value`],
      ['\\u0031', `invalid character '\\\\' looking for beginning of value`],
      ['abc', `invalid character 'a' looking for beginning of value`],
      [' 1 ', 'no error'],
    ];
    for (const [input, want] of cases) expect([input, errorOf(() => whole(input))]).toEqual([input, want]);
    expect(whole(' 12 ')).toEqual({ kind: 'number', text: '12' });
  });

  it('accepts nesting up to encoding/json\'s depth limit and refuses one level more', () => {
    const nest = (d: number): string => '['.repeat(d) + ']'.repeat(d);
    expect(first(nest(maxNestingDepth))?.kind).toBe('array');
    expect(errorOf(() => first(nest(maxNestingDepth + 1)))).toBe(`invalid character '[' exceeded max depth`);
    expect(errorOf(() => first('{"a":'.repeat(maxNestingDepth + 1)))).toBe(`invalid character '{' exceeded max depth`);
  });
});
