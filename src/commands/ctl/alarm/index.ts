import { TopicCommand } from '../../../core/cli/topic-command';

export default class CtlAlarm extends TopicCommand {
  static override summary = 'Alarm related commands';
  static override usage = 'ctl alarm <subcommand>';
  static override topicWords: readonly string[] = ['alarm'];
}
