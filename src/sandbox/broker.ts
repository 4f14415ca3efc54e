/**
 * The symlink broker: how a guest creates a symlink inside its writable
 * preopen although its worker may not.
 *
 * Deno lets `Deno.symlink` run only with unrestricted read and write
 * permission, which the guest worker never has (wall 3). So the worker's
 * WASI layer checks the request as for any other path operation (it resolves
 * the link's location inside the preopen and checks the target, holding the
 * process-wide filesystem lock) and then, still holding the lock, asks the
 * parent thread to create the link through a synchronous channel: one
 * `SharedArrayBuffer` per worker ({@link BROKER_BYTES}) and a doorbell
 * message. The parent checks the request again on its own, as if the worker
 * were hostile ({@link checkSymlinkRequest}):
 *
 * - the requesting worker holds the filesystem lock at that moment (so for
 *   a cooperating worker the creation is one step with its checks; a worker
 *   past wall 2 can write the lock cell itself, so against it the two rules
 *   below are what hold);
 * - the link's host path is absolute, normalised, strictly inside one of
 *   THIS worker's writable preopens, and its directory is a real directory
 *   (`realPath` of it is itself: no symlink on the way);
 * - the target is relative and made of plain names only: no `..`, no
 *   absolute path, no NUL, at most 4,096 bytes and 255 per component.
 *
 * Why no `..` at all (the WASI layer alone allows a `..` that stays inside):
 * a worker that got past wall 2 could otherwise compose links that each stay
 * inside but lead outside together (`d1/d2/l -> ..`, then `x -> d1/d2/l/../..`
 * resolves through `l` to the preopen's parent), or move a `sub/up -> ..`
 * link to the preopen's root; and Deno checks path strings, so the kernel
 * would follow them out. A target of plain names resolves below the link's
 * directory wherever the link is moved, so every link the broker made stays
 * inside.
 *
 * Protocol of the channel, Int32 `[state, status, targetLength, pathLength]`
 * then the target's UTF-8 bytes at {@link TARGET_OFFSET} and the host path's
 * at {@link PATH_OFFSET}. The worker writes a request, stores
 * {@link State.REQUEST}, posts `{t: "broker"}` and waits (in 50 ms slices
 * that poll its cancel flag). The parent acts only on a request it takes
 * with `compareExchange(REQUEST -> TAKEN)`, does the work synchronously,
 * stores the errno in `status` and {@link State.ANSWERED}. A worker
 * cancelled while waiting withdraws its request with
 * `compareExchange(REQUEST -> ABANDONED)`, so the parent never acts on it
 * after the worker has let the lock go; the parent withdraws it the same way
 * when it terminates the worker.
 * @module
 */

import { Errno, errnoFromError, WasiError } from "../wasi/mod.ts";

/** States of a broker channel (element 0). */
export const State = {
  /** No request. */
  IDLE: 0,
  /** The worker posted a request and waits. */
  REQUEST: 1,
  /** The parent took the request and is working on it. */
  TAKEN: 2,
  /** The parent answered: `status` holds the errno (0: done). */
  ANSWERED: 3,
  /** The worker (or the parent, terminating it) withdrew the request. */
  ABANDONED: 4,
} as const;

/** Longest symlink target (bytes), as the WASI layer's `PATH_MAX`. */
const MAX_TARGET = 4096;
/** Longest host path of a link (bytes): a preopen's path plus a guest path. */
const MAX_PATH = 8192;
/** Byte offset of the target in a channel. */
export const TARGET_OFFSET = 16;
/** Byte offset of the link's host path in a channel. */
export const PATH_OFFSET: number = TARGET_OFFSET + MAX_TARGET;
/** Size of one broker channel (one per guest worker). */
export const BROKER_BYTES: number = PATH_OFFSET + MAX_PATH;

const WAIT_SLICE_MS = 50;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * The worker's side: a `symlink(target, hostPath)` for `WasiOptions.symlink`
 * that asks the parent over `channel`. `ring()` posts the doorbell message.
 * Throws a `WasiError` with the parent's errno, or an `Error` when `cancel`
 * was raised while waiting (the request is then withdrawn).
 */
export function brokeredSymlink(
  channel: SharedArrayBuffer,
  ring: () => void,
  cancel?: Int32Array,
): (target: string, hostPath: string) => void {
  const ctl = new Int32Array(channel, 0, 4);
  const bytes = new Uint8Array(channel);
  return (target, hostPath) => {
    const t = encoder.encode(target);
    const p = encoder.encode(hostPath);
    if (t.length > MAX_TARGET || p.length > MAX_PATH) {
      throw new WasiError(Errno.NAMETOOLONG);
    }
    bytes.set(t, TARGET_OFFSET);
    bytes.set(p, PATH_OFFSET);
    ctl[2] = t.length;
    ctl[3] = p.length;
    ctl[1] = 0;
    Atomics.store(ctl, 0, State.REQUEST);
    ring();
    for (;;) {
      const s = Atomics.load(ctl, 0);
      if (s === State.ANSWERED) {
        const status = Atomics.load(ctl, 1);
        Atomics.store(ctl, 0, State.IDLE);
        if (status !== 0) throw new WasiError(status);
        return;
      }
      if (
        s === State.REQUEST && cancel && Atomics.load(cancel, 0) !== 0 &&
        Atomics.compareExchange(ctl, 0, State.REQUEST, State.ABANDONED) ===
          State.REQUEST
      ) {
        // WASI turns this into an errno; the next call then unwinds
        throw new Error("cancelled");
      }
      if (s !== State.REQUEST && s !== State.TAKEN) {
        throw new WasiError(Errno.IO); // withdrawn by the parent
      }
      Atomics.wait(ctl, 0, s, WAIT_SLICE_MS);
    }
  };
}

