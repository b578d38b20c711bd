/**
 * Reads every segment in order, verifies every record and rebuilds the log.
 *
 * Rules:
 * - Each segment starts with a preamble (segment header, metadata, hard state); its seq and first index must
 *   match the file name, seqs must be consecutive, and a segment must start right after the last index of
 *   the previous one. Preambles are made durable before a segment file gets its name, so a bad preamble is
 *   corruption, never a torn write.
 * - Entries: an entry with index i replaces every earlier entry with index >= i (Raft conflict overwrite);
 *   an index above lastIndex + 1 is a gap (corruption). The latest hard state record wins.
 * - A bad record (short, bad length, bad CRC) in the LAST segment is a torn tail, dropped by the caller,
 *   when it can be the result of one interrupted write: everything from it to the end of the file is
 *   all zeros, or it is at most `tornTailMaxBytes` (one write group) from the end and is not followed by a
 *   valid record (unless it holds an all-zero 512-byte sector, the signature of a torn multi-sector write).
 *   Anything else, and any bad record in another segment, raises WalCorruptError with file and offset.
 * - A record whose CRC is valid but whose type or size is wrong is corruption anywhere.
 * Entry data are zero-copy views into the segment buffers.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { WalCorruptError } from './errors';
import {
  ENTRY_FIXED_PAYLOAD_BYTES,
  fixedPayloadBytes,
  readRecord,
  RECORD_HEADER_BYTES,
  ReadStatus,
  readU64,
  RecordType,
  SEGMENT_MAGIC,
  SEGMENT_VERSION,
  type RecordView,
} from './record';
import type { SegmentName } from './segment-name';
import type { HardState, WalEntry, WalMetadata } from './types';

const SECTOR_BYTES = 512;

export interface ReplayResult {
  meta: WalMetadata;
  hardState: HardState;
  entries: WalEntry[];
  /** Index of the last entry; the first segment's firstIndex - 1 when there is none. */
  lastIndex: number;
  /** End of the last good record of the last segment: where appends continue. */
  lastSegmentValidBytes: number;
  /** Bytes after lastSegmentValidBytes in the last segment (a torn tail to truncate); 0 when clean. */
  tornBytes: number;
}

interface ReplayState {
  meta: WalMetadata | null;
  hardState: HardState;
  entries: WalEntry[];
  lastIndex: number;
  view: RecordView;
}

function describe(status: ReadStatus): string {
  switch (status) {
    case ReadStatus.Incomplete:
      return 'truncated record';
    case ReadStatus.BadLength:
      return 'record length out of range';
    case ReadStatus.BadCrc:
      return 'CRC mismatch';
    default:
      return 'bad record';
  }
}

