// zap's ISO8601TimeEncoder, which etcd 3.4 uses for "ts": Go layout "2006-01-02T15:04:05.000Z0700" in local
// time: "2026-11-25T06:18:17.514Z" in UTC, "2026-11-25T11:48:17.514+0530" elsewhere (no colon in the offset).
// (etcd 3.5+ prints microseconds instead; cairn matches 3.4.)

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * The zap timestamp of a time in milliseconds since the epoch. `offsetMinutes` is the zone's offset east of
 * UTC; by default the process's local zone at that instant.
 */
export function formatZapTime(epochMs: number, offsetMinutes: number = -new Date(epochMs).getTimezoneOffset()): string {
  const d = new Date(epochMs + offsetMinutes * 60_000);
  const abs = Math.abs(offsetMinutes);
  const zone = offsetMinutes === 0 ? 'Z' : `${offsetMinutes > 0 ? '+' : '-'}${pad(Math.floor(abs / 60), 2)}${pad(abs % 60, 2)}`;
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}${zone}`
  );
}
