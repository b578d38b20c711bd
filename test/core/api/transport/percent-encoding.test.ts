import { decodeGrpcMessage, encodeGrpcMessage } from '../../../../src/core/api/transport';

describe('percent-encoding', () => {
  it('leaves printable ASCII other than % alone', () => {
    const s = 'etcdserver: key is not provided (a-z A-Z 0-9 ~!@#$^&*()_+)';
    expect(encodeGrpcMessage(s)).toBe(s);
  });

  it('encodes %, control characters and UTF-8 bytes in upper-case hex', () => {
    expect(encodeGrpcMessage('100%')).toBe('100%25');
    expect(encodeGrpcMessage('a\nb\tc')).toBe('a%0Ab%09c');
    expect(encodeGrpcMessage('clé')).toBe('cl%C3%A9');
    expect(encodeGrpcMessage('鍵')).toBe('%E9%8D%B5');
    expect(encodeGrpcMessage('\x7f')).toBe('%7F');
  });

  it('replaces a lone surrogate with U+FFFD', () => {
    expect(encodeGrpcMessage('x\uD800y')).toBe('x%EF%BF%BDy');
  });

  it('decodes what it encodes', () => {
    for (const s of ['', 'plain', '100% sure', 'clé 鍵 \u{1F600}\r\n', '%%%']) expect(decodeGrpcMessage(encodeGrpcMessage(s))).toBe(s);
  });

  it('keeps broken %-sequences as they are', () => {
    expect(decodeGrpcMessage('50%')).toBe('50%');
    expect(decodeGrpcMessage('%zz and %4')).toBe('%zz and %4');
    expect(decodeGrpcMessage('%41%4a')).toBe('AJ');
  });
});
