/**
 * WAT guests shared by the sandbox tests (assembled at test time with the
 * npm wabt package; no network, no Debian tools needed).
 */

import { wat } from "../helpers/wat.ts";

const W = "wasi_snapshot_preview1";

/** Writes "hello\n" to stdout and "oops\n" to stderr, exits 0 by returning. */
export const HELLO: Promise<Uint8Array> = wat(`(module
  (import "${W}" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\\n")
  (data (i32.const 32) "oops\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 0) (i32.const 32))
    (i32.store (i32.const 4) (i32.const 5))
    (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))))`);

/** Copies stdin to stdout, then exits with proc_exit(argc). */
export const ECHO: Promise<Uint8Array> = wat(`(module
  (import "${W}" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "${W}" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "${W}" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "${W}" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (block $done
      (loop $more
        (i32.store (i32.const 0) (i32.const 1024))
        (i32.store (i32.const 4) (i32.const 4096))
        (br_if $done (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
        (br_if $done (i32.eqz (i32.load (i32.const 8))))
        (i32.store (i32.const 4) (i32.load (i32.const 8)))
        (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (br $more)))
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (call $proc_exit (i32.load (i32.const 16)))))`);

/** Never ends: (loop br 0). */
export const ENDLESS: Promise<Uint8Array> = wat(`(module
  (memory (export "memory") 1)
  (func (export "_start") (loop $l (br $l))))`);

/** Traps with unreachable; also exports a reactor-style entry "add1". */
export const TRAP: Promise<Uint8Array> = wat(`(module
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "_start") unreachable)
  (func (export "bump") (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (if (i32.ne (global.get $g) (i32.const 1)) (then unreachable))))`);

/** Grows memory by 1 page in a loop until memory.grow fails, then traps. */
export const GROW: Promise<Uint8Array> = wat(`(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $l (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    unreachable))`);

/** Unbounded recursion. */
export const RECURSE: Promise<Uint8Array> = wat(`(module
  (memory (export "memory") 1)
  (func $f (param i32) (result i32) (i32.add (call $f (local.get 0)) (i32.const 1)))
  (func (export "_start") (drop (call $f (i32.const 0)))))`);

/** Imports path_open, environ_get, random_get and sock_send (denied under ai-agent). */
export const GREEDY: Promise<Uint8Array> = wat(`(module
  (import "${W}" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "${W}" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "${W}" "environ_get" (func (param i32 i32) (result i32)))
  (import "${W}" "random_get" (func (param i32 i32) (result i32)))
  (import "${W}" "sock_send" (func (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")))`);

/**
 * Tries WASI escapes from preopen fd 3 and prints the errno of each attempt,
 * one per line: first a control (path_open of "inside.txt", expected 0), then
 * path_open of "../secret.txt", "/etc/passwd",
 * "link/secret.txt" (a symlink to outside that the test creates),
 * "sub/../../secret.txt", then path_open(O_CREAT) of "new.txt" (write on a
 * read-only preopen) and path_unlink_file of "inside.txt".
 */
export const ESCAPE: Promise<Uint8Array> = wat(`(module
  (import "${W}" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "${W}" "path_unlink_file" (func $unlink (param i32 i32 i32) (result i32)))
  (import "${W}" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "../secret.txt")
  (data (i32.const 120) "/etc/passwd")
  (data (i32.const 140) "link/secret.txt")
  (data (i32.const 160) "sub/../../secret.txt")
  (data (i32.const 200) "new.txt")
  (data (i32.const 220) "inside.txt")
  (func $num (param $n i32)
    ;; writes "<n>\\n" (n < 1000) at 512 and prints it
    (local $len i32)
    (if (i32.ge_u (local.get $n) (i32.const 100)) (then
      (i32.store8 (i32.const 512) (i32.add (i32.const 48) (i32.div_u (local.get $n) (i32.const 100))))
      (i32.store8 (i32.const 513) (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $n) (i32.const 10)) (i32.const 10))))
      (i32.store8 (i32.const 514) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $len (i32.const 3)))
    (else (if (i32.ge_u (local.get $n) (i32.const 10)) (then
      (i32.store8 (i32.const 512) (i32.add (i32.const 48) (i32.div_u (local.get $n) (i32.const 10))))
      (i32.store8 (i32.const 513) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $len (i32.const 2)))
    (else
      (i32.store8 (i32.const 512) (i32.add (i32.const 48) (local.get $n)))
      (local.set $len (i32.const 1))))))
    (i32.store8 (i32.add (i32.const 512) (local.get $len)) (i32.const 10))
    (i32.store (i32.const 0) (i32.const 512))
    (i32.store (i32.const 4) (i32.add (local.get $len) (i32.const 1)))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $try (param $p i32) (param $len i32) (param $oflags i32) (param $rights i64)
    (call $num (call $open (i32.const 3) (i32.const 0) (local.get $p) (local.get $len)
      (local.get $oflags) (local.get $rights) (i64.const 0) (i32.const 0) (i32.const 600))))
  (func (export "_start")
    ;; control: a file inside the preopen opens fine
    (call $try (i32.const 220) (i32.const 10) (i32.const 0) (i64.const 2))
    (call $try (i32.const 100) (i32.const 13) (i32.const 0) (i64.const 2))
    (call $try (i32.const 120) (i32.const 11) (i32.const 0) (i64.const 2))
    (call $try (i32.const 140) (i32.const 15) (i32.const 0) (i64.const 2))
    (call $try (i32.const 160) (i32.const 20) (i32.const 0) (i64.const 2))
    ;; O_CREAT (1) with fd_write right (64)
    (call $try (i32.const 200) (i32.const 7) (i32.const 1) (i64.const 64))
    (call $num (call $unlink (i32.const 3) (i32.const 220) (i32.const 10)))))`);

