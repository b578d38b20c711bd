import { TopicCommand } from '../../../core/cli/topic-command';

export default class CtlAuth extends TopicCommand {
  static override summary = 'Enable or disable authentication';
  static override usage = 'ctl auth <enable or disable>';
  static override topicWords: readonly string[] = ['auth'];
}
