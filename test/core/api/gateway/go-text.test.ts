import { coerceUtf8, decodeRune, goJsonString, goQuote, goQuoteChar } from '../../../../src/core/api/gateway/go-text';

describe('go-text', () => {
  it('decodes runes as utf8.DecodeRune, one U+FFFD per bad byte', () => {
    expect(decodeRune(Buffer.from('é'), 0)).toEqual([0xe9, 2]);
    expect(decodeRune(Buffer.from('\u{1f600}'), 0)).toEqual([0x1f600, 4]);
    expect(decodeRune(Buffer.from([0xc0, 0x80]), 0)).toEqual([0xfffd, 1]); // overlong
    expect(decodeRune(Buffer.from([0xed, 0xa0, 0x80]), 0)).toEqual([0xfffd, 1]); // surrogate
    expect(decodeRune(Buffer.from([0xf4, 0x90, 0x80, 0x80]), 0)).toEqual([0xfffd, 1]); // > U+10FFFF
    expect(decodeRune(Buffer.from([0xe2, 0x82]), 0)).toEqual([0xfffd, 1]); // truncated
    expect(coerceUtf8(Buffer.from([0x7a, 0xff, 0xc3])).toString()).toBe('z\ufffd\ufffd');
  });

  it('quotes like strconv.Quote', () => {
    expect(goQuote(Buffer.from('BOGUS'))).toBe('"BOGUS"');
    expect(goQuote(Buffer.from('\\u0041"'))).toBe('"\\\\u0041\\""');
    expect(goQuote(Buffer.from('\x07\b\f\n\r\t\v\x01\x7f'))).toBe('"\\a\\b\\f\\n\\r\\t\\v\\x01\\x7f"');
    expect(goQuote(Buffer.from('é\u00ad\u2028\u{1f600}'))).toBe('"é\\u00ad\\u2028\u{1f600}"');
    expect(goQuote(Buffer.from([0xff]))).toBe('"\\xff"');
    expect(goQuoteChar(0x27)).toBe(`'\\''`);
    expect(goQuoteChar(0x22)).toBe(`'"'`);
    expect(goQuoteChar(0x5c)).toBe(`'\\\\'`);
    expect(goQuoteChar(0xc3)).toBe(`'Ã'`);
    expect(goQuoteChar(0x80)).toBe(`'\\u0080'`);
  });

  it('escapes strings as encoding/json does with HTML escaping', () => {
    // etcd 3.4.23's gateway wrote this user name exactly so
    const name = 'a<b>&\u2028\u0007\b\f\t\u001f\u007f é"\\/';
    expect(goJsonString(name)).toBe('"a\\u003cb\\u003e\\u0026\\u2028\\u0007\\u0008\\u000c\\t\\u001f\u007f é\\"\\\\/"');
    expect(goJsonString('\n\r\u2029\u{1f600}')).toBe('"\\n\\r\\u2029\u{1f600}"');
    expect(goJsonString('x\ud800y\udc00')).toBe('"x\\ufffdy\\ufffd"');
    expect(goJsonString('')).toBe('""');
  });
});
