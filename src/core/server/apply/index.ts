export { range, put, deleteRange, txn, compact, kvsOf } from './kv-apply';
export type { ApplyContext, CompactResult, DeleteRangeResult, PutResult, RangeResult, ResponseOpResult, TxnResult } from './kv-apply';
export { validateRange, validatePut, validateDeleteRange, validateTxn, defaultMaxTxnOps, maxKeyBytes } from './validate';
export { RangeStreamCursor, validateRangeStream } from './range-stream';
export type { PinnedKvReader, RangeStreamChunk } from './range-stream';
export { leaseGrant, leaseRevoke, maxLeaseTtl } from './lease-apply';
export type { LeaseGrantResult } from './lease-apply';
