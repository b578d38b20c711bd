// etcd's grpc-gateway paths (the google.api.http POST bindings in etcd's rpc.proto, v3lock.proto and
// v3election.proto, v3.4 to v3.6) and the gRPC method each one calls. Every binding takes the whole body
// (`body: "*"`). Request/response types and streaming come from the proto reflection (gateway-schema.ts), so
// this table only names methods. 3.4 lacks /v3/maintenance/hashkv, /v3/maintenance/downgrade and
// /v3/auth/status (404 there); cairn serves them, as 3.5+ does.

const kv = '/etcdserverpb.KV/';
const watch = '/etcdserverpb.Watch/';
const lease = '/etcdserverpb.Lease/';
const cluster = '/etcdserverpb.Cluster/';
const maintenance = '/etcdserverpb.Maintenance/';
const auth = '/etcdserverpb.Auth/';
const lock = '/v3lockpb.Lock/';
const election = '/v3electionpb.Election/';

/** HTTP path (after the /v3beta → /v3 rewrite) → gRPC method path. */
export const gatewayRoutes: ReadonlyMap<string, string> = new Map([
  ['/v3/kv/range', kv + 'Range'],
  ['/v3/kv/put', kv + 'Put'],
  ['/v3/kv/deleterange', kv + 'DeleteRange'],
  ['/v3/kv/txn', kv + 'Txn'],
  ['/v3/kv/compaction', kv + 'Compact'],

  ['/v3/watch', watch + 'Watch'],

  ['/v3/lease/grant', lease + 'LeaseGrant'],
  ['/v3/lease/revoke', lease + 'LeaseRevoke'],
  ['/v3/kv/lease/revoke', lease + 'LeaseRevoke'],
  ['/v3/lease/keepalive', lease + 'LeaseKeepAlive'],
  ['/v3/lease/timetolive', lease + 'LeaseTimeToLive'],
  ['/v3/kv/lease/timetolive', lease + 'LeaseTimeToLive'],
  ['/v3/lease/leases', lease + 'LeaseLeases'],
  ['/v3/kv/lease/leases', lease + 'LeaseLeases'],

  ['/v3/cluster/member/add', cluster + 'MemberAdd'],
  ['/v3/cluster/member/remove', cluster + 'MemberRemove'],
  ['/v3/cluster/member/update', cluster + 'MemberUpdate'],
  ['/v3/cluster/member/list', cluster + 'MemberList'],
  ['/v3/cluster/member/promote', cluster + 'MemberPromote'],

  ['/v3/maintenance/alarm', maintenance + 'Alarm'],
  ['/v3/maintenance/status', maintenance + 'Status'],
  ['/v3/maintenance/defragment', maintenance + 'Defragment'],
  ['/v3/maintenance/hash', maintenance + 'Hash'],
  ['/v3/maintenance/hashkv', maintenance + 'HashKV'],
  ['/v3/maintenance/snapshot', maintenance + 'Snapshot'],
  ['/v3/maintenance/transfer-leadership', maintenance + 'MoveLeader'],
  ['/v3/maintenance/downgrade', maintenance + 'Downgrade'],

  ['/v3/auth/enable', auth + 'AuthEnable'],
  ['/v3/auth/disable', auth + 'AuthDisable'],
  ['/v3/auth/status', auth + 'AuthStatus'],
  ['/v3/auth/authenticate', auth + 'Authenticate'],
  ['/v3/auth/user/add', auth + 'UserAdd'],
  ['/v3/auth/user/get', auth + 'UserGet'],
  ['/v3/auth/user/list', auth + 'UserList'],
  ['/v3/auth/user/delete', auth + 'UserDelete'],
  ['/v3/auth/user/changepw', auth + 'UserChangePassword'],
  ['/v3/auth/user/grant', auth + 'UserGrantRole'],
  ['/v3/auth/user/revoke', auth + 'UserRevokeRole'],
  ['/v3/auth/role/add', auth + 'RoleAdd'],
  ['/v3/auth/role/get', auth + 'RoleGet'],
  ['/v3/auth/role/list', auth + 'RoleList'],
  ['/v3/auth/role/delete', auth + 'RoleDelete'],
  ['/v3/auth/role/grant', auth + 'RoleGrantPermission'],
  ['/v3/auth/role/revoke', auth + 'RoleRevokePermission'],

  ['/v3/lock/lock', lock + 'Lock'],
  ['/v3/lock/unlock', lock + 'Unlock'],

  ['/v3/election/campaign', election + 'Campaign'],
  ['/v3/election/proclaim', election + 'Proclaim'],
  ['/v3/election/leader', election + 'Leader'],
  ['/v3/election/observe', election + 'Observe'],
  ['/v3/election/resign', election + 'Resign'],
]);
