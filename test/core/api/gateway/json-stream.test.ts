// Successive JSON values from a body that arrives in pieces: whatever the cut, the same values (or the same
// Go error) come out, each as soon as it is complete, and a value over the limit is refused while it arrives.
import { JsonValueStream } from '../../../../src/core/api/gateway/json-stream';
import type { JsonStreamItem } from '../../../../src/core/api/gateway/json-stream';
import type { JsonValue } from '../../../../src/core/api/gateway/go-json';
import { Prng } from '../../../helpers/prng';

/** A value as plain JS, to compare. */
function plain(v: JsonValue): unknown {
  switch (v.kind) {
    case 'object': return Object.fromEntries([...v.fields].map(([k, x]) => [k, plain(x)]));
    case 'array': return v.items.map(plain);
    case 'string': return v.bytes.toString('utf8');
    case 'number': return `#${v.text}`;
    case 'bool': return v.value;
    case 'null': return null;
  }
}

type Out = unknown[];

/** Everything that can be read after each piece, then after the end. */
function run(pieces: readonly string[], limit = 1 << 20): Out {
  const s = new JsonValueStream(limit);
  const out: Out = [];
  const drain = (): boolean => {
    for (;;) {
      const item: JsonStreamItem = s.next();
      if (item.kind === 'more') return true;
      if (item.kind === 'value') out.push(plain(item.value));
      else if (item.kind === 'error') return !out.push(`error: ${item.error.message}`);
      else return !out.push(item.kind);
    }
  };
  for (const p of pieces) {
    s.push(Buffer.from(p, 'utf8'));
    if (!drain()) return out;
  }
  s.end();
  drain();
  return out;
}

/** Every way of cutting `text` in two, and a few random many-piece cuts: all must read the same. */
function allCuts(text: string, prng: Prng): string[][] {
  const cuts: string[][] = [[text]];
  for (let i = 1; i < text.length; i++) cuts.push([text.slice(0, i), text.slice(i)]);
  for (let k = 0; k < 20; k++) {
    const pieces: string[] = [];
    let at = 0;
    while (at < text.length) {
      const n = 1 + prng.int(4);
      pieces.push(text.slice(at, at + n));
      at += n;
    }
    cuts.push(pieces);
  }
  return cuts;
}

describe('JsonValueStream', () => {
  const prng = new Prng(7);
  const cases: Array<[string, Out]> = [
    ['', ['end']],
    ['  \n\t ', ['end']],
    ['{}', [{}, 'end']],
    ['{"a":1}{"b":[2,{"c":"}]\\"{"}]}', [{ a: '#1' }, { b: ['#2', { c: '}]"{' }] }, 'end']],
    [' {"a":1} \n {"b":2}\n', [{ a: '#1' }, { b: '#2' }, 'end']],
    ['null {} 12 true "x"', [null, {}, '#12', true, 'x', 'end']],
    ['123', ['#123', 'end']],
    ['12x', ['#12', "error: invalid character 'x' looking for beginning of value"]],
    ['{"a":1', ['error: unexpected EOF']],
    ['{"a":1}{"b"', [{ a: '#1' }, 'error: unexpected EOF']],
    ['{"a" x}', ["error: invalid character 'x' after object key"]],
    ['{"a":1}}', [{ a: '#1' }, "error: invalid character '}' looking for beginning of value"]],
    ['[1,}', ["error: invalid character '}' looking for beginning of value"]],
    ['nul', ['error: unexpected EOF']],
    ['tru}', ["error: invalid character '}' in literal true (expecting 'e')"]],
  ];
  it.each(cases)('reads %j the same however it is cut', (text, expected) => {
    for (const pieces of allCuts(text, prng)) {
      expect([pieces, run(pieces)]).toEqual([pieces, expected]);
    }
  });

  it('gives a value as soon as it is complete, before the body ends', () => {
    const s = new JsonValueStream(1024);
    s.push(Buffer.from('{"a":'));
    expect(s.next().kind).toBe('more');
    s.push(Buffer.from('1} {"b"'));
    expect(s.next()).toMatchObject({ kind: 'value' });
    expect(s.next().kind).toBe('more');
    // a number may go on in the next piece: it waits for a byte that ends it
    s.push(Buffer.from(':2} 42'));
    expect(s.next()).toMatchObject({ kind: 'value' });
    expect(s.next().kind).toBe('more');
    s.push(Buffer.from('7 '));
    expect(s.next()).toMatchObject({ kind: 'value', value: { kind: 'number', text: '427' } });
  });

  it('reports a syntax error as soon as it arrives, even in a value that never ends', () => {
    const s = new JsonValueStream(1 << 20);
    s.push(Buffer.from('{"a":1} {"create_request": '));
    expect(s.next()).toMatchObject({ kind: 'value' });
    expect(s.next().kind).toBe('more');
    s.push(Buffer.from('x'));
    expect(s.next()).toMatchObject({ kind: 'error', error: { message: "invalid character 'x' looking for beginning of value" } });
  });

  it('refuses a value over the limit while it arrives, and reads nothing after', () => {
    const s = new JsonValueStream(100);
    s.push(Buffer.from(`{"ok":1}   ${' '.repeat(1000)}`)); // whitespace between values does not count
    expect(s.next()).toMatchObject({ kind: 'value' });
    expect(s.next().kind).toBe('more');
    s.push(Buffer.from(`{"k":"${'a'.repeat(60)}`));
    expect(s.next().kind).toBe('more');
    s.push(Buffer.from(`${'a'.repeat(60)}`));
    expect(s.next().kind).toBe('too-large');
    s.push(Buffer.from('"}'));
    s.end();
    expect(s.next().kind).toBe('too-large');
    // exactly at the limit is fine
    expect(run([`{"k":"${'a'.repeat(92)}"}`], 100)).toEqual([{ k: 'a'.repeat(92) }, 'end']);
    expect(run([`{"k":"${'a'.repeat(93)}"}`], 100)).toEqual(['too-large']);
  });

  it('reads many values from one piece and one value from many pieces', () => {
    const many = '{"i":1}'.repeat(5000);
    expect(run([many])).toHaveLength(5001);
    const big = JSON.stringify({ k: 'x'.repeat(200_000) });
    const pieces: string[] = [];
    for (let i = 0; i < big.length; i += 1000) pieces.push(big.slice(i, i + 1000));
    expect(run(pieces)).toEqual([{ k: 'x'.repeat(200_000) }, 'end']);
  });
});