/** What the parent knows of the worker that owns a channel. */
export interface BrokerGrant {
  /** Real host paths of the worker's writable preopens. */
  writableRoots: readonly string[];
  /** The process-wide filesystem lock. */
  lock: Int32Array;
  /** The worker's owner token in {@link BrokerGrant.lock}. */
  owner: number;
}

function within(root: string, path: string): boolean {
  if (root === "/") return path.length > 1 && path.startsWith("/");
  return path.length > root.length + 1 && path.startsWith(root + "/");
}

/**
 * The parent's checks of one request, independent of the worker's (see the
 * module notes). Returns the errno to answer (0: the link may be created).
 */
export function checkSymlinkRequest(
  grant: BrokerGrant,
  target: string,
  hostPath: string,
): number {
  if (Atomics.load(grant.lock, 0) !== grant.owner) return Errno.NOTCAPABLE;
  const parts = hostPath.split("/");
  if (
    !hostPath.startsWith("/") || hostPath.includes("\0") ||
    parts.slice(1).some((c) => c === "" || c === "." || c === "..") ||
    !grant.writableRoots.some((r) => within(r, hostPath))
  ) return Errno.NOTCAPABLE;
  if (target === "") return Errno.NOENT;
  if (target.startsWith("/") || target.includes("\0")) return Errno.PERM;
  for (const c of target.split("/")) {
    if (c === "..") return Errno.PERM;
    if (encoder.encode(c).length > 255) return Errno.NAMETOOLONG;
  }
  const dir = hostPath.slice(0, hostPath.lastIndexOf("/")) || "/";
  try {
    if (Deno.realPathSync(dir) !== dir) return Errno.NOTCAPABLE;
  } catch (e) {
    return errnoFromError(e);
  }
  return 0;
}

/**
 * `Deno.symlinkSync` with the parent's permissions, when Porta has
 * unrestricted read and write (`-A`); otherwise `NotCapable` at once: Deno
 * would ask on a terminal, and a guest must never bring up a prompt.
 */
export function parentSymlink(target: string, hostPath: string): void {
  const granted = (name: "read" | "write") =>
    Deno.permissions.querySync({ name }).state === "granted";
  if (!granted("read") || !granted("write")) {
    throw new Deno.errors.NotCapable(
      "creating a symlink needs unrestricted read and write permission",
    );
  }
  Deno.symlinkSync(target, hostPath);
}

/**
 * The parent's side: answers the request waiting in `channel`, if any
 * (a doorbell for a request already withdrawn or answered does nothing).
 * `symlink` defaults to {@link parentSymlink}.
 */
export function serveBrokerRequest(
  channel: SharedArrayBuffer,
  grant: BrokerGrant,
  symlink: (target: string, hostPath: string) => void = parentSymlink,
): void {
  const ctl = new Int32Array(channel, 0, 4);
  if (
    Atomics.compareExchange(ctl, 0, State.REQUEST, State.TAKEN) !==
      State.REQUEST
  ) return;
  let status: number;
  try {
    const bytes = new Uint8Array(channel);
    const tLen = ctl[2], pLen = ctl[3];
    if (
      !(tLen >= 0 && tLen <= MAX_TARGET && pLen >= 0 && pLen <= MAX_PATH)
    ) {
      status = Errno.INVAL;
    } else {
      const target = decoder.decode(
        bytes.slice(TARGET_OFFSET, TARGET_OFFSET + tLen),
      );
      const hostPath = decoder.decode(
        bytes.slice(PATH_OFFSET, PATH_OFFSET + pLen),
      );
      status = checkSymlinkRequest(grant, target, hostPath);
      if (status === 0) symlink(target, hostPath);
    }
  } catch (e) {
    status = errnoFromError(e);
  }
  Atomics.store(ctl, 1, status);
  Atomics.store(ctl, 0, State.ANSWERED);
  Atomics.notify(ctl, 0);
}

/** Withdraws a request still waiting (the parent is terminating the worker). */
export function abandonBrokerRequest(channel: SharedArrayBuffer): void {
  const ctl = new Int32Array(channel, 0, 4);
  Atomics.compareExchange(ctl, 0, State.REQUEST, State.ABANDONED);
}
