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
