import assert from "node:assert/strict";
import { direct, runFixture, testBoth } from "./_helpers.ts";
import { Errno } from "../../src/wasi/mod.ts";

testBoth("env fixture sees exactly the given environment", (e) => {
  const r = runFixture(e, "env", {
    args: ["B"],
    env: { A: "1", B: "two=2", EMPTY: "" },
  });
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    "env: A=1\nenv: B=two=2\nenv: EMPTY=\ncount=3\ngetenv(B)=two=2\n",
  );
});

testBoth("env fixture with no environment", (e) => {
  const r = runFixture(e, "env", { args: ["HOME"] });
  assert.equal(r.stdout, "count=0\ngetenv(HOME)=(null)\n");
});

Deno.test("environ_sizes_get / environ_get", () => {
  const d = direct({ env: { K: "v" } });
  assert.equal(d.fns.environ_sizes_get(0, 4), Errno.SUCCESS);
  assert.equal(d.view.getUint32(0, true), 1);
  assert.equal(d.view.getUint32(4, true), 4);
  assert.equal(d.fns.environ_get(16, 32), Errno.SUCCESS);
  assert.equal(d.view.getUint32(16, true), 32);
  assert.equal(d.get(32, 4), "K=v\0");
});
