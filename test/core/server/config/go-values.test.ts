import {
  formatGoDurationMs,
  formatGoDurationNs,
  GoDurationError,
  GoNumError,
  parseGoBool,
  parseGoDurationMs,
  parseGoDurationNs,
  parseGoInt,
  parseGoUint,
} from '../../../../src/core/server/config/go-values';

describe('go-values', () => {
  it('parses durations like time.ParseDuration', () => {
    expect(parseGoDurationMs('5s')).toBe(5000);
    expect(parseGoDurationMs('2h')).toBe(7_200_000);
    expect(parseGoDurationMs('100ms')).toBe(100);
    expect(parseGoDurationMs('1m30s')).toBe(90_000);
    expect(parseGoDurationMs('1.5h')).toBe(5_400_000);
    expect(parseGoDurationMs('.5s')).toBe(500);
    expect(parseGoDurationMs('5.s')).toBe(5000);
    expect(parseGoDurationMs('-1s')).toBe(-1000);
    expect(parseGoDurationMs('+2ms')).toBe(2);
    expect(parseGoDurationMs('0')).toBe(0);
    expect(parseGoDurationMs('1h2m3s4ms5us6ns')).toBeCloseTo(3_723_004.005006, 9);
    expect(parseGoDurationNs('3\u00b5s')).toBe(3000n);
    expect(parseGoDurationNs('3\u03bcs')).toBe(3000n);
    expect(parseGoDurationNs('-9223372036854775808ns')).toBe(-(1n << 63n));
  });

  it("rejects bad durations with Go's messages", () => {
    const msg = (s: string) => {
      try {
        parseGoDurationNs(s);
      } catch (err) {
        expect(err).toBeInstanceOf(GoDurationError);
        return (err as Error).message;
      }
      throw new Error(`no error for ${s}`);
    };
    expect(msg('5')).toBe('time: missing unit in duration "5"');
    expect(msg('5x')).toBe('time: unknown unit "x" in duration "5x"');
    expect(msg('')).toBe('time: invalid duration ""');
    expect(msg('abc')).toBe('time: invalid duration "abc"');
    expect(msg('.s')).toBe('time: invalid duration ".s"');
    expect(msg('9223372036854775808ns')).toBe('time: invalid duration "9223372036854775808ns"');
    expect(msg('1s ')).toBe('time: unknown unit "s " in duration "1s "');
  });

  it('prints durations like time.Duration.String', () => {
    expect(formatGoDurationMs(0)).toBe('0s');
    expect(formatGoDurationMs(100)).toBe('100ms');
    expect(formatGoDurationMs(900)).toBe('900ms');
    expect(formatGoDurationMs(1000)).toBe('1s');
    expect(formatGoDurationMs(1500)).toBe('1.5s');
    expect(formatGoDurationMs(7000)).toBe('7s');
    expect(formatGoDurationMs(30_000)).toBe('30s');
    expect(formatGoDurationMs(600_000)).toBe('10m0s');
    expect(formatGoDurationMs(7_200_000)).toBe('2h0m0s');
    expect(formatGoDurationMs(-90_000)).toBe('-1m30s');
    expect(formatGoDurationNs(1500n)).toBe('1.5\u00b5s');
    expect(formatGoDurationNs(5n)).toBe('5ns');
    expect(formatGoDurationNs(2_023_299n)).toBe('2.023299ms');
  });

  it('parses integers like strconv with base 0', () => {
    expect(parseGoUint('100000', 64)).toBe(100000n);
    expect(parseGoUint('0x10', 64)).toBe(16n);
    expect(parseGoUint('0o17', 64)).toBe(15n);
    expect(parseGoUint('017', 64)).toBe(15n);
    expect(parseGoUint('0b101', 64)).toBe(5n);
    expect(parseGoUint('1_000', 64)).toBe(1000n);
    expect(parseGoUint('0', 64)).toBe(0n);
    expect(parseGoUint('4294967295', 32)).toBe(4294967295n);
    expect(parseGoInt('-5', 64)).toBe(-5n);
    expect(parseGoInt('+5', 64)).toBe(5n);
    expect(parseGoInt('-9223372036854775808', 64)).toBe(-(1n << 63n));
  });

  it('rejects bad integers with the kind the flag package reports', () => {
    const kind = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(GoNumError);
        return (err as GoNumError).kind;
      }
      return 'none';
    };
    expect(kind(() => parseGoUint('-1', 64))).toBe('syntax');
    expect(kind(() => parseGoUint('+1', 64))).toBe('syntax');
    expect(kind(() => parseGoUint('abc', 64))).toBe('syntax');
    expect(kind(() => parseGoUint('08', 64))).toBe('syntax');
    expect(kind(() => parseGoUint('1__0', 64))).toBe('syntax');
    expect(kind(() => parseGoUint('_1', 64))).toBe('syntax');
    expect(kind(() => parseGoUint('', 64))).toBe('syntax');
    expect(kind(() => parseGoUint('4294967296', 32))).toBe('range');
    expect(kind(() => parseGoInt('9223372036854775808', 64))).toBe('range');
    expect(new GoNumError('syntax', 'abc', 'ParseUint').message).toBe('strconv.ParseUint: parsing "abc": invalid syntax');
  });

  it('parses booleans like strconv.ParseBool', () => {
    for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(parseGoBool(t)).toBe(true);
    for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(parseGoBool(f)).toBe(false);
    for (const x of ['yes', 'no', 'on', 'tRUE', '']) expect(parseGoBool(x)).toBeUndefined();
  });
});
