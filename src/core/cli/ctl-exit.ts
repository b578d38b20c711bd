// The one way out of a ctl command: etcdctl's ExitWithError (`Error: <message>` on stderr, then the code), or
// a bare exit code when the message was already printed.
export class CtlExit extends Error {
  constructor(readonly code: number, readonly errorMessage?: string) {
    super(errorMessage ?? `exit ${code}`);
    this.name = 'CtlExit';
  }
}
