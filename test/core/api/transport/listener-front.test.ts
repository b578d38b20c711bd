import { formatPeer, isHttp2Preface } from '../../../../src/core/api/transport/listener-front';

describe('listener-front', () => {
  it('takes a chunk for HTTP/2 when it is (a prefix of) the client preface', () => {
    expect(isHttp2Preface(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04', 'latin1'))).toBe(true);
    expect(isHttp2Preface(Buffer.from('PRI * HT'))).toBe(true);
    expect(isHttp2Preface(Buffer.from('GET /health HTTP/1.1\r\n'))).toBe(false);
    expect(isHttp2Preface(Buffer.from('POST /v3/kv/range HTTP/1.1\r\n'))).toBe(false);
    expect(isHttp2Preface(Buffer.from('PRI * HTTP/1.1\r\n'))).toBe(false);
  });

  it('formats IPv4 and IPv6 peers', () => {
    expect(formatPeer('127.0.0.1', 5)).toBe('127.0.0.1:5');
    expect(formatPeer('::1', 5)).toBe('[::1]:5');
    expect(formatPeer(undefined, undefined)).toBe('unknown');
  });
});
