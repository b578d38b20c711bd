// etcdctl's watch loop over clientv3's watcher: one Watch stream carries every watch of the command (-i opens
// several), create requests go one at a time and the server's `created` answer names the watch; responses are
// then routed by watch id, progress notifications (watch id -1) go to every watch. Each watch prints its
// responses (printWatchCh): "watch was canceled (…)" on stderr, "progress notify: N", the display's Watch, and
// with an exec command one run per event with ETCD_WATCH_* in its environment.
import { spawn } from 'node:child_process';
import Long from 'long';
import type { etcdserverpb, mvccpb } from '../api/proto';
import type { EtcdClient } from '../client/etcd-client';
import { toEtcdError } from '../client/grpc-status';
import type { WatchStream } from '../client/watch-stream';
import { GrpcCode, type EtcdError } from '../errors';
import { goQuote } from './go/quote';
import { prefixRangeEnd } from './kv-ops';
import { flushOut } from './lease-ops';
import type { Out, Printer, WatchBatch } from './printers/printer';
import { int64Text } from './printers/values';
import type { WatchOptions } from './watch-args';

/** clientv3.WatchResponse.Err(): why a watch ended */
function watchErr(r: etcdserverpb.WatchResponse): string | undefined {
  if (!Long.fromValue(r.compactRevision ?? 0).isZero()) return 'etcdserver: mvcc: required revision has been compacted';
  if (r.canceled) {
    if ((r.cancelReason ?? '') !== '') return toEtcdError({ code: GrpcCode.FAILED_PRECONDITION, details: r.cancelReason }).message;
    return 'etcdserver: mvcc: required revision is a future revision';
  }
  return undefined;
}

function isProgressNotify(r: etcdserverpb.WatchResponse): boolean {
  return r.events.length === 0 && !r.canceled && !r.created && Long.fromValue(r.compactRevision ?? 0).isZero() && int64Text(r.header?.revision) !== '0';
}

/** Go's %q of a []string: ["a" "b"] */
function goQuoteList(list: readonly string[]): string {
  return `[${list.map((s) => goQuote(s)).join(' ')}]`;
}

const eventTypeNames = ['PUT', 'DELETE'] as const;

interface Sub {
  readonly req: WatchRequestSpec;
  readonly execArgs: readonly string[];
  readonly done: () => void;
  /** responses wait here while an exec command runs */
  queue: Promise<void>;
}

export interface WatchRequestSpec {
  readonly key: string;
  readonly rangeEnd?: string;
  readonly opts: WatchOptions;
}

export class WatchMux {
  private stream: WatchStream | undefined;
  private readonly pending: Sub[] = [];
  private readonly subs = new Map<string, Sub>();
  private sending = false;
  /** set when printing or an exec command failed: the command exits with it */
  private fatal: ((err: unknown) => void) | undefined;

  constructor(private readonly client: EtcdClient, private readonly display: Printer, private readonly out: Out) {}

  /** Resolves when a fatal error happened (printing unsupported, exec failure) — never otherwise. */
  onFatal(f: (err: unknown) => void): void {
    this.fatal = f;
  }

  private open(): WatchStream {
    this.stream ??= this.client.watch({
      onResponse: (r) => this.route(r),
      onEnd: (err) => this.ended(err),
    });
    return this.stream;
  }

  /** getWatchChan + printWatchCh: resolves when the watch's channel closes. */
  watch(req: WatchRequestSpec, execArgs: readonly string[]): Promise<void> {
    return new Promise((resolve) => {
      this.pending.push({ req, execArgs, done: resolve, queue: Promise.resolve() });
      this.sendNext();
    });
  }

  requestProgress(): void {
    this.open().requestProgress();
  }

  private sendNext(): void {
    if (this.sending || this.pending.length === 0) return;
    this.sending = true;
    const { req } = this.pending[0];
    const key = Buffer.from(req.key, 'utf8');
    let k: Buffer = key;
    let end: Buffer | undefined = req.rangeEnd === undefined ? undefined : Buffer.from(req.rangeEnd, 'utf8');
    if (req.opts.prefix) {
      // clientv3.WithPrefix: an empty key watches everything
      if (key.length === 0) [k, end] = [Buffer.from([0]), Buffer.from([0])];
      else end = prefixRangeEnd(key);
    }
    this.open().create({
      key: k,
      rangeEnd: end,
      startRevision: Long.fromString(req.opts.rev.toString()),
      prevKv: req.opts.prevKv,
      progressNotify: req.opts.progressNotify,
    });
  }

