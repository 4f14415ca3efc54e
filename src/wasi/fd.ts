/**
 * The `fd_*` functions: descriptors for stdio, files and directories.
 * @module
 */
import type { FdEntry, WasiContext } from "./context.ts";
import {
  Fdflags,
  Filetype,
  MAX_IO_BYTES,
  Rights,
  Whence,
} from "./constants.ts";
import { Errno, WasiError } from "./errno.ts";
import { dirHostPath } from "./fs/resolve.ts";
import { deniedAt, reportDenied } from "./denial.ts";
import { filetypeOf, timesToApply, writeFilestat } from "./fs/stat.ts";
import { type ByteSink, SINK_CHUNK } from "./stdio.ts";
import { type HostFunctions, toBigInt } from "./types.ts";

/** Most bytes one host read or write syscall is given, so cancellation is polled between them. */
const IO_CHUNK = 16 << 20;

function fileOf(e: FdEntry): Deno.FsFile {
  if (e.kind === "dir") throw new WasiError(Errno.ISDIR);
  if (e.kind !== "file" || !e.file) throw new WasiError(Errno.SPIPE);
  return e.file;
}

/**
 * Reads from a host file into `bufs`, stopping at EOF or after
 * `MAX_IO_BYTES`; each syscall gets at most `IO_CHUNK` bytes and the
 * cancellation flag is polled between them.
 */
function readInto(
  ctx: WasiContext,
  file: Deno.FsFile,
  bufs: Uint8Array[],
): number {
  let total = 0;
  for (const b of bufs) {
    let off = 0;
    while (off < b.length && total + off < MAX_IO_BYTES) {
      const want = Math.min(
        b.length - off,
        IO_CHUNK,
        MAX_IO_BYTES - total - off,
      );
      const n = file.readSync(b.subarray(off, off + want));
      if (n === null || n === 0) return total + off;
      off += n;
      ctx.checkCancel();
    }
    total += off;
    if (total >= MAX_IO_BYTES) break;
  }
  return total;
}

/** Writes `bufs` to a host file, like `readInto` (chunked, cancellable, at most `MAX_IO_BYTES`). */
function writeAll(
  ctx: WasiContext,
  file: Deno.FsFile,
  bufs: Uint8Array[],
): number {
  let total = 0;
  for (const b of bufs) {
    let off = 0;
    while (off < b.length && total + off < MAX_IO_BYTES) {
      const want = Math.min(
        b.length - off,
        IO_CHUNK,
        MAX_IO_BYTES - total - off,
      );
      off += file.writeSync(b.subarray(off, off + want));
      ctx.checkCancel();
    }
    total += off;
    if (total >= MAX_IO_BYTES) break;
  }
  return total;
}

/**
 * Passes the bytes of `bufs` to a stdio sink in chunks of at most
 * `SINK_CHUNK` bytes, copying no more than the sink's `room()`; the rest is
 * reported to `overflow()` uncopied. Returns the count the guest is told
 * was written (all of it, up to `MAX_IO_BYTES`).
 */
function writeToSink(
  ctx: WasiContext,
  sink: ByteSink,
  bufs: Uint8Array[],
): number {
  let total = 0;
  for (const b of bufs) total += b.length;
  const n = Math.min(total, MAX_IO_BYTES);
  let copy = n;
  if (typeof sink.room === "function") {
    const room = Number(sink.room());
    copy = room >= 0 ? Math.min(n, Math.floor(room)) : 0; // NaN: none
  }
  let left = copy;
  let chunk: Uint8Array | undefined;
  let used = 0;
  for (const b of bufs) {
    let off = 0;
    while (left > 0 && off < b.length) {
      if (chunk === undefined) {
        chunk = new Uint8Array(Math.min(SINK_CHUNK, left));
        used = 0;
      }
      const k = Math.min(b.length - off, chunk.length - used);
      chunk.set(b.subarray(off, off + k), used);
      used += k;
      off += k;
      left -= k;
      if (used === chunk.length) {
        sink(chunk);
        chunk = undefined;
        ctx.checkCancel();
      }
    }
    if (left === 0) break;
  }
  if (copy < n) sink.overflow?.(n - copy);
  return n;
}

/**
 * Defence in depth (rights already exclude it): nothing reached through a
 * read-only preopen is changed (ROFS, reported to `ctx.onDenied` as `fn`).
 */
function requireWritableFd(ctx: WasiContext, fn: string, e: FdEntry): void {
  if (e.preopen && !e.preopen.writable) {
    const err = deniedAt(Errno.ROFS, "read-only", e);
    reportDenied(ctx.onDenied, fn, err);
    throw err;
  }
}

function statOf(e: FdEntry): Deno.FileInfo | null {
  if (e.kind === "file" && e.file) return e.file.statSync();
  if (e.kind === "dir") return Deno.statSync(dirHostPath(e));
  return null;
}

