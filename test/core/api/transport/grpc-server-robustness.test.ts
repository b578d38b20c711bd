import * as net from 'node:net';
import * as http2 from 'node:http2';
import * as zlib from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { GrpcError, Status } from '../../../../src/core/api/transport';
import {
  connectRaw, decodeRequest, decodeResponse, echoPaths, encodeRequest, encodeResponse, frame, grpcClient, once, rawRequest, rawStatus,
  startServer, unary,
} from './helpers';
import type { Running } from './helpers';

const maxRecv = 1024;

describe('GrpcServer (malformed and hostile input)', () => {
  let running: Running;
  let session: http2.ClientHttp2Session;
  let unaryCalls = 0;
  let onHangCancel: (reason: unknown) => void = () => {};
  let onHangStart: () => void = () => {};
  let onHoldCancel: (reason: unknown) => void = () => {};

  beforeAll(async () => {
    running = await startServer({ maxRecvMessageBytes: maxRecv }, (s) => {
      s.addUnary(echoPaths.unary, (req) => {
        unaryCalls++;
        return encodeResponse({ text: `echo:${decodeRequest(req).text}` });
      });
      s.addBidi(echoPaths.chat, (call) => {
        call.onMessage((m) => call.write(encodeResponse({ text: decodeRequest(m).text })));
        call.onEnd(() => call.end());
      });
      s.addBidi('/cairn.test.Robust/Hold', (call) => {
        // holds something for the call's life (as a watch stream holds watchers): onCancel must release it
        call.onMessage(() => call.write(encodeResponse({ text: 'held' })));
        call.onCancel(() => onHoldCancel(call.ctx.signal.reason));
      });
      s.addUnary('/cairn.test.Robust/Hang', (_req, ctx) => new Promise((_resolve, reject) => {
        onHangStart();
        ctx.signal.addEventListener('abort', () => {
          onHangCancel(ctx.signal.reason);
          reject(ctx.signal.reason);
        });
      }));
    });
  });

  beforeEach(async () => {
    session = await connectRaw(running.port);
  });

  afterEach(() => {
    session.destroy();
  });

  afterAll(async () => {
    await running.server.close(0);
  });

  /** The server still answers a well-formed call on a fresh connection. */
  async function stillServes(): Promise<void> {
    const client = grpcClient(running.address);
    try {
      expect(decodeResponse(await unary(client, echoPaths.unary, encodeRequest({ text: 'alive' }))).text).toBe('echo:alive');
    } finally {
      client.close();
    }
  }

  it('reads a message split byte by byte across DATA frames', async () => {
    const bytes = frame(encodeRequest({ text: 'split' }));
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    const r = await rawRequest(session, { ':path': echoPaths.unary }, chunks);
    expect(rawStatus(r).code).toBe(Status.OK);
    expect(decodeResponse(r.data.subarray(5)).text).toBe('echo:split');
  });

  it('reads several messages from one DATA frame', async () => {
    const one = Buffer.concat(['a', 'b', 'c'].map((t) => frame(encodeRequest({ text: t }))));
    const r = await rawRequest(session, { ':path': echoPaths.chat }, [one]);
    expect(rawStatus(r).code).toBe(Status.OK);
    const texts: string[] = [];
    for (let at = 0; at < r.data.length;) {
      const len = r.data.readUInt32BE(at + 1);
      texts.push(decodeResponse(r.data.subarray(at + 5, at + 5 + len)).text ?? '');
      at += 5 + len;
    }
    expect(texts).toEqual(['a', 'b', 'c']);
  });

  it('accepts application/grpc+proto', async () => {
    const r = await rawRequest(session, { ':path': echoPaths.unary, 'content-type': 'application/grpc+proto' }, [frame(encodeRequest({ text: 'p' }))]);
    expect(rawStatus(r).code).toBe(Status.OK);
  });

  it('answers INTERNAL to a unary call without a request message', async () => {
    const r = await rawRequest(session, { ':path': echoPaths.unary }, []);
    expect(rawStatus(r)).toEqual({ code: Status.INTERNAL, message: 'cardinality violation: received no request message from non-client-streaming RPC' });
  });

  it('answers INTERNAL to a unary call with two request messages', async () => {
    const before = unaryCalls;
    const two = Buffer.concat([frame(encodeRequest({ text: '1' })), frame(encodeRequest({ text: '2' }))]);
    const r = await rawRequest(session, { ':path': echoPaths.unary }, [two]);
    expect(rawStatus(r)).toEqual({ code: Status.INTERNAL, message: 'cardinality violation: received multiple request messages for non-client-streaming RPC' });
    expect(unaryCalls).toBe(before);
  });

  it('answers INTERNAL when the request ends in the middle of a message', async () => {
    const whole = frame(encodeRequest({ text: 'truncated' }));
    const r = await rawRequest(session, { ':path': echoPaths.unary }, [whole.subarray(0, whole.length - 3)]);
    expect(rawStatus(r).code).toBe(Status.INTERNAL);
  });

  it('answers INTERNAL to an unknown compressed-flag value', async () => {
    const bad = frame(encodeRequest({ text: 'x' }));
    bad[0] = 7;
    const r = await rawRequest(session, { ':path': echoPaths.unary }, [bad]);
    expect(rawStatus(r)).toEqual({ code: Status.INTERNAL, message: 'grpc: received unexpected payload format 7' });
  });

  it('answers INTERNAL to a compressed message without grpc-encoding', async () => {
    const r = await rawRequest(session, { ':path': echoPaths.unary }, [frame(zlib.gzipSync(encodeRequest({ text: 'z' })), true)]);
    expect(rawStatus(r)).toEqual({ code: Status.INTERNAL, message: 'grpc: compressed flag set with identity or empty encoding' });
  });

  it('answers UNIMPLEMENTED with grpc-accept-encoding to an unsupported grpc-encoding', async () => {
    const r = await rawRequest(session, { ':path': echoPaths.unary, 'grpc-encoding': 'snappy' }, [frame(Buffer.from('x'), true)]);
    expect(rawStatus(r)).toEqual({ code: Status.UNIMPLEMENTED, message: 'grpc: Decompressor is not installed for grpc-encoding "snappy"' });
    expect(r.headers['grpc-accept-encoding']).toBe('identity,deflate,gzip');
  });

  it('stops inflating a compressed message at maxRecvMessageBytes', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(10 * maxRecv));
    expect(bomb.length).toBeLessThan(maxRecv);
    const r = await rawRequest(session, { ':path': echoPaths.unary, 'grpc-encoding': 'gzip' }, [frame(bomb, true)]);
    expect(rawStatus(r)).toEqual({ code: Status.RESOURCE_EXHAUSTED, message: `grpc: received message after decompression larger than max ${maxRecv}` });
  });

  it('answers INTERNAL to a corrupt compressed message', async () => {
    const r = await rawRequest(session, { ':path': echoPaths.unary, 'grpc-encoding': 'gzip' }, [frame(Buffer.from('not gzip at all'), true)]);
    expect(rawStatus(r).code).toBe(Status.INTERNAL);
    expect(rawStatus(r).message).toMatch(/^grpc: failed to decompress the received message/);
  });

  it('answers INTERNAL to a malformed grpc-timeout', async () => {
    for (const t of ['', '5', '123456789S', '10x', '-1S', '1.5S']) {
      const r = await rawRequest(session, { ':path': echoPaths.unary, 'grpc-timeout': t }, [frame(encodeRequest({}))]);
      expect(rawStatus(r)).toEqual({ code: Status.INTERNAL, message: `malformed grpc-timeout: ${JSON.stringify(t)}` });
    }
  });

  it('refuses a huge declared length at once, without waiting for (or buffering) the body', async () => {
    const prefix = Buffer.from([0, 0xff, 0xff, 0xff, 0xff]);
    // the stream is left open: the answer must not depend on the body or on END_STREAM
    const r = await rawRequest(session, { ':path': echoPaths.unary }, [prefix, Buffer.alloc(100)], false);
    expect(rawStatus(r)).toEqual({ code: Status.RESOURCE_EXHAUSTED, message: `grpc: received message larger than max (4294967295 vs. ${maxRecv})` });
    // the same connection still serves
    const ok = await rawRequest(session, { ':path': echoPaths.unary }, [frame(encodeRequest({ text: 'same conn' }))]);
    expect(decodeResponse(ok.data.subarray(5)).text).toBe('echo:same conn');
  });

  it('tells a bidi handler through onCancel when the transport ends its call (an oversized message)', async () => {
    const cancelled = new Promise<unknown>((resolve) => { onHoldCancel = resolve; });
    const r = await rawRequest(session, { ':path': '/cairn.test.Robust/Hold' }, [frame(encodeRequest({ text: 'a' })), frame(Buffer.alloc(maxRecv + 1))], false);
    expect(rawStatus(r)).toEqual({ code: Status.RESOURCE_EXHAUSTED, message: `grpc: received message larger than max (${maxRecv + 1} vs. ${maxRecv})` });
    expect(await cancelled).toMatchObject({ code: Status.RESOURCE_EXHAUSTED });
  });

  it('answers 415 to a non-gRPC content-type when no HTTP fallback is set', async () => {
    const r = await rawRequest(session, { ':path': echoPaths.unary, 'content-type': 'application/json' }, [Buffer.from('{}')]);
    expect(r.headers[':status']).toBe(415);
    expect(rawStatus(r)).toEqual({ code: Status.INVALID_ARGUMENT, message: 'invalid gRPC request content-type "application/json"' });
  });

  it('does not take application/grpc-web for gRPC', async () => {
    const r = await rawRequest(session, { ':path': echoPaths.unary, 'content-type': 'application/grpc-web' }, []);
    expect(r.headers[':status']).toBe(415);
  });

  it('answers 405 to a gRPC request whose method is not POST', async () => {
    const r = await rawRequest(session, { ':path': echoPaths.unary, ':method': 'PUT' }, [frame(encodeRequest({}))]);
    expect(r.headers[':status']).toBe(405);
    expect(rawStatus(r).code).toBe(Status.INTERNAL);
  });

  it('answers UNIMPLEMENTED to a malformed method name', async () => {
    const r = await rawRequest(session, { ':path': '/nomethod' }, [frame(encodeRequest({}))]);
    expect(rawStatus(r)).toEqual({ code: Status.UNIMPLEMENTED, message: 'malformed method name: "/nomethod"' });
  });

  it('survives a client that resets a stream mid-message with an error code', async () => {
    const before = unaryCalls;
    const req = session.request({ ':method': 'POST', ':path': echoPaths.unary, 'content-type': 'application/grpc' });
    req.on('error', () => {});
    req.write(frame(encodeRequest({ text: 'never finished' })).subarray(0, 4));
    await new Promise((r) => setImmediate(r));
    req.close(http2.constants.NGHTTP2_PROTOCOL_ERROR);
    await once(req, 'close');
    expect(unaryCalls).toBe(before);
    await stillServes();
  });

  it('aborts the signal of in-flight calls when the connection drops', async () => {
    const cancelled = new Promise((resolve) => (onHangCancel = resolve));
    const started = new Promise<void>((resolve) => (onHangStart = resolve));
    const req = session.request({ ':method': 'POST', ':path': '/cairn.test.Robust/Hang', 'content-type': 'application/grpc' });
    req.on('error', () => {});
    req.end(frame(Buffer.alloc(0)));
    await started;
    session.destroy();
    const reason = await cancelled;
    expect(reason).toBeInstanceOf(GrpcError);
    expect((reason as GrpcError).code).toBe(Status.CANCELLED);
    await stillServes();
  });

  it('survives garbage after the HTTP/2 preface', async () => {
    const socket = net.connect(running.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.on('error', () => {});
    socket.resume();
    const closed = once(socket, 'close');
    socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from('\x00\x00\x04\xff\x00\x00\x00\x00\x01garbage!garbage!garbage!', 'latin1')]));
    socket.end();
    await closed;
    await stillServes();
  });

  it('survives random bytes instead of a preface', async () => {
    const socket = net.connect(running.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.on('error', () => {});
    socket.on('data', () => {});
    const closed = once(socket, 'close');
    let seed = 12345;
    const random = Buffer.alloc(4096, 0).map(() => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
    socket.end(random);
    await closed;
    await stillServes();
  });

  it('survives a truncated HTTP/2 frame followed by a hang-up', async () => {
    const socket = net.connect(running.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.on('error', () => {});
    const closed = once(socket, 'close');
    // preface, empty SETTINGS, then a HEADERS frame header announcing 100 bytes and only 3 of them
    socket.write(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'));
    socket.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]));
    socket.write(Buffer.from([0, 0, 100, 1, 4, 0, 0, 0, 1, 0x82, 0x86, 0x84]));
    socket.destroy();
    await closed;
    await stillServes();
  });
});

