// Every bucket (LMDB named database) of a member's backend. The MVCC layout is described in
// ../mvcc/record.ts; the other buckets belong to the modules named beside them.

export const Buckets = Object.freeze({
  /** MVCC history, in revision order: revision key (8-byte BE main, 4-byte BE sub) → stored record */
  revisions: 'revisions',
  /** live keys: user key → pointer to the key's newest revision (the persistent key index) */
  keys: 'keys',
  /** deleted keys whose tombstone is not compacted yet: user key → revision key of the tombstone */
  tombstones: 'tombstones',
  /** consistent index, term, storage version, current revision, compaction state (schema/meta.ts) */
  meta: 'meta',
  /** lease/ */
  lease: 'lease',
  /** auth/ */
  auth: 'auth',
  authUsers: 'authUsers',
  authRoles: 'authRoles',
  /** server/ membership and cluster version */
  members: 'members',
  membersRemoved: 'members_removed',
  cluster: 'cluster',
  /** server/ alarms */
  alarm: 'alarm',
});

export type BucketName = (typeof Buckets)[keyof typeof Buckets];

/** Every bucket, to open with the backend. */
export const allBuckets: readonly string[] = Object.freeze(Object.values(Buckets));
