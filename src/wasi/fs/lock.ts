/**
 * The filesystem lock: one Int32 of shared memory that every guest of a
 * process takes around each operation that resolves a guest path and then
 * acts on it.
 *
 * Why: Deno has no `openat` and no `O_NOFOLLOW`, so the WASI layer resolves a
 * guest path component by component with `lstat`/`readlink` and then hands
 * the checked host path string to Deno, which walks it again. Between the two
 * walks another guest could swap a checked directory for a symlink that
 * leads outside its preopen, and the kernel would follow it. Holding this
 * lock from the first `lstat` to the last syscall of the operation makes the
 * check and the use one step for every guest that shares the lock: no guest
 * operation can change the tree in between. Share one lock between every
 * `Wasi` of a process (the sandbox passes the same `SharedArrayBuffer` to
 * every guest worker); without `WasiOptions.fsLock` a `Wasi` uses one lock
 * per JavaScript realm.
 *
 * What it cannot stop: another host process (not a guest of this process)
 * changing a preopened tree while a guest uses it.
 *
 * ```ts
 * import { FsLock, newFsLockBuffer } from "./lock.ts";
 *
 * const lock = new FsLock(new Int32Array(newFsLockBuffer()), 1);
 * const size = lock.hold(() => Deno.statSync("/tmp").size);
 * ```
 * @module
 */

/** How long one wait for the lock sleeps before it looks at `cancel` again. */
const WAIT_SLICE_MS = 20;

/** A new lock cell: a `SharedArrayBuffer` of one Int32, 0 (free). */
export function newFsLockBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(4);
}

let realmCell: Int32Array | undefined;

/** The lock of this JavaScript realm, used when no shared cell is given. */
export function realmFsLock(): Int32Array {
  realmCell ??= new Int32Array(newFsLockBuffer());
  return realmCell;
}

/** Thrown by {@link FsLock.hold} when `cancel` was set while waiting. */
export class FsLockCancelled extends Error {
  /** Creates the error. */
  constructor() {
    super("cancelled while waiting for the filesystem lock");
    this.name = "FsLockCancelled";
  }
}

/**
 * A mutual-exclusion lock over `cell[0]`: 0 is free, any other value is the
 * owner token of the holder (so a supervisor can release the lock of a
 * thread it killed, see {@link releaseIfOwner}). Not re-entrant.
 */
export class FsLock {
  readonly #cell: Int32Array;
  readonly #owner: number;
  readonly #cancel?: Int32Array;

  /**
   * `cell`: an Int32Array whose element 0 is the lock (over a
   * `SharedArrayBuffer` to share it between threads). `owner`: a non-zero
   * int32 naming the holder. `cancel`: while waiting, a non-zero
   * `cancel[0]` makes {@link hold} throw {@link FsLockCancelled}.
   */
  constructor(cell: Int32Array, owner: number, cancel?: Int32Array) {
    if (!Number.isInteger(owner) || owner === 0 || (owner | 0) !== owner) {
      throw new RangeError(
        `FsLock owner must be a non-zero int32, got ${owner}`,
      );
    }
    this.#cell = cell;
    this.#owner = owner;
    this.#cancel = cancel;
  }

  /** Runs `fn` while holding the lock and returns its result. */
  hold<T>(fn: () => T): T {
    this.#acquire();
    try {
      return fn();
    } finally {
      Atomics.compareExchange(this.#cell, 0, this.#owner, 0);
      Atomics.notify(this.#cell, 0, 1);
    }
  }

  #acquire(): void {
    const cell = this.#cell;
    for (;;) {
      const seen = Atomics.compareExchange(cell, 0, 0, this.#owner);
      if (seen === 0) return;
      if (this.#cancel && Atomics.load(this.#cancel, 0) !== 0) {
        throw new FsLockCancelled();
      }
      Atomics.wait(cell, 0, seen, WAIT_SLICE_MS);
    }
  }
}

/**
 * Frees the lock if `owner` holds it (for a supervisor whose thread holding
 * it was terminated). Returns whether it did.
 */
export function releaseIfOwner(cell: Int32Array, owner: number): boolean {
  const freed = Atomics.compareExchange(cell, 0, owner, 0) === owner;
  if (freed) Atomics.notify(cell, 0, 1);
  return freed;
}
