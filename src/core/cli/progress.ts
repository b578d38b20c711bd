// Progress on long ctl work (snapshot save, defrag --cluster, check perf/datascale, make-mirror): an ora spinner
// on stderr, only when stderr is a terminal and the output format is not json/protobuf, so pipes, scripts and
// machine-readable output never see it. ora is ESM-only and costs a few ms to load: it is imported on first use.
type Ora = (typeof import('ora', { with: { 'resolution-mode': 'import' } }))['default'];
type Spinner = ReturnType<Ora>;

export interface Progress {
  /** replaces the text after the spinner ("downloading 12.5 MB", "42%") */
  update(text: string): void;
  /** clears the spinner line (before the command prints its result or error) */
  stop(): void;
}

const silent: Progress = { update: () => undefined, stop: () => undefined };

export interface ProgressOptions {
  /** the output format (-w): json and protobuf get no progress */
  readonly format: string;
  /** the stream the spinner would draw on (tests pass a fake TTY) */
  readonly stream?: NodeJS.WriteStream;
}

/** Whether progress would be shown for these options (a TTY on stderr, a human output format). */
export function progressEnabled(o: ProgressOptions): boolean {
  const stream = o.stream ?? process.stderr;
  return stream.isTTY === true && o.format !== 'json' && o.format !== 'protobuf';
}

/** Starts a spinner with `text`, or a no-op when progress is not wanted. */
export async function startProgress(text: string, o: ProgressOptions): Promise<Progress> {
  if (!progressEnabled(o)) return silent;
  const ora: Ora = (await import('ora')).default;
  const spinner: Spinner = ora({ text, stream: o.stream ?? process.stderr, discardStdin: false }).start();
  return {
    update: (t) => { spinner.text = t; },
    stop: () => { spinner.stop(); },
  };
}
