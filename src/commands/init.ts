import { Command, Flags } from '@oclif/core';
import { membersMax } from '../core/cli/init/cluster-plan';
import { singleMemberNote } from '../core/cli/init/notes';

const member = 'Member';
const tls = 'TLS';

export default class Init extends Command {
  static override summary = 'Set up a cluster: one etcd-format config per member, plus scripts to start and stop them';
  static override description = [
    'Asks for the member count, each member\'s name, host, client and peer ports and data dir, the cluster token, ' +
      'the initial cluster state, TLS certificate paths and the output directory, then writes <output>/<name>.yaml ' +
      'for every member (etcd\'s --config-file format, for `cairn server --config-file` or etcd itself) and ' +
      '<output>/start-cluster.sh and stop-cluster.sh.',
    'Every question has a flag; a question its flag answers is not asked. Without a terminal (or with ' +
      '--non-interactive) unanswered questions are an error that lists their flags; --yes takes the defaults ' +
      'instead (names infra0, infra1, ..., host 127.0.0.1, ports 2379/2380, 22379/22380, 32379/32380, ...).',
    'Lists are comma-separated; --hosts, --client-ports and --peer-ports may also give one value for all ' +
      'members. TLS paths may contain {name}, replaced by each member\'s name (certs/{name}.pem).',
    `Note: ${singleMemberNote}`,
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --yes --output-dir ./my-cluster',
    '<%= config.bin %> init --yes --members 3 --names a,b,c --client-ports 2379,22379,32379 --peer-ports 2380,22380,32380',
    '<%= config.bin %> init --yes --members 3 --hosts 10.0.0.1,10.0.0.2,10.0.0.3 --tls --cert-file certs/{name}.pem --key-file certs/{name}-key.pem --trusted-ca-file certs/ca.pem',
  ];
  static override flags = {
    'output-dir': Flags.string({ char: 'o', description: 'where the configs, scripts, logs and pid files go [default: ./cairn-cluster]' }),
    members: Flags.integer({ helpGroup: member, description: `member count, 1 to ${membersMax} [default: 3]` }),
    names: Flags.string({ helpGroup: member, aliases: ['name'], description: 'member names, comma-separated [default: infra0,infra1,...]' }),
    hosts: Flags.string({ helpGroup: member, description: 'addresses the members are reached at, comma-separated or one for all [default: 127.0.0.1]' }),
    'client-ports': Flags.string({ helpGroup: member, description: 'client ports, comma-separated or one for all [default: 2379, 22379, 32379, ... per host]' }),
    'peer-ports': Flags.string({ helpGroup: member, description: 'peer ports, comma-separated or one for all [default: client port + 1]' }),
    'data-dirs': Flags.string({ helpGroup: member, description: 'data dirs, comma-separated; relative ones are under the output dir [default: <name>.etcd]' }),
    token: Flags.string({ aliases: ['initial-cluster-token'], description: 'initial cluster token [default: cairn-cluster-<random>]' }),
    'initial-cluster-state': Flags.string({ options: ['new', 'existing'], description: 'new cluster, or members joining a running one [default: new]' }),
    tls: Flags.boolean({ helpGroup: tls, allowNo: true, description: 'https for client and peer traffic [default: off]' }),
    'cert-file': Flags.string({ helpGroup: tls, description: 'client-side server certificate (may contain {name})' }),
    'key-file': Flags.string({ helpGroup: tls, description: 'its key (may contain {name})' }),
    'trusted-ca-file': Flags.string({ helpGroup: tls, description: 'CA for client certificates [default: none]' }),
    'client-cert-auth': Flags.boolean({ helpGroup: tls, allowNo: true, description: 'require client certificates [default: on when a CA is given]' }),
    'peer-cert-file': Flags.string({ helpGroup: tls, description: 'peer certificate, used as server and client [default: --cert-file]' }),
    'peer-key-file': Flags.string({ helpGroup: tls, description: 'its key [default: --key-file]' }),
    'peer-trusted-ca-file': Flags.string({ helpGroup: tls, description: 'CA for peer certificates [default: --trusted-ca-file]' }),
    'peer-client-cert-auth': Flags.boolean({ helpGroup: tls, allowNo: true, description: 'require peer certificates [default: on when a CA is given]' }),
    yes: Flags.boolean({ char: 'y', description: 'ask nothing: take the default for every question no flag answers' }),
    'non-interactive': Flags.boolean({ description: 'ask nothing: questions no flag answers are an error (unless --yes)' }),
    force: Flags.boolean({ char: 'f', description: 'overwrite existing files' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Init);
    const { runInit } = await import('../core/cli/init/run-init.js');
    const { InquirerPrompter } = await import('../core/cli/init/inquirer-prompter.js');
    const code = await runInit({
      members: flags.members, names: flags.names, hosts: flags.hosts, clientPorts: flags['client-ports'],
      peerPorts: flags['peer-ports'], dataDirs: flags['data-dirs'], token: flags.token,
      initialClusterState: flags['initial-cluster-state'], tls: flags.tls, certFile: flags['cert-file'],
      keyFile: flags['key-file'], trustedCaFile: flags['trusted-ca-file'], clientCertAuth: flags['client-cert-auth'],
      peerCertFile: flags['peer-cert-file'], peerKeyFile: flags['peer-key-file'],
      peerTrustedCaFile: flags['peer-trusted-ca-file'], peerClientCertAuth: flags['peer-client-cert-auth'],
      outputDir: flags['output-dir'], yes: flags.yes, nonInteractive: flags['non-interactive'], force: flags.force,
    }, {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
      interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
      cwd: process.cwd(),
      prompter: () => new InquirerPrompter(),
    });
    this.exit(code);
  }
}
