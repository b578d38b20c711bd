// A minimal grpc-js client over the generated codecs for server tests: call(path, RequestType, ResponseType, req).
import * as grpc from '@grpc/grpc-js';

interface Encoder<T> {
  encode(m: T): { finish(): Uint8Array };
}
interface Decoder<T> {
  decode(b: Uint8Array): T;
}

export class RawClient {
  readonly client: grpc.Client;

  constructor(endpoint: string) {
    this.client = new grpc.Client(endpoint, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      'grpc.max_send_message_length': 64 * 1024 * 1024,
    });
  }

  call<Req, Res>(path: string, reqType: Encoder<Req>, resType: Decoder<Res>, req: Req, deadlineMs = 10000): Promise<Res> {
    return this.callRaw(path, Buffer.from(reqType.encode(req).finish()), deadlineMs).then((b) => resType.decode(b));
  }

  callRaw(path: string, body: Buffer, deadlineMs = 10000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        body,
        new grpc.Metadata(),
        { deadline: Date.now() + deadlineMs },
        (err, res) => (err ? reject(err) : resolve(res as Buffer)),
      );
    });
  }

  /** A server-streaming call: every response message, or the call's error. `onMessage` may cancel it. */
  serverStream(path: string, body: Buffer, onMessage?: (m: Buffer, call: grpc.ClientReadableStream<Buffer>) => void, deadlineMs = 30000): Promise<Buffer[]> {
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      const call = this.client.makeServerStreamRequest(path, (b: Buffer) => b, (b: Buffer) => b, body, new grpc.Metadata(), { deadline: Date.now() + deadlineMs });
      call.on('data', (m: Buffer) => {
        out.push(m);
        onMessage?.(m, call);
      });
      call.on('error', reject);
      call.on('end', () => resolve(out));
    });
  }

  close(): void {
    this.client.close();
  }
}

/** The gRPC status error grpc-js gives: code and details. */
export function grpcError(err: unknown): { code: number; details: string } {
  const e = err as grpc.ServiceError;
  return { code: e.code, details: e.details };
}

export type Plain = Record<string, unknown>;

/** A decoded message as a plain object for comparing two servers' answers (64-bit ints, enums, bytes as strings). */
export const plainOf = <T>(type: { toObject(m: T, o: object): object }) => (m: T): Plain =>
  type.toObject(m, { longs: String, enums: String, bytes: String, defaults: false }) as Plain;

/** A call's answer or its gRPC error, as one comparable value. */
export type Outcome = { ok: Plain } | { err: { code: number; details: string } };

export async function outcome<T>(p: Promise<T>, toPlain: (m: T) => Plain): Promise<Outcome> {
  try {
    return { ok: toPlain(await p) };
  } catch (err) {
    return { err: grpcError(err) };
  }
}
