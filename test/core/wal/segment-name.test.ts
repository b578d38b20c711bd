import { formatSegmentName, listSegmentNames, parseSegmentName } from '../../../src/core/wal/segment-name';

describe('segment-name', () => {
  it('formats seq and first index as 16 hex digits', () => {
    expect(formatSegmentName(1, 1)).toBe('0000000000000001-0000000000000001.wal');
    expect(formatSegmentName(0x1f, 0xabcdef)).toBe('000000000000001f-0000000000abcdef.wal');
  });

  it('parses what it formats and rejects other names', () => {
    expect(parseSegmentName(formatSegmentName(42, 1000))).toEqual({ seq: 42, firstIndex: 1000, name: formatSegmentName(42, 1000) });
    for (const bad of ['wal.lock', '0000000000000001-0000000000000001.wal.tmp', '1-1.wal', '000000000000000G-0000000000000001.wal']) {
      expect(parseSegmentName(bad)).toBeNull();
    }
  });

  it('lists segments in sequence order', () => {
    const names = [formatSegmentName(10, 5), 'wal.lock', formatSegmentName(9, 1), formatSegmentName(11, 7)];
    expect(listSegmentNames(names).map((s) => s.seq)).toEqual([9, 10, 11]);
  });
});
