import * as grpc from '@grpc/grpc-js';
import { GrpcError, GrpcServer, Status, frameMessage } from '../../../../src/core/api/transport';
import type { CallContext, FrameStream } from '../../../../src/core/api/transport';
import {
  captureLogger, connectRaw, decodeRequest, decodeResponse, echoPaths, encodeRequest, encodeResponse, failure, frame, grpcClient,
  rawRequest, rawStatus, startServer, unary,
} from './helpers';
import type { Running } from './helpers';

/** 2 MiB of a pattern, sent as a FrameStream of many pieces */
const piecesPayload = Buffer.from(Array.from({ length: 2 * 1024 * 1024 }, (_, i) => (i * 31) & 0xff));
let piecesClosed: Array<{ sent: number; of: number }> = [];
let onPiecesClosed: () => void = () => {};
function pieces(frameBytes: Buffer, size: number): FrameStream {
  let at = 0;
  let sent = 0;
  return {
    frameBytes: frameBytes.length,
    next: () => {
      if (at >= frameBytes.length) return undefined;
      const p = frameBytes.subarray(at, Math.min(at + size, frameBytes.length));
      at += p.length;
      sent++;
      return p;
    },
    close: () => {
      piecesClosed.push({ sent, of: Math.ceil(frameBytes.length / size) });
      onPiecesClosed();
    },
  };
}

