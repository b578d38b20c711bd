export { Backend, Bucket, maxBucketsPerBackend } from './backend';
export type { BackendOptions, BackendWriteTxn, BucketEntry, ReadSnapshot, ScanBounds } from './backend';
