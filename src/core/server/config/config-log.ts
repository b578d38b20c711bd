// What parsing the configuration wants logged. etcd logs these while it parses (some before its logger exists);
// cairn collects them in ServerConfig.configLog and the server writes them once its logger is built from the
// configuration, with etcd's messages and field names.

export type ConfigLogValue = string | number | boolean | readonly string[];

export interface ConfigLogEntry {
  readonly level: 'info' | 'warn';
  readonly msg: string;
  readonly fields: Readonly<Record<string, ConfigLogValue>>;
}

export function configLogEntry(level: ConfigLogEntry['level'], msg: string, fields: Record<string, ConfigLogValue> = {}): ConfigLogEntry {
  return Object.freeze({ level, msg, fields: Object.freeze({ ...fields }) });
}
