// The harness's tier namespaces (tests/wasm/_harness.ts): `[porta-js]` tests
// really instantiate on tier "js", a tier the test gives explicitly wins, and
// the wrapped Instance is the engine's class in every observable way.
import assert from "node:assert/strict";
import { bytesOf, porta, portaTier, testPorta, withTier } from "./_harness.ts";

const SRC =
  `(module (func (export "f") (result i32) (i32.add (i32.const 1) (i32.const 2))))`;

/** The tier an instance was created with (engine internals: InstanceInternal.ctx.tier). */
async function tierOfInstance(i: object): Promise<string> {
  const api = await import(
    new URL("../../src/wasm/api.ts", import.meta.url).href
  );
  return api.internalsOf(i).ctx.tier;
}

Deno.test("withTier: defaults the tier, keeps everything the test gave", () => {
  assert.deepEqual(withTier(undefined, "js"), { tier: "js" });
  const given = { fuel: 5, tier: "interp" };
  assert.equal(withTier(given, "js"), given);
  const o = withTier({ fuel: 7 }, "js") as { fuel: number; tier: string };
  assert.equal(o.fuel, 7);
  assert.equal(o.tier, "js");
  // getters stay live and are read from the test's object
  let reads = 0;
  const lazy = {
    get fuel() {
      reads++;
      return 9;
    },
  };
  const w = withTier(lazy, "js") as { fuel: number };
  assert.equal(reads, 0);
  assert.equal(w.fuel, 9);
  assert.equal(reads, 1);
  // values that are not objects are passed on unchanged (tests of bad options)
  assert.equal(withTier(null, "js"), null);
  assert.equal(withTier(42, "js"), 42);
});

Deno.test("portaTier: Instance and instantiate default to the tier", async () => {
  const bytes = await bytesOf(SRC);
  for (const tier of ["interp", "js"] as const) {
    const wa = await portaTier(tier);
    const m = new wa.Module(bytes);
    const plain = new wa.Instance(m);
    assert.equal(await tierOfInstance(plain), tier);
    assert.equal(plain.exports.f(), 3);
    const limited = new wa.Instance(m, {}, { fuel: 2 });
    assert.equal(await tierOfInstance(limited), tier);
    assert.throws(() => limited.exports.f(), wa.RuntimeError);
    assert.equal(wa.stepsUsed(limited), 2);
    // an explicit tier wins
    const other = tier === "js" ? "interp" : "js";
    assert.equal(
      await tierOfInstance(new wa.Instance(m, {}, { tier: other })),
      other,
    );
    assert.throws(
      () => new wa.Instance(m, {}, { tier: "turbo" }),
      RangeError,
    );
    // instantiate, from bytes and from a Module
    const r = await wa.instantiate(bytes);
    assert.ok(r.module instanceof wa.Module);
    assert.equal(await tierOfInstance(r.instance), tier);
    assert.equal(await tierOfInstance(await wa.instantiate(m)), tier);
    assert.equal(
      await tierOfInstance(await wa.instantiate(m, {}, { tier: other })),
      other,
    );
    await assert.rejects(
      () => wa.instantiate(new Uint8Array([0, 1, 2])),
      wa.CompileError,
    );
  }
});

Deno.test("portaTier: the wrapped Instance is the engine's class", async () => {
  const base = await porta();
  const wa = await portaTier("js");
  const m = new wa.Module(await bytesOf(SRC));
  const i = new wa.Instance(m);
  assert.ok(i instanceof base.Instance);
  assert.ok(i instanceof wa.Instance);
  assert.equal(Object.getPrototypeOf(i), base.Instance.prototype);
  assert.equal(wa.Instance.prototype, base.Instance.prototype);
  assert.equal(wa.Instance.name, base.Instance.name);
  assert.throws(() => wa.Instance(m), TypeError);
  const Base: new (...a: unknown[]) => object = wa.Instance;
  class Sub extends Base {}
  const s = new Sub(m);
  assert.ok(s instanceof Sub && s instanceof base.Instance);
  assert.equal(await tierOfInstance(s), "js");
  // everything else is the engine's own
  for (const k of ["Module", "Memory", "RuntimeError", "stepsUsed"]) {
    assert.equal(wa[k], base[k], k);
  }
});

let seen: string[] = [];
testPorta("testPorta registers one test per tier", (_wa, tier) => {
  seen.push(tier);
});
Deno.test("testPorta ran on interp and js", () => {
  assert.deepEqual(seen, ["interp", "js"]);
  seen = [];
});
