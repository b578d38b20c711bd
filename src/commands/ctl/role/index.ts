import { TopicCommand } from '../../../core/cli/topic-command';

export default class CtlRole extends TopicCommand {
  static override summary = 'Role related commands';
  static override usage = 'ctl role <subcommand>';
  static override topicWords: readonly string[] = ['role'];
}
