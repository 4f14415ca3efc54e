/**
 * Hostile: under least privilege, imports whose capability is not granted
 * LINK (issue #9 item 5). A guest that calls them learns nothing: every call
 * is ENOTCAPABLE before reaching the WASI layer (its buffers untouched), and
 * environ_* / fd_prestat_* answer as an empty world would (no variable, even
 * with secrets in --env/--secret; no preopen, even with a --dir given).
 * Run through `porta run` in a subprocess, as an operator would.
 */
import { assert, assertEquals } from "../agent/asserts.ts";
import { wat } from "../helpers/wat.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const CLI = `${ROOT}cli.ts`;
const W = "wasi_snapshot_preview1";

/**
 * Prints one line per probe: "<name> <errno> <bytes 256..271 as hex>" after
 * memory 256..271 was filled with 0xAA, so a call that wrote anything shows.
 */
const GREEDY = `(module
  (import "${W}" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "${W}" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
  (import "${W}" "environ_get" (func $env_get (param i32 i32) (result i32)))
  (import "${W}" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (import "${W}" "fd_prestat_dir_name" (func $prestat_name (param i32 i32 i32) (result i32)))
  (import "${W}" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "${W}" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "${W}" "random_get" (func $random (param i32 i32) (result i32)))
  (import "${W}" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "${W}" "sock_recv" (func $sock (param i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "secret.txt")
  (func $fill (memory.fill (i32.const 256) (i32.const 0xAA) (i32.const 16)))
  (func $hex (param $v i32) (param $at i32)
    (i32.store8 (local.get $at)
      (i32.load8_u offset=2048 (i32.shr_u (local.get $v) (i32.const 4))))
    (i32.store8 (i32.add (local.get $at) (i32.const 1))
      (i32.load8_u offset=2048 (i32.and (local.get $v) (i32.const 15)))))
  ;; line at 512: 4-char tag, ' ', errno (2 hex), ' ', 16 bytes (32 hex), '\\n'
  (func $report (param $tag i32) (param $errno i32)
    (local $i i32)
    (i32.store (i32.const 512) (local.get $tag))
    (i32.store8 (i32.const 516) (i32.const 32))
    (call $hex (local.get $errno) (i32.const 517))
    (i32.store8 (i32.const 519) (i32.const 32))
    (loop $l
      (call $hex (i32.load8_u offset=256 (local.get $i))
        (i32.add (i32.const 520) (i32.shl (local.get $i) (i32.const 1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 16))))
    (i32.store8 (i32.const 552) (i32.const 10))
    (i32.store (i32.const 0) (i32.const 512))
    (i32.store (i32.const 4) (i32.const 41))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (data (i32.const 2048) "0123456789abcdef")
  (func (export "_start")
    (call $fill)
    (call $report (i32.const 0x7a697365) ;; "esiz"
      (call $env_sizes (i32.const 256) (i32.const 260)))
    (call $fill)
    (call $report (i32.const 0x7672656e) ;; "nerv"
      (call $env_get (i32.const 256) (i32.const 264)))
    (call $fill)
    (call $report (i32.const 0x74657270) ;; "pret"
      (call $prestat (i32.const 3) (i32.const 256)))
    (call $fill)
    (call $report (i32.const 0x656d616e) ;; "name"
      (call $prestat_name (i32.const 3) (i32.const 256) (i32.const 16)))
    (call $fill)
    (call $report (i32.const 0x6e65706f) ;; "open"
      (call $open (i32.const 3) (i32.const 0) (i32.const 1024) (i32.const 10)
        (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 256)))
    (call $fill)
    (i32.store (i32.const 16) (i32.const 256))
    (i32.store (i32.const 20) (i32.const 16))
    (call $report (i32.const 0x64616572) ;; "read"
      (call $read (i32.const 3) (i32.const 16) (i32.const 1) (i32.const 300)))
    (call $fill)
    (call $report (i32.const 0x646e6172) ;; "rand"
      (call $random (i32.const 256) (i32.const 16)))
    (call $fill)
    (call $report (i32.const 0x636f6c63) ;; "cloc"
      (call $clock (i32.const 0) (i64.const 1) (i32.const 256)))
    (call $fill)
    (call $report (i32.const 0x6b636f73) ;; "sock"
      (call $sock (i32.const 3) (i32.const 16) (i32.const 1) (i32.const 0)
        (i32.const 256) (i32.const 260)))))`;

const UNTOUCHED = "aa".repeat(16);

Deno.test("hostile: ungranted imports link but reveal nothing (ENOTCAPABLE, buffers untouched; empty environment; no preopen)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "porta-lp-" });
  try {
    await Deno.writeFile(`${dir}/agent.wasm`, await wat(GREEDY));
    await Deno.writeTextFile(`${dir}/secret.txt`, "the-file-secret");
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--unstable-worker-options",
        "--no-prompt",
        CLI,
        "run",
        `${dir}/agent.wasm`,
        "--profile",
        "ai-agent",
        "--dir",
        `${dir}:/data`,
        "--env",
        "SECRET=env-s3cr3t",
        "--secret",
        "TOKEN=t0k3n-s3cr3t",
      ],
      cwd: ROOT,
      stdin: "null",
      env: { NO_COLOR: "1" },
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, stderr);
    assertEquals(stdout.trimEnd().split("\n"), [
      // empty environment: success, 0 variables, 0 bytes, nothing written
      `esiz 00 ${"00".repeat(8)}${"aa".repeat(8)}`,
      `nerv 00 ${UNTOUCHED}`,
      // no preopen at fd 3 (EBADF = 8), though --dir was given
      `pret 08 ${UNTOUCHED}`,
      `name 08 ${UNTOUCHED}`,
      // every other ungranted call: ENOTCAPABLE (76 = 0x4c), nothing written
      `open 4c ${UNTOUCHED}`,
      `read 4c ${UNTOUCHED}`,
      `rand 4c ${UNTOUCHED}`,
      `cloc 4c ${UNTOUCHED}`,
      `sock 4c ${UNTOUCHED}`,
    ]);
    for (const s of ["env-s3cr3t", "t0k3n-s3cr3t", "the-file-secret"]) {
      assert.ok(!stdout.includes(s) && !stderr.includes(s), s);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
