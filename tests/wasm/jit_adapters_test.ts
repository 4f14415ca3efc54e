/**
 * The JS tier's adapters between the tiers and to host functions: past a number of function
 * types (a module may declare a million) the generic adapters take over; they must give the
 * same results, traps and stepsUsed as the generated ones. Also the limits of what the JS tier
 * translates (body size, nesting) and of the check-free loop copies it adds (source size).
 */
import assert from "node:assert/strict";
import * as wasm from "../../src/wasm/mod.ts";
import { setAdapterLimit } from "../../src/wasm/jit/tier.ts";
import { wat } from "../helpers/wat.ts";

const SRC = `(module
  (import "env" "mix" (func $mix (param i32 i64 f32 f64) (result f64)))
  (import "env" "pair" (func $pair (param i64) (result i64 i32)))
  (func $fib (param i32) (result i32)
    (if (result i32) (i32.lt_s (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $wide (param i64 f64) (result i64 f64 i32)
    (i64.mul (local.get 0) (i64.const 3)) (f64.neg (local.get 1)) (i32.const 7))
  (func $deep (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "run") (param i32) (result f64)
    (local f64 i32)
    (loop $l
      (local.set 1 (f64.add (local.get 1)
        (call $mix (call $fib (i32.const 12)) (i64.const -5) (f32.const 1.5) (f64.const 0.25))))
      (call $wide (i64.const 1234567890123) (f64.const 2.5))
      (drop) (drop) (drop)
      (call $pair (i64.const 9))
      (drop) (drop)
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 2) (local.get 0))))
    (f64.add (local.get 1) (f64.convert_i32_s (call $deep (i32.const 1500)))))
  (func (export "trap") (param i64) (result i64) (i64.div_s (i64.const 1) (local.get 0))))`;

async function run(tier: "js" | "auto", limit: number) {
  const bytes = await wat(SRC);
  const old = setAdapterLimit(limit);
  try {
    const log: string[] = [];
    const imports = {
      env: {
        mix: (a: number, b: bigint, c: number, d: number) => {
          log.push(`${a} ${b} ${c} ${d}`);
          return a + Number(b) + c + d;
        },
        pair: (x: bigint) => [x * 2n, 3],
      },
    };
    {
      const m = new wasm.Module(bytes);
      const inst = new wasm.Instance(m, imports, { tier, fuel: 1e9 });
      const e = inst.exports as Record<string, (...a: unknown[]) => unknown>;
      const r = e.run(3000);
      let trap = "";
      try {
        e.trap(0n);
      } catch (err) {
        trap = String(err);
      }
      return {
        r,
        trap,
        steps: wasm.stepsUsed(inst),
        log: log.length,
        last: log.at(-1),
      };
    }
  } finally {
    setAdapterLimit(old);
  }
}

for (const tier of ["js", "auto"] as const) {
  Deno.test(`jit adapters: generic adapters agree with generated ones [${tier}]`, async () => {
    const generated = await run(tier, 4096);
    const generic = await run(tier, 0);
    assert.deepEqual(generic, generated);
    assert.equal(generated.log, 3000);
    assert.match(generated.trap, /integer divide by zero/);
  });
}

/** LEB128 of an unsigned integer. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/**
 * A module exporting "f" (param i32) (result i32) with the given body, after `locals`
 * (the local declarations' bytes: their count of groups first; none by default).
 */
function moduleWithBody(body: number[], locals: number[] = [0]): Uint8Array {
  const section = (
    id: number,
    bytes: number[],
  ) => [id, ...uleb(bytes.length), ...bytes];
  const code = [...locals, ...body, 0x0b];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]),
    ...section(3, [1, 0]),
    ...section(7, [1, 1, 0x66, 0x00, 0]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ]);
}

