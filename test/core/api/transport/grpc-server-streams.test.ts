import * as grpc from '@grpc/grpc-js';
import { GrpcError, Status, frameMessage } from '../../../../src/core/api/transport';
import type { BidiCall, ServerStreamCall } from '../../../../src/core/api/transport';
import {
  bidi, decodeRequest, decodeResponse, echoPaths, encodeRequest, encodeResponse, grpcClient, once, serverStream, startServer,
} from './helpers';
import type { Running } from './helpers';

const chunkBytes = 64 * 1024;

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Reads a server stream to its end: the messages and the final status. */
function collect(stream: grpc.ClientReadableStream<Buffer> | grpc.ClientDuplexStream<Buffer, Buffer>): Promise<{ messages: Buffer[]; status: grpc.StatusObject; error: grpc.ServiceError | null }> {
  return new Promise((resolve) => {
    const messages: Buffer[] = [];
    let error: grpc.ServiceError | null = null;
    stream.on('data', (m: Buffer) => messages.push(m));
    stream.on('error', (e: grpc.ServiceError) => (error = e));
    stream.on('status', (status: grpc.StatusObject) => {
      // 'status' may come before the last 'data' events are consumed; let them flush
      setImmediate(() => resolve({ messages, status, error }));
    });
  });
}

describe('GrpcServer (streams)', () => {
  let running: Running;
  let client: grpc.Client;
  let slowWrites: { falseSeen: Deferred<number>; drains: number } = { falseSeen: deferred(), drains: 0 };
  let overflowCall: Deferred<{ reason: unknown; writeAfter: boolean }> = deferred();
  let cancelled: Deferred<unknown> = deferred();
  let lateBidiSeen: string[] = [];
  let idleStarted: Deferred<void> = deferred();

  beforeAll(async () => {
    running = await startServer({ maxBufferedBytesPerStream: 512 * 1024 }, (s) => {
      s.addServerStream(echoPaths.stream, (req, call) => {
        const { count, text } = decodeRequest(req);
        for (let i = 0; i < (count ?? 0); i++) call.write(encodeResponse({ text, index: i }));
        if (text === 'fail') call.end(new GrpcError(Status.ABORTED, 'stopped after the messages'));
        else call.end();
      });
      s.addServerStream('/cairn.test.Streams/Slow', (req, call) => {
        // writes `count` 64 KiB messages, waiting for drain whenever write() says the stream is behind
        const total = decodeRequest(req).count ?? 0;
        let i = 0;
        const pump = (): void => {
          while (i < total) {
            const ok = call.write(encodeResponse({ index: i, payload: Buffer.alloc(chunkBytes, i & 0xff) }));
            i++;
            if (!ok) {
              slowWrites.falseSeen.resolve(i);
              return;
            }
          }
          call.end();
        };
        call.onDrain(() => {
          slowWrites.drains++;
          pump();
        });
        pump();
      });
      s.addServerStream('/cairn.test.Streams/Flood', (_req, call) => {
        // ignores backpressure: the per-stream bound must stop it
        call.onCancel(() => {
          overflowCall.resolve({ reason: call.ctx.signal.reason, writeAfter: call.write(Buffer.alloc(1)) });
        });
        for (let i = 0; i < 400; i++) if (!call.write(Buffer.alloc(chunkBytes)) && call.ctx.signal.aborted) break;
      });
      s.addServerStream('/cairn.test.Streams/Forever', (_req, call) => {
        call.write(encodeResponse({ text: 'first' }));
        call.onCancel(() => cancelled.resolve(call.ctx.signal.reason));
      });
      s.addServerStream('/cairn.test.Streams/Rejects', async (_req, call) => {
        call.write(encodeResponse({ text: 'one' }));
        throw new GrpcError(Status.UNAVAILABLE, 'etcdserver: no leader');
      });
      s.addServerStream('/cairn.test.Streams/Framed', (_req, call) => {
        const shared = frameMessage(encodeResponse({ text: 'shared' }));
        call.writeFramed(shared);
        call.writeFramed(shared);
        call.end();
      });
      s.addBidi(echoPaths.chat, (call: BidiCall) => {
        let n = 0;
        call.onMessage((m) => {
          const r = decodeRequest(m);
          if (r.text === 'boom') throw new GrpcError(Status.INVALID_ARGUMENT, 'bad chat message');
          if (r.text === 'bye') {
            call.end();
            return;
          }
          call.write(encodeResponse({ text: `re:${r.text}`, index: n++ }));
        });
        call.onEnd(() => {
          call.write(encodeResponse({ text: 'done', index: n }));
          call.end();
        });
      });
      s.addBidi('/cairn.test.Streams/LateListener', (call) => {
        // registers onMessage only after the client's messages arrived: they wait, in order
        setImmediate(() => setImmediate(() => {
          call.onMessage((m) => lateBidiSeen.push(decodeRequest(m).text ?? ''));
          call.onEnd(() => {
            call.write(encodeResponse({ text: lateBidiSeen.join(',') }));
            call.end();
          });
        }));
      });
      s.addBidi('/cairn.test.Streams/Idle', (call) => {
        idleStarted.resolve();
        call.onCancel(() => cancelled.resolve(call.ctx.signal.reason));
      });
    });
    client = grpcClient(running.address);
  });

  afterAll(async () => {
    client.close();
    await running.server.close(0);
  });

  it('streams every message in order, then OK', async () => {
    const { messages, status } = await collect(serverStream(client, echoPaths.stream, encodeRequest({ text: 'x', count: 50 })));
    expect(status.code).toBe(grpc.status.OK);
    expect(messages.map((m) => decodeResponse(m).index)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('ends a stream without messages with OK (Trailers-Only)', async () => {
    const { messages, status } = await collect(serverStream(client, echoPaths.stream, encodeRequest({ count: 0 })));
    expect(messages).toEqual([]);
    expect(status.code).toBe(grpc.status.OK);
  });

  it('sends the messages and then the error status when end() gets an error', async () => {
    const { messages, error } = await collect(serverStream(client, echoPaths.stream, encodeRequest({ text: 'fail', count: 3 })));
    expect(messages).toHaveLength(3);
    expect(error?.code).toBe(grpc.status.ABORTED);
    expect(error?.details).toBe('stopped after the messages');
  });

  it('ends the stream with the status of a rejected handler promise', async () => {
    const { messages, error } = await collect(serverStream(client, '/cairn.test.Streams/Rejects', Buffer.alloc(0)));
    expect(messages.map((m) => decodeResponse(m).text)).toEqual(['one']);
    expect(error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(error?.details).toBe('etcdserver: no leader');
  });

  it('writes caller-built frames as they are', async () => {
    const { messages } = await collect(serverStream(client, '/cairn.test.Streams/Framed', Buffer.alloc(0)));
    expect(messages.map((m) => decodeResponse(m).text)).toEqual(['shared', 'shared']);
  });

  it('signals backpressure to a handler feeding a slow client and resumes on drain', async () => {
    slowWrites = { falseSeen: deferred(), drains: 0 };
    const total = 100; // 6.4 MiB, far above every window and buffer on the way
    const stream = serverStream(client, '/cairn.test.Streams/Slow', encodeRequest({ count: total }));
    stream.pause();
    const writtenBeforeFalse = await slowWrites.falseSeen.promise;
    expect(writtenBeforeFalse).toBeLessThan(total);
    const done = collect(stream);
    stream.resume();
    const { messages, status } = await done;
    expect(status.code).toBe(grpc.status.OK);
    expect(messages).toHaveLength(total);
    messages.forEach((m, i) => {
      const r = decodeResponse(m);
      expect(r.index ?? 0).toBe(i);
      expect(r.payload?.[0]).toBe(i & 0xff);
    });
    expect(slowWrites.drains).toBeGreaterThan(0);
  });

  it('cancels a stream that queues more than maxBufferedBytesPerStream with RESOURCE_EXHAUSTED', async () => {
    overflowCall = deferred();
    const stream = serverStream(client, '/cairn.test.Streams/Flood', Buffer.alloc(0));
    stream.pause();
    const errored = once<grpc.ServiceError>(stream, 'error');
    const { reason, writeAfter } = await overflowCall.promise;
    expect(reason).toBeInstanceOf(GrpcError);
    expect((reason as GrpcError).code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(writeAfter).toBe(false);
    stream.resume();
    expect((await errored).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(running.logs.some((l) => l.message.includes('reads too slowly'))).toBe(true);
  });

  it('calls onCancel and aborts the signal with CANCELLED when the client cancels', async () => {
    cancelled = deferred();
    const stream = serverStream(client, '/cairn.test.Streams/Forever', Buffer.alloc(0));
    stream.on('error', () => {});
    await once(stream, 'data');
    stream.cancel();
    const reason = await cancelled.promise;
    expect((reason as GrpcError).code).toBe(Status.CANCELLED);
  });

  it('echoes a bidi chat and ends it when the client half-closes', async () => {
    const call = bidi(client, echoPaths.chat);
    const done = collect(call);
    for (const t of ['a', 'b', 'c']) call.write(encodeRequest({ text: t }));
    call.end();
    const { messages, status } = await done;
    expect(status.code).toBe(grpc.status.OK);
    expect(messages.map((m) => decodeResponse(m))).toEqual([
      { text: 're:a', index: 0, payload: expect.anything() },
      { text: 're:b', index: 1, payload: expect.anything() },
      { text: 're:c', index: 2, payload: expect.anything() },
      { text: 'done', index: 3, payload: expect.anything() },
    ]);
  });

  it('answers each bidi message as it arrives, before the client half-closes', async () => {
    const call = bidi(client, echoPaths.chat);
    call.write(encodeRequest({ text: 'ping' }));
    const first = await once<Buffer>(call, 'data');
    expect(decodeResponse(first).text).toBe('re:ping');
    const done = collect(call);
    call.write(encodeRequest({ text: 'bye' }));
    const st = (await done).status;
    expect(st.details).toBe('');
    expect(st.code).toBe(grpc.status.OK);
    call.end();
  });

  it('ends a bidi call with the status thrown from onMessage', async () => {
    const call = bidi(client, echoPaths.chat);
    const done = collect(call);
    call.write(encodeRequest({ text: 'boom' }));
    const { error } = await done;
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error?.details).toBe('bad chat message');
    call.end();
  });

  it('holds bidi messages until the handler registers onMessage, in order', async () => {
    lateBidiSeen = [];
    const call = bidi(client, '/cairn.test.Streams/LateListener');
    const done = collect(call);
    for (const t of ['1', '2', '3', '4']) call.write(encodeRequest({ text: t }));
    call.end();
    const { messages, status } = await done;
    expect(status.code).toBe(grpc.status.OK);
    expect(decodeResponse(messages[0]).text).toBe('1,2,3,4');
  });

  it('calls onCancel on a bidi call the client cancels', async () => {
    cancelled = deferred();
    idleStarted = deferred();
    const call = bidi(client, '/cairn.test.Streams/Idle');
    call.on('error', () => {});
    call.write(encodeRequest({ text: 'hello' }));
    await idleStarted.promise;
    call.cancel();
    expect(((await cancelled.promise) as GrpcError).code).toBe(Status.CANCELLED);
  });

  it('rejects write() on a unary call context', async () => {
    // a unary handler that tries to stream is a programmer error: write() throws
    let thrown: unknown = null;
    running.server.addUnary('/cairn.test.Misuse/Write', (_req, ctx) => {
      try {
        (ctx as unknown as ServerStreamCall).write(Buffer.alloc(1));
      } catch (err) {
        thrown = err;
      }
      return Buffer.alloc(0);
    });
    await new Promise<void>((resolve, reject) =>
      client.makeUnaryRequest('/cairn.test.Misuse/Write', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), (e) => (e ? reject(e) : resolve())));
    expect(String(thrown)).toContain('is unary');
  });
});
