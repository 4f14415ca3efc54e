/**
 * WASI preview1 constants: file types, rights, flags, clocks and structure
 * sizes, as defined by the `wasi_snapshot_preview1` witx.
 * @module
 */

/** `filetype` values. */
export const Filetype = {
  UNKNOWN: 0,
  BLOCK_DEVICE: 1,
  CHARACTER_DEVICE: 2,
  DIRECTORY: 3,
  REGULAR_FILE: 4,
  SOCKET_DGRAM: 5,
  SOCKET_STREAM: 6,
  SYMBOLIC_LINK: 7,
} as const;

/** `fdflags` bits. */
export const Fdflags = {
  APPEND: 1,
  DSYNC: 2,
  NONBLOCK: 4,
  RSYNC: 8,
  SYNC: 16,
} as const;

/** `oflags` bits for `path_open`. */
export const Oflags = {
  CREAT: 1,
  DIRECTORY: 2,
  EXCL: 4,
  TRUNC: 8,
} as const;

/** `lookupflags` bits. */
export const Lookupflags = { SYMLINK_FOLLOW: 1 } as const;

/** `fstflags` bits for the `*_set_times` functions. */
export const Fstflags = {
  ATIM: 1,
  ATIM_NOW: 2,
  MTIM: 4,
  MTIM_NOW: 8,
} as const;

/** `whence` values for `fd_seek`. */
export const Whence = { SET: 0, CUR: 1, END: 2 } as const;

/** `clockid` values. */
export const Clockid = {
  REALTIME: 0,
  MONOTONIC: 1,
  PROCESS_CPUTIME_ID: 2,
  THREAD_CPUTIME_ID: 3,
} as const;

/** `eventtype` values used by `poll_oneoff`. */
export const Eventtype = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;

/** `rights` bits (64-bit, as bigint). */
export const Rights = {
  FD_DATASYNC: 1n << 0n,
  FD_READ: 1n << 1n,
  FD_SEEK: 1n << 2n,
  FD_FDSTAT_SET_FLAGS: 1n << 3n,
  FD_SYNC: 1n << 4n,
  FD_TELL: 1n << 5n,
  FD_WRITE: 1n << 6n,
  FD_ADVISE: 1n << 7n,
  FD_ALLOCATE: 1n << 8n,
  PATH_CREATE_DIRECTORY: 1n << 9n,
  PATH_CREATE_FILE: 1n << 10n,
  PATH_LINK_SOURCE: 1n << 11n,
  PATH_LINK_TARGET: 1n << 12n,
  PATH_OPEN: 1n << 13n,
  FD_READDIR: 1n << 14n,
  PATH_READLINK: 1n << 15n,
  PATH_RENAME_SOURCE: 1n << 16n,
  PATH_RENAME_TARGET: 1n << 17n,
  PATH_FILESTAT_GET: 1n << 18n,
  PATH_FILESTAT_SET_SIZE: 1n << 19n,
  PATH_FILESTAT_SET_TIMES: 1n << 20n,
  FD_FILESTAT_GET: 1n << 21n,
  FD_FILESTAT_SET_SIZE: 1n << 22n,
  FD_FILESTAT_SET_TIMES: 1n << 23n,
  PATH_SYMLINK: 1n << 24n,
  PATH_REMOVE_DIRECTORY: 1n << 25n,
  PATH_UNLINK_FILE: 1n << 26n,
  POLL_FD_READWRITE: 1n << 27n,
  SOCK_SHUTDOWN: 1n << 28n,
  SOCK_ACCEPT: 1n << 29n,
} as const;

/** Every right defined by preview1. */
export const RIGHTS_ALL: bigint = (1n << 30n) - 1n;

/** Rights meaningful on a regular file. */
export const RIGHTS_FILE: bigint = Rights.FD_DATASYNC | Rights.FD_READ |
  Rights.FD_SEEK | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC |
  Rights.FD_TELL | Rights.FD_WRITE | Rights.FD_ADVISE | Rights.FD_ALLOCATE |
  Rights.FD_FILESTAT_GET | Rights.FD_FILESTAT_SET_SIZE |
  Rights.FD_FILESTAT_SET_TIMES | Rights.POLL_FD_READWRITE;

/** Rights meaningful on a directory. */
export const RIGHTS_DIR: bigint = Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC |
  Rights.FD_ADVISE | Rights.PATH_CREATE_DIRECTORY | Rights.PATH_CREATE_FILE |
  Rights.PATH_LINK_SOURCE | Rights.PATH_LINK_TARGET | Rights.PATH_OPEN |
  Rights.FD_READDIR | Rights.PATH_READLINK | Rights.PATH_RENAME_SOURCE |
  Rights.PATH_RENAME_TARGET | Rights.PATH_FILESTAT_GET |
  Rights.PATH_FILESTAT_SET_SIZE | Rights.PATH_FILESTAT_SET_TIMES |
  Rights.FD_FILESTAT_GET | Rights.FD_FILESTAT_SET_TIMES | Rights.PATH_SYMLINK |
  Rights.PATH_REMOVE_DIRECTORY | Rights.PATH_UNLINK_FILE;

/** Rights that modify a file's contents or size. */
export const RIGHTS_FILE_WRITE: bigint = Rights.FD_WRITE |
  Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE | Rights.FD_DATASYNC;

/** Directory rights that modify the tree. */
export const RIGHTS_DIR_WRITE: bigint = Rights.PATH_CREATE_DIRECTORY |
  Rights.PATH_CREATE_FILE | Rights.PATH_LINK_TARGET |
  Rights.PATH_RENAME_SOURCE | Rights.PATH_RENAME_TARGET |
  Rights.PATH_FILESTAT_SET_SIZE | Rights.PATH_SYMLINK |
  Rights.PATH_REMOVE_DIRECTORY | Rights.PATH_UNLINK_FILE;

/** Rights of the standard input. */
export const RIGHTS_STDIN: bigint = Rights.FD_READ |
  Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET |
  Rights.POLL_FD_READWRITE;

/** Rights of the standard output and error. */
export const RIGHTS_STDOUT: bigint = Rights.FD_WRITE |
  Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET |
  Rights.POLL_FD_READWRITE;

/**
 * Longest path, in UTF-8 bytes, that any `path_*` function accepts (Linux
 * `PATH_MAX`); longer paths, and symlink targets met while resolving, fail
 * with `NAMETOOLONG` before they are split or resolved.
 */
export const PATH_MAX = 4096;

/** Longest path component, in UTF-8 bytes (Linux `NAME_MAX`); longer is `NAMETOOLONG`. */
export const NAME_MAX = 255;

/** Most iovecs one `fd_read`/`fd_write`/`fd_pread`/`fd_pwrite` accepts (POSIX `IOV_MAX`); more is `INVAL`. */
export const IOV_MAX = 1024;

/**
 * Most bytes one read or write call transfers (Linux `MAX_RW_COUNT`); a
 * larger request is a short transfer, which the guest's libc continues.
 */
export const MAX_IO_BYTES = 0x7ffff000;
