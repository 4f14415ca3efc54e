import assert from "node:assert/strict";
import { bufferSource, collectingSink } from "../../src/wasi/mod.ts";

Deno.test("bufferSource yields its bytes once, then EOF", () => {
  const src = bufferSource("hello");
  const buf = new Uint8Array(3);
  assert.equal(src(buf), 3);
  assert.equal(new TextDecoder().decode(buf), "hel");
  assert.equal(src(buf), 2);
  assert.equal(src(buf), 0);
});

Deno.test("collectingSink keeps every chunk in order", () => {
  const c = collectingSink();
  c.sink(new TextEncoder().encode("ab"));
  c.sink(new TextEncoder().encode("cd"));
  assert.equal(c.text(), "abcd");
  assert.deepEqual([...c.bytes()], [97, 98, 99, 100]);
});
