// `grpc-message` values (grpc/grpc doc/PROTOCOL-HTTP2.md, Status-Message): the UTF-8 bytes of the message,
// with every byte outside 0x20-0x7E, and '%' itself, written as %XX (upper-case hex).

const percentByte = 0x25;
const firstPlainByte = 0x20;
const lastPlainByte = 0x7e;
const hexDigits = '0123456789ABCDEF';

function needsEncoding(message: string): boolean {
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    if (c < firstPlainByte || c > lastPlainByte || c === percentByte) return true;
  }
  return false;
}

export function encodeGrpcMessage(message: string): string {
  if (!needsEncoding(message)) return message;
  // lone surrogates become U+FFFD here, as grpc-go replaces invalid UTF-8
  const bytes = Buffer.from(message, 'utf8');
  let out = '';
  for (const b of bytes) {
    if (b < firstPlainByte || b > lastPlainByte || b === percentByte) {
      out += '%' + hexDigits[b >> 4] + hexDigits[b & 0xf];
    } else {
      out += String.fromCharCode(b);
    }
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** The inverse; a broken %-sequence is kept as it is (the spec forbids failing on it). */
export function decodeGrpcMessage(value: string): string {
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === percentByte && i + 2 < value.length) {
      const hi = hexValue(value.charCodeAt(i + 1));
      const lo = hexValue(value.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        bytes.push((hi << 4) | lo);
        i += 2;
        continue;
      }
    }
    // non-ASCII characters in a non-conforming value: keep them as their UTF-8 bytes
    if (c > 0x7f) bytes.push(...Buffer.from(value[i], 'utf8'));
    else bytes.push(c);
  }
  return Buffer.from(bytes).toString('utf8');
}
