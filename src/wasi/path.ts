/**
 * The `path_*` functions. Every path goes through the confined resolver
 * (`fs/resolve.ts`); a path longer than `PATH_MAX` (4,096) bytes is
 * `NAMETOOLONG` before it is even decoded, and one with a component over
 * `NAME_MAX` (255) bytes before it is split.
 *
 * Each wall holds alone: this layer refuses, by itself, any change reachable
 * through a read-only preopen (`ROFS`), whatever Deno's permissions would
 * allow: `path_create_directory`, `path_filestat_set_times`, `path_link`
 * (source AND destination must be writable, since a hard link makes its
 * source writable through the destination), `path_open` with `O_CREAT`,
 * `O_TRUNC`, `FD_WRITE` or `APPEND`, `path_remove_directory`, `path_rename`
 * (both sides), `path_symlink` and `path_unlink_file`. Symlinks whose target
 * is absolute or climbs out of the preopen cannot be created (`PERM`). The
 * link itself is made by `WasiOptions.symlink` (default `Deno.symlinkSync`),
 * called after these checks while the filesystem lock is still held, so a
 * sandbox whose thread may not create symlinks can have a more privileged
 * thread do it (Porta's wall: `src/sandbox/broker.ts`).
 *
 * `path_open` refuses FIFOs, sockets and devices with `NOTSUP` (decided from
 * the `lstat` of the resolved path, before any host `open()`): Deno has no
 * `O_NONBLOCK`, and opening or reading one could block the thread where no
 * cancellation reaches it. A descriptor that is not a directory (stdio, a
 * file) used as the base of a path is `NOTDIR`.
 * @module
 */
import { lutimesSync } from "node:fs";
import type { FdEntry, WasiContext } from "./context.ts";
import {
  Fdflags,
  Filetype,
  Lookupflags,
  Oflags,
  Rights,
  RIGHTS_DIR,
  RIGHTS_FILE,
  RIGHTS_FILE_WRITE,
} from "./constants.ts";
import { Errno, WasiError } from "./errno.ts";
import { checkPathLimits, resolvePath } from "./fs/resolve.ts";
import { isWithin } from "./fs/preopen.ts";
import { filetypeOf, timesToApply, writeFilestat } from "./fs/stat.ts";
import { denialAt, deniedAt, denyWith, reportDenied } from "./denial.ts";
import { type HostFunctions, toBigInt } from "./types.ts";

/** ROFS unless `dir` was reached through a writable preopen; `path` is reported. */
function requireWritable(dir: FdEntry, path?: string): void {
  if (!dir.preopen || !dir.preopen.writable) {
    throw deniedAt(Errno.ROFS, "read-only", dir, path);
  }
}

/**
 * Every denial for want of a grant (a `WasiDeniedError` thrown below) is
 * reported to `ctx.onDenied` with the function's name; the errno is unchanged.
 */
function reporting(ctx: WasiContext, fns: HostFunctions): HostFunctions {
  const out: HostFunctions = {};
  for (const [name, fn] of Object.entries(fns)) {
    out[name] = (...args: any[]) => {
      try {
        return fn(...args);
      } catch (e) {
        reportDenied(ctx.onDenied, name, e);
        throw e;
      }
    };
  }
  return out;
}

/** `Deno.symlinkSync` (needs unrestricted read and write permission in Deno). */
function defaultSymlink(target: string, hostPath: string): void {
  Deno.symlinkSync(target, hostPath);
}

/** Path of the link's directory relative to the preopen root, as components. */
function relativeToRoot(dir: FdEntry, hostPath: string): string[] {
  const root = dir.preopen!.realPath;
  if (!isWithin(root, hostPath)) throw new WasiError(Errno.NOTCAPABLE);
  const rest = hostPath.slice(root.length).split("/").filter((c) => c);
  return rest;
}

/** True when the relative symlink `target` placed in `linkDir` stays inside the root. */
function symlinkStaysInside(linkDir: string[], target: string): boolean {
  if (target.startsWith("/")) return false;
  const stack = [...linkDir];
  for (const c of target.split("/")) {
    if (c === "" || c === ".") continue;
    if (c === "..") {
      if (stack.length === 0) return false;
      stack.pop();
    } else stack.push(c);
  }
  return true;
}

