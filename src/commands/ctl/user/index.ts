import { TopicCommand } from '../../../core/cli/topic-command';

export default class CtlUser extends TopicCommand {
  static override summary = 'User related commands';
  static override usage = 'ctl user <subcommand>';
  static override topicWords: readonly string[] = ['user'];
}
