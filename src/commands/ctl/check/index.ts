import { TopicCommand } from '../../../core/cli/topic-command';

export default class CtlCheck extends TopicCommand {
  static override summary = 'commands for checking properties of the etcd cluster';
  static override usage = 'ctl check <subcommand>';
  static override topicWords: readonly string[] = ['check'];
}