function isAllZero(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

function hasZeroSector(buf: Buffer, start: number, end: number): boolean {
  for (let s = Math.ceil(start / SECTOR_BYTES) * SECTOR_BYTES; s + SECTOR_BYTES <= end; s += SECTOR_BYTES) {
    if (isAllZero(buf, s, s + SECTOR_BYTES)) return true;
  }
  return false;
}

/** Why the bad record at `offset` of the last segment is NOT a torn tail; null when it is one. */
function notTornReason(buf: Buffer, offset: number, status: ReadStatus, tornTailMaxBytes: number, view: RecordView): string | null {
  if (isAllZero(buf, offset, buf.length)) return null;
  const remaining = buf.length - offset;
  if (remaining > tornTailMaxBytes) {
    return `${describe(status)} ${remaining} bytes before the end of the last segment, more than one write (${tornTailMaxBytes} bytes) can tear`;
  }
  if (status !== ReadStatus.BadCrc) return null;
  const frameEnd = offset + RECORD_HEADER_BYTES + buf.readUInt32LE(offset + 4);
  if (frameEnd < buf.length && !hasZeroSector(buf, offset, frameEnd) && readRecord(buf, frameEnd, view) === ReadStatus.Ok) {
    return `${describe(status)} followed by a valid record at offset ${frameEnd}`;
  }
  return null;
}

function expectRecord(buf: Buffer, offset: number, file: string, type: RecordType, view: RecordView): number {
  const status = readRecord(buf, offset, view);
  if (status !== ReadStatus.Ok) throw new WalCorruptError(file, offset, `segment preamble: ${describe(status)}`);
  if (view.type !== type) throw new WalCorruptError(file, offset, `segment preamble: record type ${view.type}, want ${type}`);
  if (view.payloadEnd - view.payloadStart !== fixedPayloadBytes(type)) throw new WalCorruptError(file, offset, `record type ${type} has a bad size`);
  return view.payloadStart;
}

function decodeHardState(buf: Buffer, p: number, file: string, offset: number): HardState {
  const term = readU64(buf, p);
  const commit = readU64(buf, p + 16);
  if (term < 0 || commit < 0) throw new WalCorruptError(file, offset, 'hard state out of range');
  return { term, vote: buf.readBigUInt64LE(p + 8), commit };
}

/** Verifies the preamble of one segment; returns the offset of its first log record. */
function readPreamble(buf: Buffer, seg: SegmentName, st: ReplayState): number {
  const file = seg.name;
  let p = expectRecord(buf, 0, file, RecordType.SegmentHeader, st.view);
  if (buf.readUInt32LE(p) !== SEGMENT_MAGIC) throw new WalCorruptError(file, p, 'bad segment magic');
  if (buf[p + 4] !== SEGMENT_VERSION) throw new WalCorruptError(file, p + 4, `unsupported segment version ${buf[p + 4]}`);
  if (readU64(buf, p + 8) !== seg.seq || readU64(buf, p + 16) !== seg.firstIndex) {
    throw new WalCorruptError(file, p, 'segment header does not match the file name');
  }
  let offset = st.view.payloadEnd;
  p = expectRecord(buf, offset, file, RecordType.Metadata, st.view);
  const meta = { memberId: buf.readBigUInt64LE(p), clusterId: buf.readBigUInt64LE(p + 8) };
  if (st.meta === null) st.meta = meta;
  else if (st.meta.memberId !== meta.memberId || st.meta.clusterId !== meta.clusterId) {
    throw new WalCorruptError(file, offset, 'metadata differs from the first segment');
  }
  offset = st.view.payloadEnd;
  p = expectRecord(buf, offset, file, RecordType.HardState, st.view);
  st.hardState = decodeHardState(buf, p, file, offset);
  return st.view.payloadEnd;
}

function applyEntry(buf: Buffer, offset: number, file: string, st: ReplayState): void {
  const { payloadStart: p, payloadEnd } = st.view;
  if (payloadEnd - p < ENTRY_FIXED_PAYLOAD_BYTES) throw new WalCorruptError(file, offset, 'entry record too short');
  const index = readU64(buf, p);
  const term = readU64(buf, p + 8);
  if (index < 1 || term < 0) throw new WalCorruptError(file, offset, 'entry index or term out of range');
  if (index > st.lastIndex + 1) throw new WalCorruptError(file, offset, `entry ${index} leaves a gap after ${st.lastIndex}`);
  if (index <= st.lastIndex) {
    const first = st.entries.length > 0 ? st.entries[0].index : index;
    st.entries.length = Math.max(0, index - first);
  }
  st.entries.push({ index, term, data: buf.subarray(p + ENTRY_FIXED_PAYLOAD_BYTES, payloadEnd) });
  st.lastIndex = index;
}

/** Replays one segment's log records; returns the end of the last good record. */
function replayRecords(buf: Buffer, start: number, file: string, isLast: boolean, tornTailMaxBytes: number, st: ReplayState): number {
  let offset = start;
  while (offset < buf.length) {
    const status = readRecord(buf, offset, st.view);
    if (status !== ReadStatus.Ok) {
      const reason = isLast ? notTornReason(buf, offset, status, tornTailMaxBytes, st.view) : `${describe(status)} in a segment that is not the last`;
      if (reason !== null) throw new WalCorruptError(file, offset, reason);
      return offset;
    }
    if (st.view.type === RecordType.Entry) applyEntry(buf, offset, file, st);
    else if (st.view.type === RecordType.HardState) {
      if (st.view.payloadEnd - st.view.payloadStart !== fixedPayloadBytes(RecordType.HardState)) throw new WalCorruptError(file, offset, 'hard state record has a bad size');
      st.hardState = decodeHardState(buf, st.view.payloadStart, file, offset);
    } else throw new WalCorruptError(file, offset, `unexpected record type ${st.view.type}`);
    offset = st.view.payloadEnd;
  }
  return offset;
}

/** Reads and verifies `segments` (sorted by seq, at least one) of `dir`. Does not modify any file. */
export async function replaySegments(dir: string, segments: readonly SegmentName[], tornTailMaxBytes: number): Promise<ReplayResult> {
  const st: ReplayState = {
    meta: null,
    hardState: { term: 0, vote: 0n, commit: 0 },
    entries: [],
    lastIndex: segments[0].firstIndex - 1,
    view: { type: 0, payloadStart: 0, payloadEnd: 0 },
  };
  let validBytes = 0;
  let tornBytes = 0;
  // Read one segment ahead (thread pool) while verifying the current one (main thread).
  const readSegment = (i: number): Promise<Buffer> => {
    const p = fsp.readFile(path.join(dir, segments[i].name));
    p.catch(() => undefined); // awaited below unless verification already threw
    return p;
  };
  let nextRead = readSegment(0);
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (i > 0 && seg.seq !== segments[i - 1].seq + 1) throw new WalCorruptError(seg.name, 0, `segment ${segments[i - 1].seq + 1} is missing before it`);
    if (seg.firstIndex !== st.lastIndex + 1) {
      throw new WalCorruptError(seg.name, 0, `segment starts at index ${seg.firstIndex} but the log before it ends at ${st.lastIndex}`);
    }
    const buf = await nextRead;
    if (i + 1 < segments.length) nextRead = readSegment(i + 1);
    const isLast = i === segments.length - 1;
    validBytes = replayRecords(buf, readPreamble(buf, seg, st), seg.name, isLast, tornTailMaxBytes, st);
    if (isLast) tornBytes = buf.length - validBytes;
  }
  if (st.meta === null) throw new WalCorruptError(segments[0].name, 0, 'no metadata');
  return { meta: st.meta, hardState: st.hardState, entries: st.entries, lastIndex: st.lastIndex, lastSegmentValidBytes: validBytes, tornBytes };
}
