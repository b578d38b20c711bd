import { formatZapTime } from '../../../src/core/log/zap-time';

describe('zap-time', () => {
  const t = Date.UTC(2026, 10, 25, 6, 18, 17, 514);

  it('prints UTC with a Z, milliseconds and no colon, like etcd 3.4', () => {
    expect(formatZapTime(t, 0)).toBe('2026-11-25T06:18:17.514Z');
    expect(formatZapTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6), 0)).toBe('2026-01-02T03:04:05.006Z');
  });

  it('prints local time with a +hhmm / -hhmm offset elsewhere', () => {
    expect(formatZapTime(t, 330)).toBe('2026-11-25T11:48:17.514+0530');
    expect(formatZapTime(t, -300)).toBe('2026-11-25T01:18:17.514-0500');
    expect(formatZapTime(Date.UTC(2026, 0, 1, 0, 30), -60)).toBe('2025-12-31T23:30:00.000-0100');
  });

  it("uses the process's time zone by default", () => {
    expect(formatZapTime(t)).toBe(formatZapTime(t, -new Date(t).getTimezoneOffset()));
  });
});
