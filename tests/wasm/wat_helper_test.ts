import assert from "node:assert/strict";
import { wat, watUnvalidated } from "../helpers/wat.ts";

Deno.test("wat helper assembles a module the host accepts", async () => {
  const bytes = await wat(`(module
    (memory 1) (memory 1)
    (func $f (export "f") (param i32) (result i32)
      local.get 0 i32.const 1 i32.add)
    (func (export "t") (result i32) i32.const 41 return_call $f))`);
  assert.deepEqual([...bytes.subarray(0, 8)], [
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
  ]);
  assert.ok(WebAssembly.validate(bytes as BufferSource));
});

Deno.test("wat helper reports syntax errors as one Error", async () => {
  await assert.rejects(() => wat(`(module (func i32.nope))`), /^Error: wat: /);
});

Deno.test("wat helper validates unless asked not to", async () => {
  const src = `(module (func (result i32) i64.const 1))`;
  await assert.rejects(() => wat(src), /type mismatch/);
  const bytes = await watUnvalidated(src);
  assert.equal(WebAssembly.validate(bytes as BufferSource), false);
});
