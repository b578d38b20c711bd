// etcdctl's exit codes (ctlv3/command/error.go).
export const ExitCode = {
  Success: 0,
  Error: 1,
  BadConnection: 2,
  /** txn and watch input that does not parse */
  InvalidInput: 3,
  /** a valid flag with an unsupported value (output format, consistency, sort) */
  BadFeature: 4,
  Interrupted: 5,
  IO: 6,
  BadArgs: 128,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
