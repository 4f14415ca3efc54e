import assert from "node:assert/strict";
import { direct, runFixture, testBoth } from "./_helpers.ts";
import { Errno } from "../../src/wasi/mod.ts";

testBoth("random fixture: getentropy and a 100000-byte random_get", (e) => {
  const r = runFixture(e, "random");
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    "getentropy: 0 0\ndraws differ: yes\nrandom_get 100000: 0\n" +
      "big buffer byte values: 256\n",
  );
});

Deno.test("random_get fills exactly the requested range", () => {
  const d = direct();
  d.mem.fill(0);
  assert.equal(d.fns.random_get(100, 1000), Errno.SUCCESS);
  assert.equal(d.mem[99], 0);
  assert.equal(d.mem[1100], 0);
  assert.ok(d.mem.slice(100, 1100).some((b) => b !== 0));
  assert.equal(d.fns.random_get(65000, 1000), Errno.FAULT);
});
