/**
 * Record framing. Every record on disk is
 *
 *   offset 0  u32 LE  crc     CRC-32C of bytes [4, 9 + length): the length, the type and the payload
 *   offset 4  u32 LE  length  payload bytes
 *   offset 8  u8      type    RecordType
 *   offset 9  payload
 *
 * The CRC is per record, not chained. Segment files are never preallocated or recycled, so a valid-looking
 * stale record from an earlier use of the file cannot appear (the threat etcd's chained CRC guards against).
 * Missing or reordered records are caught by higher-level checks instead: entry indices must be contiguous
 * and each segment header names its sequence number and the index it starts at. Per-record CRCs keep every
 * record verifiable on its own, which keeps segment release and tail repair simple.
 * Integers are little endian; index, term and commit are u64 holding JS safe integers.
 */
import { crc32c } from '../util/crc32c';
import type { HardState, WalEntry, WalMetadata } from './types';

export const RECORD_HEADER_BYTES = 9;
/** Largest payload accepted on read or write; bounds the allocation a corrupt length could cause. */
export const RECORD_PAYLOAD_MAX_BYTES = 256 * 1024 * 1024;

export enum RecordType {
  SegmentHeader = 1,
  Metadata = 2,
  HardState = 3,
  Entry = 4,
  // 5 is reserved for a snapshot marker (Raft snapshots).
}

export const SEGMENT_MAGIC = 0x574e5243; // "CRNW" read as u32 LE
export const SEGMENT_VERSION = 1;
export const SEGMENT_HEADER_PAYLOAD_BYTES = 24;
export const METADATA_PAYLOAD_BYTES = 16;
export const HARD_STATE_PAYLOAD_BYTES = 24;
export const ENTRY_FIXED_PAYLOAD_BYTES = 16;
export const ENTRY_DATA_MAX_BYTES = RECORD_PAYLOAD_MAX_BYTES - ENTRY_FIXED_PAYLOAD_BYTES;

export const HARD_STATE_FRAME_BYTES = RECORD_HEADER_BYTES + HARD_STATE_PAYLOAD_BYTES;
/** Segment header + metadata + hard state: what every segment file starts with. */
export const SEGMENT_PREAMBLE_BYTES =
  3 * RECORD_HEADER_BYTES + SEGMENT_HEADER_PAYLOAD_BYTES + METADATA_PAYLOAD_BYTES + HARD_STATE_PAYLOAD_BYTES;

const TWO_POW_32 = 0x1_0000_0000;
const U64_SAFE_HI_MAX = 0x1f_ffff; // hi word of Number.MAX_SAFE_INTEGER

export function entryFrameBytes(dataBytes: number): number {
  return RECORD_HEADER_BYTES + ENTRY_FIXED_PAYLOAD_BYTES + dataBytes;
}

export function writeU64(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt32LE(value >>> 0, offset);
  buf.writeUInt32LE(Math.floor(value / TWO_POW_32), offset + 4);
}

/** Reads a u64 as a number; returns -1 when it does not fit in a safe integer. */
export function readU64(buf: Buffer, offset: number): number {
  const hi = buf.readUInt32LE(offset + 4);
  if (hi > U64_SAFE_HI_MAX) return -1;
  return hi * TWO_POW_32 + buf.readUInt32LE(offset);
}

function sealFrame(buf: Buffer, offset: number, type: RecordType, payloadBytes: number): number {
  buf.writeUInt32LE(payloadBytes, offset + 4);
  buf[offset + 8] = type;
  const end = offset + RECORD_HEADER_BYTES + payloadBytes;
  buf.writeUInt32LE(crc32c(buf, offset + 4, end), offset);
  return end;
}

/** Encodes an entry record at `offset`; returns the offset after it. The caller guarantees room. */
export function encodeEntry(buf: Buffer, offset: number, entry: WalEntry): number {
  const p = offset + RECORD_HEADER_BYTES;
  writeU64(buf, p, entry.index);
  writeU64(buf, p + 8, entry.term);
  buf.set(entry.data, p + ENTRY_FIXED_PAYLOAD_BYTES);
  return sealFrame(buf, offset, RecordType.Entry, ENTRY_FIXED_PAYLOAD_BYTES + entry.data.length);
}

