// Maintenance.Snapshot: a server stream of SnapshotResponse chunks (the backend file, then its sha256) from one
// endpoint, handed to the caller chunk by chunk. The stream gets its own channel (snapshots are pinned to one
// member, as clientv3's Save insists) and, with a user, its own token.
import * as grpc from '@grpc/grpc-js';
import { etcdserverpb } from '../api/proto';
import { Errors } from '../errors';
import type { ClientOptions } from './client-options';
import { Connection } from './connection';
import { parseEndpoint } from './endpoint';
import { deadlineExceeded, isStatusLike, toEtcdError } from './grpc-status';
import { Rpc, snapshotPath } from './rpc-methods';

export interface SnapshotStreamOptions {
  /** absolute deadline (ms since the epoch), or undefined for none (etcdctl without --command-timeout) */
  readonly deadline?: number;
  /** the stream is open (the first response, or its end, has arrived) */
  readonly onOpen?: () => void;
  /** one chunk of the file, in order */
  readonly onChunk: (blob: Uint8Array) => void;
}

async function tokenFor(conn: Connection, opts: ClientOptions, deadline: number): Promise<string | undefined> {
  const auth = opts.auth;
  if (auth === undefined || auth.user === '' || auth.password === '') return undefined;
  try {
    const body = Buffer.from(Rpc.authenticate.request.encode({ name: auth.user, password: auth.password }).finish());
    return Rpc.authenticate.response.decode(await conn.unary(Rpc.authenticate.path, body, new grpc.Metadata(), deadline)).token;
  } catch (err) {
    if (!isStatusLike(err)) throw err;
    const e = toEtcdError(err);
    if (e.message === Errors.AuthNotEnabled.message) return undefined;
    throw e;
  }
}

/** Streams the snapshot of `endpoint`; resolves with the byte count when the server ends the stream. */
export async function streamSnapshot(endpoint: string, opts: ClientOptions, o: SnapshotStreamOptions): Promise<number> {
  const conn = new Connection(parseEndpoint(endpoint), opts);
  try {
    const md = new grpc.Metadata();
    const token = await tokenFor(conn, opts, o.deadline ?? Date.now() + opts.dialTimeoutMs);
    if (token !== undefined) md.set('token', token);
    // clientv3 retries a stream that could not be opened (the member unreachable) until the deadline
    for (;;) {
      try {
        return await openOnce(conn, md, o);
      } catch (err) {
        if (!(err instanceof NotOpened)) throw err;
        if (o.deadline !== undefined && Date.now() + retryPauseMs >= o.deadline) {
          await sleep(o.deadline - Date.now());
          throw deadlineExceeded();
        }
        await sleep(retryPauseMs);
      }
    }
  } finally {
    conn.close();
  }
}

/** pause between attempts to open the stream on an unreachable member */
const retryPauseMs = 50;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** The stream failed before the server answered anything: nothing was sent, so it may be tried again. */
class NotOpened extends Error {}

const notSentPattern = /No connection established|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|Failed to connect/i;

function openOnce(conn: Connection, md: grpc.Metadata, o: SnapshotStreamOptions): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let size = 0;
    let opened = false;
    const open = () => {
      if (!opened) o.onOpen?.();
      opened = true;
    };
    const call = conn.client.makeServerStreamRequest(
      snapshotPath, (b: Buffer) => b, (b: Buffer) => b,
      Buffer.from(etcdserverpb.SnapshotRequest.encode({}).finish()), md,
      o.deadline === undefined ? {} : { deadline: o.deadline },
    );
    call.on('data', (b: Buffer) => {
      open();
      const blob = etcdserverpb.SnapshotResponse.decode(b).blob;
      size += blob.length;
      try {
        o.onChunk(blob);
      } catch (err) {
        call.cancel();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    call.on('error', (err: unknown) => {
      if (!opened && isStatusLike(err) && err.code === grpc.status.UNAVAILABLE && notSentPattern.test(err.details)) reject(new NotOpened(err.details));
      else reject(isStatusLike(err) ? toEtcdError(err) : err);
    });
    call.on('status', (s: grpc.StatusObject) => {
      if (s.code === grpc.status.OK) {
        open();
        resolve(size);
      }
    });
  });
}