/** The `path_*` functions. */
export function pathFunctions(
  ctx: WasiContext,
  symlink: (target: string, hostPath: string) => void = defaultSymlink,
): HostFunctions {
  // Not a directory (stdio, a file) is NOTDIR before any rights check, as
  // openat() on a non-directory fd is in POSIX.
  const dirWith = (fd: number, rights: bigint): FdEntry => {
    if (ctx.fd(fd).kind !== "dir") throw new WasiError(Errno.NOTDIR);
    return ctx.fdWith(fd, rights);
  };
  return reporting(ctx, {
    path_create_directory: (fd: number, ptr: number, len: number) => {
      const dir = dirWith(fd, Rights.PATH_CREATE_DIRECTORY);
      const path = ctx.path(ptr, len);
      requireWritable(dir, path);
      const r = resolvePath(dir, path, false, ctx.cancel);
      if (r.info) return Errno.EXIST;
      Deno.mkdirSync(r.hostPath);
      return Errno.SUCCESS;
    },
    path_filestat_get: (
      fd: number,
      flags: number,
      ptr: number,
      len: number,
      out: number,
    ) => {
      const dir = dirWith(fd, Rights.PATH_FILESTAT_GET);
      const path = ctx.path(ptr, len);
      const r = resolvePath(
        dir,
        path,
        (flags & Lookupflags.SYMLINK_FOLLOW) !== 0,
        ctx.cancel,
      );
      if (!r.info) return Errno.NOENT;
      writeFilestat(ctx.view(), out, r.info, undefined, ctx.times);
      return Errno.SUCCESS;
    },
    path_filestat_set_times: (
      fd: number,
      flags: number,
      ptr: number,
      len: number,
      atim: bigint,
      mtim: bigint,
      fst: number,
    ) => {
      const dir = dirWith(fd, Rights.PATH_FILESTAT_SET_TIMES);
      const path = ctx.path(ptr, len);
      requireWritable(dir, path);
      const r = resolvePath(
        dir,
        path,
        (flags & Lookupflags.SYMLINK_FOLLOW) !== 0,
        ctx.cancel,
      );
      if (!r.info) return Errno.NOENT;
      const t = timesToApply(
        r.info,
        toBigInt(atim),
        toBigInt(mtim),
        fst,
        ctx.times,
      );
      if (!t) return Errno.INVAL;
      // The final component is not followed here (resolvePath already did
      // when asked): a symlink gets its own times (lutimes).
      if (r.info.isSymlink) lutimesSync(r.hostPath, t.atime, t.mtime);
      else Deno.utimeSync(r.hostPath, t.atime, t.mtime);
      ctx.times.remember(r.info, t.atim, t.mtim);
      return Errno.SUCCESS;
    },
    path_link: (
      oldFd: number,
      oldFlags: number,
      oldPtr: number,
      oldLen: number,
      newFd: number,
      newPtr: number,
      newLen: number,
    ) => {
      const oldDir = dirWith(oldFd, Rights.PATH_LINK_SOURCE);
      const newDir = dirWith(newFd, Rights.PATH_LINK_TARGET);
      const oldPath = ctx.path(oldPtr, oldLen);
      const newPath = ctx.path(newPtr, newLen);
      // A hard link makes its source writable through the destination: the
      // source must be under a writable grant too, as for path_rename.
      requireWritable(oldDir, oldPath);
      requireWritable(newDir, newPath);
      const src = resolvePath(
        oldDir,
        oldPath,
        (oldFlags & Lookupflags.SYMLINK_FOLLOW) !== 0,
        ctx.cancel,
      );
      if (!src.info) return Errno.NOENT;
      if (src.info.isDirectory) return Errno.PERM;
      const dst = resolvePath(newDir, newPath, false, ctx.cancel);
      if (dst.info) return Errno.EXIST;
      if (dst.trailingSlash) return Errno.NOENT;
      Deno.linkSync(src.hostPath, dst.hostPath);
      return Errno.SUCCESS;
    },
    path_open: (
      fd: number,
      dirflags: number,
      ptr: number,
      len: number,
      oflags: number,
      rightsBase: bigint,
      rightsInheriting: bigint,
      fdflags: number,
      openedPtr: number,
    ) => {
      const dir = dirWith(fd, Rights.PATH_OPEN);
      ctx.reserveFd(); // before any host file is opened
      const path = ctx.path(ptr, len);
      const creat = (oflags & Oflags.CREAT) !== 0;
      const excl = (oflags & Oflags.EXCL) !== 0;
      const trunc = (oflags & Oflags.TRUNC) !== 0;
      const wantDir = (oflags & Oflags.DIRECTORY) !== 0;
      if (creat) ctx.fdWith(fd, Rights.PATH_CREATE_FILE);
      if (trunc) ctx.fdWith(fd, Rights.PATH_FILESTAT_SET_SIZE);
      const base = toBigInt(rightsBase) & dir.rightsInheriting;
      const inheriting = toBigInt(rightsInheriting) & dir.rightsInheriting;
      const wantsWrite = (base & Rights.FD_WRITE) !== 0n ||
        (fdflags & Fdflags.APPEND) !== 0;
      const writable = dir.preopen?.writable === true;
      // Anything that could modify the tree under a read-only preopen is
      // refused (write access to an existing directory is checked below).
      if (!writable && (creat || trunc)) {
        return denyWith(
          ctx.onDenied,
          "path_open",
          Errno.ROFS,
          denialAt("read-only", dir, path),
        );
      }
      const follow = (dirflags & Lookupflags.SYMLINK_FOLLOW) !== 0;
      const r = resolvePath(dir, path, follow, ctx.cancel);
      if (r.info) {
        if (creat && excl) return Errno.EXIST;
        if (r.info.isSymlink) return Errno.LOOP; // O_NOFOLLOW semantics
        if (r.info.isDirectory) {
          if (trunc || wantsWrite) return Errno.ISDIR;
          const entry: FdEntry = {
            kind: "dir",
            filetype: Filetype.DIRECTORY,
            rightsBase: base & RIGHTS_DIR,
            rightsInheriting: inheriting & (RIGHTS_DIR | RIGHTS_FILE),
            fdflags,
            hostPath: r.hostPath,
            preopen: dir.preopen,
          };
          ctx.view().setUint32(openedPtr, ctx.allocate(entry), true);
          return Errno.SUCCESS;
        }
        if (wantDir || r.trailingSlash) return Errno.NOTDIR;
        // FIFOs, sockets and devices: opening one can block the thread in
        // the host's open()/read() where no cancellation reaches it.
        if (!r.info.isFile) return Errno.NOTSUP;
      } else {
        if (!creat) return Errno.NOENT;
        if (wantDir || r.trailingSlash) return Errno.INVAL;
      }
      if (!writable && wantsWrite) {
        return denyWith(
          ctx.onDenied,
          "path_open",
          Errno.ROFS,
          denialAt("read-only", dir, path),
        );
      }
      const read = (base & (Rights.FD_READ | Rights.FD_READDIR)) !== 0n ||
        !wantsWrite;
      const file = Deno.openSync(r.hostPath, {
        read,
        // The host refuses create without write access.
        write: wantsWrite || trunc || (creat && !r.info),
        create: creat,
        createNew: creat && excl,
        truncate: trunc,
      });
      // Defence in depth: the opened file must be the one we checked.
      try {
        const real = Deno.realPathSync(r.hostPath);
        if (!isWithin(dir.preopen!.realPath, real)) {
          throw new WasiError(Errno.NOTCAPABLE);
        }
      } catch (e) {
        file.close();
        throw e;
      }
      const info = file.statSync();
      let rights = base & RIGHTS_FILE;
      if (!writable) rights &= ~RIGHTS_FILE_WRITE;
      const entry: FdEntry = {
        kind: "file",
        filetype: filetypeOf(info),
        rightsBase: rights,
        rightsInheriting: 0n,
        fdflags,
        file,
        hostPath: r.hostPath,
        preopen: dir.preopen,
      };
      ctx.view().setUint32(openedPtr, ctx.allocate(entry), true);
      return Errno.SUCCESS;
    },
    path_readlink: (
      fd: number,
      ptr: number,
      len: number,
      buf: number,
      bufLen: number,
      bufusedPtr: number,
    ) => {
      const dir = dirWith(fd, Rights.PATH_READLINK);
      const path = ctx.path(ptr, len);
      const r = resolvePath(dir, path, false, ctx.cancel);
      if (!r.info) return Errno.NOENT;
      if (!r.info.isSymlink) return Errno.INVAL;
      const target = ctx.encode(Deno.readLinkSync(r.hostPath));
      const n = Math.min(target.length, bufLen);
      ctx.bytes(buf, bufLen).set(target.subarray(0, n));
      ctx.view().setUint32(bufusedPtr, n, true);
      return Errno.SUCCESS;
    },
    path_remove_directory: (fd: number, ptr: number, len: number) => {
      const dir = dirWith(fd, Rights.PATH_REMOVE_DIRECTORY);
      const path = ctx.path(ptr, len);
      requireWritable(dir, path);
      const r = resolvePath(dir, path, false, ctx.cancel);
      if (!r.info) return Errno.NOENT;
      if (!r.info.isDirectory) return Errno.NOTDIR;
      if (r.depth === 0) return Errno.BUSY;
      Deno.removeSync(r.hostPath);
      return Errno.SUCCESS;
    },
    path_rename: (
      fd: number,
      oldPtr: number,
      oldLen: number,
      newFd: number,
      newPtr: number,
      newLen: number,
    ) => {
      const oldDir = dirWith(fd, Rights.PATH_RENAME_SOURCE);
      const newDir = dirWith(newFd, Rights.PATH_RENAME_TARGET);
      const oldPath = ctx.path(oldPtr, oldLen);
      const newPath = ctx.path(newPtr, newLen);
      requireWritable(oldDir, oldPath);
      requireWritable(newDir, newPath);
      const src = resolvePath(oldDir, oldPath, false, ctx.cancel);
      if (!src.info) return Errno.NOENT;
      const dst = resolvePath(newDir, newPath, false, ctx.cancel);
      if (src.depth === 0 || dst.depth === 0) return Errno.BUSY;
      if (!src.info.isDirectory && (src.trailingSlash || dst.trailingSlash)) {
        return Errno.NOTDIR;
      }
      if (dst.info) {
        if (src.info.isDirectory && !dst.info.isDirectory) return Errno.NOTDIR;
        if (!src.info.isDirectory && dst.info.isDirectory) return Errno.ISDIR;
      }
      Deno.renameSync(src.hostPath, dst.hostPath);
      return Errno.SUCCESS;
    },
    path_symlink: (
      oldPtr: number,
      oldLen: number,
      fd: number,
      newPtr: number,
      newLen: number,
    ) => {
      const dir = dirWith(fd, Rights.PATH_SYMLINK);
      const target = ctx.path(oldPtr, oldLen);
      const newPath = ctx.path(newPtr, newLen);
      requireWritable(dir, newPath);
      if (target.length === 0) return Errno.NOENT;
      checkPathLimits(target);
      const r = resolvePath(dir, newPath, false, ctx.cancel);
      if (r.info) return Errno.EXIST;
      if (r.trailingSlash) return Errno.NOENT;
      const parent = r.hostPath.slice(0, r.hostPath.lastIndexOf("/"));
      if (!symlinkStaysInside(relativeToRoot(dir, parent), target)) {
        throw deniedAt(Errno.PERM, "symlink", dir, newPath);
      }
      // still under the lock: a broker (WasiOptions.symlink) creating the
      // link for us does it before any other guest can touch the tree
      symlink(target, r.hostPath);
      return Errno.SUCCESS;
    },
    path_unlink_file: (fd: number, ptr: number, len: number) => {
      const dir = dirWith(fd, Rights.PATH_UNLINK_FILE);
      const path = ctx.path(ptr, len);
      requireWritable(dir, path);
      const r = resolvePath(dir, path, false, ctx.cancel);
      if (!r.info) return Errno.NOENT;
      if (r.info.isDirectory) return Errno.ISDIR;
      if (r.trailingSlash) return Errno.NOTDIR;
      Deno.removeSync(r.hostPath);
      return Errno.SUCCESS;
    },
  });
}
