import { oclifFlags } from '../../core/cli/ctl-command';
import { globalFlags } from '../../core/cli/flags/flag-spec';
import { TopicCommand } from '../../core/cli/topic-command';

export default class Ctl extends TopicCommand {
  static override summary = "etcdctl's commands: talk to a cluster over gRPC";
  static override description = [
    'The etcdctl 3.4 command set with its flags, ETCDCTL_* variables, outputs (-w simple, json, fields, table, protobuf) and exit codes.',
    'Global flags may come before or after the command; command names may be abbreviated as in etcdctl (`ctl ver`).',
  ].join('\n\n');
  static override usage = 'ctl [global flags] <command> [args]';
  static override examples = ['<%= config.bin %> ctl --endpoints 127.0.0.1:2379 get foo', '<%= config.bin %> ctl endpoint status -w table'];
  static override flags = oclifFlags(globalFlags, 'GLOBAL');
  static override topicWords: readonly string[] = [];
}
