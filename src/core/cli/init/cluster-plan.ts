// The answers of `cairn init`, once complete and checked: everything needed to write the member configs and
// the start/stop scripts. Paths are absolute; TLS paths may hold the `{name}` placeholder (one file per member).

/** etcd recommends 3, 5 or 7 members; more than this is refused (each member adds a replication round-trip). */
export const membersMax = 15;
export const membersDefault = 3;
export const hostDefault = '127.0.0.1';
export const outputDirDefault = 'cairn-cluster';
/** Replaced in TLS file paths by each member's name: `certs/{name}.pem`. */
export const memberNamePlaceholder = '{name}';

export type InitialClusterState = 'new' | 'existing';

export interface MemberPlan {
  readonly name: string;
  /** the address the other members and clients reach this member at (IP address or DNS name) */
  readonly host: string;
  readonly clientPort: number;
  readonly peerPort: number;
  /** absolute */
  readonly dataDir: string;
}

/** One side (client or peer) of etcd's transport security: the keys of etcd's client-/peer-transport-security. */
export interface TlsSide {
  /** absolute, may contain {name} */
  readonly certFile: string;
  readonly keyFile: string;
  /** '' when none */
  readonly trustedCaFile: string;
  readonly clientCertAuth: boolean;
}

export interface ClusterTls {
  readonly client: TlsSide;
  readonly peer: TlsSide;
}

export interface ClusterPlan {
  /** absolute; the configs, scripts, logs and pid files go here */
  readonly outputDir: string;
  readonly members: readonly MemberPlan[];
  readonly token: string;
  readonly state: InitialClusterState;
  /** null: plain http everywhere */
  readonly tls: ClusterTls | null;
}

/** A TLS path for one member: the placeholder replaced by the member's name. */
export function memberTlsPath(pathTemplate: string, memberName: string): string {
  return pathTemplate.split(memberNamePlaceholder).join(memberName);
}
