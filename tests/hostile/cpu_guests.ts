/** Guests for cpu_test.ts: each never ends on its own. */
import { wat } from "../helpers/wat.ts";
import type { Capability } from "../../src/sandbox/capabilities.ts";

const W = "wasi_snapshot_preview1";

/** A hostile guest and what it needs granted. */
export interface CpuGuest {
  /** The module. */
  wasm: Promise<Uint8Array>;
  /** Capabilities it needs. */
  grants: Capability[];
}

/** Guests by name. */
export const GUESTS: Record<string, CpuGuest> = {
  // spins in WebAssembly
  spin: {
    wasm: wat(`(module (memory (export "memory") 1)
      (func (export "_start") (loop $l (br $l))))`),
    grants: ["io"],
  },
  // random_get over 64 MiB, forever: long WASI calls
  random: {
    wasm: wat(`(module
      (import "${W}" "random_get" (func $r (param i32 i32) (result i32)))
      (memory (export "memory") 1024)
      (func (export "_start")
        (loop $l (drop (call $r (i32.const 0) (i32.const 67108864))) (br $l))))`),
    grants: ["io", "random"],
  },
  // fd_write with 33M empty iovecs (264 MB of zeros), forever: one such call
  // took 14 s before iovec lists were capped
  iovecs: {
    wasm: wat(`(module
      (import "${W}" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 4100)
      (func (export "_start")
        (loop $l (drop (call $w (i32.const 1) (i32.const 0) (i32.const 33000000)
          (i32.const 268000000))) (br $l))))`),
    grants: ["io"],
  },
  // sleeps for an hour in poll_oneoff
  sleep: {
    wasm: wat(`(module
      (import "${W}" "poll_oneoff" (func $p (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start")
        ;; subscription at 0: userdata 0, tag 0 (clock), clock id 1 (monotonic),
        ;; timeout 3600 s, precision 0, flags 0 (relative)
        (i32.store8 (i32.const 8) (i32.const 0))
        (i32.store (i32.const 16) (i32.const 1))
        (i64.store (i32.const 24) (i64.const 3600000000000))
        (drop (call $p (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 200)))))`),
    grants: ["io", "clock"],
  },
  // resolves a long path of ".." and "d" components in a loop (fs calls under the lock)
  paths: {
    wasm: wat(`(module
      (import "${W}" "path_create_directory" (func $mk (param i32 i32 i32) (result i32)))
      (import "${W}" "path_filestat_get" (func $st (param i32 i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start") (local $i i32)
        (drop (call $mk (i32.const 3) (i32.const 0) (i32.const 1)))
        (i32.store8 (i32.const 0) (i32.const 100)) ;; "d"
        ;; "d/../" repeated 800 times at 1024: 4,000 bytes
        (loop $fill
          (i32.store (i32.add (i32.const 1024) (i32.mul (local.get $i) (i32.const 5))) (i32.const 0x2e2e2f64))
          (i32.store8 (i32.add (i32.const 1028) (i32.mul (local.get $i) (i32.const 5))) (i32.const 47))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $fill (i32.lt_u (local.get $i) (i32.const 800))))
        (loop $l
          (drop (call $st (i32.const 3) (i32.const 0) (i32.const 1024) (i32.const 4000) (i32.const 8000)))
          (br $l))))`),
    grants: ["io", "fs", "fs.write"],
  },
};
