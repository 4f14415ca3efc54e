import assert from "node:assert/strict";
import { direct, runFixture, testBoth } from "./_helpers.ts";
import { Errno, WasiExit } from "../../src/wasi/mod.ts";

testBoth("exit fixture: proc_exit codes reach start()", (e) => {
  for (const code of [0, 1, 42, 255]) {
    const r = runFixture(e, "exit", { args: [String(code)] });
    assert.equal(r.code, code);
    assert.equal(r.stdout, `exiting with ${code}\n`);
  }
});

testBoth("exit fixture: returning from main gives its value", (e) => {
  assert.equal(runFixture(e, "exit", { args: ["return"] }).code, 7);
  assert.equal(runFixture(e, "exit").code, 0);
});

testBoth(
  "exit fixture: a trap propagates as the engine's RuntimeError",
  (e) => {
    assert.throws(
      () => runFixture(e, "exit", { args: ["trap"] }),
      (err: unknown) => err instanceof e.wa.RuntimeError,
    );
  },
);

Deno.test("proc_exit throws WasiExit; proc_raise and sched_yield", () => {
  const d = direct();
  assert.throws(
    () => d.fns.proc_exit(3),
    (e: unknown) => e instanceof WasiExit && e.code === 3,
  );
  assert.equal(d.fns.proc_raise(6), Errno.NOTSUP);
  assert.equal(d.fns.sched_yield(), Errno.SUCCESS);
});
