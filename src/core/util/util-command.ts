// What every `cairn util` command shares: etcd-style errors ("Error: <message>" on stderr) and exit codes.
import { Command } from '@oclif/core';
import { ExitCode } from '../cli/exit-codes';

export class UtilExit extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

export abstract class UtilCommand extends Command {
  protected abstract exec(): Promise<void>;

  async run(): Promise<void> {
    try {
      await this.exec();
    } catch (err) {
      const code = err instanceof UtilExit ? err.code : ExitCode.Error;
      process.stderr.write(`Error: ${(err as Error).message}\n`);
      process.exitCode = code;
    }
  }
}
