/**
 * Hostile agents, item 1: no check-then-use window. Two guests in one Porta
 * process share a writable preopen; one swaps a real directory `d` with a
 * symlink that points outside the preopen, the other reads, creates,
 * truncates and moves files through `d/...`. Before the process-wide
 * filesystem lock, the kernel followed the swapped-in symlink between the
 * WASI layer's check and Deno's open/rename within a few hundred swaps.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { GuestPool } from "../../src/sandbox/wall.ts";
import type { Capability } from "../../src/sandbox/capabilities.ts";
import { Errno, newFsLockBuffer, WasiCancelled } from "../../src/wasi/mod.ts";
import { direct, makeSandbox } from "../wasi/_helpers.ts";

const RACE = Deno.readFile(
  new URL("../../testdata/hostile/race.wasm", import.meta.url),
);
const dec = new TextDecoder();

/** Lays out outer/{secret.txt,victim.txt} and outer/P/{d/,sub/up -> ..}. */
function layout(): { outer: string; preopen: string } {
  const outer = Deno.makeTempDirSync({ prefix: "porta-race-" });
  const preopen = `${outer}/P`;
  Deno.writeTextFileSync(`${outer}/secret.txt`, "OUTSIDE secret");
  Deno.writeTextFileSync(`${outer}/victim.txt`, "VICTIM intact");
  Deno.mkdirSync(`${preopen}/d`, { recursive: true });
  Deno.writeTextFileSync(`${preopen}/d/secret.txt`, "inside");
  Deno.writeTextFileSync(`${preopen}/d/victim.txt`, "inside victim");
  Deno.mkdirSync(`${preopen}/sub`);
  Deno.symlinkSync("..", `${preopen}/sub/up`);
  return { outer, preopen };
}

function outside(outer: string): string[] {
  return [...Deno.readDirSync(outer)].map((e) => e.name).sort();
}

/** Runs the swapper and the prober side by side for `ms` milliseconds. */
async function race(ms: number, rounds: number) {
  const { outer, preopen } = layout();
  const grants = new Set<Capability>([
    "io",
    "process",
    "clock",
    "fs",
    "fs.write",
  ]);
  const pool = await GuestPool.create(await RACE, {
    grants,
    preopens: [{ hostPath: preopen, guestPath: "/data", writable: true }],
    size: 2,
  });
  try {
    for (let round = 0; round < rounds; round++) {
      const outs = ["", ""];
      const io = (i: number) => ({
        onStdout: (b: Uint8Array) => outs[i] += dec.decode(b),
        timeoutMs: 30_000,
      });
      const [s, p] = await Promise.all([
        pool.run({ args: ["race", "swap", String(ms)], env: {} }, io(0)),
        pool.run({ args: ["race", "probe", String(ms)], env: {} }, io(1)),
      ]);
      assertEquals([s.exitCode, s.trap, p.exitCode, p.trap], [
        0,
        undefined,
        0,
        undefined,
      ]);
      ok(/^done swaps=\d+\n$/.test(outs[0]), outs[0]);
      // the swapper really swapped (the link stood at d many times)
      ok(Number(/swaps=(\d+)/.exec(outs[0])![1]) > 100, outs[0]);
      ok(/^done reads=\d+ escaped=0\n$/.test(outs[1]), outs[1]);
      assertEquals(outside(outer), ["P", "secret.txt", "victim.txt"]);
      assertEquals(
        Deno.readTextFileSync(`${outer}/victim.txt`),
        "VICTIM intact",
      );
    }
  } finally {
    await pool.close();
    Deno.removeSync(outer, { recursive: true });
  }
}

Deno.test("race: swapping a directory with an outward symlink never lets another guest's path operation leave the preopen", async () => {
  await race(1500, 2);
});

/** A helper thread that stores `value` at `cell[0]` after `ms` and notifies. */
function storeLater(cell: Int32Array, value: number, ms: number): Worker {
  const code = `self.onmessage = (e) => {
    const cell = new Int32Array(e.data.buf, 0, 1);
    setTimeout(() => { Atomics.store(cell, 0, e.data.value);
      Atomics.notify(cell, 0); self.postMessage("done"); }, e.data.ms);
  };`;
  const w = new Worker(
    URL.createObjectURL(new Blob([code], { type: "text/javascript" })),
    { type: "module" },
  );
  w.postMessage({ buf: cell.buffer, value, ms });
  return w;
}

Deno.test("race: a path operation waits while another owner holds the filesystem lock", () => {
  const sb = makeSandbox();
  const lock = new Int32Array(newFsLockBuffer());
  Atomics.store(lock, 0, 77); // another guest holds it
  const d = direct({ preopens: sb.preopens, fsLock: lock, fsLockOwner: 5 });
  const releaser = storeLater(lock, 0, 150);
  try {
    const len = d.put(100, "new");
    const t0 = performance.now();
    assertEquals(d.fns.path_create_directory(3, 100, len), Errno.SUCCESS);
    ok(performance.now() - t0 >= 100, "the call did not wait for the lock");
    assertEquals(Atomics.load(lock, 0), 0, "the lock was not given back");
    // stdio never takes it
    Atomics.store(lock, 0, 77);
    assertEquals(d.fns.fd_write(1, 0, 0, 200), Errno.SUCCESS);
  } finally {
    releaser.terminate();
    d.wasi.close();
    sb.cleanup();
  }
});

Deno.test("race: a guest waiting for the filesystem lock is cancellable", () => {
  const sb = makeSandbox();
  const lock = new Int32Array(newFsLockBuffer());
  Atomics.store(lock, 0, 77); // held by a guest that never lets go
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const d = direct({ preopens: sb.preopens, fsLock: lock, cancel });
  const canceller = storeLater(cancel, 1, 100);
  try {
    const len = d.put(100, "new");
    const t0 = performance.now();
    let thrown: unknown;
    try {
      d.fns.path_create_directory(3, 100, len);
    } catch (e) {
      thrown = e;
    }
    ok(thrown instanceof WasiCancelled, String(thrown));
    ok(performance.now() - t0 < 2000);
    assertEquals(
      Atomics.load(lock, 0),
      77,
      "a waiter must not take or free it",
    );
  } finally {
    canceller.terminate();
    d.wasi.close();
    sb.cleanup();
  }
});
