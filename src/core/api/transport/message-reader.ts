// Incremental reader of Length-Prefixed-Messages from DATA chunks. DATA frame boundaries mean nothing: one
// chunk may hold several messages, a message (or its 5-byte prefix) may span chunks. The declared length is
// checked against the limit before a single byte of the body is kept, so a peer cannot make us buffer more
// than `maxMessageBytes` per message.
import assert from 'node:assert';
import { GrpcError } from './grpc-error';
import { Status } from './status';
import { framePrefixBytes } from './message-frame';

export interface MessageSink {
  /** One complete message; `compressed` is the frame's flag. The bytes may share memory with the chunk. */
  acceptMessage(message: Buffer, compressed: boolean): void;
}

const emptyMessage = Buffer.alloc(0);

export class MessageReader {
  /** bytes of the current prefix seen so far (0..5); 5 while reading a body */
  private prefixBytes = 0;
  /** only allocated when a prefix is split across chunks (rare: most calls never need it) */
  private prefix: Buffer | null = null;
  private compressed = false;
  private bodyBytes = 0;
  /** pieces of a body that spans chunks; null when none is pending */
  private parts: Buffer[] | null = null;
  private partsBytes = 0;
  private failed = false;

  constructor(private readonly maxMessageBytes: number) {
    assert(Number.isInteger(maxMessageBytes) && maxMessageBytes >= 0, 'maxMessageBytes must be a non-negative integer');
  }

  /** True between messages (nothing of a next message seen yet). */
  get atBoundary(): boolean {
    return this.prefixBytes === 0;
  }

  /**
   * Feeds one chunk. Returns null, or the status that ends the call on a framing violation (an unknown flag,
   * a message above the limit); after a violation the reader accepts nothing more.
   */
  push(chunk: Buffer, sink: MessageSink): GrpcError | null {
    if (this.failed) return null;
    const end = chunk.length;
    let at = 0;
    while (at < end) {
      if (this.prefixBytes < framePrefixBytes) {
        if (this.prefixBytes === 0 && end - at >= framePrefixBytes) {
          this.compressed = chunk[at] !== 0;
          const error = this.startBody(chunk[at], chunk.readUInt32BE(at + 1));
          at += framePrefixBytes;
          if (error !== null) return error;
        } else {
          const prefix = (this.prefix ??= Buffer.allocUnsafe(framePrefixBytes));
          const take = Math.min(framePrefixBytes - this.prefixBytes, end - at);
          chunk.copy(prefix, this.prefixBytes, at, at + take);
          this.prefixBytes += take;
          at += take;
          if (this.prefixBytes < framePrefixBytes) break;
          this.compressed = prefix[0] !== 0;
          const error = this.startBody(prefix[0], prefix.readUInt32BE(1));
          if (error !== null) return error;
        }
        if (this.bodyBytes === 0) {
          this.prefixBytes = 0;
          sink.acceptMessage(emptyMessage, this.compressed);
          continue;
        }
      }
      const need = this.bodyBytes - this.partsBytes;
      const available = end - at;
      if (this.partsBytes === 0 && available >= need) {
        // the whole body is in this chunk: no copy
        const message = chunk.subarray(at, at + need);
        at += need;
        this.prefixBytes = 0;
        sink.acceptMessage(message, this.compressed);
        continue;
      }
      const take = Math.min(need, available);
      (this.parts ??= []).push(chunk.subarray(at, at + take));
      this.partsBytes += take;
      at += take;
      if (this.partsBytes === this.bodyBytes) {
        const message = Buffer.concat(this.parts!, this.bodyBytes);
        this.parts = null;
        this.partsBytes = 0;
        this.prefixBytes = 0;
        sink.acceptMessage(message, this.compressed);
      }
    }
    return null;
  }

  private startBody(flag: number, length: number): GrpcError | null {
    this.prefixBytes = framePrefixBytes;
    if (flag > 1) {
      this.failed = true;
      return new GrpcError(Status.INTERNAL, `grpc: received unexpected payload format ${flag}`);
    }
    if (length > this.maxMessageBytes) {
      this.failed = true;
      return new GrpcError(Status.RESOURCE_EXHAUSTED, `grpc: received message larger than max (${length} vs. ${this.maxMessageBytes})`);
    }
    this.bodyBytes = length;
    return null;
  }
}
