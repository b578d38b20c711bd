import { oclifFlags } from '../../../core/cli/ctl-command';
import { endpointParentFlags } from '../../../core/cli/endpoints';
import { TopicCommand } from '../../../core/cli/topic-command';

export default class CtlEndpoint extends TopicCommand {
  static override summary = 'Endpoint related commands';
  static override usage = 'ctl endpoint <subcommand>';
  static override flags = oclifFlags(endpointParentFlags);
  static override topicWords: readonly string[] = ['endpoint'];
}
