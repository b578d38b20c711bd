// gRPC failures as clientv3 hands them to etcdctl: etcd's own errors by their message alone; a deadline or
// cancellation as Go's context errors; anything else as grpc-go formats a status ("rpc error: code = … desc = …").
import { EtcdError, Errors, GrpcCode, type GrpcCodeValue } from '../errors';

const goCodeNames: Readonly<Record<number, string>> = {
  0: 'OK', 1: 'Canceled', 2: 'Unknown', 3: 'InvalidArgument', 4: 'DeadlineExceeded', 5: 'NotFound',
  6: 'AlreadyExists', 7: 'PermissionDenied', 8: 'ResourceExhausted', 9: 'FailedPrecondition', 10: 'Aborted',
  11: 'OutOfRange', 12: 'Unimplemented', 13: 'Internal', 14: 'Unavailable', 15: 'DataLoss', 16: 'Unauthenticated',
};

/** The messages clientv3 3.4 recognises as etcd errors (rpctypes.errStringToError). */
const knownMessages: ReadonlySet<string> = new Set([
  ...Object.values(Errors).map((e) => e.message),
  'etcdserver: watch canceled',
  'etcdserver: request timed out, waiting for the applied index took too long',
]);

export const contextDeadlineExceeded = 'context deadline exceeded';
export const contextCanceled = 'context canceled';

export interface StatusLike {
  readonly code: number;
  readonly details: string;
}

export function isStatusLike(err: unknown): err is StatusLike {
  return typeof err === 'object' && err !== null && typeof (err as StatusLike).code === 'number' &&
    typeof (err as StatusLike).details === 'string';
}

function asCode(code: number): GrpcCodeValue {
  return (code >= 0 && code <= 16 ? code : GrpcCode.UNKNOWN) as GrpcCodeValue;
}

/** The EtcdError etcdctl would print for a failed call. */
export function toEtcdError(err: StatusLike): EtcdError {
  if (knownMessages.has(err.details)) return new EtcdError(asCode(err.code), err.details);
  if (err.code === GrpcCode.DEADLINE_EXCEEDED) return new EtcdError(GrpcCode.DEADLINE_EXCEEDED, contextDeadlineExceeded);
  if (err.code === GrpcCode.CANCELLED) return new EtcdError(GrpcCode.CANCELLED, contextCanceled);
  const name = goCodeNames[err.code] ?? `Code(${err.code})`;
  return new EtcdError(asCode(err.code), `rpc error: code = ${name} desc = ${err.details}`);
}

export function deadlineExceeded(): EtcdError {
  return new EtcdError(GrpcCode.DEADLINE_EXCEEDED, contextDeadlineExceeded);
}
