import { TopicCommand } from '../../../core/cli/topic-command';

export default class CtlSnapshot extends TopicCommand {
  static override summary = 'Manages etcd node snapshots';
  static override usage = 'ctl snapshot <subcommand>';
  static override topicWords: readonly string[] = ['snapshot'];
}
