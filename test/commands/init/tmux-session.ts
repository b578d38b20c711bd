// A real pseudo-terminal for tests: a command in a detached tmux session on a private socket, keys sent with
// send-keys, the screen read with capture-pane. Waits poll the screen (bounded); no fixed sleeps.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const paneWidth = 220;
export const paneHeight = 60;
export const waitTimeoutMs = 8000;
const pollMs = 40;

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
}

export class TmuxSession {
  private readonly socket: string;
  private readonly config: string;
  private readonly target = 'wizard';

  /** `dir` holds the tmux config; `command` runs through sh in `cwd`. */
  constructor(dir: string, command: string, cwd: string) {
    this.socket = `cairn-init-test-${process.pid}-${path.basename(dir)}`;
    this.config = path.join(dir, 'tmux.conf');
    // the pane stays after the command ends, so its last screen can still be read
    fs.writeFileSync(this.config, 'set -g remain-on-exit on\nset -g history-limit 5000\n');
    this.tmux(['new-session', '-d', '-s', this.target, '-x', String(paneWidth), '-y', String(paneHeight), '-c', cwd, command]);
  }

  private tmux(args: readonly string[]): string {
    const r = spawnSync('tmux', ['-L', this.socket, '-f', this.config, ...args], { encoding: 'utf8', timeout: 5000 });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  /** The whole pane, scrollback included, wrapped lines joined. */
  screen(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', this.target]);
  }

  /** Key names as tmux knows them: Enter, C-u, C-c, Down... */
  keys(...keys: string[]): void {
    this.tmux(['send-keys', '-t', this.target, ...keys]);
  }

  /** Literal text, no key-name lookup. */
  type(text: string): void {
    this.tmux(['send-keys', '-t', this.target, '-l', text]);
  }

  async waitFor(pattern: RegExp, timeoutMs = waitTimeoutMs): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      const m = screen.match(pattern);
      if (m !== null) return m;
      if (Date.now() > deadline) throw new Error(`no ${pattern} on the screen after ${timeoutMs} ms:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Waits for the question to be pending (inquirer marks it "?"; answered ones get "✔"), then answers it. */
  async answer(question: string, text: string): Promise<void> {
    await this.waitFor(new RegExp(`^\\? ${escapeRegExp(question)}`, 'm'));
    if (text !== '') this.type(text);
    this.keys('Enter');
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { timeout: 5000 });
  }
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
