// The zap log lines etcdctl 3.4 prints on stderr around `snapshot save` (clientv3/snapshot's production logger,
// epoch-seconds timestamps, and clientv3's own logger, ISO timestamps), reproduced field for field.
import { goJsonString } from './go/quote';
import type { Out } from './printers/printer';

export type LogField = readonly [string, string | number];

function fieldsJson(fields: readonly LogField[]): string {
  return fields.map(([k, v]) => `,${goJsonString(k)}:${typeof v === 'number' ? String(v) : goJsonString(v)}`).join('');
}

/** zap.NewProduction's JSON line (ts as float seconds since the epoch) */
export function zapProduction(out: Out, level: 'info' | 'warn' | 'error', caller: string, msg: string, fields: readonly LogField[] = []): void {
  const ts = Date.now() / 1000;
  out.err(`{"level":"${level}","ts":${ts},"caller":${goJsonString(caller)},"msg":${goJsonString(msg)}${fieldsJson(fields)}}\n`);
}

/** clientv3's logger line (ISO 8601 ts in UTC with milliseconds) */
export function zapClient(out: Out, level: 'info' | 'warn' | 'error', caller: string, msg: string, fields: readonly LogField[] = []): void {
  const ts = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1Z');
  out.err(`{"level":"${level}","ts":"${ts}","caller":${goJsonString(caller)},"msg":${goJsonString(msg)}${fieldsJson(fields)}}\n`);
}