/** Exits with the number of environment variables it sees. */
export const ENV_COUNT: Promise<Uint8Array> = wat(`(module
  (import "${W}" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "${W}" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (call $exit (i32.load (i32.const 0)))))`);

/**
 * Probes the environment: environ_sizes_get into memory pre-filled with 99,
 * then environ_get. Exits with 100 + errno when a call fails, else with
 * count * 10 + buffer size (an empty environment: 0).
 */
export const ENV_PROBE: Promise<Uint8Array> = wat(`(module
  (import "${W}" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "${W}" "environ_get" (func $get (param i32 i32) (result i32)))
  (import "${W}" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (local $e i32)
    (i32.store (i32.const 0) (i32.const 99))
    (i32.store (i32.const 4) (i32.const 99))
    (local.set $e (call $sizes (i32.const 0) (i32.const 4)))
    (if (local.get $e) (then (call $exit (i32.add (i32.const 100) (local.get $e)))))
    (local.set $e (call $get (i32.const 64) (i32.const 1024)))
    (if (local.get $e) (then (call $exit (i32.add (i32.const 100) (local.get $e)))))
    (call $exit (i32.add (i32.mul (i32.load (i32.const 0)) (i32.const 10))
      (i32.load (i32.const 4))))))`);

/** Sleeps one hour in poll_oneoff (a relative clock subscription), then exits 0. */
export const SLEEPER: Promise<Uint8Array> = wat(`(module
  (import "${W}" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    ;; subscription at 0: userdata 0, tag 0 (clock), id 1 (monotonic),
    ;; timeout 3600 s, precision 0, flags 0 (relative)
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 3600000000000))
    (drop (call $poll (i32.const 0) (i32.const 128) (i32.const 1) (i32.const 256)))))`);

/** Writes "x" to stdout forever. */
export const WRITER: Promise<Uint8Array> = wat(`(module
  (import "${W}" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "x")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 1))
    (loop $l
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (br $l))))`);

/**
 * Calls fd_write on fd 5 forever: without the fs capability the run-time guard
 * refuses it (ENOTCAPABLE) before the WASI layer is reached.
 */
export const DENIED_SPIN: Promise<Uint8Array> = wat(`(module
  (import "${W}" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $l
      (drop (call $fd_write (i32.const 5) (i32.const 0) (i32.const 0) (i32.const 8)))
      (br $l))))`);

/**
 * Naive fib(90): practically endless, only calls (no loops), call depth <= 90,
 * so only the engine's interrupt check on calls can stop it.
 */
export const FIB: Promise<Uint8Array> = wat(`(module
  (memory (export "memory") 1)
  (func $fib (param i64) (result i64)
    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
      (then (local.get 0))
      (else (i64.add
        (call $fib (i64.sub (local.get 0) (i64.const 1)))
        (call $fib (i64.sub (local.get 0) (i64.const 2)))))))
  (func (export "_start") (drop (call $fib (i64.const 90)))))`);

/** Writes "x" to stdout 5000 times (one byte per fd_write), then returns. */
export const CHATTY: Promise<Uint8Array> = wat(`(module
  (import "${W}" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "x")
  (func (export "_start") (local $n i32)
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 1))
    (local.set $n (i32.const 5000))
    (loop $l
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`);
