/**
 * Shared helpers for the WASI tests: run every behavioural test against the
 * host's native WebAssembly (proves the test) and against the Porta engine,
 * run the C fixtures of testdata/wasi/, build throw-away sandboxes, and call
 * host functions directly on a bare memory.
 * @module
 */
import { collectingSink, type Preopen, Wasi } from "../../src/wasi/mod.ts";
import { bufferSource } from "../../src/wasi/stdio.ts";

import { type Engine, porta, testBoth } from "../wasm/_harness.ts";

export { type Engine, porta, testBoth };

const FIXTURES = new URL("../../testdata/wasi/", import.meta.url);
const moduleCache = new Map<string, any>();

/** Options for running a fixture. */
export interface RunOptions {
  /** Arguments after the program name. */
  args?: string[];
  /** Environment. */
  env?: Record<string, string>;
  /** Preopened directories. */
  preopens?: Preopen[];
  /** Bytes on stdin. */
  stdin?: Uint8Array | string;
}

/** Result of a fixture run. */
export interface RunResult {
  /** Exit code. */
  code: number;
  /** Captured stdout (text). */
  stdout: string;
  /** Captured stderr (text). */
  stderr: string;
  /** Captured stdout (bytes). */
  stdoutBytes: Uint8Array;
}

/** Compiles (cached per engine) and runs `testdata/wasi/<name>.wasm`. */
export function runFixture(
  e: Engine,
  name: string,
  opts: RunOptions = {},
): RunResult {
  const key = `${e.name}:${name}`;
  let mod = moduleCache.get(key);
  if (!mod) {
    const bytes = Deno.readFileSync(new URL(`${name}.wasm`, FIXTURES));
    mod = new e.wa.Module(bytes);
    moduleCache.set(key, mod);
  }
  const out = collectingSink();
  const err = collectingSink();
  const wasi = new Wasi({
    args: [name, ...(opts.args ?? [])],
    env: opts.env ?? {},
    preopens: opts.preopens ?? [],
    stdin: bufferSource(opts.stdin ?? new Uint8Array()),
    stdout: out.sink,
    stderr: err.sink,
  });
  const inst = new e.wa.Instance(mod, wasi.imports);
  let code: number;
  try {
    code = wasi.start(inst);
  } finally {
    wasi.close();
  }
  return {
    code,
    stdout: out.text(),
    stderr: err.text(),
    stdoutBytes: out.bytes(),
  };
}

/** A temporary directory tree: `root/sandbox` (writable) and `root/ro` (read-only). */
export interface Sandbox {
  /** Parent directory (outside every preopen). */
  root: string;
  /** Host path of the writable preopen. */
  sandbox: string;
  /** Host path of the read-only preopen. */
  ro: string;
  /** The two preopens, as `/sandbox` and `/ro`. */
  preopens: Preopen[];
  /** Removes everything. */
  cleanup(): void;
}

/** Creates a fresh sandbox tree. */
export function makeSandbox(): Sandbox {
  const root = Deno.makeTempDirSync({ prefix: "porta-wasi-" });
  const sandbox = `${root}/sandbox`;
  const ro = `${root}/ro`;
  Deno.mkdirSync(sandbox);
  Deno.mkdirSync(ro);
  return {
    root,
    sandbox,
    ro,
    preopens: [
      { guestPath: "/sandbox", hostPath: sandbox, writable: true },
      { guestPath: "/ro", hostPath: ro, writable: false },
    ],
    cleanup: () => Deno.removeSync(root, { recursive: true }),
  };
}

/** A WASI object bound to a bare 1-page memory, for calling host functions directly. */
export interface Direct {
  /** The WASI object. */
  wasi: Wasi;
  /** Its host functions. */
  fns: Record<string, (...a: any[]) => any>;
  /** The memory's DataView. */
  view: DataView;
  /** The memory's bytes. */
  mem: Uint8Array;
  /** Writes a UTF-8 string at `ptr`, returns its byte length. */
  put(ptr: number, s: string): number;
  /** Reads `len` bytes at `ptr` as UTF-8. */
  get(ptr: number, len: number): string;
}

/** Creates a WASI object on a bare memory (no guest code involved). */
export function direct(
  opts: ConstructorParameters<typeof Wasi>[0] = {},
): Direct {
  const buffer = new ArrayBuffer(65536);
  const wasi = new Wasi(opts);
  wasi.setMemory({ buffer });
  const mem = new Uint8Array(buffer);
  return {
    wasi,
    fns: wasi.imports.wasi_snapshot_preview1 as Record<
      string,
      (...a: any[]) => any
    >,
    view: new DataView(buffer),
    mem,
    put(ptr, s) {
      const b = new TextEncoder().encode(s);
      mem.set(b, ptr);
      return b.length;
    },
    get(ptr, len) {
      return new TextDecoder().decode(mem.slice(ptr, ptr + len));
    },
  };
}
