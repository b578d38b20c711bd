// The questions `cairn init` asks, independent of how they are asked: inquirer on a terminal, a script in tests.

export interface InputQuestion {
  readonly message: string;
  /** shown and taken when the answer is left empty */
  readonly default?: string;
  /** null when the answer is fine, else the message shown under the prompt (the question is asked again) */
  readonly validate?: (answer: string) => string | null;
}

export interface ConfirmQuestion {
  readonly message: string;
  readonly default: boolean;
}

export interface SelectChoice<T extends string> {
  readonly value: T;
  readonly name: string;
}

export interface SelectQuestion<T extends string> {
  readonly message: string;
  readonly choices: readonly SelectChoice<T>[];
  readonly default: T;
}

export interface Prompter {
  input(q: InputQuestion): Promise<string>;
  confirm(q: ConfirmQuestion): Promise<boolean>;
  select<T extends string>(q: SelectQuestion<T>): Promise<T>;
}
