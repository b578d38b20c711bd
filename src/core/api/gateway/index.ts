// etcd's /v3/* JSON gateway over cairn's gRPC handlers.
export {
  createGatewayHandler, defaultMaxRequestBytes, grpcOverheadBytes, jsonOverheadBytes, maxBodyBytesFor,
} from './gateway-handler';
export type { GatewayMetadata, GatewayOptions, GrpcInvoke } from './gateway-handler';
export { serverStreamAsBidi } from './gateway-stream';
export type { GrpcStreamInvoke } from './gateway-stream';
export { gatewaySchema, loadGatewaySchema } from './gateway-schema';
export type { GatewaySchema } from './gateway-schema';
