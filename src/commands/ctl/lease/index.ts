import { TopicCommand } from '../../../core/cli/topic-command';

export default class CtlLease extends TopicCommand {
  static override summary = 'Lease related commands';
  static override usage = 'ctl lease <subcommand>';
  static override topicWords: readonly string[] = ['lease'];
}
