/**
 * Confined path resolution. Every guest path is resolved component by
 * component against a directory descriptor with `lstat` + `readlink`, never
 * letting the host follow a symlink: `..` above the directory, absolute paths
 * and symlinks (at any depth, whoever created them) that lead outside are
 * refused with `NOTCAPABLE` (a `WasiDeniedError` saying which, for
 * `WasiOptions.onDenied`).
 *
 * Bounded: a path (and every symlink target met on the way) longer than
 * {@link PATH_MAX} bytes or with a component longer than {@link NAME_MAX}
 * bytes is `NAMETOOLONG` before it is split; at most {@link MAX_SYMLINKS}
 * symlinks are expanded. The walk is linear in the number of components
 * (a cursor over each segment, host paths built incrementally) and polls the
 * cancellation flag, so one call does at most (1 + MAX_SYMLINKS) x 2,049
 * `lstat`s and stops soon after a cancel.
 * @module
 */
import { Errno, WasiError } from "../errno.ts";
import type { FdEntry } from "../context.ts";
import { NAME_MAX, PATH_MAX } from "../constants.ts";
import { WasiCancelled } from "../proc.ts";
import { isWithin } from "./preopen.ts";
import { deniedAt } from "../denial.ts";

/** Maximum number of symlinks expanded while resolving one path. */
export const MAX_SYMLINKS = 32;

/** Result of resolving a guest path. */
export interface Resolved {
  /** Host path of the final component (symlink-free up to its parent). */
  hostPath: string;
  /** `lstat` of the final component, undefined when it does not exist. */
  info?: Deno.FileInfo;
  /** Components below the base directory (empty: the base itself). */
  depth: number;
  /** Base directory the path was resolved against (a real path). */
  base: string;
  /** The path ended with `/` (the target must be a directory). */
  trailingSlash: boolean;
}

function realPathOrNull(path: string): string | null {
  try {
    return Deno.realPathSync(path);
  } catch {
    return null;
  }
}

function lstatOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/**
 * Checks the length limits of a path or symlink target in one pass, without
 * allocating: `NAMETOOLONG` when it is longer than {@link PATH_MAX} UTF-8
 * bytes or has a component longer than {@link NAME_MAX} bytes, `ILSEQ` when
 * it contains NUL. O(1) for a string longer than PATH_MAX code units.
 */
export function checkPathLimits(path: string): void {
  // UTF-8 never takes fewer bytes than UTF-16 code units.
  if (path.length > PATH_MAX) throw new WasiError(Errno.NAMETOOLONG);
  let total = 0;
  let comp = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0x2f) {
      comp = 0;
      total++;
      continue;
    }
    if (c === 0) throw new WasiError(Errno.ILSEQ);
    // a surrogate pair is 4 bytes, 2 per half; a lone one is encoded as 3
    const n = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xe000 ? 2 : 3;
    total += n;
    comp += n;
    if (comp > NAME_MAX) throw new WasiError(Errno.NAMETOOLONG);
  }
  if (total > PATH_MAX) throw new WasiError(Errno.NAMETOOLONG);
}

/**
 * The host path of a directory descriptor, after checking it still is the
 * real directory it was when opened (NOTCAPABLE if it was swapped for a
 * symlink, NOENT if it is gone).
 */
export function dirHostPath(dir: FdEntry): string {
  if (dir.kind !== "dir" || !dir.hostPath) {
    throw new WasiError(Errno.NOTDIR);
  }
  const real = realPathOrNull(dir.hostPath);
  if (real === null) throw new WasiError(Errno.NOENT);
  if (real !== dir.hostPath) throw new WasiError(Errno.NOTCAPABLE);
  return real;
}

/** The components of the path or of one symlink target, read with a cursor. */
interface Segment {
  /** The components (`split("/")` of a string of at most PATH_MAX bytes). */
  comps: string[];
  /** Next component to read. */
  next: number;
  /** Index of the last component other than "" and "." (-1: none). */
  lastReal: number;
  /** A segment below this one still has a component other than "" and ".". */
  restReal: boolean;
  /** Every segment below this one is exhausted. */
  restEmpty: boolean;
}

function segment(s: string, restReal: boolean, restEmpty: boolean): Segment {
  const comps = s.split("/");
  let lastReal = comps.length - 1;
  while (lastReal >= 0 && (comps[lastReal] === "" || comps[lastReal] === ".")) {
    lastReal--;
  }
  return { comps, next: 0, lastReal, restReal, restEmpty };
}

