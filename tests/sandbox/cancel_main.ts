/**
 * Subprocess used by cancel_test.ts: starts a guest job that never ends on
 * its own, stops it (`cancel` by AbortSignal, `timeout`, pool `close`, wall
 * `terminate`), prints one JSON line with the outcome and then simply returns:
 * the process must exit by itself, which it cannot while a worker thread is
 * still spinning or sleeping (Deno 2.9 `Worker.terminate()` does not stop a
 * busy thread). No `Deno.exit` here on purpose.
 *
 * Usage: cancel_main.ts <GUEST> <cancel|timeout|close|terminate> [porta|ref]
 */
import { GuestPool, GuestWall } from "../../src/sandbox/wall.ts";
import type { Capability } from "../../src/sandbox/capabilities.ts";
import type { JobResult } from "../../src/sandbox/worker_core.ts";
import { DENIED_SPIN, ENDLESS, FIB, SLEEPER, WRITER } from "./guests.ts";

const GUESTS: Record<string, Promise<Uint8Array>> = {
  DENIED_SPIN,
  ENDLESS,
  FIB,
  SLEEPER,
  WRITER,
};
const [guest, mode, engine = "porta"] = Deno.args;
const opts = {
  grants: new Set<Capability>(["io", "process", "clock"]),
  preopens: [],
  workerUrl: engine === "ref"
    ? new URL("./reference_worker.ts", import.meta.url)
    : undefined,
  // generous, so `restarts: 0` proves the guest unwound by itself even on a
  // loaded machine (a first throw out of optimized code can take a while)
  cancelGraceMs: 10_000,
};
const job = { args: ["guest"], env: {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const brief = (r: JobResult) => ({ exitCode: r.exitCode, trap: r.trap });
let out = 0;
const io = { onStdout: (b: Uint8Array) => out += b.length };

const wasm = await GUESTS[guest];
const report: Record<string, unknown> = { guest, mode };
if (mode === "terminate") {
  const wall = await GuestWall.create(wasm, opts);
  const p = wall.run(job, io);
  await sleep(300);
  wall.terminate();
  report.first = brief(await p);
} else {
  const pool = await GuestPool.create(wasm, { ...opts, size: 1 });
  let p: Promise<JobResult>;
  if (mode === "cancel") {
    const ac = new AbortController();
    p = pool.run(job, { ...io, signal: ac.signal });
    await sleep(300);
    ac.abort();
  } else if (mode === "timeout") {
    p = pool.run(job, { ...io, timeoutMs: 300 });
  } else {
    p = pool.run(job, io);
    await sleep(300);
    await pool.close();
  }
  report.first = brief(await p);
  if (mode !== "close") {
    // the same (single) worker serves the next job, and stops again
    report.second = brief(await pool.run(job, { timeoutMs: 100 }));
    report.restarts = pool.restarts;
    await pool.close();
  }
}
report.wrote = out > 0;
console.log(JSON.stringify(report));
