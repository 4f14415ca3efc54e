import assert from "node:assert/strict";
import { direct, runFixture, testBoth } from "./_helpers.ts";
import { Errno } from "../../src/wasi/mod.ts";

testBoth(
  "clock fixture: realtime, monotonic, cputime, nanosleep, usleep",
  (e) => {
    const r = runFixture(e, "clock");
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      [
        "realtime after 2020: yes",
        "monotonic res positive: yes",
        "process cputime: ok",
        "nanosleep returned 0",
        "slept >= 20ms: yes",
        "usleep >= 5ms: yes",
        "time() matches realtime: yes",
        "",
      ].join("\n"),
    );
  },
);

Deno.test("clock_time_get: realtime matches Date.now, monotonic increases", () => {
  const d = direct();
  assert.equal(d.fns.clock_time_get(0, 0n, 0), Errno.SUCCESS);
  const rt = d.view.getBigUint64(0, true);
  assert.ok(rt / 1_000_000n >= BigInt(Date.now() - 1000));
  assert.ok(rt / 1_000_000n <= BigInt(Date.now() + 1000));
  d.fns.clock_time_get(1, 0n, 8);
  d.fns.clock_time_get(1, 0n, 16);
  assert.ok(d.view.getBigUint64(16, true) >= d.view.getBigUint64(8, true));
  assert.equal(d.fns.clock_time_get(2, 0n, 24), Errno.SUCCESS);
  assert.equal(d.fns.clock_time_get(3, 0n, 24), Errno.SUCCESS);
});

Deno.test("clock ids past 3 are INVAL", () => {
  const d = direct();
  assert.equal(d.fns.clock_time_get(4, 0n, 0), Errno.INVAL);
  assert.equal(d.fns.clock_res_get(9, 0), Errno.INVAL);
  assert.equal(d.fns.clock_res_get(1, 0), Errno.SUCCESS);
  assert.ok(d.view.getBigUint64(0, true) > 0n);
});

Deno.test("cpu clocks: this thread's CPU time from 0, not wall time (sleeping costs none)", async () => {
  const { HAS_THREAD_CPU_CLOCK } = await import("../../src/wasi/clock.ts");
  if (!HAS_THREAD_CPU_CLOCK) return; // documented fallback: monotonic time
  const d = direct();
  const read = (id: number): bigint => {
    assert.equal(d.fns.clock_time_get(id, 0n, 0), Errno.SUCCESS);
    return d.view.getBigUint64(0, true);
  };
  const t0 = read(3);
  assert.ok(t0 < 50_000_000n, `a fresh instance starts near 0: ${t0}`);
  // asleep 150 ms: no CPU (monotonic time would advance 150 ms)
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
  const t1 = read(3);
  assert.ok(t1 - t0 < 60_000_000n, `sleeping used ${t1 - t0} ns of CPU`);
  // busy 150 ms: at least some of it is counted (the machine may be shared)
  const end = performance.now() + 150;
  while (performance.now() < end) { /* spin */ }
  const t2 = read(2);
  assert.ok(t2 - t1 >= 20_000_000n, `spinning counted only ${t2 - t1} ns`);
});
