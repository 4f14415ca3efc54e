/**
 * `poll_oneoff` reports real stdin readiness under `porta run` (issue #9,
 * item 4): stdin reaches the guest worker through the parent's channel, and
 * a poll on stdin with a 300 ms clock returns the clock when no input comes
 * and stdin as soon as input is there, instead of "always ready".
 */
import assert from "node:assert/strict";
import { wat } from "../helpers/wat.ts";

const W = "wasi_snapshot_preview1";
const ROOT = new URL("../../", import.meta.url).pathname;

/** Polls [clock 300 ms, fd_read stdin]; prints "clock" or "stdin" per event. */
const POLL = wat(`(module
  (import "${W}" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "${W}" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 400) "clock\\n")
  (data (i32.const 408) "stdin\\n")
  (func (export "_start") (local $i i32) (local $n i32)
    (i64.store (i32.const 0) (i64.const 1))
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 300000000))
    (i64.store (i32.const 48) (i64.const 2))
    (i32.store8 (i32.const 56) (i32.const 1))
    (i32.store (i32.const 64) (i32.const 0))
    (drop (call $poll (i32.const 0) (i32.const 128) (i32.const 2) (i32.const 256)))
    (local.set $n (i32.load (i32.const 256)))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store (i32.const 300)
        (select (i32.const 400) (i32.const 408)
          (i64.eq (i64.load (i32.add (i32.const 128) (i32.mul (local.get $i) (i32.const 32))))
            (i64.const 1))))
      (i32.store (i32.const 304) (i32.const 6))
      (drop (call $fd_write (i32.const 1) (i32.const 300) (i32.const 1) (i32.const 310)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $each)))))`);

async function run(input: string | null): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "porta-poll-" });
  try {
    await Deno.writeFile(`${dir}/poll.wasm`, await POLL);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--unstable-worker-options",
        "--no-prompt",
        `${ROOT}cli.ts`,
        "run",
        `${dir}/poll.wasm`,
        "--profile",
        "worker",
        "--timeout",
        "10s",
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = child.stdin.getWriter();
    if (input !== null) await w.write(new TextEncoder().encode(input));
    const out = child.output();
    // no input: stdin stays open (and empty) until the guest is done
    const o = await out;
    await w.close().catch(() => {});
    assert.equal(o.code, 0, new TextDecoder().decode(o.stderr));
    return new TextDecoder().decode(o.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("poll_oneoff under porta run: stdin with no input is not ready (the clock fires)", async () => {
  assert.equal(await run(null), "clock\n");
});

Deno.test("poll_oneoff under porta run: stdin with input is ready", async () => {
  assert.equal(await run("x\n"), "stdin\n");
});
