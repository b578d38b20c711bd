// A ctl topic run as a command (`cairn ctl`, `cairn ctl endpoint`): global flags may precede the command
// words, and words may be abbreviated (cobra's prefix matching); a topic alone shows its help.
import { Command, loadHelpClass } from '@oclif/core';

export abstract class TopicCommand extends Command {
  static override strict = false;
  /** the command words this topic stands for under ctl, e.g. ['endpoint'] */
  static topicWords: readonly string[] = [];

  async run(): Promise<void> {
    const words = (this.constructor as typeof TopicCommand).topicWords;
    const { dispatch } = await import('./dispatch.js');
    const d = dispatch([...words, ...this.argv], this.config.commandIDs);
    if (d.kind === 'run') {
      await this.config.runCommand(d.id, d.argv);
      return;
    }
    if (d.kind === 'help') {
      const Help = await loadHelpClass(this.config);
      await new Help(this.config).showHelp(d.topic.split(':'));
      return;
    }
    const msg = `unknown command ${JSON.stringify(d.word)} for ${JSON.stringify(d.parent)}`;
    process.stderr.write(`Error: ${msg}\nRun '${d.parent} --help' for usage.\nError: ${msg}\n`);
    this.exit(1);
  }
}
