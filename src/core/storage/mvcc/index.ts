export { MvccStore, WriteBatch, readEventsMax } from './store';
export { PinnedRead } from './pinned-read';
export type { MvccStoreOptions } from './store';
export type { AppliedEntry, EncodedKvs, EntryOutcome, HashKVResult, KvReader, KvWriter, MvccEvent, MvccRangeResult } from './types';
export { encodedHeadroomBytes, encodedTailroomBytes } from './types';
export type { EncodedKvsStream } from './types';
export { rangeEndOf, compareBytes, inRange, prefixRangeEnd } from './key-range';
export type { RangeEnd } from './key-range';
export {
  KeyValueView, decodeKeyValue, encodeKeyValue, encodeDeletedKeyValue, keyValueSize, readKeyValueView, stripValue, writeKeyValue,
} from './key-value-codec';
export type { KeyValueFields } from './key-value-codec';
export { compactionBatchRecords } from './compaction';
export { crc32cUpdate } from './crc32c';
export { maxKeyBytes } from './record';
export type { LeaseRecord } from './lease-index';
export type { AlarmRecord } from './alarm-store';
