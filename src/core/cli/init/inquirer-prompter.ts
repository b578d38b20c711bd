// The Prompter on a terminal, through inquirer (ESM; loaded with import() on first use so --help stays fast).
import type { ConfirmQuestion, InputQuestion, Prompter, SelectQuestion } from './prompter';

type Inquirer = (typeof import('inquirer', { with: { 'resolution-mode': 'import' } }))['default'];

let loaded: Promise<Inquirer> | undefined;

function inquirer(): Promise<Inquirer> {
  loaded ??= import('inquirer').then((m) => m.default);
  return loaded;
}

/** Ctrl+C inside a prompt: inquirer rejects with an ExitPromptError. */
export function isPromptAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'ExitPromptError';
}

export class InquirerPrompter implements Prompter {
  async input(q: InputQuestion): Promise<string> {
    const validate = q.validate;
    const answers = await (await inquirer()).prompt<{ answer: string }>([{
      type: 'input',
      name: 'answer',
      message: q.message,
      default: q.default,
      validate: validate === undefined ? undefined : (a: string) => validate(a) ?? true,
    }]);
    return answers.answer;
  }

  async confirm(q: ConfirmQuestion): Promise<boolean> {
    const answers = await (await inquirer()).prompt<{ answer: boolean }>([
      { type: 'confirm', name: 'answer', message: q.message, default: q.default },
    ]);
    return answers.answer;
  }

  async select<T extends string>(q: SelectQuestion<T>): Promise<T> {
    const answers = await (await inquirer()).prompt<{ answer: T }>([{
      type: 'select',
      name: 'answer',
      message: q.message,
      choices: q.choices.map((c) => ({ value: c.value, name: c.name })),
      default: q.default,
    }]);
    return answers.answer;
  }
}
