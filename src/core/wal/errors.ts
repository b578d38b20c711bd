/** Base class of every error the WAL raises on purpose (assertion failures are AssertionError). */
export class WalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A record or segment failed verification where it cannot be a torn tail: the WAL refuses to open. */
export class WalCorruptError extends WalError {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`wal: corrupt segment ${file} at offset ${offset}: ${reason}`);
  }
}

/** Another live process (or another Wal in this process) holds the directory lock. */
export class WalLockedError extends WalError {
  constructor(
    readonly dir: string,
    readonly holderPid: number,
  ) {
    super(`wal: ${dir} is locked by process ${holderPid}`);
  }
}

export class WalNotFoundError extends WalError {
  constructor(readonly dir: string) {
    super(`wal: no segment files in ${dir}`);
  }
}

export class WalExistsError extends WalError {
  constructor(readonly dir: string) {
    super(`wal: ${dir} already holds segment files`);
  }
}

export class WalClosedError extends WalError {
  constructor() {
    super('wal: closed');
  }
}

/** A write or fsync failed earlier; the on-disk state is unknown, so the WAL refuses all further work (fail-stop). */
export class WalFailedError extends WalError {
  constructor(cause: unknown) {
    super(`wal: failed after an I/O error: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** More than maxQueuedBytes are waiting for the disk; the append was not accepted (lastIndex is unchanged). */
export class WalOverloadedError extends WalError {
  constructor(
    readonly queuedBytes: number,
    readonly maxQueuedBytes: number,
  ) {
    super(`wal: too many bytes waiting for the disk (${queuedBytes} queued, max ${maxQueuedBytes})`);
  }
}