Deno.test("jit: a body above 256 KiB and one nested 1,200 blocks deep stay interpreted at tier js, with the same results", () => {
  // local.get 0, then 100,000 x (i32.const 1; i32.add): 400 kB of body
  const big = [0x20, 0];
  for (let i = 0; i < 100_000; i++) big.push(0x41, 1, 0x6a);
  // 1,200 nested blocks around local.set 0 (local.get 0 + 5)
  const nest: number[] = [];
  for (let i = 0; i < 1200; i++) nest.push(0x02, 0x40);
  nest.push(0x20, 0, 0x41, 5, 0x6a, 0x21, 0);
  for (let i = 0; i < 1200; i++) nest.push(0x0b);
  nest.push(0x20, 0);
  for (
    const [body, input, want] of [[big, 3, 100_003], [nest, 4, 9]] as const
  ) {
    const bytes = moduleWithBody([...body]);
    const out: unknown[] = [];
    for (const tier of ["interp", "js"] as const) {
      const inst = new wasm.Instance(new wasm.Module(bytes), {}, { tier });
      const f = (inst.exports as Record<string, (x: number) => number>).f;
      out.push([f(input), wasm.stepsUsed(inst)]);
    }
    assert.deepEqual(out[1], out[0]);
    assert.equal((out[0] as number[])[0], want);
  }
});

Deno.test("jit: a function with more than 65,536 JS variables (v128 locals are four, i64 two) stays interpreted at tier js, with the same results", async () => {
  const { internalsOf } = await import("../../src/wasm/api.ts");
  // 40,000 v128 locals (160,000 variables would overflow the host stack) and 40,000 i64
  // locals; 49,000 i32 locals are still translated
  const cases: [number, number, number[], boolean][] = [
    [0x7b, 40_000, [0xfd, 0x1b, 1], false], // i32x4.extract_lane 1
    [0x7e, 40_000, [0xa7], false], // i32.wrap_i64
    [0x7f, 49_000, [], true],
  ];
  for (const [t, n, tail, translated] of cases) {
    // local.get of the last local, plus the param
    const body = [0x20, ...uleb(n), ...tail, 0x20, 0, 0x6a];
    const bytes = moduleWithBody(body, [1, ...uleb(n), t]);
    const out: unknown[] = [];
    for (const tier of ["interp", "js"] as const) {
      const inst = new wasm.Instance(new wasm.Module(bytes), {}, { tier });
      const f = (inst.exports as Record<string, (x: number) => number>).f;
      out.push([f(5), wasm.stepsUsed(inst)]);
      if (tier === "js") {
        assert.equal(
          internalsOf(inst).ctx.funcs[0].jit,
          translated,
          `type ${t}`,
        );
      }
    }
    assert.deepEqual(out[1], out[0]);
    assert.equal((out[0] as number[])[0], 5);
  }
});

Deno.test("jit: a function that fits V8's optimizing limit only without its loops' check-free copies keeps the copies that fit, with the same results and stepsUsed", async () => {
  const { decodeModule } = await import("../../src/wasm/decode.ts");
  const { translate } = await import("../../src/wasm/jit/translate.ts");
  // 100 innermost loops of about 60 instructions each: below the limit (82 KiB of source)
  // without their check-free copies, far above it with all of them
  let body = "";
  for (let k = 0; k < 100; k++) {
    let step = "(local.set 1 (i32.add (local.get 1) (local.get 0)))";
    for (let j = 0; j < 9; j++) {
      step += `(local.set 1 (i32.xor (i32.mul (local.get 1) (i32.const ${
        k * 8 + j + 3
      })) (i32.shr_u (local.get 1) (i32.const ${j + 1}))))`;
    }
    body += `(local.set 2 (i32.const ${k % 5 + 2}))
      (loop $l${k} ${step}
        (br_if $l${k} (local.tee 2 (i32.sub (local.get 2) (i32.const 1)))))`;
  }
  const bytes = await wat(`(module (func (export "f") (param i32) (result i32)
    (local i32 i32) ${body} (local.get 1)))`);
  const t = translate(decodeModule(bytes), 0)!;
  const copies = t.src.split("if (fu >= ").length - 1;
  assert.ok(t.src.length <= 82 * 1024, `${t.src.length} characters`);
  assert.ok(copies > 0 && copies < 100, `${copies} check-free copies`);
  const out: unknown[] = [];
  for (const tier of ["interp", "js"] as const) {
    for (const fuel of [undefined, 5_000]) {
      const inst = new wasm.Instance(new wasm.Module(bytes), {}, {
        tier,
        fuel,
      });
      let r: unknown;
      try {
        r = (inst.exports.f as (x: number) => number)(12345);
      } catch (e) {
        r = (e as Error).message;
      }
      out.push([r, wasm.stepsUsed(inst)]);
    }
  }
  assert.deepEqual(out.slice(2), out.slice(0, 2));
});