  private route(r: etcdserverpb.WatchResponse): void {
    if (r.created) {
      const sub = this.pending.shift();
      this.sending = false;
      if (sub !== undefined) {
        if (r.canceled) this.deliver(sub, r);
        else this.subs.set(int64Text(r.watchId), sub);
      }
      this.sendNext();
      return;
    }
    if (isProgressNotify(r) && int64Text(r.watchId) === '-1') {
      for (const sub of this.subs.values()) this.deliver(sub, r);
      return;
    }
    const sub = this.subs.get(int64Text(r.watchId));
    if (sub === undefined) return;
    // clientv3 closes a watch the server canceled (not for compaction) without handing the response on
    if (r.canceled && Long.fromValue(r.compactRevision ?? 0).isZero()) {
      this.subs.delete(int64Text(r.watchId));
      sub.queue = sub.queue.then(() => sub.done());
      return;
    }
    this.deliver(sub, r);
  }

  private deliver(sub: Sub, r: etcdserverpb.WatchResponse): void {
    const err = watchErr(r);
    if (err !== undefined) this.subs.delete(int64Text(r.watchId));
    sub.queue = sub.queue.then(async () => {
      if (r.canceled) this.out.err(`watch was canceled (${err})\n`);
      if (isProgressNotify(r)) this.out.out(`progress notify: ${int64Text(r.header?.revision)}\n`);
      const batch: WatchBatch = {
        header: r.header as etcdserverpb.ResponseHeader | null | undefined,
        events: r.events as mvccpb.Event[],
        compactRevision: int64Text(r.compactRevision),
        canceled: r.canceled === true,
        created: r.created === true,
      };
      this.display.watch(batch);
      flushOut(this.out);
      if (sub.execArgs.length > 0) {
        for (const ev of batch.events) await this.exec(sub.execArgs, r, ev);
      }
      if (err !== undefined) sub.done();
    }).catch((e: unknown) => this.fatal?.(e));
  }

  private exec(execArgs: readonly string[], r: etcdserverpb.WatchResponse, ev: mvccpb.Event): Promise<void> {
    const env = {
      ...process.env,
      ETCD_WATCH_REVISION: int64Text(r.header?.revision),
      ETCD_WATCH_EVENT_TYPE: `"${eventTypeNames[ev.type] ?? String(ev.type)}"`,
      ETCD_WATCH_KEY: goQuote(ev.kv?.key ?? new Uint8Array(0)),
      ETCD_WATCH_VALUE: goQuote(ev.kv?.value ?? new Uint8Array(0)),
    };
    return new Promise((resolve, reject) => {
      const child = spawn(execArgs[0], execArgs.slice(1), { env, stdio: 'inherit' });
      const fail = (why: string) => reject(new CommandFailed(`command ${goQuoteList(execArgs)} error (${why})\n`));
      child.on('error', (e: NodeJS.ErrnoException) => fail(e.code === 'ENOENT' ? `exec: ${goQuote(execArgs[0])}: executable file not found in $PATH` : e.message));
      child.on('exit', (code, signal) => {
        if (signal !== null) fail(`signal: ${signalName(signal)}`);
        else if (code !== 0) fail(`exit status ${code}`);
        else resolve();
      });
    });
  }

  private ended(err: EtcdError | undefined): void {
    // clientv3 would reconnect and resume; cairn ends every watch (the command then reports the cancel)
    void err;
    this.stream = undefined;
    for (const sub of [...this.pending, ...this.subs.values()]) sub.queue = sub.queue.then(() => sub.done());
    this.pending.length = 0;
    this.subs.clear();
  }

  close(): void {
    this.stream?.close();
  }
}

/** An exec command failed: etcdctl prints the line and exits 1 (os.Exit, no "Error:"). */
export class CommandFailed extends Error {}

function signalName(s: NodeJS.Signals): string {
  const names: Partial<Record<NodeJS.Signals, string>> = { SIGKILL: 'killed', SIGTERM: 'terminated', SIGINT: 'interrupt', SIGSEGV: 'segmentation fault', SIGABRT: 'aborted', SIGHUP: 'hangup', SIGPIPE: 'broken pipe' };
  return names[s] ?? s;
}
