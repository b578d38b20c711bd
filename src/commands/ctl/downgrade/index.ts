import { TopicCommand } from '../../../core/cli/topic-command';

// etcdctl 3.6 (not in 3.4): `downgrade validate|enable <TARGET_VERSION>`, `downgrade cancel`
export default class CtlDowngrade extends TopicCommand {
  static override summary = 'Downgrade related commands';
  static override usage = 'ctl downgrade <subcommand>';
  static override topicWords: readonly string[] = ['downgrade'];
}
