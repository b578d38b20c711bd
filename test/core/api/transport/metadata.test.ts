import { readMetadata, writeMetadata } from '../../../../src/core/api/transport/metadata';
import type { OutgoingHttpHeaders } from 'node:http2';

describe('metadata', () => {
  it('keeps custom headers as strings and decodes -bin headers (padded or not)', () => {
    const md = readMetadata({
      ':path': '/a/b',
      ':authority': 'x',
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-timeout': '5S',
      'grpc-encoding': 'gzip',
      'user-agent': 'grpc-go/1.26.0',
      token: 'abc',
      'x-padded-bin': Buffer.from([1, 2, 3, 4]).toString('base64'),
      'x-unpadded-bin': Buffer.from([1, 2, 3, 4]).toString('base64').replace(/=+$/, ''),
    });
    expect(md).toEqual({
      'user-agent': 'grpc-go/1.26.0',
      token: 'abc',
      'x-padded-bin': Buffer.from([1, 2, 3, 4]),
      'x-unpadded-bin': Buffer.from([1, 2, 3, 4]),
    });
  });

  it('keeps the first of several -bin values', () => {
    const md = readMetadata({ 'x-bin': `${Buffer.from('one').toString('base64')},${Buffer.from('two').toString('base64')}` });
    expect(md['x-bin']).toEqual(Buffer.from('one'));
  });

  it('writes trailing metadata with -bin values unpadded base64 and drops reserved keys', () => {
    const out: OutgoingHttpHeaders = {};
    writeMetadata({ 'X-Reason': 'why', 'detail-bin': Buffer.from([0xff, 0]), 'grpc-status': '0', ':status': '500' }, out);
    expect(out).toEqual({ 'x-reason': 'why', 'detail-bin': '/wA' });
  });
});
