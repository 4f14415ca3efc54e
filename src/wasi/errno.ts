/**
 * WASI preview1 errno values and the mapping from host (Deno) errors to errno.
 * @module
 */

/** WASI preview1 error numbers (`errno`). */
export const Errno = {
  SUCCESS: 0,
  TOOBIG: 1,
  ACCES: 2,
  ADDRINUSE: 3,
  ADDRNOTAVAIL: 4,
  AFNOSUPPORT: 5,
  AGAIN: 6,
  ALREADY: 7,
  BADF: 8,
  BADMSG: 9,
  BUSY: 10,
  CANCELED: 11,
  CHILD: 12,
  CONNABORTED: 13,
  CONNREFUSED: 14,
  CONNRESET: 15,
  DEADLK: 16,
  DESTADDRREQ: 17,
  DOM: 18,
  DQUOT: 19,
  EXIST: 20,
  FAULT: 21,
  FBIG: 22,
  HOSTUNREACH: 23,
  IDRM: 24,
  ILSEQ: 25,
  INPROGRESS: 26,
  INTR: 27,
  INVAL: 28,
  IO: 29,
  ISCONN: 30,
  ISDIR: 31,
  LOOP: 32,
  MFILE: 33,
  MLINK: 34,
  MSGSIZE: 35,
  MULTIHOP: 36,
  NAMETOOLONG: 37,
  NETDOWN: 38,
  NETRESET: 39,
  NETUNREACH: 40,
  NFILE: 41,
  NOBUFS: 42,
  NODEV: 43,
  NOENT: 44,
  NOEXEC: 45,
  NOLCK: 46,
  NOLINK: 47,
  NOMEM: 48,
  NOMSG: 49,
  NOPROTOOPT: 50,
  NOSPC: 51,
  NOSYS: 52,
  NOTCONN: 53,
  NOTDIR: 54,
  NOTEMPTY: 55,
  NOTRECOVERABLE: 56,
  NOTSOCK: 57,
  NOTSUP: 58,
  NOTTY: 59,
  NXIO: 60,
  OVERFLOW: 61,
  OWNERDEAD: 62,
  PERM: 63,
  PIPE: 64,
  PROTO: 65,
  PROTONOSUPPORT: 66,
  PROTOTYPE: 67,
  RANGE: 68,
  ROFS: 69,
  SPIPE: 70,
  SRCH: 71,
  STALE: 72,
  TIMEDOUT: 73,
  TXTBSY: 74,
  XDEV: 75,
  NOTCAPABLE: 76,
} as const;

/** Numeric type of an errno value. */
export type ErrnoValue = number;

/**
 * An error raised inside a host function that carries the errno to return to
 * the guest. Never escapes to the guest as an exception: the import wrapper
 * turns it into its errno.
 */
export class WasiError extends Error {
  /** The errno returned to the guest. */
  readonly errno: number;
  /** Creates an error carrying `errno`. */
  constructor(errno: number, message?: string) {
    super(message ?? `wasi errno ${errno}`);
    this.errno = errno;
  }
}

const CODE_TO_ERRNO: Record<string, number> = {
  E2BIG: Errno.TOOBIG,
  EACCES: Errno.ACCES,
  EAGAIN: Errno.AGAIN,
  EBADF: Errno.BADF,
  EBUSY: Errno.BUSY,
  EEXIST: Errno.EXIST,
  EFAULT: Errno.FAULT,
  EFBIG: Errno.FBIG,
  EINTR: Errno.INTR,
  EINVAL: Errno.INVAL,
  EIO: Errno.IO,
  EISDIR: Errno.ISDIR,
  ELOOP: Errno.LOOP,
  EMFILE: Errno.MFILE,
  EMLINK: Errno.MLINK,
  ENAMETOOLONG: Errno.NAMETOOLONG,
  ENFILE: Errno.NFILE,
  ENOENT: Errno.NOENT,
  ENOMEM: Errno.NOMEM,
  ENOSPC: Errno.NOSPC,
  ENOSYS: Errno.NOSYS,
  ENOTDIR: Errno.NOTDIR,
  ENOTEMPTY: Errno.NOTEMPTY,
  ENOTSUP: Errno.NOTSUP,
  EOPNOTSUPP: Errno.NOTSUP,
  ENXIO: Errno.NXIO,
  EOVERFLOW: Errno.OVERFLOW,
  EPERM: Errno.PERM,
  EPIPE: Errno.PIPE,
  ERANGE: Errno.RANGE,
  EROFS: Errno.ROFS,
  ESPIPE: Errno.SPIPE,
  ETIMEDOUT: Errno.TIMEDOUT,
  ETXTBSY: Errno.TXTBSY,
  EXDEV: Errno.XDEV,
  EDQUOT: Errno.DQUOT,
};

/**
 * Maps any thrown value to a WASI errno: `WasiError` keeps its errno, Deno
 * errors map by their OS `code` first and then by class, out-of-bounds memory
 * accesses (`RangeError`) become `FAULT`, anything else `IO`.
 */
export function errnoFromError(err: unknown): number {
  if (err instanceof WasiError) return err.errno;
  if (err instanceof RangeError) return Errno.FAULT;
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string" && code in CODE_TO_ERRNO) {
    return CODE_TO_ERRNO[code];
  }
  const e = Deno.errors;
  if (err instanceof e.NotFound) return Errno.NOENT;
  if (err instanceof e.NotCapable) return Errno.NOTCAPABLE;
  if (err instanceof e.PermissionDenied) return Errno.ACCES;
  if (err instanceof e.AlreadyExists) return Errno.EXIST;
  if (err instanceof e.IsADirectory) return Errno.ISDIR;
  if (err instanceof e.NotADirectory) return Errno.NOTDIR;
  if (err instanceof e.FilesystemLoop) return Errno.LOOP;
  if (err instanceof e.InvalidData) return Errno.INVAL;
  if (err instanceof e.TimedOut) return Errno.TIMEDOUT;
  if (err instanceof e.Interrupted) return Errno.INTR;
  if (err instanceof e.BadResource) return Errno.BADF;
  if (err instanceof e.Busy) return Errno.BUSY;
  if (err instanceof e.NotSupported) return Errno.NOTSUP;
  if (err instanceof e.BrokenPipe) return Errno.PIPE;
  if (err instanceof e.WouldBlock) return Errno.AGAIN;
  return Errno.IO;
}
