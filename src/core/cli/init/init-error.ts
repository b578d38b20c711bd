/** A problem with the user's answers or flags: printed as `Error: <message>`, exit code 1, no stack. */
export class InitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InitError';
  }
}
