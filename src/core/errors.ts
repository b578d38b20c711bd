// etcd's errors as sentinel values: a gRPC status code and etcd's exact message. Core modules throw these;
// the gRPC edge sends code and message as they are; the client maps them back; the CLI prints `Error: <msg>`.
// Messages from etcd-io/etcd api/v3rpc/rpctypes (see shared/reference/etcd-surface.md, error table).

export const GrpcCode = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
} as const;
export type GrpcCodeValue = (typeof GrpcCode)[keyof typeof GrpcCode];

/** An error a client sees: gRPC code plus message, exactly as etcd sends them. */
export class EtcdError extends Error {
  constructor(readonly code: GrpcCodeValue, message: string) {
    super(message);
    this.name = 'EtcdError';
  }
}

const e = (code: GrpcCodeValue, message: string) => Object.freeze({ code, message });
export type EtcdErrorSpec = ReturnType<typeof e>;

/** Every etcd error cairn raises, by name. Throw with `raise(Errors.X)`. */
export const Errors = {
  EmptyKey: e(GrpcCode.INVALID_ARGUMENT, 'etcdserver: key is not provided'),
  KeyNotFound: e(GrpcCode.INVALID_ARGUMENT, 'etcdserver: key not found'),
  ValueProvided: e(GrpcCode.INVALID_ARGUMENT, 'etcdserver: value is provided'),
  LeaseProvided: e(GrpcCode.INVALID_ARGUMENT, 'etcdserver: lease is provided'),
  TooManyOps: e(GrpcCode.INVALID_ARGUMENT, 'etcdserver: too many operations in txn request'),
  DuplicateKey: e(GrpcCode.INVALID_ARGUMENT, 'etcdserver: duplicate key given in txn request'),
  InvalidSortOption: e(GrpcCode.INVALID_ARGUMENT, 'etcdserver: invalid sort option'),
  Compacted: e(GrpcCode.OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted'),
  FutureRev: e(GrpcCode.OUT_OF_RANGE, 'etcdserver: mvcc: required revision is a future revision'),
  NoSpace: e(GrpcCode.RESOURCE_EXHAUSTED, 'etcdserver: mvcc: database space exceeded'),
  LeaseNotFound: e(GrpcCode.NOT_FOUND, 'etcdserver: requested lease not found'),
  LeaseExist: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: lease already exists'),
  LeaseTTLTooLarge: e(GrpcCode.OUT_OF_RANGE, 'etcdserver: too large lease TTL'),
  MemberExist: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: member ID already exist'),
  PeerURLExist: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: Peer URLs already exists'),
  MemberNotEnoughStarted: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: re-configuration failed due to not enough started members'),
  MemberBadURLs: e(GrpcCode.INVALID_ARGUMENT, 'etcdserver: given member URLs are invalid'),
  MemberNotFound: e(GrpcCode.NOT_FOUND, 'etcdserver: member not found'),
  MemberNotLearner: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: can only promote a learner member'),
  LearnerNotReady: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: can only promote a learner member which is in sync with leader'),
  TooManyLearners: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: too many learner members in cluster'),
  RequestTooLarge: e(GrpcCode.INVALID_ARGUMENT, 'etcdserver: request is too large'),
  TooManyRequests: e(GrpcCode.RESOURCE_EXHAUSTED, 'etcdserver: too many requests'),
  RootUserNotExist: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: root user does not exist'),
  RootRoleNotExist: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: root user does not have root role'),
  UserAlreadyExist: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: user name already exists'),
  UserEmpty: e(GrpcCode.INVALID_ARGUMENT, 'etcdserver: user name is empty'),
  UserNotFound: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: user name not found'),
  RoleAlreadyExist: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: role name already exists'),
  RoleNotFound: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: role name not found'),
  RoleEmpty: e(GrpcCode.INVALID_ARGUMENT, 'etcdserver: role name is empty'),
  AuthFailed: e(GrpcCode.INVALID_ARGUMENT, 'etcdserver: authentication failed, invalid user ID or password'),
  PermissionDenied: e(GrpcCode.PERMISSION_DENIED, 'etcdserver: permission denied'),
  RoleNotGranted: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: role is not granted to the user'),
  PermissionNotGranted: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: permission is not granted to the role'),
  AuthNotEnabled: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: authentication is not enabled'),
  InvalidAuthToken: e(GrpcCode.UNAUTHENTICATED, 'etcdserver: invalid auth token'),
  InvalidAuthMgmt: e(GrpcCode.INVALID_ARGUMENT, 'etcdserver: invalid auth management'),
  AuthOldRevision: e(GrpcCode.INVALID_ARGUMENT, 'etcdserver: revision of auth store is old'),
  NoLeader: e(GrpcCode.UNAVAILABLE, 'etcdserver: no leader'),
  NotLeader: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: not leader'),
  LeaderChanged: e(GrpcCode.UNAVAILABLE, 'etcdserver: leader changed'),
  NotCapable: e(GrpcCode.UNAVAILABLE, 'etcdserver: not capable'),
  Stopped: e(GrpcCode.UNAVAILABLE, 'etcdserver: server stopped'),
  Timeout: e(GrpcCode.UNAVAILABLE, 'etcdserver: request timed out'),
  TimeoutDueToLeaderFail: e(GrpcCode.UNAVAILABLE, 'etcdserver: request timed out, possibly due to previous leader failure'),
  TimeoutDueToConnectionLost: e(GrpcCode.UNAVAILABLE, 'etcdserver: request timed out, possibly due to connection lost'),
  Unhealthy: e(GrpcCode.UNAVAILABLE, 'etcdserver: unhealthy cluster'),
  Corrupt: e(GrpcCode.DATA_LOSS, 'etcdserver: corrupt cluster'),
  BadLeaderTransferee: e(GrpcCode.FAILED_PRECONDITION, 'etcdserver: bad leader transferee'),
  LearnerNotSupported: e(GrpcCode.UNAVAILABLE, 'etcdserver: rpc not supported for learner'),
} as const;

export function raise(spec: EtcdErrorSpec): never {
  throw new EtcdError(spec.code, spec.message);
}

/** The error for an RPC whose issue has not landed yet: UNIMPLEMENTED with a message saying so. */
export function notYet(rpc: string, arrivesWith: string): EtcdError {
  return new EtcdError(GrpcCode.UNIMPLEMENTED, `cairn: ${rpc} is not implemented yet (${arrivesWith})`);
}
