// The gRPC Length-Prefixed-Message: 1 byte compressed flag, 4 bytes big-endian length, the message.

export const framePrefixBytes = 5;
/** The largest length the 4-byte prefix can carry. */
export const maxFramedMessageBytes = 0xffff_ffff;

/** An uncompressed frame around `message` (one copy; small frames come from Buffer's pool). */
export function frameMessage(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(framePrefixBytes + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, framePrefixBytes);
  return out;
}

/** True when `frame` is one whole uncompressed frame whose prefix matches its length. */
export function isWholeFrame(frame: Uint8Array): boolean {
  if (frame.length < framePrefixBytes || frame[0] !== 0) return false;
  const declared = ((frame[1] << 24) >>> 0) + (frame[2] << 16) + (frame[3] << 8) + frame[4];
  return declared === frame.length - framePrefixBytes;
}

/**
 * The size of the largest message in `buf` when it is one or more whole uncompressed frames back to back, or -1
 * when it is not (a caller may hand several frames to one write).
 */
export function wholeFramesMaxMessage(buf: Uint8Array): number {
  let pos = 0;
  let max = -1;
  while (pos < buf.length) {
    if (buf.length - pos < framePrefixBytes || buf[pos] !== 0) return -1;
    const declared = ((buf[pos + 1] << 24) >>> 0) + (buf[pos + 2] << 16) + (buf[pos + 3] << 8) + buf[pos + 4];
    pos += framePrefixBytes + declared;
    if (pos > buf.length) return -1;
    if (declared > max) max = declared;
  }
  return max;
}

/** The pieces of a FrameStream joined into one frame (for callers that need it whole, e.g. the JSON gateway). */
export function joinFrameStream(body: { readonly frameBytes: number; next(): Uint8Array | undefined; close(): void }): Buffer {
  try {
    const out = Buffer.allocUnsafe(body.frameBytes);
    let pos = 0;
    for (let piece = body.next(); piece !== undefined; piece = body.next()) {
      if (pos + piece.length > out.length) throw new Error('grpc: frame stream longer than it declared');
      out.set(piece, pos);
      pos += piece.length;
    }
    if (pos !== out.length) throw new Error('grpc: frame stream shorter than it declared');
    return out;
  } finally {
    body.close();
  }
}