function listDir(
  ctx: WasiContext,
  e: FdEntry,
): { name: string; ino: bigint; type: number }[] {
  const path = dirHostPath(e);
  const self = Deno.statSync(path);
  const out: { name: string; ino: bigint; type: number }[] = [{
    name: ".",
    ino: BigInt(self.ino ?? 0),
    type: Filetype.DIRECTORY,
  }];
  let parentIno = BigInt(self.ino ?? 0);
  if (!e.isPreopen) {
    try {
      parentIno = BigInt(Deno.statSync(path + "/..").ino ?? 0);
    } catch {
      // keep own inode
    }
  }
  out.push({ name: "..", ino: parentIno, type: Filetype.DIRECTORY });
  let count = 0;
  for (const d of Deno.readDirSync(path)) {
    if ((++count & 255) === 0) ctx.checkCancel(); // huge directories
    let ino = 0n;
    let type: number = Filetype.UNKNOWN;
    try {
      const info = Deno.lstatSync(path + "/" + d.name);
      ino = BigInt(info.ino ?? 0);
      type = filetypeOf(info);
    } catch {
      continue; // vanished meanwhile
    }
    out.push({ name: d.name, ino, type });
  }
  return out;
}

/** Emulates positional I/O: seek, run, restore the previous position. */
function atOffset<T>(file: Deno.FsFile, offset: bigint, fn: () => T): T {
  const saved = file.seekSync(0, Deno.SeekMode.Current);
  file.seekSync(offset, Deno.SeekMode.Start);
  try {
    return fn();
  } finally {
    file.seekSync(saved, Deno.SeekMode.Start);
  }
}

