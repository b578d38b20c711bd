// gRPC server transport on node:http2: framing, trailers, deadlines, metadata, streams. Codec-agnostic:
// handlers take and return message bytes.
export { GrpcServer, defaultCloseGraceMs, defaultMaxBufferedBytesPerStream, defaultMaxConcurrentStreams } from './grpc-server';
export { GrpcError, toGrpcError } from './grpc-error';
export type { TrailerMetadata } from './grpc-error';
export { Status, isStatusCode } from './status';
export type { StatusCode } from './status';
export { frameMessage, framePrefixBytes, isWholeFrame, joinFrameStream, wholeFramesMaxMessage } from './message-frame';
export { encodeGrpcMessage, decodeGrpcMessage } from './percent-encoding';
export type { Metadata } from './metadata';
export type {
  BidiCall, BidiHandler, CallContext, FrameStream, FramedUnaryHandler, GrpcServerOptions, HttpFallback, HttpRequest, HttpResponse,
  ServerStreamCall, ServerStreamHandler, TlsOptions, CallObserver, CallType, TransportLogger, UnaryHandler,
} from './types';
