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

/**
 * Deno reports file times with millisecond precision. Times the guest set
 * itself are remembered with full nanosecond precision and reported back as
 * long as the host still shows the same millisecond.
 */
export class TimeOverlay {
  readonly #times = new Map<string, { atim: bigint; mtim: bigint }>();

  #key(info: Deno.FileInfo): string {
    return `${info.dev}:${info.ino}`;
  }

  /** Records the nanosecond times just applied to the file described by `info`. */
  remember(info: Deno.FileInfo, atim: bigint, mtim: bigint): void {
    this.#times.set(this.#key(info), { atim, mtim });
  }

  /** The (atim, mtim) to report for `info`. */
  times(info: Deno.FileInfo): { atim: bigint; mtim: bigint } {
    const a = ns(info.atime), m = ns(info.mtime);
    const set = this.#times.get(this.#key(info));
    const same = (host: bigint, mine: bigint) =>
      host === (mine / 1_000_000n) * 1_000_000n;
    return {
      atim: set && same(a, set.atim) ? set.atim : a,
      mtim: set && same(m, set.mtim) ? set.mtim : m,
    };
  }
}

/** Writes a 64-byte `filestat` at `ptr`. */
export function writeFilestat(
  view: DataView,
  ptr: number,
  info: Deno.FileInfo | null,
  filetype?: number,
  overlay?: TimeOverlay,
): void {
  const u64 = (off: number, v: bigint) => view.setBigUint64(ptr + off, v, true);
  for (let i = 0; i < 64; i += 8) u64(i, 0n);
  if (!info) {
    view.setUint8(ptr + 16, filetype ?? Filetype.UNKNOWN);
    return;
  }
  const t = overlay
    ? overlay.times(info)
    : { atim: ns(info.atime), mtim: ns(info.mtime) };
  u64(0, BigInt(info.dev ?? 0));
  u64(8, BigInt(info.ino ?? 0));
  view.setUint8(ptr + 16, filetype ?? filetypeOf(info));
  u64(24, BigInt(info.nlink ?? 1));
  u64(32, BigInt(info.size));
  u64(40, t.atim);
  u64(48, t.mtim);
  u64(56, ns(info.ctime ?? info.mtime));
}

/** Times to apply for a `*_set_times` call. */
export interface AppliedTimes {
  /** New access time (millisecond precision, for `Deno.utime`). */
  atime: Date;
  /** New modification time (millisecond precision, for `Deno.utime`). */
  mtime: Date;
  /** New access time in nanoseconds. */
  atim: bigint;
  /** New modification time in nanoseconds. */
  mtim: bigint;
}

/** Computes the times for a `*_set_times` call; null when the flags conflict (INVAL). */
export function timesToApply(
  current: Deno.FileInfo,
  atim: bigint,
  mtim: bigint,
  fstflags: number,
  overlay?: TimeOverlay,
): AppliedTimes | null {
  const ATIM = 1, ATIM_NOW = 2, MTIM = 4, MTIM_NOW = 8;
  if ((fstflags & ATIM) && (fstflags & ATIM_NOW)) return null;
  if ((fstflags & MTIM) && (fstflags & MTIM_NOW)) return null;
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const cur = overlay
    ? overlay.times(current)
    : { atim: ns(current.atime), mtim: ns(current.mtime) };
  const a = fstflags & ATIM_NOW ? nowNs : fstflags & ATIM ? atim : cur.atim;
  const m = fstflags & MTIM_NOW ? nowNs : fstflags & MTIM ? mtim : cur.mtim;
  return {
    atime: new Date(Number(a / 1_000_000n)),
    mtime: new Date(Number(m / 1_000_000n)),
    atim: a,
    mtim: m,
  };
}
