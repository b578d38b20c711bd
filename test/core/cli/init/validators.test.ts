import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  dataDirProblem, hostProblem, memberCountProblem, memberNameProblem, normalizeHost, outputDirProblem, parsePort,
  tlsFileProblem, tokenProblem,
} from '../../../../src/core/cli/init/validators';

describe('validators', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-init-validators-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts member counts from 1 to 15 only', () => {
    expect(memberCountProblem('1')).toBeNull();
    expect(memberCountProblem(' 15 ')).toBeNull();
    for (const bad of ['0', '16', '2.5', '-1', 'three', '']) {
      expect(memberCountProblem(bad)).toBe(`member count must be a whole number from 1 to 15 (etcd recommends 3, 5 or 7), not "${bad}"`);
    }
  });

  it('accepts DNS-like member names and refuses taken ones', () => {
    const taken = new Map([['infra0', 0]]);
    for (const ok of ['infra1', 'a', 'Node_2.east', 'on', '7']) expect(memberNameProblem(ok, taken)).toBeNull();
    expect(memberNameProblem('', taken)).toBe('member name must not be empty');
    expect(memberNameProblem('infra0', taken)).toBe('member name "infra0" is already member 1\'s');
    expect(memberNameProblem('a'.repeat(64), taken)).toBe(`member name "${'a'.repeat(64)}" is longer than 63 characters`);
    for (const bad of ['-a', 'a-', 'a b', 'a=b', 'a,b', '../x', 'a/b']) {
      expect(memberNameProblem(bad, taken)).toBe(`member name "${bad}" may hold only letters, digits, '-', '_' and '.', and must start and end with a letter or digit`);
    }
  });

  it('accepts IP addresses and DNS names as hosts', () => {
    for (const ok of ['127.0.0.1', '::1', '[fe80::1]', 'localhost', 'etcd-0.etcd.default.svc', 'A.example']) expect(hostProblem(ok)).toBeNull();
    expect(normalizeHost('[::1]')).toBe('::1');
    expect(hostProblem('')).toBe('host must not be empty');
    expect(hostProblem('0.0.0.0')).toMatch(/^host 0.0.0.0 can be listened on but not advertised/);
    expect(hostProblem('::')).toMatch(/^host :: can be listened on but not advertised/);
    for (const bad of ['a_b', '-a.com', 'a..b', '300.1.1.1', 'http://x', 'a:80']) {
      expect(hostProblem(bad)).toBe(`host "${bad}" is neither an IP address nor a DNS name`);
    }
  });

  it('parses ports from 1 to 65535', () => {
    expect(parsePort('1')).toBe(1);
    expect(parsePort(' 65535')).toBe(65535);
    for (const bad of ['0', '65536', '80.5', '0x50', '-1', '']) expect(parsePort(bad)).toBe(`port must be a whole number from 1 to 65535, not "${bad}"`);
  });

  it('refuses a data dir that is taken or is a file', () => {
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, '');
    expect(dataDirProblem(path.join(dir, 'new'), new Map())).toBeNull();
    expect(dataDirProblem(dir, new Map())).toBeNull();
    expect(dataDirProblem(' ', new Map())).toBe('data dir must not be empty');
    expect(dataDirProblem('/d', new Map([['/d', 'infra0']]))).toBe('data dir /d is already infra0\'s');
    expect(dataDirProblem(file, new Map())).toBe(`data dir ${file} exists and is not a directory`);
    expect(outputDirProblem(file)).toBe(`output directory ${file} exists and is not a directory`);
    expect(outputDirProblem('')).toBe('output directory must not be empty');
  });

  it('accepts printable tokens without spaces', () => {
    expect(tokenProblem('etcd-cluster-1')).toBeNull();
    expect(tokenProblem('')).toBe('cluster token must not be empty');
    expect(tokenProblem('a b')).toBe('cluster token "a b" may hold only printable ASCII characters without spaces');
    expect(tokenProblem('x'.repeat(257))).toBe('cluster token is longer than 256 characters');
  });

  it('checks a TLS file for every member', () => {
    const a = path.join(dir, 'a.pem');
    fs.writeFileSync(a, 'pem');
    const template = path.join(dir, '{name}.pem');
    expect(tlsFileProblem('client certificate file', template, new Map([['a', a]]))).toBeNull();
    expect(tlsFileProblem('client certificate file', template, new Map([['a', a], ['b', path.join(dir, 'b.pem')]])))
      .toBe(`client certificate file ${path.join(dir, 'b.pem')} (member b) does not exist`);
    expect(tlsFileProblem('client key file', dir, new Map([['a', dir]]))).toBe(`client key file ${dir} is not a file`);
    expect(tlsFileProblem('client key file', '', new Map())).toBe('client key file must not be empty when TLS is on');
  });
});
