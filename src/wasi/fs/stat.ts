/**
 * Conversions between Deno file metadata and WASI `filestat` / `filetype`.
 * @module
 */
import { Filetype } from "../constants.ts";

/** WASI filetype of a Deno `FileInfo`. */
export function filetypeOf(info: Deno.FileInfo): number {
  if (info.isFile) return Filetype.REGULAR_FILE;
  if (info.isDirectory) return Filetype.DIRECTORY;
  if (info.isSymlink) return Filetype.SYMBOLIC_LINK;
  if (info.isBlockDevice) return Filetype.BLOCK_DEVICE;
  if (info.isCharDevice) return Filetype.CHARACTER_DEVICE;
  if (info.isSocket) return Filetype.SOCKET_STREAM;
  return Filetype.UNKNOWN;
}

function ns(d: Date | null | undefined): bigint {
  if (!d) return 0n;
  return BigInt(d.getTime()) * 1_000_000n;
}

/** Writes a 64-byte `filestat` at `ptr`. */
export function writeFilestat(
  view: DataView,
  ptr: number,
  info: Deno.FileInfo | null,
  filetype?: number,
): void {
  const u64 = (off: number, v: bigint) => view.setBigUint64(ptr + off, v, true);
  for (let i = 0; i < 64; i += 8) u64(i, 0n);
  if (!info) {
    view.setUint8(ptr + 16, filetype ?? Filetype.UNKNOWN);
    return;
  }
  u64(0, BigInt(info.dev ?? 0));
  u64(8, BigInt(info.ino ?? 0));
  view.setUint8(ptr + 16, filetype ?? filetypeOf(info));
  u64(24, BigInt(info.nlink ?? 1));
  u64(32, BigInt(info.size));
  u64(40, ns(info.atime));
  u64(48, ns(info.mtime));
  u64(56, ns(info.ctime ?? info.mtime));
}

/** Timestamps to apply for a `*_set_times` call, in seconds for `Deno.utime`. */
export function timesToApply(
  current: Deno.FileInfo,
  atim: bigint,
  mtim: bigint,
  fstflags: number,
): { atime: number; mtime: number } | null {
  const ATIM = 1, ATIM_NOW = 2, MTIM = 4, MTIM_NOW = 8;
  if ((fstflags & ATIM) && (fstflags & ATIM_NOW)) return null;
  if ((fstflags & MTIM) && (fstflags & MTIM_NOW)) return null;
  const nowS = Date.now() / 1000;
  const keep = (d: Date | null) => d ? d.getTime() / 1000 : nowS;
  const atime = fstflags & ATIM_NOW
    ? nowS
    : fstflags & ATIM
    ? Number(atim) / 1e9
    : keep(current.atime);
  const mtime = fstflags & MTIM_NOW
    ? nowS
    : fstflags & MTIM
    ? Number(mtim) / 1e9
    : keep(current.mtime);
  return { atime, mtime };
}
