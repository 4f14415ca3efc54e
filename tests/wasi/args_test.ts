import assert from "node:assert/strict";
import { direct, runFixture, testBoth } from "./_helpers.ts";
import { Errno } from "../../src/wasi/mod.ts";

testBoth("args fixture prints argv", (e) => {
  const r = runFixture(e, "args", { args: ["one", "two words", "ünï"] });
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    "argc=4\nargv[0]=args\nargv[1]=one\nargv[2]=two words\nargv[3]=ünï\n",
  );
});

Deno.test("args_sizes_get / args_get lay out NUL-terminated UTF-8", () => {
  const d = direct({ args: ["p", "é"] });
  assert.equal(d.fns.args_sizes_get(0, 4), Errno.SUCCESS);
  assert.equal(d.view.getUint32(0, true), 2);
  assert.equal(d.view.getUint32(4, true), 2 + 3); // "p\0" + "é\0"
  assert.equal(d.fns.args_get(100, 200), Errno.SUCCESS);
  assert.equal(d.view.getUint32(100, true), 200);
  assert.equal(d.view.getUint32(104, true), 202);
  assert.deepEqual([...d.mem.slice(200, 205)], [0x70, 0, 0xc3, 0xa9, 0]);
});

Deno.test("args_get outside memory is FAULT, not an exception", () => {
  const d = direct({ args: ["p"] });
  assert.equal(d.fns.args_get(65535, 0), Errno.FAULT);
  assert.equal(d.fns.args_sizes_get(70000, 0), Errno.FAULT);
});