export function encodeHardState(buf: Buffer, offset: number, hs: HardState): number {
  const p = offset + RECORD_HEADER_BYTES;
  writeU64(buf, p, hs.term);
  buf.writeBigUInt64LE(hs.vote, p + 8);
  writeU64(buf, p + 16, hs.commit);
  return sealFrame(buf, offset, RecordType.HardState, HARD_STATE_PAYLOAD_BYTES);
}

export function encodeMetadata(buf: Buffer, offset: number, meta: WalMetadata): number {
  const p = offset + RECORD_HEADER_BYTES;
  buf.writeBigUInt64LE(meta.memberId, p);
  buf.writeBigUInt64LE(meta.clusterId, p + 8);
  return sealFrame(buf, offset, RecordType.Metadata, METADATA_PAYLOAD_BYTES);
}

export function encodeSegmentHeader(buf: Buffer, offset: number, seq: number, firstIndex: number): number {
  const p = offset + RECORD_HEADER_BYTES;
  buf.writeUInt32LE(SEGMENT_MAGIC, p);
  buf[p + 4] = SEGMENT_VERSION;
  buf[p + 5] = 0;
  buf[p + 6] = 0;
  buf[p + 7] = 0;
  writeU64(buf, p + 8, seq);
  writeU64(buf, p + 16, firstIndex);
  return sealFrame(buf, offset, RecordType.SegmentHeader, SEGMENT_HEADER_PAYLOAD_BYTES);
}

/** The preamble every segment file starts with: header, metadata, current hard state. */
export function encodeSegmentPreamble(seq: number, firstIndex: number, meta: WalMetadata, hs: HardState): Buffer {
  const buf = Buffer.alloc(SEGMENT_PREAMBLE_BYTES);
  let o = encodeSegmentHeader(buf, 0, seq, firstIndex);
  o = encodeMetadata(buf, o, meta);
  encodeHardState(buf, o, hs);
  return buf;
}

export enum ReadStatus {
  Ok = 0,
  /** The header or the payload runs past the end of the buffer. */
  Incomplete = 1,
  /** The length field is larger than RECORD_PAYLOAD_MAX_BYTES. */
  BadLength = 2,
  /** The frame is complete but its CRC does not match. */
  BadCrc = 3,
}

/** Where the last record read by readRecord lies; reused across calls to avoid an allocation per record. */
export interface RecordView {
  type: number;
  payloadStart: number;
  payloadEnd: number;
}

/** Reads the frame at `offset` into `out` and verifies its CRC; does not interpret the payload. */
export function readRecord(buf: Buffer, offset: number, out: RecordView): ReadStatus {
  if (offset + RECORD_HEADER_BYTES > buf.length) return ReadStatus.Incomplete;
  const length = buf.readUInt32LE(offset + 4);
  if (length > RECORD_PAYLOAD_MAX_BYTES) return ReadStatus.BadLength;
  const end = offset + RECORD_HEADER_BYTES + length;
  if (end > buf.length) return ReadStatus.Incomplete;
  if (crc32c(buf, offset + 4, end) !== buf.readUInt32LE(offset)) return ReadStatus.BadCrc;
  out.type = buf[offset + 8];
  out.payloadStart = offset + RECORD_HEADER_BYTES;
  out.payloadEnd = end;
  return ReadStatus.Ok;
}

/** Expected payload size of fixed-size record types; -1 for variable (entry: at least its fixed part). */
export function fixedPayloadBytes(type: number): number {
  switch (type) {
    case RecordType.SegmentHeader:
      return SEGMENT_HEADER_PAYLOAD_BYTES;
    case RecordType.Metadata:
      return METADATA_PAYLOAD_BYTES;
    case RecordType.HardState:
      return HARD_STATE_PAYLOAD_BYTES;
    default:
      return -1;
  }
}
