import { MessageReader } from '../../../../src/core/api/transport/message-reader';
import { GrpcError, Status, frameMessage } from '../../../../src/core/api/transport';

function collect(reader: MessageReader, chunks: Buffer[]): { messages: Array<[string, boolean]>; error: GrpcError | null } {
  const messages: Array<[string, boolean]> = [];
  const sink = { acceptMessage: (m: Buffer, compressed: boolean) => messages.push([m.toString(), compressed]) };
  let error: GrpcError | null = null;
  for (const c of chunks) error ??= reader.push(c, sink);
  return { messages, error };
}

function framed(...texts: string[]): Buffer {
  return Buffer.concat(texts.map((t) => frameMessage(Buffer.from(t))));
}

describe('MessageReader', () => {
  it('reads one message from one chunk', () => {
    expect(collect(new MessageReader(100), [framed('hello')]).messages).toEqual([['hello', false]]);
  });

  it('reads several messages from one chunk', () => {
    expect(collect(new MessageReader(100), [framed('a', 'bb', '', 'ccc')]).messages.map(([m]) => m)).toEqual(['a', 'bb', '', 'ccc']);
  });

  it('reads messages split at every possible byte, prefixes included', () => {
    const bytes = framed('first message', '', 'second');
    for (let cut = 1; cut < bytes.length; cut++) {
      const r = collect(new MessageReader(100), [bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(r.messages.map(([m]) => m)).toEqual(['first message', '', 'second']);
    }
    const oneByOne = collect(new MessageReader(100), [...bytes].map((b) => Buffer.from([b])));
    expect(oneByOne.messages.map(([m]) => m)).toEqual(['first message', '', 'second']);
  });

  it('hands out a whole message without copying when it sits in one chunk', () => {
    const chunk = framed('zero-copy');
    let got: Buffer | null = null;
    new MessageReader(100).push(chunk, { acceptMessage: (m) => (got = m) });
    expect(got!.buffer).toBe(chunk.buffer);
  });

  it('reports the compressed flag', () => {
    const bytes = framed('z');
    bytes[0] = 1;
    expect(collect(new MessageReader(100), [bytes]).messages).toEqual([['z', true]]);
  });

  it('is at a boundary only between messages', () => {
    const reader = new MessageReader(100);
    const bytes = framed('abc');
    const sink = { acceptMessage: () => {} };
    expect(reader.atBoundary).toBe(true);
    reader.push(bytes.subarray(0, 3), sink);
    expect(reader.atBoundary).toBe(false);
    reader.push(bytes.subarray(3, 6), sink);
    expect(reader.atBoundary).toBe(false);
    reader.push(bytes.subarray(6), sink);
    expect(reader.atBoundary).toBe(true);
  });

  it('refuses a declared length above the limit before reading the body', () => {
    const r = collect(new MessageReader(4), [Buffer.from([0, 0, 0, 0, 5])]);
    expect(r.error).toEqual(new GrpcError(Status.RESOURCE_EXHAUSTED, 'grpc: received message larger than max (5 vs. 4)'));
    expect(r.messages).toEqual([]);
  });

  it('accepts a message exactly at the limit', () => {
    expect(collect(new MessageReader(4), [framed('four')]).messages).toEqual([['four', false]]);
  });

  it('refuses an unknown flag and then reads nothing more', () => {
    const reader = new MessageReader(100);
    const r = collect(reader, [Buffer.from([2, 0, 0, 0, 1, 65]), framed('after')]);
    expect(r.error?.code).toBe(Status.INTERNAL);
    expect(r.error?.message).toBe('grpc: received unexpected payload format 2');
    expect(r.messages).toEqual([]);
  });

  it('reads a large message from many chunks into one buffer', () => {
    const body = Buffer.alloc(100_000, 9);
    const bytes = frameMessage(body);
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 16_384) chunks.push(bytes.subarray(at, at + 16_384));
    let got: Buffer | null = null;
    const reader = new MessageReader(100_000);
    for (const c of chunks) reader.push(c, { acceptMessage: (m) => (got = m) });
    expect(got!.equals(body)).toBe(true);
  });
});
