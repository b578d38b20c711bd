import { Command } from '@oclif/core';

export default class Server extends Command {
  static override summary = 'Run a cluster member: etcd\'s server flags, ETCD_* variables and --config-file';
  static override description = [
    'Starts one member that speaks the etcd v3 API on its client URLs (gRPC, plus /health and /version over HTTP).',
    'Flags are etcd\'s (`cairn server --help-flags` lists them with their status); ETCD_<FLAG> environment',
    'variables work as in etcd, and --config-file reads etcd\'s YAML (other flags and variables are then ignored).',
    '',
    'Not yet: clusters of more than one member (Raft), watch, leases, auth, TLS, the /v3 JSON gateway;',
    'a flag for something not yet supported is refused by name rather than ignored.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> server',
    '<%= config.bin %> server --name infra0 --data-dir /var/lib/cairn --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379',
    'ETCD_DATA_DIR=/tmp/m1 <%= config.bin %> server',
  ];
  static override strict = false;
  // etcd's flag syntax (-name, --name=x, --x value) is parsed by core/server/config, not by oclif
  static override flags = {};

  async run(): Promise<void> {
    const { runServerCommand } = await import('../core/server/run-member.js');
    const code = await runServerCommand(this.argv);
    this.exit(code);
  }
}
