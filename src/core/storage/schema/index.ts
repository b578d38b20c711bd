export { Buckets, allBuckets } from './buckets';
export type { BucketName } from './buckets';
export {
  MetaKeys, readMeta, writeMetaNumber, writeMetaBytes, ensureStorageVersion, storageVersion,
  initialCurrentRevision, initialCompactRevision,
} from './meta';
export type { MetaState } from './meta';
export { readUint64BE, writeUint64BE, readUint32BE, writeUint32BE, readInt64BE, writeInt64BE } from './int64-be';
