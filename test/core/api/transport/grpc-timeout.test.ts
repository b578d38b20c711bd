import { parseGrpcTimeout } from '../../../../src/core/api/transport/grpc-timeout';

describe('parseGrpcTimeout', () => {
  it.each([
    ['1H', 3_600_000],
    ['2M', 120_000],
    ['5S', 5_000],
    ['100m', 100],
    ['1500u', 1.5],
    ['2000000n', 2],
    ['99999999S', 99_999_999_000],
    ['0m', 0],
  ])('reads %s as %d ms', (value, ms) => {
    expect(parseGrpcTimeout(value)).toBeCloseTo(ms, 9);
  });

  it.each(['', 'S', '5', '123456789S', '10x', '-1S', '1.5S', ' 5S', '5s', '0x5S'])('refuses %j', (value) => {
    expect(parseGrpcTimeout(value)).toBeNull();
  });
});