describe('GrpcServer (keepalive enforcement)', () => {
  it('sends GOAWAY ENHANCE_YOUR_CALM too_many_pings to a client that pings too often', async () => {
    const running = await startServer({ keepaliveMinTimeMs: 60_000 }, (s) => s.addUnary(echoPaths.unary, () => Buffer.alloc(0)));
    const session = await connectRaw(running.port);
    session.on('error', () => {});
    try {
      const goaway = new Promise<{ code: number; data: string }>((resolve) =>
        session.on('goaway', (code: number, _last: number, data?: Buffer) => resolve({ code, data: data?.toString() ?? '' })));
      for (let i = 0; i < 5; i++) session.ping(() => {});
      expect(await goaway).toEqual({ code: http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, data: 'too_many_pings' });
      expect(running.logs.some((l) => l.message.includes('pings too often'))).toBe(true);
    } finally {
      session.destroy();
      await running.server.close(0);
    }
  });

  it('tolerates pings while the server is sending responses', async () => {
    const running = await startServer({ keepaliveMinTimeMs: 60_000 }, (s) => s.addUnary(echoPaths.unary, () => Buffer.alloc(0)));
    const session = await connectRaw(running.port);
    let goaway = false;
    session.on('goaway', () => (goaway = true));
    try {
      for (let i = 0; i < 6; i++) {
        await rawRequest(session, { ':path': echoPaths.unary }, [frame(Buffer.alloc(0))]);
        await new Promise<void>((resolve) => session.ping(() => resolve()));
      }
      expect(goaway).toBe(false);
    } finally {
      session.destroy();
      await running.server.close(0);
    }
  });

  it('leaves pings alone when enforcement is off', async () => {
    const running = await startServer({}, (s) => s.addUnary(echoPaths.unary, () => Buffer.alloc(0)));
    const session = await connectRaw(running.port);
    let goaway = false;
    session.on('goaway', () => (goaway = true));
    try {
      for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => session.ping(() => resolve()));
      await rawRequest(session, { ':path': echoPaths.unary }, [frame(Buffer.alloc(0))]);
      expect(goaway).toBe(false);
    } finally {
      session.destroy();
      await running.server.close(0);
    }
  });
});

describe('GrpcServer (grpc-js client against limits)', () => {
  it('keeps serving a channel after many oversized requests', async () => {
    const running = await startServer({ maxRecvMessageBytes: 100 }, (s) => s.addUnary(echoPaths.unary, (r) => r));
    const client = grpcClient(running.address);
    try {
      for (let i = 0; i < 20; i++) {
        await expect(unary(client, echoPaths.unary, Buffer.alloc(50_000))).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
      }
      expect(await unary(client, echoPaths.unary, Buffer.from('ok'))).toEqual(Buffer.from('ok'));
    } finally {
      client.close();
      await running.server.close(0);
    }
  });
});
