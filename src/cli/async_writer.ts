/**
 * Non-blocking, serialized writes to Porta's own stdout and stderr.
 *
 * `writeSync` on a pipe whose reader stopped reading blocks the whole event
 * loop: no signal handler, timer or request runs until the reader drains it.
 * {@link AsyncWriter} writes through the asynchronous `write` (which waits off
 * the event loop) one chunk after another, so the process stays responsive
 * (Ctrl-C, SIGTERM, `ping`) whatever the reader does. Callers that must not
 * lose bytes (guest output in `porta run`) await {@link AsyncWriter.write}
 * and so pass the backpressure on to the guest; diagnostics use
 * {@link AsyncWriter.writeLossy}, which drops lines (and later says how many)
 * rather than queue more than a fixed budget.
 *
 * @module
 */

/** What {@link AsyncWriter} writes to (`Deno.stdout`, `Deno.stderr`). */
export interface ByteWriter {
  /** Writes some of `p`, resolving with the number of bytes written. */
  write(p: Uint8Array): Promise<number>;
}

/** Options of {@link AsyncWriter}. */
export interface AsyncWriterOptions {
  /**
   * Bytes {@link AsyncWriter.writeLossy} may leave queued before it drops
   * lines (default 1 MiB). {@link AsyncWriter.write} ignores it.
   */
  maxLossyQueue?: number;
  /** Called once when a write fails (the reader went away, disk full...). */
  onError?(error: unknown): void;
  /**
   * The note written once room is back after lossy lines were dropped
   * (default `[porta] N diagnostic line(s) dropped: ...`).
   */
  droppedNote?(count: number): string;
}

interface Item {
  bytes: Uint8Array;
  resolve(): void;
}

const encoder = new TextEncoder();

/** Default budget of queued diagnostics: 1 MiB. */
export const DEFAULT_MAX_LOSSY_QUEUE = 1 << 20;

/**
 * A serialized asynchronous writer: chunks are written whole and in order,
 * never with `writeSync`. After a failed write every later chunk is dropped
 * (and its promise resolves at once): see {@link AsyncWriter.failed}.
 */
export class AsyncWriter {
  readonly #w: ByteWriter;
  readonly #opts: AsyncWriterOptions;
  readonly #max: number;
  #queue: Item[] = [];
  #queued = 0;
  #pumping = false;
  #failed: unknown = undefined;
  #hasFailed = false;
  #dropped = 0;
  #idle: (() => void)[] = [];

  /** A writer over `w` (for example `Deno.stderr`). */
  constructor(w: ByteWriter, opts: AsyncWriterOptions = {}) {
    this.#w = w;
    this.#opts = opts;
    this.#max = opts.maxLossyQueue ?? DEFAULT_MAX_LOSSY_QUEUE;
  }

  /** Bytes queued and not yet written. */
  get queued(): number {
    return this.#queued;
  }

  /** True once a write failed (later chunks are dropped). */
  get failed(): boolean {
    return this.#hasFailed;
  }

  /** The error of the failed write, if any. */
  get error(): unknown {
    return this.#failed;
  }

  /** Lossy lines dropped and not yet reported. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Queues `bytes` (or text, as UTF-8); resolves once they are written, or
   * at once when the writer has failed.
   */
  write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    if (this.#hasFailed || bytes.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#queue.push({ bytes, resolve });
      this.#queued += bytes.length;
      if (!this.#pumping) this.#pump();
    });
  }

  /**
   * Queues a diagnostic unless more than the lossy budget is already
   * waiting; a dropped one is counted, and a note saying how many were
   * dropped is queued as soon as there is room again. Returns false when
   * dropped.
   */
  writeLossy(data: Uint8Array | string): boolean {
    if (this.#hasFailed) return false;
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    if (this.#queued + bytes.length > this.#max) {
      this.#dropped++;
      return false;
    }
    this.#reportDropped();
    void this.write(bytes);
    return true;
  }

  /**
   * Waits until everything queued is written (true), the writer failed
   * (true), or `timeoutMs` passed (false).
   */
  drain(timeoutMs?: number): Promise<boolean> {
    this.#reportDropped();
    if (this.#queue.length === 0 || this.#hasFailed) {
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(true);
      };
      this.#idle.push(done);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const i = this.#idle.indexOf(done);
          if (i >= 0) this.#idle.splice(i, 1);
          resolve(false);
        }, Math.max(0, timeoutMs));
      }
    });
  }

  #reportDropped(): void {
    if (this.#dropped === 0 || this.#hasFailed) return;
    const n = this.#dropped;
    const note = this.#opts.droppedNote?.(n) ??
      `[porta] ${n} diagnostic line(s) dropped: stderr is not read fast enough`;
    const bytes = encoder.encode(note.endsWith("\n") ? note : note + "\n");
    // the note itself may pass the budget (one line); a full queue waits
    if (this.#queued >= this.#max) return;
    this.#dropped = 0;
    void this.write(bytes);
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        const item = this.#queue[0];
        try {
          let off = 0;
          while (off < item.bytes.length) {
            off += await this.#w.write(item.bytes.subarray(off));
          }
        } catch (e) {
          this.#fail(e);
          return;
        }
        this.#queue.shift();
        this.#queued -= item.bytes.length;
        item.resolve();
      }
    } finally {
      this.#pumping = false;
      if (this.#queue.length === 0 || this.#hasFailed) {
        for (const f of this.#idle.splice(0)) f();
      }
    }
  }

  #fail(e: unknown): void {
    this.#hasFailed = true;
    this.#failed = e;
    const items = this.#queue.splice(0);
    this.#queued = 0;
    for (const it of items) it.resolve();
    this.#opts.onError?.(e);
  }
}
