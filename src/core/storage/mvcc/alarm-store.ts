// Alarms on disk, in the `alarm` bucket, changed only by applied entries (etcd's alarm store, v3alarm):
//   member id (8, uint64 BE) + alarm type (4, BE) → empty
// A member raises NOSPACE when the backend would pass its quota; while it is raised, writes that add data are
// refused (etcd's capped applier). Alarms survive restarts until disarmed.
import type { Bucket, BackendWriteTxn } from '../backend';
import { readUint32BE, writeUint32BE } from '../schema/int64-be';

export interface AlarmRecord {
  readonly memberId: bigint;
  /** etcdserverpb.AlarmType: 1 NOSPACE, 2 CORRUPT */
  readonly alarm: number;
}

function alarmKey(memberId: bigint, alarm: number): Buffer {
  const k = Buffer.allocUnsafe(12);
  k.writeBigUInt64BE(memberId, 0);
  writeUint32BE(k, 8, alarm);
  return k;
}

export function alarmRecords(bucket: Bucket): AlarmRecord[] {
  const out: AlarmRecord[] = [];
  for (const k of bucket.keys({})) if (k.length === 12) out.push({ memberId: k.readBigUInt64BE(0), alarm: readUint32BE(k, 8) });
  return out;
}

/** Raises an alarm; false when it was raised already. */
export function activateAlarm(w: BackendWriteTxn, bucket: Bucket, memberId: bigint, alarm: number): boolean {
  const k = alarmKey(memberId, alarm);
  if (bucket.get(k) !== undefined) return false;
  w.put(bucket, k, Buffer.alloc(0));
  return true;
}

/** Clears an alarm; false when it was not raised. */
export function deactivateAlarm(w: BackendWriteTxn, bucket: Bucket, memberId: bigint, alarm: number): boolean {
  return w.remove(bucket, alarmKey(memberId, alarm));
}
