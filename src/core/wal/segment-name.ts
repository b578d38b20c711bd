/** Segment file names: `<seq>-<firstIndex>.wal`, both 16 lower-case hex digits, e.g. 0000000000000001-0000000000000001.wal. */
const SEGMENT_NAME_RE = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;
const HEX_DIGITS = 16;

export const SEGMENT_SUFFIX = '.wal';
/** Suffix of a segment being created; renamed to its final name once its preamble is durable. */
export const SEGMENT_TMP_SUFFIX = '.wal.tmp';

export interface SegmentName {
  seq: number;
  firstIndex: number;
  name: string;
}

export function formatSegmentName(seq: number, firstIndex: number): string {
  return `${seq.toString(16).padStart(HEX_DIGITS, '0')}-${firstIndex.toString(16).padStart(HEX_DIGITS, '0')}${SEGMENT_SUFFIX}`;
}

/** Parses a segment file name; null when `name` is not one. */
export function parseSegmentName(name: string): SegmentName | null {
  const m = SEGMENT_NAME_RE.exec(name);
  if (m === null) return null;
  const seq = Number.parseInt(m[1], 16);
  const firstIndex = Number.parseInt(m[2], 16);
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(firstIndex)) return null;
  return { seq, firstIndex, name };
}

/** Segment names found in a directory listing, in sequence order. */
export function listSegmentNames(names: readonly string[]): SegmentName[] {
  const out: SegmentName[] = [];
  for (const n of names) {
    const s = parseSegmentName(n);
    if (s !== null) out.push(s);
  }
  out.sort((a, b) => a.seq - b.seq);
  return out;
}
