// Options of the etcd client, with clientv3's (and etcdctl's) defaults as named constants.

export const defaultDialTimeoutMs = 2000;
export const defaultCommandTimeoutMs = 5000;
export const defaultKeepAliveTimeMs = 2000;
export const defaultKeepAliveTimeoutMs = 6000;
/** grpc-go raises any client keepalive time below 10 s to 10 s; etcd's server rejects pings closer than 5 s. */
export const keepAliveTimeMinMs = 10_000;
/** clientv3's MaxCallRecvMsgSize default (math.MaxInt32) */
export const maxReceiveMessageBytes = 2 ** 31 - 1;
/** clientv3's MaxCallSendMsgSize default */
export const maxSendMessageBytes = 2 * 1024 * 1024;

export interface TlsOptions {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** server name to verify instead of the endpoint's host (etcdctl's --discovery-srv) */
  readonly serverName?: string;
  readonly insecureSkipVerify: boolean;
}

export interface AuthOptions {
  readonly user: string;
  readonly password: string;
}

export interface ClientOptions {
  readonly endpoints: readonly string[];
  readonly dialTimeoutMs: number;
  readonly keepAliveTimeMs: number;
  readonly keepAliveTimeoutMs: number;
  /** TLS for endpoints without a scheme; undefined means plaintext (etcdctl's --insecure-transport) */
  readonly tls?: TlsOptions;
  readonly auth?: AuthOptions;
}

export function clientOptions(endpoints: readonly string[], more: Partial<ClientOptions> = {}): ClientOptions {
  return {
    dialTimeoutMs: defaultDialTimeoutMs,
    keepAliveTimeMs: defaultKeepAliveTimeMs,
    keepAliveTimeoutMs: defaultKeepAliveTimeoutMs,
    ...more,
    endpoints,
  };
}
