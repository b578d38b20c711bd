// gRPC status codes (grpc/grpc doc/statuscodes.md). The numeric values are the wire values of `grpc-status`.

export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type StatusCode = (typeof Status)[keyof typeof Status];

/** The largest defined status code; anything above it (or not an integer) is sent as UNKNOWN. */
export const maxStatusCode = Status.UNAUTHENTICATED;

export function isStatusCode(code: unknown): code is StatusCode {
  return typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= maxStatusCode;
}
