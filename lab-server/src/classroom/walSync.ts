/**
 * Group fsync of a database's write-ahead log on libuv's thread pool, off the server's thread. The write batch
 * commits with `synchronous = NORMAL` (the commit is written to the log, which a `kill -9` of the server does not
 * lose, but not yet forced to the disk) and acknowledges its writes only once this has forced the log to the disk:
 * the same promise as `synchronous = FULL`, without the server's thread waiting 3 to 30 ms for every commit's fsync
 * (a class of 1,000 joining at once committed hundreds of times in a few seconds, each fsync stalling every learner).
 */
import { open } from 'node:fs/promises';

/** Forces a file (a database's `-wal`) to the disk, one fsync for every caller that arrives while one runs. */
export class WalSync {
  readonly file: string;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;

  constructor(file: string) {
    this.file = file;
  }

  /** Resolves once everything written to the file before this call is on the disk. */
  sync(): Promise<void> {
    if (!this.#running) {
      const running = this.#once().finally(() => {
        if (this.#running === running) this.#running = undefined;
      });
      this.#running = running;
      return running;
    }
    // The fsync under way may have started before this caller's write: one more after it covers every caller that
    // arrives meanwhile.
    this.#next ??= this.#running.then(
      () => this.#again(),
      () => this.#again(),
    );
    return this.#next;
  }

  #again(): Promise<void> {
    this.#next = undefined;
    return this.sync();
  }

  async #once(): Promise<void> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      // No log: the last connection closed, and SQLite checkpointed it into the synced database before removing it.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }
}
