// zap-compatible structured logging and the lines etcd logs.
export { createLogger, Logger, LogPanic, pendingBytesMax, pendingLinesMax, type LoggerOptions } from './logger';
export { LOG_LEVELS, isLogLevel, levelRank, type LogLevel } from './levels';
export { encodeEntry, encodeJsonEntry, encodeConsoleEntry, type LogEntry, type LogFields, type LogFieldValue, type LogFormat } from './encode';
export { formatZapTime } from './zap-time';
export { StdioSink, FileSink, MemorySink, type LogSink } from './sinks';
export { RotatingFileSink, backupTimestamp, type RotationSettings } from './rotating-file-sink';
export * from './etcd-messages';
