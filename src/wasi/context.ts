/**
 * Shared state of one WASI instance: guest memory access, arguments,
 * environment, the file-descriptor table and the standard streams.
 * @module
 */
import { Errno, WasiError } from "./errno.ts";
import {
  Filetype,
  IOV_MAX,
  PATH_MAX,
  RIGHTS_STDIN,
  RIGHTS_STDOUT,
} from "./constants.ts";
import { WasiCancelled } from "./proc.ts";
import type { ByteSink, ByteSource } from "./stdio.ts";
import type { PreopenRoot } from "./fs/preopen.ts";
import { TimeOverlay } from "./fs/stat.ts";
import type { WasiDenial } from "./denial.ts";

/** Minimal shape of a WebAssembly memory (ours or the host's). */
export interface MemoryLike {
  /** Current backing buffer (replaced when memory grows). */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** Minimal shape of an instance (ours or the host's). */
export interface InstanceLike {
  /** The instance exports; `memory` must be a `MemoryLike`. */
  readonly exports: Record<string, unknown>;
}

/** One open file descriptor. */
export interface FdEntry {
  /** What the descriptor refers to. */
  kind: "stdin" | "stdout" | "stderr" | "file" | "dir";
  /** WASI filetype reported by fdstat/filestat. */
  filetype: number;
  /** Rights for operations on this descriptor. */
  rightsBase: bigint;
  /** Rights inherited by descriptors opened through this one. */
  rightsInheriting: bigint;
  /** fdflags (APPEND, NONBLOCK, ...). */
  fdflags: number;
  /** Host file handle for `kind === "file"`. */
  file?: Deno.FsFile;
  /** Real host path for files and directories. */
  hostPath?: string;
  /** The preopen this descriptor was reached through. */
  preopen?: PreopenRoot;
  /** Set when this descriptor is the preopen directory itself. */
  isPreopen?: boolean;
  /** Cached directory listing for fd_readdir (built at cookie 0). */
  dirCache?: { name: string; ino: bigint; type: number }[];
}

/**
 * Thrown into the guest when a WASI call needs memory but the bound instance
 * exports none named "memory" (WASI requires that export).
 */
export class WasiMissingMemory extends Error {
  /** Creates the error with its one-line message. */
  constructor() {
    super(
      'the module imports WASI functions but exports no memory named "memory"',
    );
    this.name = "WasiMissingMemory";
  }
}

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** The state shared by all WASI function families of one `Wasi` object. */
export class WasiContext {
  /** argv as given by the caller. */
  readonly args: string[];
  /** Environment as `KEY=VALUE` strings. */
  readonly env: string[];
  /** Standard input source. */
  readonly stdin: ByteSource;
  /** Standard output sink. */
  readonly stdout: ByteSink;
  /** Standard error sink. */
  readonly stderr: ByteSink;
  /** The open descriptors. */
  readonly fds: Map<number, FdEntry> = new Map();
  /** Nanosecond file times set by the guest (host stat is ms-precise). */
  readonly times: TimeOverlay = new TimeOverlay();
  /** Most descriptors the guest may hold (stdio and preopens included), see `WasiOptions.maxFds`. */
  maxFds = 256;
  /** Cancellation flag (index 0 non-zero = cancel), see `WasiOptions.cancel`. */
  cancel?: Int32Array;
  /** Told of each call refused for want of a grant, see `WasiOptions.onDenied`. */
  onDenied?: (d: WasiDenial) => void;
  /** The bound instance (set by start/initialize/bind). */
  instance?: InstanceLike;
  /** Explicit memory (overrides `instance.exports.memory`). */
  memory?: MemoryLike;

  /** Creates the context; stdio descriptors 0-2 are installed. */
  constructor(
    args: string[],
    env: string[],
    stdin: ByteSource,
    stdout: ByteSink,
    stderr: ByteSink,
  ) {
    this.args = args;
    this.env = env;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    const std = (kind: FdEntry["kind"]): FdEntry => ({
      kind,
      filetype: Filetype.CHARACTER_DEVICE,
      rightsBase: kind === "stdin" ? RIGHTS_STDIN : RIGHTS_STDOUT,
      rightsInheriting: 0n,
      fdflags: 0,
    });
    this.fds.set(0, std("stdin"));
    this.fds.set(1, std("stdout"));
    this.fds.set(2, std("stderr"));
  }

  /** The current guest memory buffer, read afresh (memory may have grown). */
  buffer(): ArrayBuffer | SharedArrayBuffer {
    const mem = this.memory ??
      (this.instance?.exports.memory as MemoryLike | undefined);
    if (!mem || !mem.buffer) {
      // A bound guest without a "memory" export can never pass a pointer:
      // say so instead of failing every call with a silent EFAULT.
      if (this.instance) throw new WasiMissingMemory();
      throw new WasiError(Errno.FAULT, "no exported memory");
    }
    return mem.buffer;
  }

  /** A DataView over the whole current memory. */
  view(): DataView {
    return new DataView(this.buffer());
  }

  /** A byte view of `len` bytes at `ptr` (FAULT when out of bounds). */
  bytes(ptr: number, len: number): Uint8Array {
    const buf = this.buffer();
    ptr >>>= 0;
    len >>>= 0;
    if (ptr + len > buf.byteLength) throw new WasiError(Errno.FAULT);
    return new Uint8Array(buf, ptr, len);
  }

  /** Decodes a UTF-8 string from guest memory (ILSEQ when invalid). */
  string(ptr: number, len: number): string {
    const b = this.bytes(ptr, len).slice();
    try {
      return decoder.decode(b);
    } catch {
      throw new WasiError(Errno.ILSEQ);
    }
  }

  /**
   * Decodes a path argument: `NAMETOOLONG` when longer than `PATH_MAX`
   * bytes, checked before anything is copied or decoded.
   */
  path(ptr: number, len: number): string {
    if (len >>> 0 > PATH_MAX) throw new WasiError(Errno.NAMETOOLONG);
    return this.string(ptr, len);
  }

  /** Throws `WasiCancelled` once the cancellation flag is set (poll it in long loops). */
  checkCancel(): void {
    if (this.cancel && Atomics.load(this.cancel, 0) !== 0) {
      throw new WasiCancelled();
    }
  }

  /** Encodes a string as UTF-8. */
  encode(s: string): Uint8Array {
    return encoder.encode(s);
  }

  /** The entry for `fd`, or throws BADF. */
  fd(fd: number): FdEntry {
    const e = this.fds.get(fd);
    if (!e) throw new WasiError(Errno.BADF);
    return e;
  }

  /** The entry for `fd` after checking it holds all of `rights` (NOTCAPABLE otherwise). */
  fdWith(fd: number, rights: bigint): FdEntry {
    const e = this.fd(fd);
    if ((e.rightsBase & rights) !== rights) {
      throw new WasiError(Errno.NOTCAPABLE);
    }
    return e;
  }

  /** Inserts an entry at the lowest free descriptor number and returns it. */
  allocate(entry: FdEntry): number {
    if (!entry.isPreopen) this.reserveFd();
    let fd = 3;
    while (this.fds.has(fd)) fd++;
    this.fds.set(fd, entry);
    return fd;
  }

  /** Throws MFILE when the guest already holds `maxFds` descriptors (check before opening host files). */
  reserveFd(): void {
    if (this.fds.size >= this.maxFds) throw new WasiError(Errno.MFILE);
  }

  /**
   * Reads the iovec array at `ptr` (`count` entries) as byte views (no copy).
   * More than `IOV_MAX` entries is `INVAL`, before any is read.
   */
  iovecs(ptr: number, count: number): Uint8Array[] {
    if (count >>> 0 > IOV_MAX) throw new WasiError(Errno.INVAL);
    const view = this.view();
    const out: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const base = view.getUint32(ptr + i * 8, true);
      const len = view.getUint32(ptr + i * 8 + 4, true);
      out.push(this.bytes(base, len));
    }
    return out;
  }
}
