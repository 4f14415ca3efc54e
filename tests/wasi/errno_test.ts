import assert from "node:assert/strict";
import { Errno, errnoFromError, WasiError } from "../../src/wasi/mod.ts";

Deno.test("errnoFromError maps Deno errors, codes, RangeError", () => {
  assert.equal(errnoFromError(new WasiError(Errno.LOOP)), Errno.LOOP);
  assert.equal(errnoFromError(new Deno.errors.NotFound("x")), Errno.NOENT);
  assert.equal(errnoFromError(new Deno.errors.AlreadyExists("x")), Errno.EXIST);
  assert.equal(
    errnoFromError(new Deno.errors.NotCapable("x")),
    Errno.NOTCAPABLE,
  );
  assert.equal(errnoFromError(new RangeError("oob")), Errno.FAULT);
  assert.equal(
    errnoFromError(Object.assign(new Error("x"), { code: "ENOTEMPTY" })),
    Errno.NOTEMPTY,
  );
  assert.equal(errnoFromError(new Error("other")), Errno.IO);
});

Deno.test("real host failures map through errno", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/f`, "x");
    Deno.mkdirSync(`${dir}/d/e`, { recursive: true });
    const codeOf = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        return errnoFromError(e);
      }
      return 0;
    };
    assert.equal(codeOf(() => Deno.removeSync(`${dir}/d`)), Errno.NOTEMPTY);
    assert.equal(codeOf(() => Deno.mkdirSync(`${dir}/f/x`)), Errno.NOTDIR);
    assert.equal(codeOf(() => Deno.readDirSync(`${dir}/nope`)), Errno.NOENT);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
