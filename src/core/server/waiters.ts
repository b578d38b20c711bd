// Requests waiting for their log entry to be applied, matched on the id they were proposed with.
import { EtcdError } from '../errors';

export interface Waiter<T> {
  resolve(result: T): void;
  reject(err: EtcdError | Error): void;
}

export class Waiters<T> {
  private readonly byId = new Map<number, Waiter<T>>();
  private nextId: number;

  /** Ids start from the clock so that ids of an earlier run found in the WAL never match a live waiter. */
  constructor(nowMs: number) {
    this.nextId = nowMs * 1024;
  }

  get size(): number {
    return this.byId.size;
  }

  /** A fresh id and a promise settled when `trigger` or `fail` is called for it. */
  register(): { id: number; promise: Promise<T> } {
    const id = ++this.nextId;
    const promise = new Promise<T>((resolve, reject) => this.byId.set(id, { resolve, reject }));
    return { id, promise };
  }

  trigger(id: number, result: T): boolean {
    const w = this.byId.get(id);
    if (!w) return false;
    this.byId.delete(id);
    w.resolve(result);
    return true;
  }

  fail(id: number, err: EtcdError | Error): boolean {
    const w = this.byId.get(id);
    if (!w) return false;
    this.byId.delete(id);
    w.reject(err);
    return true;
  }

  failAll(err: EtcdError | Error): void {
    for (const [id, w] of this.byId) {
      this.byId.delete(id);
      w.reject(err);
    }
  }
}
