// The logger a ServerConfig asks for (--log-level, --log-outputs, --log-format, --enable-log-rotation).
import type { LoggerOptions } from '../../log';
import type { ServerConfig } from './server-config';

export function loggerOptionsOf(cfg: ServerConfig): LoggerOptions {
  return {
    level: cfg.logLevel,
    outputs: cfg.logOutputs,
    format: cfg.logFormat,
    rotation: cfg.enableLogRotation ? cfg.logRotation : undefined,
  };
}
