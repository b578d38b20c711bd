// A Prompter that answers from a script, for tests: '' takes the default; an answer the question's validate
// refuses is recorded with its message and the next scripted answer is tried, as a user would retype.
import type { ConfirmQuestion, InputQuestion, Prompter, SelectQuestion } from '../../../../src/core/cli/init/prompter';

export interface Asked {
  readonly message: string;
  readonly default: string | boolean | undefined;
  readonly answer: string | boolean;
}

export class ScriptedPrompter implements Prompter {
  readonly asked: Asked[] = [];
  readonly refused: { readonly message: string; readonly answer: string; readonly problem: string }[] = [];
  private next = 0;

  constructor(private readonly script: readonly (string | boolean)[]) {}

  private take(message: string): string | boolean {
    if (this.next >= this.script.length) throw new Error(`no scripted answer left for "${message}"`);
    return this.script[this.next++];
  }

  async input(q: InputQuestion): Promise<string> {
    for (;;) {
      const raw = this.take(q.message);
      if (typeof raw !== 'string') throw new Error(`"${q.message}" wants text, the script has ${raw}`);
      const answer = raw === '' ? q.default ?? '' : raw;
      const problem = q.validate?.(answer) ?? null;
      if (problem === null) {
        this.asked.push({ message: q.message, default: q.default, answer });
        return answer;
      }
      this.refused.push({ message: q.message, answer, problem });
    }
  }

  async confirm(q: ConfirmQuestion): Promise<boolean> {
    const raw = this.take(q.message);
    const answer = raw === '' ? q.default : raw;
    if (typeof answer !== 'boolean') throw new Error(`"${q.message}" wants yes or no, the script has "${raw}"`);
    this.asked.push({ message: q.message, default: q.default, answer });
    return answer;
  }

  async select<T extends string>(q: SelectQuestion<T>): Promise<T> {
    const raw = this.take(q.message);
    const answer = raw === '' ? q.default : raw;
    const choice = q.choices.find((c) => c.value === answer);
    if (choice === undefined) throw new Error(`"${q.message}" has no choice "${String(raw)}"`);
    this.asked.push({ message: q.message, default: q.default, answer: choice.value });
    return choice.value;
  }

  /** every scripted answer was used */
  get done(): boolean {
    return this.next === this.script.length;
  }
}
