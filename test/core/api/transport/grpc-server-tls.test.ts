import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { GrpcServer } from '../../../../src/core/api/transport';
import { captureLogger, echoPaths, failure, unary } from './helpers';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A self-signed certificate for 127.0.0.1/localhost, made with openssl in `dir`. */
function selfSigned(dir: string, name: string): { key: Buffer; cert: Buffer } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

const describeTls = hasOpenssl() ? describe : describe.skip;

describeTls('GrpcServer (TLS)', () => {
  let dir: string;
  let server: { key: Buffer; cert: Buffer };
  let clientPair: { key: Buffer; cert: Buffer };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-transport-tls-'));
    server = selfSigned(dir, 'server');
    clientPair = selfSigned(dir, 'client');
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves gRPC over TLS (ALPN h2) and HTTP/1.1 over TLS on the same port', async () => {
    const { logger } = captureLogger();
    const s = new GrpcServer({ maxRecvMessageBytes: 1024, logger, tls: { key: server.key, cert: server.cert } });
    s.addUnary(echoPaths.unary, (req) => Buffer.concat([Buffer.from('tls:'), req]));
    s.setHttpFallback((req, res) => res.end(`http ${req.httpVersion} ${req.url}`));
    const { port } = await s.listen('127.0.0.1', 0);
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createSsl(server.cert));
    try {
      expect(await unary(client, echoPaths.unary, Buffer.from('x'))).toEqual(Buffer.from('tls:x'));
      const body = await new Promise<string>((resolve, reject) => {
        https.get({ host: '127.0.0.1', port, path: '/health', ca: server.cert, agent: false }, (res) => {
          let out = '';
          res.on('data', (d: Buffer) => (out += d.toString()));
          res.on('end', () => resolve(out));
        }).on('error', reject);
      });
      expect(body).toBe('http 1.1 /health');
    } finally {
      client.close();
      await s.close(0);
    }
  });

  it('requires a client certificate when asked to, and accepts one signed by the CA', async () => {
    const { logger, lines } = captureLogger();
    const s = new GrpcServer({
      maxRecvMessageBytes: 1024,
      logger,
      tls: { key: server.key, cert: server.cert, ca: clientPair.cert, requestCert: true },
    });
    s.addUnary(echoPaths.unary, () => Buffer.from('mtls'));
    const { port } = await s.listen('127.0.0.1', 0);
    const withCert = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createSsl(server.cert, clientPair.key, clientPair.cert));
    const without = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createSsl(server.cert));
    try {
      expect(await unary(withCert, echoPaths.unary, Buffer.alloc(0))).toEqual(Buffer.from('mtls'));
      const err = await failure(unary(without, echoPaths.unary, Buffer.alloc(0), { deadline: Date.now() + 5000 }));
      expect(err.code).toBe(grpc.status.UNAVAILABLE);
      expect(lines.some((l) => l.message === 'grpc: rejected connection')).toBe(true);
    } finally {
      withCert.close();
      without.close();
      await s.close(0);
    }
  });

  const itEtcdctl = it;

  itEtcdctl('serves the Go client (etcdctl) over TLS', async () => {
    const { logger } = captureLogger();
    const s = new GrpcServer({ maxRecvMessageBytes: 1024, logger, tls: { key: server.key, cert: server.cert } });
    s.addUnary('/etcdserverpb.Maintenance/Status', () => Buffer.from([0x12, 6, ...Buffer.from('3.4.23')]));
    const { port } = await s.listen('127.0.0.1', 0);
    try {
      const caFile = path.join(dir, 'server.crt');
      const out = await new Promise<string>((resolve, reject) => {
        execFile('/usr/bin/etcdctl', [`--endpoints=https://127.0.0.1:${port}`, `--cacert=${caFile}`, '--dial-timeout=5s', 'endpoint', 'status', '-w', 'json'],
          { env: { ...process.env, ETCDCTL_API: '3' } }, (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)));
      });
      expect(JSON.parse(out)[0].Status.version).toBe('3.4.23');
    } finally {
      await s.close(0);
    }
  });
});
