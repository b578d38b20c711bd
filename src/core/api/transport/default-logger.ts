// Used when no logger is given: one JSON line per event on stderr (the shape of etcd's zap lines).
import type { TransportLogger } from './types';

function write(level: string, message: string, fields?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level, ts: new Date().toISOString(), msg: message, ...fields })}\n`);
}

export const defaultLogger: TransportLogger = {
  warn: (message, fields) => write('warn', message, fields),
  error: (message, fields) => write('error', message, fields),
};