/** The `fd_*` functions. */
export function fdFunctions(ctx: WasiContext): HostFunctions {
  return {
    fd_advise: (fd: number, _off: bigint, _len: bigint, advice: number) => {
      const e = ctx.fdWith(fd, Rights.FD_ADVISE);
      if (advice > 5) return Errno.INVAL;
      if (e.kind === "dir") return Errno.BADF;
      return Errno.SUCCESS;
    },
    fd_allocate: (fd: number, offset: bigint, len: bigint) => {
      const e = ctx.fdWith(fd, Rights.FD_ALLOCATE);
      const file = fileOf(e);
      requireWritableFd(ctx, "fd_allocate", e);
      const off = toBigInt(offset), n = toBigInt(len);
      if (off < 0n || n <= 0n) return Errno.INVAL;
      const end = off + n;
      if (end > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.FBIG;
      if (end > BigInt(file.statSync().size)) file.truncateSync(Number(end));
      return Errno.SUCCESS;
    },
    fd_close: (fd: number) => {
      const e = ctx.fd(fd);
      ctx.fds.delete(fd);
      e.file?.close();
      return Errno.SUCCESS;
    },
    fd_datasync: (fd: number) => {
      const e = ctx.fdWith(fd, Rights.FD_DATASYNC);
      if (e.kind === "file") e.file!.syncDataSync();
      else if (e.kind !== "dir") return Errno.INVAL;
      return Errno.SUCCESS;
    },
    fd_sync: (fd: number) => {
      const e = ctx.fdWith(fd, Rights.FD_SYNC);
      if (e.kind === "file") e.file!.syncSync();
      else if (e.kind !== "dir") return Errno.INVAL;
      return Errno.SUCCESS;
    },
    fd_fdstat_get: (fd: number, ptr: number) => {
      const e = ctx.fd(fd);
      const view = ctx.view();
      view.setUint8(ptr, e.filetype);
      view.setUint8(ptr + 1, 0);
      view.setUint16(ptr + 2, e.fdflags, true);
      view.setUint32(ptr + 4, 0, true);
      view.setBigUint64(ptr + 8, e.rightsBase, true);
      view.setBigUint64(ptr + 16, e.rightsInheriting, true);
      return Errno.SUCCESS;
    },
    fd_fdstat_set_flags: (fd: number, flags: number) => {
      const e = ctx.fdWith(fd, Rights.FD_FDSTAT_SET_FLAGS);
      const supported = Fdflags.APPEND | Fdflags.NONBLOCK;
      if (flags & ~supported) return Errno.NOTSUP;
      if (e.kind === "file" && (flags & Fdflags.APPEND)) {
        requireWritableFd(ctx, "fd_fdstat_set_flags", e);
      }
      e.fdflags = flags;
      return Errno.SUCCESS;
    },
    fd_fdstat_set_rights: (fd: number, base: bigint, inh: bigint) => {
      const e = ctx.fd(fd);
      const b = toBigInt(base), i = toBigInt(inh);
      if ((b & ~e.rightsBase) !== 0n || (i & ~e.rightsInheriting) !== 0n) {
        return Errno.NOTCAPABLE;
      }
      e.rightsBase = b;
      e.rightsInheriting = i;
      return Errno.SUCCESS;
    },
    fd_filestat_get: (fd: number, ptr: number) => {
      const e = ctx.fdWith(fd, Rights.FD_FILESTAT_GET);
      writeFilestat(ctx.view(), ptr, statOf(e), e.filetype, ctx.times);
      return Errno.SUCCESS;
    },
    fd_filestat_set_size: (fd: number, size: bigint) => {
      const e = ctx.fdWith(fd, Rights.FD_FILESTAT_SET_SIZE);
      const file = fileOf(e);
      requireWritableFd(ctx, "fd_filestat_set_size", e);
      const s = toBigInt(size);
      if (s < 0n || s > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.INVAL;
      file.truncateSync(Number(s));
      return Errno.SUCCESS;
    },
    fd_filestat_set_times: (
      fd: number,
      atim: bigint,
      mtim: bigint,
      fst: number,
    ) => {
      const e = ctx.fdWith(fd, Rights.FD_FILESTAT_SET_TIMES);
      requireWritableFd(ctx, "fd_filestat_set_times", e);
      const cur = statOf(e);
      if (!cur) return Errno.BADF;
      const t = timesToApply(
        cur,
        toBigInt(atim),
        toBigInt(mtim),
        fst,
        ctx.times,
      );
      if (!t) return Errno.INVAL;
      if (e.kind === "file") e.file!.utimeSync(t.atime, t.mtime);
      else Deno.utimeSync(dirHostPath(e), t.atime, t.mtime);
      ctx.times.remember(cur, t.atim, t.mtim);
      return Errno.SUCCESS;
    },
    fd_pread: (
      fd: number,
      iovs: number,
      iovsLen: number,
      offset: bigint,
      nreadPtr: number,
    ) => {
      if (ctx.fd(fd).kind === "dir") return Errno.ISDIR;
      const e = ctx.fdWith(fd, Rights.FD_READ | Rights.FD_SEEK);
      const file = fileOf(e);
      const bufs = ctx.iovecs(iovs, iovsLen);
      const at = toBigInt(offset);
      if (at < 0n) return Errno.INVAL;
      const n = atOffset(file, at, () => readInto(ctx, file, bufs));
      ctx.view().setUint32(nreadPtr, n, true);
      return Errno.SUCCESS;
    },
    fd_pwrite: (
      fd: number,
      iovs: number,
      iovsLen: number,
      offset: bigint,
      nwrittenPtr: number,
    ) => {
      if (ctx.fd(fd).kind === "dir") return Errno.ISDIR;
      const e = ctx.fdWith(fd, Rights.FD_WRITE | Rights.FD_SEEK);
      const file = fileOf(e);
      requireWritableFd(ctx, "fd_pwrite", e);
      const bufs = ctx.iovecs(iovs, iovsLen);
      const at = toBigInt(offset);
      if (at < 0n) return Errno.INVAL;
      const n = atOffset(file, at, () => writeAll(ctx, file, bufs));
      ctx.view().setUint32(nwrittenPtr, n, true);
      return Errno.SUCCESS;
    },
    fd_read: (fd: number, iovs: number, iovsLen: number, nreadPtr: number) => {
      // a directory is ISDIR whatever its rights (as wasmtime and Linux)
      if (ctx.fd(fd).kind === "dir") return Errno.ISDIR;
      const e = ctx.fdWith(fd, Rights.FD_READ);
      const bufs = ctx.iovecs(iovs, iovsLen);
      let n = 0;
      if (e.kind === "stdin") {
        for (const b of bufs) {
          if (b.length === 0) continue;
          // Clamp whatever the source claims to what fits in the buffer.
          const got = Math.max(0, Math.min(b.length, ctx.stdin(b) | 0));
          n += got;
          if (got < b.length) break;
        }
      } else if (e.kind === "file") {
        n = readInto(ctx, e.file!, bufs);
      } else {
        return Errno.BADF;
      }
      ctx.view().setUint32(nreadPtr, n, true);
      return Errno.SUCCESS;
    },
    fd_write: (
      fd: number,
      iovs: number,
      iovsLen: number,
      nwrittenPtr: number,
    ) => {
      if (ctx.fd(fd).kind === "dir") return Errno.ISDIR;
      const e = ctx.fdWith(fd, Rights.FD_WRITE);
      const bufs = ctx.iovecs(iovs, iovsLen);
      let n = 0;
      if (e.kind === "stdout" || e.kind === "stderr") {
        n = writeToSink(
          ctx,
          e.kind === "stdout" ? ctx.stdout : ctx.stderr,
          bufs,
        );
      } else if (e.kind === "file") {
        requireWritableFd(ctx, "fd_write", e);
        if (e.fdflags & Fdflags.APPEND) e.file!.seekSync(0, Deno.SeekMode.End);
        n = writeAll(ctx, e.file!, bufs);
        if (e.fdflags & (Fdflags.SYNC | Fdflags.RSYNC)) e.file!.syncSync();
        else if (e.fdflags & Fdflags.DSYNC) e.file!.syncDataSync();
      } else {
        return Errno.BADF;
      }
      ctx.view().setUint32(nwrittenPtr, n, true);
      return Errno.SUCCESS;
    },
    fd_readdir: (
      fd: number,
      buf: number,
      bufLen: number,
      cookie: bigint,
      bufusedPtr: number,
    ) => {
      const e = ctx.fdWith(fd, Rights.FD_READDIR);
      if (e.kind !== "dir") return Errno.NOTDIR;
      // the cookie is a u64: one past the end (even >= 2^63) lists nothing
      const start = BigInt.asUintN(64, toBigInt(cookie));
      if (start === 0n || !e.dirCache) e.dirCache = listDir(ctx, e);
      const list = e.dirCache;
      const out = ctx.bytes(buf, bufLen);
      const header = new Uint8Array(24);
      const hv = new DataView(header.buffer);
      let used = 0;
      const first = start < BigInt(list.length) ? Number(start) : list.length;
      for (let i = first; i < list.length && used < bufLen; i++) {
        const d = list[i];
        const name = ctx.encode(d.name);
        hv.setBigUint64(0, BigInt(i + 1), true);
        hv.setBigUint64(8, d.ino, true);
        hv.setUint32(16, name.length, true);
        hv.setUint8(20, d.type);
        const entry = new Uint8Array(24 + name.length);
        entry.set(header);
        entry.set(name, 24);
        const n = Math.min(entry.length, bufLen - used);
        out.set(entry.subarray(0, n), used);
        used += n;
      }
      ctx.view().setUint32(bufusedPtr, used, true);
      return Errno.SUCCESS;
    },
    fd_renumber: (from: number, to: number) => {
      const e = ctx.fd(from);
      const old = ctx.fd(to);
      if (from === to) return Errno.SUCCESS;
      old.file?.close();
      ctx.fds.set(to, e);
      ctx.fds.delete(from);
      return Errno.SUCCESS;
    },
    fd_seek: (
      fd: number,
      offset: bigint,
      whence: number,
      newOffsetPtr: number,
    ) => {
      const off = toBigInt(offset);
      const e = ctx.fd(fd);
      const needed = whence === Whence.CUR && off === 0n
        ? Rights.FD_TELL
        : Rights.FD_SEEK;
      if (e.kind !== "file" && e.kind !== "dir") return Errno.SPIPE;
      ctx.fdWith(fd, needed);
      const file = fileOf(e);
      const mode = whence === Whence.SET
        ? Deno.SeekMode.Start
        : whence === Whence.CUR
        ? Deno.SeekMode.Current
        : whence === Whence.END
        ? Deno.SeekMode.End
        : -1;
      if (mode === -1) return Errno.INVAL;
      if (mode !== Deno.SeekMode.Start || off < 0n) {
        const cur = BigInt(file.seekSync(0, Deno.SeekMode.Current));
        const baseOff = mode === Deno.SeekMode.Start
          ? 0n
          : mode === Deno.SeekMode.Current
          ? cur
          : BigInt(file.statSync().size);
        if (baseOff + off < 0n) return Errno.INVAL;
      }
      const pos = file.seekSync(off, mode);
      ctx.view().setBigUint64(newOffsetPtr, BigInt(pos), true);
      return Errno.SUCCESS;
    },
    fd_tell: (fd: number, ptr: number) => {
      const e = ctx.fd(fd);
      if (e.kind !== "file" && e.kind !== "dir") return Errno.SPIPE;
      ctx.fdWith(fd, Rights.FD_TELL);
      const pos = fileOf(e).seekSync(0, Deno.SeekMode.Current);
      ctx.view().setBigUint64(ptr, BigInt(pos), true);
      return Errno.SUCCESS;
    },
    fd_prestat_get: (fd: number, ptr: number) => {
      const e = ctx.fd(fd);
      if (!e.isPreopen || !e.preopen) return Errno.BADF;
      const view = ctx.view();
      view.setUint32(ptr, 0, true); // tag: dir (u8) + padding
      view.setUint32(ptr + 4, ctx.encode(e.preopen.guestPath).length, true);
      return Errno.SUCCESS;
    },
    fd_prestat_dir_name: (fd: number, ptr: number, len: number) => {
      const e = ctx.fd(fd);
      if (!e.isPreopen || !e.preopen) return Errno.BADF;
      const name = ctx.encode(e.preopen.guestPath);
      if (len < name.length) return Errno.NAMETOOLONG;
      ctx.bytes(ptr, name.length).set(name);
      return Errno.SUCCESS;
    },
  };
}