describe('GrpcServer (unary)', () => {
  let running: Running;
  let client: grpc.Client;
  let lastCtx: CallContext | null = null;
  let hangAborted: Promise<unknown> = Promise.resolve();
  let onHangAbort: (reason: unknown) => void = () => {};

  beforeAll(async () => {
    running = await startServer({ maxRecvMessageBytes: 64 * 1024 }, (s) => {
      s.addUnary(echoPaths.unary, (req, ctx) => {
        lastCtx = ctx;
        const r = decodeRequest(req);
        if (r.text === 'async') return Promise.resolve(encodeResponse({ text: 'later' }));
        if (r.text === 'big') return encodeResponse({ payload: Buffer.alloc(200 * 1024, 7) });
        return encodeResponse({ text: `echo:${r.text}`, payload: r.payload });
      });
      s.addUnary('/cairn.test.Errors/Grpc', (req) => {
        const r = decodeRequest(req);
        throw new GrpcError(r.count ?? 0, r.text ?? '', { 'x-detail': 'why', 'x-blob-bin': Buffer.from([0, 1, 2, 255]) });
      });
      s.addUnary('/cairn.test.Errors/Rejects', () => Promise.reject(new GrpcError(Status.NOT_FOUND, 'etcdserver: requested lease not found')));
      s.addUnary('/cairn.test.Errors/EtcdLike', () => {
        // an error class that is not GrpcError but carries a numeric gRPC code, like EtcdError
        throw Object.assign(new Error('etcdserver: key is not provided'), { code: Status.INVALID_ARGUMENT });
      });
      s.addUnary('/cairn.test.Errors/Plain', () => {
        throw new TypeError('boom at the handler');
      });
      s.addUnary('/cairn.test.Errors/NotBytes', () => 'oops' as unknown as Buffer);
      s.addUnary('/cairn.test.Errors/Hang', (_req, ctx) => new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          onHangAbort(ctx.signal.reason);
          reject(ctx.signal.reason);
        });
      }));
      s.addUnaryFramed('/cairn.test.Framed/Unary', (req) => frameMessage(encodeResponse({ text: `framed:${decodeRequest(req).text}` })));
      s.addUnaryFramed('/cairn.test.Framed/Broken', () => Buffer.from([0, 0, 0, 0, 9, 1]));
      s.addUnaryFramed('/cairn.test.Framed/Pieces', (req) => {
        const text = decodeRequest(req).text ?? '';
        const body = pieces(frameMessage(encodeResponse({ text, payload: piecesPayload })), 64 * 1024);
        return text === 'async' ? Promise.resolve(body) : body;
      });
      s.addUnimplemented('/cairn.test.Later/Thing', 'cairn: Thing is not implemented yet');
    });
    client = grpcClient(running.address);
  });

  afterAll(async () => {
    client.close();
    await running.server.close(0);
  });

  it('answers a synchronous handler with its message and OK', async () => {
    let status: grpc.StatusObject | null = null;
    const out = await unary(client, echoPaths.unary, encodeRequest({ text: 'hi', payload: Buffer.from([1, 2, 3]) }), {
      onTrailers: (s) => (status = s),
    });
    expect(decodeResponse(out)).toMatchObject({ text: 'echo:hi', payload: Buffer.from([1, 2, 3]) });
    expect(status).toMatchObject({ code: grpc.status.OK });
  });

  it('answers an async handler', async () => {
    expect(decodeResponse(await unary(client, echoPaths.unary, encodeRequest({ text: 'async' }))).text).toBe('later');
  });

  it('answers with an empty message', async () => {
    const out = await unary(client, echoPaths.unary, Buffer.alloc(0));
    expect(decodeResponse(out).text).toBe('echo:');
  });

  it('sends a response larger than one DATA frame and the client window', async () => {
    const out = await unary(client, echoPaths.unary, encodeRequest({ text: 'big' }));
    expect(Buffer.from(decodeResponse(out).payload!).equals(Buffer.alloc(200 * 1024, 7))).toBe(true);
  });

  it('serves many concurrent calls on one connection', async () => {
    const outs = await Promise.all(Array.from({ length: 200 }, (_, i) => unary(client, echoPaths.unary, encodeRequest({ text: String(i) }))));
    outs.forEach((o, i) => expect(decodeResponse(o).text).toBe(`echo:${i}`));
  });

  it('sends a pre-framed response from a framed handler as it is', async () => {
    expect(decodeResponse(await unary(client, '/cairn.test.Framed/Unary', encodeRequest({ text: 'x' }))).text).toBe('framed:x');
  });

  it('sends a response handed over in pieces (FrameStream), sync or async, and closes it once', async () => {
    for (const text of ['sync', 'async']) {
      piecesClosed = [];
      const out = decodeResponse(await unary(client, '/cairn.test.Framed/Pieces', encodeRequest({ text })));
      expect(out.text).toBe(text);
      expect(Buffer.from(out.payload ?? []).equals(piecesPayload)).toBe(true);
      expect(piecesClosed).toEqual([{ sent: 33, of: 33 }]);
    }
  });

  it('closes a FrameStream whose client goes away before the last piece', async () => {
    piecesClosed = [];
    const closed = new Promise<void>((resolve) => { onPiecesClosed = resolve; });
    // a client that reads nothing: flow control stops the server after a window's worth, then the reset
    const raw = await connectRaw(running.port);
    const stream = raw.request({ ':method': 'POST', ':path': '/cairn.test.Framed/Pieces', 'content-type': 'application/grpc', te: 'trailers' });
    stream.on('error', () => undefined); // our own cancel
    stream.pause();
    stream.end(frame(encodeRequest({ text: 'raw' })));
    await new Promise((resolve) => stream.once('response', resolve));
    stream.close(8); // NGHTTP2_CANCEL
    await closed;
    onPiecesClosed = () => {};
    expect(piecesClosed.length).toBe(1);
    expect(piecesClosed[0].sent).toBeLessThan(piecesClosed[0].of);
    raw.close();
  });

  it('answers INTERNAL when a framed handler returns a malformed frame', async () => {
    const err = await failure(unary(client, '/cairn.test.Framed/Broken', Buffer.alloc(0)));
    expect(err.code).toBe(grpc.status.INTERNAL);
  });

  it('sends a thrown GrpcError code, message and trailing metadata', async () => {
    const err = await failure(unary(client, '/cairn.test.Errors/Grpc', encodeRequest({ count: Status.FAILED_PRECONDITION, text: 'etcdserver: not leader' })));
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err.details).toBe('etcdserver: not leader');
    expect(err.metadata.get('x-detail')).toEqual(['why']);
    expect(err.metadata.get('x-blob-bin')).toEqual([Buffer.from([0, 1, 2, 255])]);
  });

  it.each([
    Status.CANCELLED, Status.UNKNOWN, Status.INVALID_ARGUMENT, Status.DEADLINE_EXCEEDED, Status.NOT_FOUND, Status.ALREADY_EXISTS,
    Status.PERMISSION_DENIED, Status.RESOURCE_EXHAUSTED, Status.FAILED_PRECONDITION, Status.ABORTED, Status.OUT_OF_RANGE,
    Status.UNIMPLEMENTED, Status.INTERNAL, Status.UNAVAILABLE, Status.DATA_LOSS, Status.UNAUTHENTICATED,
  ])('sends status code %i as it is', async (code) => {
    const err = await failure(unary(client, '/cairn.test.Errors/Grpc', encodeRequest({ count: code, text: `code ${code}` })));
    expect(err.code).toBe(code);
    expect(err.details).toBe(`code ${code}`);
  });

  it('percent-encodes a non-ASCII message so the client reads it back exactly', async () => {
    const text = 'clé introuvable: 鍵 100% \u{1F600}\nnext line';
    const err = await failure(unary(client, '/cairn.test.Errors/Grpc', encodeRequest({ count: Status.NOT_FOUND, text })));
    expect(err.code).toBe(grpc.status.NOT_FOUND);
    expect(err.details).toBe(text);
  });

  it('sends the status of a rejected promise', async () => {
    const err = await failure(unary(client, '/cairn.test.Errors/Rejects', Buffer.alloc(0)));
    expect(err.code).toBe(grpc.status.NOT_FOUND);
    expect(err.details).toBe('etcdserver: requested lease not found');
  });

  it('keeps the code of an error that carries a numeric gRPC code (etcd sentinel errors)', async () => {
    const err = await failure(unary(client, '/cairn.test.Errors/EtcdLike', Buffer.alloc(0)));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details).toBe('etcdserver: key is not provided');
  });

  it('answers UNKNOWN with the message for any other thrown error, and logs it', async () => {
    const err = await failure(unary(client, '/cairn.test.Errors/Plain', Buffer.alloc(0)));
    expect(err.code).toBe(grpc.status.UNKNOWN);
    expect(err.details).toBe('boom at the handler');
    expect(running.logs.some((l) => l.level === 'error' && String(l.fields?.error).includes('boom at the handler'))).toBe(true);
  });

  it('answers INTERNAL when a handler returns something other than bytes', async () => {
    const err = await failure(unary(client, '/cairn.test.Errors/NotBytes', Buffer.alloc(0)));
    expect(err.code).toBe(grpc.status.INTERNAL);
  });

  it('answers an unknown service with UNIMPLEMENTED in grpc-go words', async () => {
    const err = await failure(unary(client, '/etcdserverpb.Foo/Bar', Buffer.alloc(0)));
    expect(err.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(err.details).toBe('unknown service etcdserverpb.Foo');
  });

  it('answers an unknown method of a known service with UNIMPLEMENTED in grpc-go words', async () => {
    const err = await failure(unary(client, '/cairn.test.Echo/Nope', Buffer.alloc(0)));
    expect(err.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(err.details).toBe('unknown method Nope for service cairn.test.Echo');
  });

  it('answers a method registered as unimplemented with its message', async () => {
    const err = await failure(unary(client, '/cairn.test.Later/Thing', Buffer.alloc(0)));
    expect(err.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(err.details).toBe('cairn: Thing is not implemented yet');
  });

  it('refuses a request above maxRecvMessageBytes with RESOURCE_EXHAUSTED and keeps the connection', async () => {
    const big = encodeRequest({ payload: Buffer.alloc(64 * 1024 + 10) });
    const err = await failure(unary(client, echoPaths.unary, big));
    expect(err.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(err.details).toBe(`grpc: received message larger than max (${big.length} vs. ${64 * 1024})`);
    // same channel, same connection
    expect(decodeResponse(await unary(client, echoPaths.unary, encodeRequest({ text: 'after' }))).text).toBe('echo:after');
  });

  it('accepts a request exactly at maxRecvMessageBytes', async () => {
    const payload = Buffer.alloc(64 * 1024 - 4, 1); // + tag byte + 3-byte length
    const req = encodeRequest({ payload });
    expect(req.length).toBe(64 * 1024);
    expect(Buffer.from(decodeResponse(await unary(client, echoPaths.unary, req)).payload!).equals(payload)).toBe(true);
  });

  it('aborts the handler signal when the client deadline passes', async () => {
    hangAborted = new Promise((resolve) => (onHangAbort = resolve));
    const err = await failure(unary(client, '/cairn.test.Errors/Hang', Buffer.alloc(0), { deadline: Date.now() + 50 }));
    expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    // the client's RST_STREAM (CANCELLED) or the server's own timer (DEADLINE_EXCEEDED), whichever comes first
    const reason = await hangAborted;
    expect(reason).toBeInstanceOf(GrpcError);
    expect([Status.CANCELLED, Status.DEADLINE_EXCEEDED]).toContain((reason as GrpcError).code);
  });

  it('answers DEADLINE_EXCEEDED itself when grpc-timeout passes before the handler answers', async () => {
    hangAborted = new Promise((resolve) => (onHangAbort = resolve));
    const session = await connectRaw(running.port);
    try {
      const r = await rawRequest(session, { ':path': '/cairn.test.Errors/Hang', 'grpc-timeout': '30m' }, [frame(Buffer.alloc(0))]);
      expect(rawStatus(r)).toEqual({ code: Status.DEADLINE_EXCEEDED, message: 'context deadline exceeded' });
      expect(((await hangAborted) as GrpcError).code).toBe(Status.DEADLINE_EXCEEDED);
    } finally {
      session.close();
    }
  });

  it('gives the handler the deadline, path, peer and metadata (plain and -bin)', async () => {
    const md = new grpc.Metadata();
    md.set('token', 'abc.def');
    md.set('x-trace-bin', Buffer.from([9, 8, 7, 0, 255]));
    const before = Date.now();
    await unary(client, echoPaths.unary, encodeRequest({ text: 'md' }), { metadata: md, deadline: before + 30_000 });
    const ctx = lastCtx!;
    expect(ctx.path).toBe(echoPaths.unary);
    expect(ctx.metadata.token).toBe('abc.def');
    expect(ctx.metadata['x-trace-bin']).toEqual(Buffer.from([9, 8, 7, 0, 255]));
    expect(ctx.metadata['content-type']).toBeUndefined();
    expect(ctx.metadata['grpc-timeout']).toBeUndefined();
    expect(ctx.metadata[':path']).toBeUndefined();
    expect(ctx.deadline).toBeGreaterThanOrEqual(before + 29_000);
    expect(ctx.deadline).toBeLessThanOrEqual(Date.now() + 30_000);
    expect(ctx.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(ctx.signal.aborted).toBe(false);
  });

  it('leaves request bytes a handler keeps intact after later calls (they may be views of the read buffer)', async () => {
    const kept: Buffer[] = [];
    running.server.addUnary('/cairn.test.Keep/Unary', (req) => {
      kept.push(req);
      return Buffer.alloc(0);
    });
    const payloads = Array.from({ length: 50 }, (_, i) => Buffer.alloc(100 + i, i));
    for (const p of payloads) await unary(client, '/cairn.test.Keep/Unary', p);
    await Promise.all(payloads.map((p) => unary(client, '/cairn.test.Keep/Unary', Buffer.alloc(p.length, 0xee))));
    payloads.forEach((p, i) => expect(kept[i].equals(p)).toBe(true));
  });

  it('gives a null deadline without grpc-timeout', async () => {
    await unary(client, echoPaths.unary, encodeRequest({ text: 'nodeadline' }));
    expect(lastCtx!.deadline).toBeNull();
  });

  it('sends gzip-compressed requests through decompression', async () => {
    const gz = grpcClient(running.address, { 'grpc.default_compression_algorithm': 2 /* gzip */ });
    try {
      const out = await unary(gz, echoPaths.unary, encodeRequest({ text: 'zipped', payload: Buffer.alloc(10_000, 3) }));
      expect(decodeResponse(out)).toMatchObject({ text: 'echo:zipped', payload: Buffer.alloc(10_000, 3) });
    } finally {
      gz.close();
    }
  });

  it('sends deflate-compressed requests through decompression', async () => {
    const df = grpcClient(running.address, { 'grpc.default_compression_algorithm': 1 /* deflate */ });
    try {
      expect(decodeResponse(await unary(df, echoPaths.unary, encodeRequest({ text: 'deflated' }))).text).toBe('echo:deflated');
    } finally {
      df.close();
    }
  });
});

describe('GrpcServer (send limit)', () => {
  it('answers RESOURCE_EXHAUSTED when a response exceeds maxSendMessageBytes', async () => {
    const { logger } = captureLogger();
    const server = new GrpcServer({ maxRecvMessageBytes: 1024, maxSendMessageBytes: 100, logger });
    server.addUnary(echoPaths.unary, () => Buffer.alloc(101));
    const { port } = await server.listen('127.0.0.1', 0);
    const client = grpcClient(`127.0.0.1:${port}`);
    try {
      const err = await failure(unary(client, echoPaths.unary, Buffer.alloc(0)));
      expect(err.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(err.details).toBe('grpc: trying to send message larger than max (101 vs. 100)');
    } finally {
      client.close();
      await server.close(0);
    }
  });
});
