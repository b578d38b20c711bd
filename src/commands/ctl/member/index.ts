import { TopicCommand } from '../../../core/cli/topic-command';

export default class CtlMember extends TopicCommand {
  static override summary = 'Membership related commands';
  static override usage = 'ctl member <subcommand>';
  static override topicWords: readonly string[] = ['member'];
}
