// The etcd v3 RPCs the client calls: gRPC method path plus the generated static codecs of request and response.
import { etcdserverpb } from '../api/proto';

export interface MessageCodec<T> {
  encode(m: T): { finish(): Uint8Array };
  decode(b: Uint8Array): T;
}

export interface RpcMethod<Req, Res> {
  readonly path: string;
  readonly request: MessageCodec<Req>;
  readonly response: MessageCodec<Res>;
  /** whether a retry after Unavailable cannot apply a change twice (clientv3's immutable RPCs) */
  readonly idempotent: boolean;
}

function rpc<Req, Res>(path: string, request: MessageCodec<Req>, response: MessageCodec<Res>, idempotent: boolean): RpcMethod<Req, Res> {
  return { path, request, response, idempotent };
}

const pb = etcdserverpb;
// requests are the generated properties objects (what encode accepts)
type Req<T> = T extends { encode(m: infer M): unknown } ? M : never;

export const Rpc = {
  range: rpc<Req<typeof pb.RangeRequest>, etcdserverpb.RangeResponse>('/etcdserverpb.KV/Range', pb.RangeRequest, pb.RangeResponse, true),
  put: rpc<Req<typeof pb.PutRequest>, etcdserverpb.PutResponse>('/etcdserverpb.KV/Put', pb.PutRequest, pb.PutResponse, false),
  deleteRange: rpc<Req<typeof pb.DeleteRangeRequest>, etcdserverpb.DeleteRangeResponse>('/etcdserverpb.KV/DeleteRange', pb.DeleteRangeRequest, pb.DeleteRangeResponse, false),
  txn: rpc<Req<typeof pb.TxnRequest>, etcdserverpb.TxnResponse>('/etcdserverpb.KV/Txn', pb.TxnRequest, pb.TxnResponse, false),
  compact: rpc<Req<typeof pb.CompactionRequest>, etcdserverpb.CompactionResponse>('/etcdserverpb.KV/Compact', pb.CompactionRequest, pb.CompactionResponse, false),
  memberList: rpc<Req<typeof pb.MemberListRequest>, etcdserverpb.MemberListResponse>('/etcdserverpb.Cluster/MemberList', pb.MemberListRequest, pb.MemberListResponse, true),
  status: rpc<Req<typeof pb.StatusRequest>, etcdserverpb.StatusResponse>('/etcdserverpb.Maintenance/Status', pb.StatusRequest, pb.StatusResponse, true),
  hashKV: rpc<Req<typeof pb.HashKVRequest>, etcdserverpb.HashKVResponse>('/etcdserverpb.Maintenance/HashKV', pb.HashKVRequest, pb.HashKVResponse, true),
  authenticate: rpc<Req<typeof pb.AuthenticateRequest>, etcdserverpb.AuthenticateResponse>('/etcdserverpb.Auth/Authenticate', pb.AuthenticateRequest, pb.AuthenticateResponse, true),
  leaseGrant: rpc<Req<typeof pb.LeaseGrantRequest>, etcdserverpb.LeaseGrantResponse>('/etcdserverpb.Lease/LeaseGrant', pb.LeaseGrantRequest, pb.LeaseGrantResponse, false),
  leaseRevoke: rpc<Req<typeof pb.LeaseRevokeRequest>, etcdserverpb.LeaseRevokeResponse>('/etcdserverpb.Lease/LeaseRevoke', pb.LeaseRevokeRequest, pb.LeaseRevokeResponse, false),
  leaseTimeToLive: rpc<Req<typeof pb.LeaseTimeToLiveRequest>, etcdserverpb.LeaseTimeToLiveResponse>('/etcdserverpb.Lease/LeaseTimeToLive', pb.LeaseTimeToLiveRequest, pb.LeaseTimeToLiveResponse, true),
  leaseLeases: rpc<Req<typeof pb.LeaseLeasesRequest>, etcdserverpb.LeaseLeasesResponse>('/etcdserverpb.Lease/LeaseLeases', pb.LeaseLeasesRequest, pb.LeaseLeasesResponse, true),
  memberAdd: rpc<Req<typeof pb.MemberAddRequest>, etcdserverpb.MemberAddResponse>('/etcdserverpb.Cluster/MemberAdd', pb.MemberAddRequest, pb.MemberAddResponse, false),
  memberRemove: rpc<Req<typeof pb.MemberRemoveRequest>, etcdserverpb.MemberRemoveResponse>('/etcdserverpb.Cluster/MemberRemove', pb.MemberRemoveRequest, pb.MemberRemoveResponse, false),
  memberUpdate: rpc<Req<typeof pb.MemberUpdateRequest>, etcdserverpb.MemberUpdateResponse>('/etcdserverpb.Cluster/MemberUpdate', pb.MemberUpdateRequest, pb.MemberUpdateResponse, false),
  memberPromote: rpc<Req<typeof pb.MemberPromoteRequest>, etcdserverpb.MemberPromoteResponse>('/etcdserverpb.Cluster/MemberPromote', pb.MemberPromoteRequest, pb.MemberPromoteResponse, false),
  alarm: rpc<Req<typeof pb.AlarmRequest>, etcdserverpb.AlarmResponse>('/etcdserverpb.Maintenance/Alarm', pb.AlarmRequest, pb.AlarmResponse, false),
  defragment: rpc<Req<typeof pb.DefragmentRequest>, etcdserverpb.DefragmentResponse>('/etcdserverpb.Maintenance/Defragment', pb.DefragmentRequest, pb.DefragmentResponse, true),
  hash: rpc<Req<typeof pb.HashRequest>, etcdserverpb.HashResponse>('/etcdserverpb.Maintenance/Hash', pb.HashRequest, pb.HashResponse, true),
  moveLeader: rpc<Req<typeof pb.MoveLeaderRequest>, etcdserverpb.MoveLeaderResponse>('/etcdserverpb.Maintenance/MoveLeader', pb.MoveLeaderRequest, pb.MoveLeaderResponse, false),
  downgrade: rpc<Req<typeof pb.DowngradeRequest>, etcdserverpb.DowngradeResponse>('/etcdserverpb.Maintenance/Downgrade', pb.DowngradeRequest, pb.DowngradeResponse, false),
  authEnable: rpc<Req<typeof pb.AuthEnableRequest>, etcdserverpb.AuthEnableResponse>('/etcdserverpb.Auth/AuthEnable', pb.AuthEnableRequest, pb.AuthEnableResponse, false),
  authDisable: rpc<Req<typeof pb.AuthDisableRequest>, etcdserverpb.AuthDisableResponse>('/etcdserverpb.Auth/AuthDisable', pb.AuthDisableRequest, pb.AuthDisableResponse, false),
  authStatus: rpc<Req<typeof pb.AuthStatusRequest>, etcdserverpb.AuthStatusResponse>('/etcdserverpb.Auth/AuthStatus', pb.AuthStatusRequest, pb.AuthStatusResponse, true),
  userAdd: rpc<Req<typeof pb.AuthUserAddRequest>, etcdserverpb.AuthUserAddResponse>('/etcdserverpb.Auth/UserAdd', pb.AuthUserAddRequest, pb.AuthUserAddResponse, false),
  userGet: rpc<Req<typeof pb.AuthUserGetRequest>, etcdserverpb.AuthUserGetResponse>('/etcdserverpb.Auth/UserGet', pb.AuthUserGetRequest, pb.AuthUserGetResponse, true),
  userList: rpc<Req<typeof pb.AuthUserListRequest>, etcdserverpb.AuthUserListResponse>('/etcdserverpb.Auth/UserList', pb.AuthUserListRequest, pb.AuthUserListResponse, true),
  userDelete: rpc<Req<typeof pb.AuthUserDeleteRequest>, etcdserverpb.AuthUserDeleteResponse>('/etcdserverpb.Auth/UserDelete', pb.AuthUserDeleteRequest, pb.AuthUserDeleteResponse, false),
  userChangePassword: rpc<Req<typeof pb.AuthUserChangePasswordRequest>, etcdserverpb.AuthUserChangePasswordResponse>('/etcdserverpb.Auth/UserChangePassword', pb.AuthUserChangePasswordRequest, pb.AuthUserChangePasswordResponse, false),
  userGrantRole: rpc<Req<typeof pb.AuthUserGrantRoleRequest>, etcdserverpb.AuthUserGrantRoleResponse>('/etcdserverpb.Auth/UserGrantRole', pb.AuthUserGrantRoleRequest, pb.AuthUserGrantRoleResponse, false),
  userRevokeRole: rpc<Req<typeof pb.AuthUserRevokeRoleRequest>, etcdserverpb.AuthUserRevokeRoleResponse>('/etcdserverpb.Auth/UserRevokeRole', pb.AuthUserRevokeRoleRequest, pb.AuthUserRevokeRoleResponse, false),
  roleAdd: rpc<Req<typeof pb.AuthRoleAddRequest>, etcdserverpb.AuthRoleAddResponse>('/etcdserverpb.Auth/RoleAdd', pb.AuthRoleAddRequest, pb.AuthRoleAddResponse, false),
  roleGet: rpc<Req<typeof pb.AuthRoleGetRequest>, etcdserverpb.AuthRoleGetResponse>('/etcdserverpb.Auth/RoleGet', pb.AuthRoleGetRequest, pb.AuthRoleGetResponse, true),
  roleList: rpc<Req<typeof pb.AuthRoleListRequest>, etcdserverpb.AuthRoleListResponse>('/etcdserverpb.Auth/RoleList', pb.AuthRoleListRequest, pb.AuthRoleListResponse, true),
  roleDelete: rpc<Req<typeof pb.AuthRoleDeleteRequest>, etcdserverpb.AuthRoleDeleteResponse>('/etcdserverpb.Auth/RoleDelete', pb.AuthRoleDeleteRequest, pb.AuthRoleDeleteResponse, false),
  roleGrantPermission: rpc<Req<typeof pb.AuthRoleGrantPermissionRequest>, etcdserverpb.AuthRoleGrantPermissionResponse>('/etcdserverpb.Auth/RoleGrantPermission', pb.AuthRoleGrantPermissionRequest, pb.AuthRoleGrantPermissionResponse, false),
  roleRevokePermission: rpc<Req<typeof pb.AuthRoleRevokePermissionRequest>, etcdserverpb.AuthRoleRevokePermissionResponse>('/etcdserverpb.Auth/RoleRevokePermission', pb.AuthRoleRevokePermissionRequest, pb.AuthRoleRevokePermissionResponse, false),
} as const;

export type RpcRequest<M> = M extends RpcMethod<infer Q, unknown> ? Q : never;
export type RpcResponse<M> = M extends RpcMethod<unknown, infer S> ? S : never;

export const watchPath = '/etcdserverpb.Watch/Watch';
/** bidi stream of LeaseKeepAliveRequest/LeaseKeepAliveResponse */
export const leaseKeepAlivePath = '/etcdserverpb.Lease/LeaseKeepAlive';
/** server stream of SnapshotResponse chunks */
export const snapshotPath = '/etcdserverpb.Maintenance/Snapshot';
/** KV.RangeStream (etcd 3.7): a RangeRequest answered by a server stream of RangeStreamResponse chunks */
export const rangeStreamPath = '/etcdserverpb.KV/RangeStream';