/**
 * Resolves `path` relative to the directory descriptor `dir`.
 * `followFinal` follows a symlink in the last component (intermediate ones
 * are always followed, within the confinement). A missing final component is
 * allowed (info undefined) so callers can create it; a missing intermediate
 * one is `NOENT`. Every intermediate component of the returned host path was
 * checked with `lstat` to be a real directory (no symlink is left in it,
 * except the final component when `followFinal` is false). `cancel` (the
 * WASI cancellation flag) is polled during the walk: `WasiCancelled`.
 */
export function resolvePath(
  dir: FdEntry,
  path: string,
  followFinal: boolean,
  cancel?: Int32Array,
): Resolved {
  if (dir.kind !== "dir" || !dir.hostPath) {
    throw new WasiError(Errno.NOTDIR);
  }
  if (path.length === 0) throw new WasiError(Errno.NOENT);
  checkPathLimits(path);
  if (path.startsWith("/")) {
    throw deniedAt(Errno.NOTCAPABLE, "absolute", dir, path);
  }
  // The directory must still be the real directory it was when opened: a
  // guest could rename it away and put a symlink in its place.
  const base = dirHostPath(dir);
  // hosts[k]: host path of the first k components kept (hosts[0] = base)
  const hosts: string[] = [base];
  const segs: Segment[] = [segment(path, false, true)];
  let curInfo: Deno.FileInfo | undefined = Deno.statSync(base);
  let links = 0;
  let steps = 0;
  let trailingSlash = false;
  while (segs.length > 0) {
    const seg = segs[segs.length - 1];
    if (seg.next === seg.comps.length) {
      segs.pop();
      continue;
    }
    if ((++steps & 63) === 0 && cancel && Atomics.load(cancel, 0) !== 0) {
      throw new WasiCancelled();
    }
    const comp = seg.comps[seg.next++];
    const isLast = seg.next === seg.comps.length && seg.restEmpty;
    // Only "" and "." left: the path names a directory (trailing slash).
    const onlyDirMarkers = !isLast && seg.lastReal < seg.next && !seg.restReal;
    const depth = hosts.length - 1;
    if (comp === "" || comp === ".") {
      if (isLast && depth > 0 && comp === "") trailingSlash = true;
      if (curInfo && !curInfo.isDirectory && !isLast) {
        throw new WasiError(Errno.NOTDIR);
      }
      if ((comp === "." || trailingSlash) && curInfo && !curInfo.isDirectory) {
        throw new WasiError(Errno.NOTDIR);
      }
      continue;
    }
    if (!curInfo) throw new WasiError(Errno.NOENT);
    if (!curInfo.isDirectory) throw new WasiError(Errno.NOTDIR);
    if (comp === "..") {
      if (depth === 0) {
        // inside a symlink's target: the symlink leads out
        const why = segs.length > 1 ? "symlink" : "outside";
        throw deniedAt(Errno.NOTCAPABLE, why, dir, path);
      }
      hosts.pop();
      curInfo = Deno.lstatSync(hosts[hosts.length - 1]);
      continue;
    }
    const candidate = hosts[depth] + "/" + comp;
    const info = lstatOrUndefined(candidate);
    if (info === undefined) {
      if (isLast || onlyDirMarkers) {
        hosts.push(candidate);
        curInfo = undefined;
        continue;
      }
      throw new WasiError(Errno.NOENT);
    }
    if (info.isSymlink && (!isLast || followFinal)) {
      if (++links > MAX_SYMLINKS) throw new WasiError(Errno.LOOP);
      const target = Deno.readLinkSync(candidate);
      if (target.startsWith("/")) {
        throw deniedAt(Errno.NOTCAPABLE, "symlink", dir, path);
      }
      if (target.length === 0) throw new WasiError(Errno.NOENT);
      checkPathLimits(target);
      segs.push(segment(
        target,
        seg.restReal || seg.lastReal >= seg.next,
        seg.restEmpty && seg.next === seg.comps.length,
      ));
      continue;
    }
    hosts.push(candidate);
    curInfo = info;
  }
  const depth = hosts.length - 1;
  const hostPath = hosts[depth];
  if (depth > 0) {
    // Every component was checked with lstat; the parent must still be a
    // real directory at exactly that path (guards creation of a new entry).
    const parent = hosts[depth - 1];
    if (parent !== base && realPathOrNull(parent) !== parent) {
      throw new WasiError(Errno.NOTCAPABLE);
    }
  }
  if (curInfo && !curInfo.isSymlink) {
    // Defence in depth: the canonical path must stay under the base.
    let real: string;
    try {
      real = Deno.realPathSync(hostPath);
    } catch {
      throw new WasiError(Errno.NOTCAPABLE);
    }
    if (!isWithin(base, real)) throw new WasiError(Errno.NOTCAPABLE);
  }
  return { hostPath, info: curInfo, depth, base, trailingSlash };
}
