/**
 * Hostile boundary cases for v128 in the JS tier, each run on the host engine (the reference for
 * results and traps) and on Porta's interp, js and auto tiers (which must also agree on
 * stepsUsed, also under fuel limits that stop them inside the SIMD code): multi-value results
 * mixing v128/i64/f64 through call, call_indirect, return_call and return_call_indirect;
 * recursion with v128 params past the depth where translated code hands frames to the
 * interpreter; OSR with v128s on the operand stack and in locals; host calls past the auto
 * tier's promotion threshold; imported and exported mutable v128 globals; select and br_table
 * carrying v128s; memory.grow between a v128 load and its store; accesses at the exact end of
 * memory (offset + 16 = size, + 17) and lane accesses with big offsets; NaN payloads through
 * the bit-exact float operations; i8x16.shuffle index patterns; the inlined word operations
 * against lazily read locals and constants. (Found no disagreement when written; the campaign
 * of translate-to-fuzz SIMD modules behind it rarely reaches these paths.)
 */
import assert from "node:assert/strict";
import * as wa from "../../src/wasm/mod.ts";
import { wat } from "../helpers/wat.ts";

type Call = [string, unknown[]];
const TIERS = ["interp", "js", "auto"] as const;

function vt(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(vt).join(",")}]`;
  if (typeof v === "number") {
    return Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : String(v);
  }
  if (typeof v === "bigint") return `${v}n`;
  return String(v);
}

/** The outcome of each call (and stepsUsed after it on Porta), then a hash of memory "mem". */
function runOn(
  ns: any,
  bytes: Uint8Array,
  calls: Call[],
  opts: object | undefined,
  imports: object,
): string[] {
  const out: string[] = [];
  let inst: any;
  try {
    const m = new ns.Module(bytes);
    inst = opts
      ? new ns.Instance(m, imports, opts)
      : new ns.Instance(m, imports);
  } catch (e) {
    return [`instantiate: ${(e as Error).constructor.name}`];
  }
  for (const [n, a] of calls) {
    try {
      out.push(`${n}(${a.map(vt)}) = ${vt(inst.exports[n](...a))}`);
    } catch (e) {
      const msg = (e as Error).message;
      const trap = e instanceof ns.RuntimeError || e instanceof RangeError;
      out.push(
        `${n}(${a.map(vt)}) ! ${
          !trap
            ? (e as Error).constructor.name
            : ns !== WebAssembly && /fuel/.test(msg)
            ? "fuel"
            : "trap"
        }${ns === WebAssembly ? "" : ` <${msg}>`}`,
      );
    }
    if (ns !== WebAssembly) out.push(`  steps ${ns.stepsUsed(inst)}`);
  }
  if (inst.exports.mem) {
    let h = 0;
    for (const b of new Uint8Array(inst.exports.mem.buffer)) {
      h = (Math.imul(h, 31) + b) | 0;
    }
    out.push(`mem ${h}`);
  }
  return out;
}

/**
 * Runs `calls` on native and on every Porta tier (then under each of `fuels`, on the tiers
 * only) and asserts that they agree: Porta's tiers exactly, native up to the first call
 * Porta stopped for fuel (trap messages aside).
 */
async function check(
  src: string,
  calls: Call[],
  o: { fuels?: number[]; imports?: (ns: any) => object } = {},
): Promise<void> {
  const bytes = await wat(src);
  const imp = o.imports ?? (() => ({}));
  const interp = runOn(wa, bytes, calls, { tier: "interp" }, imp(wa));
  for (const tier of ["js", "auto"]) {
    assert.deepEqual(
      runOn(wa, bytes, calls, { tier }, imp(wa)),
      interp,
      `interp vs ${tier}`,
    );
  }
  const ours = interp.filter((s) => !s.startsWith("  steps")).map((s) =>
    s.replace(/ <.*>$/, "")
  );
  const fuelAt = ours.findIndex((s) => s.endsWith("! fuel"));
  const native = runOn(WebAssembly, bytes, calls, undefined, imp(WebAssembly));
  const n = fuelAt < 0 ? ours.length : fuelAt;
  assert.deepEqual(ours.slice(0, n), native.slice(0, n), "porta vs native");
  for (const fuel of o.fuels ?? []) {
    const [a, ...rest] = TIERS.map((tier) =>
      runOn(wa, bytes, calls, { tier, fuel }, imp(wa))
    );
    for (const [k, r] of rest.entries()) {
      assert.deepEqual(r, a, `fuel ${fuel}: interp vs ${TIERS[k + 1]}`);
    }
  }
}

const H = (v: string) =>
  `(i32.xor (i32.xor (i32x4.extract_lane 0 ${v}) (i32.rotl (i32x4.extract_lane 1 ${v}) (i32.const 7))) (i32.xor (i32.rotl (i32x4.extract_lane 2 ${v}) (i32.const 13)) (i32.rotl (i32x4.extract_lane 3 ${v}) (i32.const 19))))`;

Deno.test("jit simd boundaries: multi-value, tail calls, deep recursion and OSR with v128s", async () => {
  await check(
    `(module (memory (export "mem") 1)
 (type $mv (func (param v128 i64 v128 f64) (result v128 i64 f64 v128)))
 (type $tv (func (param i32 v128 i64) (result v128 i64)))
 (table 8 funcref) (elem (i32.const 0) $mix $mix2 $tl $tl2)
 (func $mix (type $mv)
   (local.get 2) (i64.add (local.get 1) (i64x2.extract_lane 1 (local.get 0))) (f64.add (local.get 3) (f64.convert_i32_s (i32x4.extract_lane 0 (local.get 2)))) (i32x4.sub (local.get 0) (local.get 2)))
 (func $mix2 (type $mv)
   (call_indirect (type $mv) (local.get 2) (i64.add (local.get 1) (i64.const 3)) (local.get 0) (local.get 3) (i32.const 0)))
 (func $tl (type $tv)
   (if (result v128 i64) (i32.eqz (local.get 0)) (then (local.get 1) (local.get 2))
     (else (return_call_indirect (type $tv) (i32.sub (local.get 0) (i32.const 1)) (i8x16.add (local.get 1) (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)) (i64.mul (local.get 2) (i64.const 3)) (i32.add (i32.const 2) (i32.and (local.get 0) (i32.const 1)))))))
 (func $tl2 (type $tv)
   (return_call $tl (local.get 0) (i16x8.mul (local.get 1) (local.get 1)) (i64.add (local.get 2) (i64.const 1))))
 (func $rec (param $n i32) (param $v v128) (param $w f64) (result v128 f64)
   (if (result v128 f64) (i32.eqz (local.get $n)) (then (local.get $v) (local.get $w))
     (else (call $rec (i32.sub (local.get $n) (i32.const 1)) (i32x4.add (local.get $v) (i32x4.splat (local.get $n))) (f64.add (local.get $w) (f64.const 0.5)))
       (local.set $w) (local.set $v)
       (v128.xor (local.get $v) (i64x2.splat (i64.extend_i32_u (local.get $n)))) (local.get $w))))
 (func (export "mv") (param $n i32) (result i32 i64 f64) (local $a v128) (local $b v128) (local $x i64) (local $y f64) (local $i i32)
   (local.set $a (v128.const i32x4 1 2 3 4)) (local.set $b (v128.const i64x2 -7 9))
   (loop $l
     (call_indirect (type $mv) (local.get $a) (local.get $x) (local.get $b) (local.get $y) (i32.and (local.get $i) (i32.const 1)))
     (local.set $b) (local.set $y) (local.set $x) (local.set $a)
     (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
   ${
      H("(i32x4.add (local.get $a) (local.get $b))")
    } (local.get $x) (local.get $y))
 (func (export "tail") (param $n i32) (result i32 i64) (local $v v128) (local $x i64)
   (call_indirect (type $tv) (local.get $n) (v128.const i32x4 5 6 7 8) (i64.const 1) (i32.const 3))
   (local.set $x) (local.set $v) ${H("(local.get $v)")} (local.get $x))
 (func (export "rec") (param $n i32) (result i32 f64) (local $v v128) (local $w f64)
   (call $rec (local.get $n) (v128.const f32x4 1 2 3 4) (f64.const 0)) (local.set $w) (local.set $v) ${
      H("(local.get $v)")
    } (local.get $w)))`,
    [
      ["mv", [10]],
      ["mv", [400000]],
      ["tail", [5]],
      ["tail", [100000]],
      ["rec", [10]],
      ["rec", [999]],
      ["rec", [1001]],
      ["rec", [5000]],
      ["rec", [30000]],
      ["mv", [3]],
    ],
    { fuels: [1, 50, 1000, 12345, 262144, 500000, 1000000, 2000000] },
  );

  // 2. OSR with v128 on the operand stack below a loop, loop params, locals; callee OSR while caller holds v128s
  await check(
    `(module (memory (export "mem") 1)
 (func $inner (param $n i32) (param $v v128) (result v128) (local $acc v128)
   (local.set $acc (local.get $v))
   (v128.const i32x4 9 8 7 6)
   (local.get $v)
   (loop $l (param v128) (result v128)
     (local.set $acc (i32x4.add (local.get $acc) (i8x16.swizzle (local.get $acc) (v128.const i8x16 3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12))))
     (i32x4.add (i32x4.splat (i32.const 1)))
     (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
   (i32x4.add) (local.get $acc) (v128.xor))
 (func (export "run") (param $n i32) (result i32) (local $x v128)
   (local.set $x (v128.const i64x2 0x123456789 -5))
   (v128.const i32x4 1 1 1 1)
   (block $b (param v128) (result v128)
     (local.get $x)
     (call $inner (local.get $n) (local.get $x))
     (i64x2.add)
     (i32x4.mul))
   (v128.store offset=16 (i32.const 0) (local.get $x))
   (local.set $x)
   ${H("(local.get $x)")}))`,
    [["run", [10]], ["run", [300000]], ["run", [700000]], ["run", [5]]],
    { fuels: [100, 262143, 262144, 262145, 1000000, 3000000, 4000000] },
  );
});

Deno.test("jit simd boundaries: globals, select, br_table, memory.grow, bounds, NaN bits, shuffles", async () => {
  // globals: an exporter module, imported by the checked module (per run a fresh exporter)
  const expBytes = await wat(
    `(module (global (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
  (global (export "c") v128 (v128.const i64x2 -1 7))
  (func (export "read") (param i32) (result i32) (global.get 0) (local.get 0) (i8x16.splat) (i8x16.swizzle) (i32x4.extract_lane 0)))`,
  );

  const imps = (ns: any) => {
    const i = new ns.Instance(new ns.Module(expBytes), {});
    return { e: i.exports };
  };
  // the harness creates imports in order interp, js, auto, native: native is 4th
  await check(
    `(module (import "e" "g" (global $g (mut v128))) (import "e" "c" (global $c v128))
  (import "e" "read" (func $read (param i32) (result i32)))
  (global $h (export "h") (mut v128) (v128.const f64x2 1.5 -0))
  (func $bump (param v128) (result v128) (global.set $g (i32x4.add (global.get $g) (local.get 0))) (global.get $g))
  (func (export "run") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (global.set $h (v128.xor (global.get $h) (call $bump (global.get $c))))
      (local.set $s (i32.add (local.get $s) (call $read (i32.and (local.get $n) (i32.const 15)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $s) ${H("(global.get $h)")})))`,
    [["run", [5]], ["run", [200000]], ["run", [1]]],
    { imports: imps, fuels: [10, 100000, 600000] },
  );

  // select, br_table with v128 block results
  await check(
    `(module
  (func (export "sel") (param $k i32) (result i32) (local $a v128) (local $b v128)
    (local.set $a (v128.const i32x4 1 2 3 4)) (local.set $b (v128.const i32x4 -1 -2 -3 -4))
    ${H("(select (local.get $a) (local.get $b) (local.get $k))")})
  (func (export "selt") (param $k i32) (result i32)
    ${
      H("(select (result v128) (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16) (i64x2.splat (i64.const -3)) (local.get $k))")
    })
  (func (export "bt") (param $k i32) (result i32)
    (v128.const i32x4 100 0 0 0)
    (block $a (result v128)
      (block $b (result v128)
        (block $c (result v128)
          (v128.const i32x4 7 7 7 7)
          (v128.const i32x4 1 2 3 4) (local.get $k) (br_table $a $b $c $b))
        (i32x4.add (v128.const i32x4 10 20 30 40)))
      (i32x4.mul (v128.const i32x4 3 3 3 3)))
    (i32x4.add)
    (local.set 0 (i32.const 9))
    (drop) (local.get 0))
  (func (export "bt2") (param $k i32) (result i32)
    (v128.const i32x4 100 0 0 5)
    (block $a (result v128)
      (block $b (result v128)
        (block $c (result v128)
          (v128.const i32x4 1 2 3 4) (local.get $k) (br_table $a $b $c $b))
        (i32x4.add (v128.const i32x4 10 20 30 40)))
      (i32x4.mul (v128.const i32x4 3 3 3 3)))
    (i32x4.add) (i32x4.extract_lane 3)))`,
    [
      ["sel", [0]],
      ["sel", [1]],
      ["selt", [0]],
      ["selt", [5]],
      ...[0, 1, 2, 3, 4, -1].flatMap((k) =>
        [["bt", [k]], ["bt2", [k]]] as [string, unknown[]][]
      ),
    ],
  );

  // memory.grow between a v128 load and store; OOB boundaries
  await check(
    `(module (memory (export "mem") 1 3)
  (func (export "grow") (param $a i32) (result i32)
    (v128.store (i32.const 65536) (v128.load (local.get $a)) (drop (memory.grow (i32.const 1))))
    (i32.load (i32.const 65536)))
  (func (export "grow2") (param $a i32) (result i32)
    (i32.const 65530) (v128.load (local.get $a)) (memory.grow (i32.const 1)) (drop) (v128.store offset=10)
    (i32.load (i32.const 65540)))
  (func (export "ld") (param $a i32) (result i32) ${
      H("(v128.load (local.get $a))")
    })
  (func (export "ldo") (param $a i32) (result i32) ${
      H("(v128.load offset=65520 (local.get $a))")
    })
  (func (export "ldbig") (param $a i32) (result i32) ${
      H("(v128.load offset=4294967295 (local.get $a))")
    })
  (func (export "st") (param $a i32) (v128.store (local.get $a) (v128.const i32x4 -1 -2 -3 -4)))
  (func (export "sto") (param $a i32) (v128.store offset=65521 (local.get $a) (v128.const i32x4 -1 -2 -3 -4)))
  (func (export "l8s") (param $a i32) (result i32) ${
      H("(v128.load8_splat offset=65535 (local.get $a))")
    })
  (func (export "l64z") (param $a i32) (result i32) ${
      H("(v128.load64_zero offset=65528 (local.get $a))")
    })
  (func (export "l32x2") (param $a i32) (result i32) ${
      H("(v128.load32x2_s offset=65528 (local.get $a))")
    })
  (func (export "ll8") (param $a i32) (result i32) ${
      H("(v128.load8_lane offset=65535 7 (local.get $a) (v128.const i32x4 1 2 3 4))")
    })
  (func (export "ll64") (param $a i32) (result i32) ${
      H("(v128.load64_lane offset=65528 1 (local.get $a) (v128.const i32x4 1 2 3 4))")
    })
  (func (export "llbig") (param $a i32) (result i32) ${
      H("(v128.load32_lane offset=4294967292 3 (local.get $a) (v128.const i32x4 1 2 3 4))")
    })
  (func (export "sl16") (param $a i32) (v128.store16_lane offset=65534 5 (local.get $a) (v128.const i16x8 1 2 3 4 5 6 7 8)))
  (func (export "sl64") (param $a i32) (v128.store64_lane offset=4294967288 0 (local.get $a) (v128.const i64x2 -9 8)))
  (func (export "sl8") (param $a i32) (v128.store8_lane offset=65535 15 (local.get $a) (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 99)))
  (func (export "g") (result i32) (memory.grow (i32.const 1))))`,
    [
      ["ld", [65520]],
      ["ld", [65521]],
      ["ld", [-1]],
      ["ld", [-16]],
      ["ldo", [0]],
      ["ldo", [1]],
      ["ldbig", [0]],
      ["ldbig", [-1]],
      ["st", [65520]],
      ["st", [65521]],
      ["sto", [0]],
      ["sto", [-1]],
      ["l8s", [0]],
      ["l8s", [1]],
      ["l64z", [0]],
      ["l64z", [1]],
      ["l32x2", [0]],
      ["l32x2", [1]],
      ["ll8", [0]],
      ["ll8", [1]],
      ["ll64", [0]],
      ["ll64", [1]],
      ["llbig", [0]],
      ["llbig", [4]],
      ["llbig", [-4]],
      ["sl16", [0]],
      ["sl16", [1]],
      ["sl64", [8]],
      ["sl64", [0]],
      ["sl64", [65536 + 8]],
      ["sl8", [0]],
      ["sl8", [1]],
      ["grow", [65520]],
      ["grow", [65521]],
      ["grow2", [65520]],
      ["ld", [65521]],
      ["ld", [131056]],
      ["ld", [131057]],
      ["g", []],
      ["ld", [196592]],
      ["ld", [196593]],
      ["sl16", [131072]],
      ["sl8", [131072]],
      ["ldbig", [-1]],
    ],
  );

  // NaN payloads through bit-exact ops
  const nanv = "(v128.const i32x4 0x7fa00001 0xffc00123 0x7f800001 0xff812345)";
  const nanv64 = "(v128.const i64x2 0x7ff0000000000001 0xfff8dead0000beef)";
  await check(
    `(module (memory (export "mem") 1)
  (func (export "a") (result i32) ${H(`(f32x4.abs ${nanv})`)})
  (func (export "b") (result i32) ${H(`(f32x4.neg ${nanv})`)})
  (func (export "c") (result i32) ${H(`(f64x2.abs ${nanv64})`)})
  (func (export "d") (result i32) ${H(`(f64x2.neg ${nanv64})`)})
  (func (export "e") (result i32) ${
      H(`(f32x4.pmin ${nanv} (v128.const f32x4 1 2 3 4))`)
    })
  (func (export "f") (result i32) ${
      H(`(f32x4.pmax ${nanv} (v128.const f32x4 1 2 3 4))`)
    })
  (func (export "g") (result i32) ${
      H(`(f32x4.pmin (v128.const f32x4 1 2 3 4) ${nanv})`)
    })
  (func (export "h") (result i32) ${
      H(`(f32x4.pmax (v128.const f32x4 1 2 3 4) ${nanv})`)
    })
  (func (export "i") (result i32) ${
      H(`(f64x2.pmin ${nanv64} (v128.const f64x2 1 2))`)
    })
  (func (export "j") (result i32) ${
      H(`(f64x2.pmax (v128.const f64x2 1 2) ${nanv64})`)
    })
  (func (export "k") (result i32) ${
      H(`(f32x4.replace_lane 2 (v128.const i32x4 0 0 0 0) (f32x4.extract_lane 1 ${nanv}))`)
    })
  (func (export "k2") (result i32) (i32.reinterpret_f32 (f32x4.extract_lane 0 ${nanv})))
  (func (export "k3") (result i64) (i64.reinterpret_f64 (f64x2.extract_lane 1 ${nanv64})))
  (func (export "l") (result i32) ${
      H(`(f64x2.replace_lane 0 (v128.const i32x4 0 0 0 0) (f64x2.extract_lane 1 ${nanv64}))`)
    })
  (func (export "m") (result i32) ${
      H(`(f32x4.splat (f32.reinterpret_i32 (i32.const 0x7f800003)))`)
    })
  (func (export "n") (result i32) ${
      H(`(f64x2.splat (f64.reinterpret_i64 (i64.const 0xfff0000000000003)))`)
    })
  (func (export "o") (result i32) (v128.store (i32.const 0) ${nanv}) (f32.store (i32.const 32) (f32x4.extract_lane 3 (v128.load (i32.const 0)))) (i32.load (i32.const 32)))
  (func (export "p") (param f32) (result i32) ${
      H(`(f32x4.replace_lane 1 ${nanv} (local.get 0))`)
    })
  (func (export "q") (result i32) (local $x f32) (local.set $x (f32x4.extract_lane 1 ${nanv})) ${
      H(`(f32x4.abs (f32x4.splat (local.get $x)))`)
    })
  (func (export "r") (result i32) ${
      H(`(v128.bitselect ${nanv} (f32x4.neg ${nanv}) (v128.const i32x4 -1 0 0xffff 0))`)
    })
)`,
    [
      ["a", []],
      ["b", []],
      ["c", []],
      ["d", []],
      ["e", []],
      ["f", []],
      ["g", []],
      ["h", []],
      ["i", []],
      ["j", []],
      ["k", []],
      ["k2", []],
      ["k3", []],
      ["l", []],
      ["m", []],
      ["n", []],
      ["o", []],
      ["p", [1]],
      ["q", []],
      ["r", []],
    ],
  );

  // shuffles: all index patterns
  const rnd = (() => {
    let a = 12345;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  })();
  const pats: number[][] = [
    [...Array(16).keys()],
    [...Array(16).keys()].map((i) => 31 - i),
    Array(16).fill(0),
    Array(16).fill(31),
    Array(16).fill(16),
    [...Array(16).keys()].map((i) => i + 16),
    [...Array(16).keys()].map((i) => (i * 2) % 32),
    [...Array(16).keys()].map((i) => i % 2 ? i + 16 : i),
    [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3],
    [16, 17, 18, 19, 4, 5, 6, 7, 24, 25, 26, 27, 12, 13, 14, 15],
    [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23],
    [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31],
    [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11],
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
  ];
  for (let i = 0; i < 60; i++) {
    pats.push([...Array(16)].map(() => Math.floor(rnd() * 32)));
  }
  for (let w = 0; w < 4; w++) {
    for (let s = 0; s < 8; s++) {
      const p: number[] = [];
      for (let l = 0; l < 4; l++) {
        for (let b = 0; b < 4; b++) {
          p.push(((l === w ? s : l + (s & 1) * 4) * 4 + b) % 32);
        }
      }
      pats.push(p);
    }
  }
  const fn = pats.map((p, i) =>
    `(func (export "s${i}") (param $x i32) (result i32) (local $a v128) (local $b v128)
   (local.set $a (i32x4.add (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15) (i32x4.splat (local.get $x))))
   (local.set $b (v128.const i8x16 -16 -17 -18 -19 -20 -21 -22 -23 -24 -25 -26 -27 -28 -29 -30 -31))
   ${H(`(i8x16.shuffle ${p.join(" ")} (local.get $a) (local.get $b))`)})`
  ).join("\n");
  await check(
    `(module ${fn})`,
    pats.flatMap((_, i) =>
      [[`s${i}`, [0]], [`s${i}`, [0x01010101]]] as [string, unknown[]][]
    ),
  );
});

Deno.test("jit simd boundaries: fuel inside SIMD code, auto promotion mid-run, deep v128 recursion", async () => {
  const heavy = `(module (memory (export "mem") 1)
  (global $g (mut v128) (v128.const i32x4 3 1 4 1))
  (func $cal (param $a v128) (param $k i32) (param $b v128) (result v128 i32)
    (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (i16x8.q15mulr_sat_s (local.get $a) (local.get $b)) (i32x4.dot_i16x8_s (local.get $b) (local.get $a)))
    (i32.add (local.get $k) (i8x16.bitmask (local.get $a))))
  (func (export "heavy") (param $n i32) (result i32) (local $v v128) (local $w v128) (local $k i32)
    (local.set $v (v128.const i32x4 0x01020304 0x05060708 -1 0x7fff8000))
    (loop $l
      (local.set $w (i8x16.popcnt (local.get $v)))
      (local.set $v (i32x4.add (local.get $v) (i16x8.extadd_pairwise_i8x16_s (local.get $w))))
      (if (i32x4.all_true (local.get $v)) (then (local.set $v (v128.not (local.get $v)))))
      (local.set $v (f32x4.convert_i32x4_s (i32x4.trunc_sat_f32x4_s (local.get $v))))
      (local.set $v (v128.xor (local.get $v) (i8x16.narrow_i16x8_s (local.get $w) (local.get $v))))
      (call $cal (local.get $v) (local.get $k) (global.get $g)) (local.set $k) (global.set $g)
      (v128.store offset=3 (i32.and (local.get $k) (i32.const 0x3ff)) (local.get $v))
      (local.set $v (v128.or (local.get $v) (v128.load8_lane 3 (i32.and (local.get $n) (i32.const 0xfff)) (local.get $v))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $k) ${H("(local.get $v)")}))
  (func (export "g") (result i32) ${H("(global.get $g)")}))`;
  const fuels: number[] = [];
  for (let f = 1; f <= 260; f += 3) fuels.push(f);
  for (let f = 1000; f < 1400; f += 37) fuels.push(f);
  await check(heavy, [["heavy", [40]], ["g", []]], { fuels });
  await check(heavy, [["heavy", [100000]], ["g", []], ["heavy", [3]]], {
    fuels: [131071, 131072, 131073, 262144, 262145, 393216, 1000003, 2500000],
  });
  // host calls past HOT_CALLS: promotion mid-run (caller translated, callee interpreted and vice versa)
  const hot = `(module (memory (export "mem") 1)
  (global $g (mut v128) (v128.const i32x4 0 0 0 0))
  (type $t (func (param v128 i32 v128) (result v128 i64 v128)))
  (table 2 funcref) (elem (i32.const 0) $callee $callee2)
  (func $callee (type $t) (local.get 2) (i64.extend_i32_s (local.get 1)) (i32x4.add (local.get 0) (i32x4.splat (local.get 1))))
  (func $callee2 (type $t) (return_call $callee (local.get 2) (i32.add (local.get 1) (i32.const 1)) (i64x2.neg (local.get 0))))
  (func (export "callee") (param i32) (result i32) (local $a v128) (local $b v128) (local $x i64)
    (call $callee (global.get $g) (local.get 0) (v128.const i32x4 1 2 3 4)) (local.set $b) (local.set $x) (local.set $a)
    (global.set $g (i32x4.add (local.get $a) (local.get $b))) (i32.add (i32.wrap_i64 (local.get $x)) ${
    H("(global.get $g)")
  }))
  (func (export "caller") (param $n i32) (result i32) (local $a v128) (local $b v128) (local $x i64)
    (loop $l
      (call_indirect (type $t) (global.get $g) (local.get $n) (local.get $b) (i32.and (local.get $n) (i32.const 1)))
      (local.set $b) (local.set $x) (global.set $g)
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (i32.wrap_i64 (local.get $x)) ${
    H("(i32x4.add (global.get $g) (local.get $b))")
  })))`;
  const calls: [string, unknown[]][] = [];
  for (let i = 0; i < 2100; i++) {
    calls.push(["callee", [i]]);
    if (i % 300 === 0) calls.push(["caller", [i + 1]]);
  }
  calls.push(["caller", [300000]]);
  for (let i = 0; i < 1100; i++) calls.push(["caller", [i % 5 + 1]]);
  calls.push(["callee", [1]]);
  await check(hot, calls, { fuels: [5000, 1500000] });
  // deep recursion with v128 params, return_call mixing
  await check(
    `(module
  (func $r (param $n i32) (param $v v128) (param $x i64) (param $w v128) (result v128 i64)
    (if (result v128 i64) (i32.le_s (local.get $n) (i32.const 0)) (then (i64x2.add (local.get $v) (local.get $w)) (local.get $x))
      (else
        (call $r (i32.sub (local.get $n) (i32.const 1)) (local.get $w) (i64.add (local.get $x) (i64.const 1)) (i8x16.add (local.get $v) (i8x16.splat (local.get $n))))
        (local.set $x) (local.set $v)
        (if (result v128 i64) (i32.and (local.get $n) (i32.const 7))
          (then (i32x4.sub (local.get $v) (local.get $w)) (i64.mul (local.get $x) (i64.const 3)))
          (else (return_call $r (i32.const 0) (local.get $v) (local.get $x) (local.get $w)))))))
  (func (export "deep") (param $n i32) (result i32 i64) (local $v v128) (local $x i64)
    (call $r (local.get $n) (v128.const i32x4 1 2 3 4) (i64.const 0) (v128.const i64x2 -1 5)) (local.set $x) (local.set $v)
    ${H("(local.get $v)")} (local.get $x)))`,
    [
      ["deep", [10]],
      ["deep", [999]],
      ["deep", [1000]],
      ["deep", [1001]],
      ["deep", [1500]],
      ["deep", [8000]],
      ["deep", [40000]],
      ["deep", [1e6]],
      ["deep", [7]],
    ],
    { fuels: [30000, 100000, 1000000] },
  );
});

Deno.test("jit simd boundaries: inlined word operations against lazy locals and constants", async () => {
  const V = "(v128.const i32x4 0x80017fff 0xfffe0001 0x12345678 0x8000ffff)";
  const fns: string[] = [];
  const calls: [string, unknown[]][] = [];
  let id = 0;
  const f = (
    body: string,
    params = "(param $p i32) (param $q f32)",
    args: unknown[][] = [[0, 0], [5, 1.5], [-1, -0], [17, NaN], [33, 3e38], [
      0x7fff,
      -2,
    ]],
  ) => {
    const n = `f${id++}`;
    fns.push(
      `(func (export "${n}") ${params} (result i32) (local $v v128) (local $w v128) (local $i i32) (local $x f32) ${body})`,
    );
    for (const a of args) calls.push([n, a]);
  };
  // local hazards
  f(`(local.set $v ${V}) (local.get $v) (local.set $v (i32x4.splat (local.get $p))) (local.get $v) (i32x4.add) (local.set $w) ${
    H("(local.get $w)")
  }`);
  f(
    `(local.set $v ${V}) (local.get $v) (local.tee $v (i32x4.splat (local.get $p))) (i32x4.sub) ${
      H("")
    }`.replace(H(""), "") + ` (local.set $w) ${H("(local.get $w)")}`,
  );
  f(`(local.set $v ${V}) (local.get $v) (local.set $v (i32x4.replace_lane 2 (local.get $v) (local.get $p))) (local.set $w) ${
    H("(v128.xor (local.get $v) (local.get $w))")
  }`);
  f(`(local.set $v ${V}) (i32x4.replace_lane 1 (local.get $v) (local.get $p)) (local.set $w) ${
    H("(v128.xor (local.get $v) (local.get $w))")
  }`);
  f(`(local.set $v ${V}) (f32x4.replace_lane 3 (local.get $v) (f32.add (local.get $q) (f32.const 1))) (local.set $w) ${
    H("(v128.xor (local.get $v) (local.get $w))")
  }`);
  f(`(local.set $x (f32.mul (f32x4.extract_lane 2 ${V}) (local.get $q))) (i32.reinterpret_f32 (local.get $x))`);
  f(`(i32.reinterpret_f32 (f32.add (f32x4.extract_lane 1 (f32x4.splat (local.get $q))) (f32.const 0.5)))`);
  f(`(i32.trunc_sat_f32_s (f32x4.extract_lane 0 (f32x4.splat (f32.add (local.get $q) (f32.const 0.25)))))`);
  f(`${H("(f32x4.splat (f32.const -0))")}`);
  f(`${H("(f32x4.splat (f32.const nan:0x200001))")}`);
  f(`${
    H("(f32x4.replace_lane 0 (i32x4.splat (i32.const 5)) (f32.const -nan:0x1))")
  }`);
  f(`${
    H("(f32x4.replace_lane 0 (i32x4.splat (local.get $p)) (f32.demote_f64 (f64.promote_f32 (local.get $q))))")
  }`);
  f(`${
    H("(i32x4.replace_lane 0 (i32x4.splat (i32.const 5)) (local.get $p))")
  } (i32.add ${H("(i32x4.splat (i32.const 5))")})`);
  f(`(local.set $v (i32x4.splat (local.get $p))) (local.set $w (local.get $v)) (local.set $v (i32x4.replace_lane 0 (local.get $v) (i32.const 9))) ${
    H("(i32x4.sub (local.get $v) (local.get $w))")
  }`);
  f(`(local.set $v ${V}) ${H("(i32x4.add (local.get $v) (local.get $v))")}`);
  f(`(local.set $v ${V}) ${
    H("(i32x4.mul (local.get $v) (local.tee $v (i32x4.splat (local.get $p))))")
  }`);
  f(`(local.set $v ${V}) ${
    H("(i8x16.shuffle 3 2 1 0 31 30 29 28 15 14 13 12 19 18 17 16 (local.get $v) (local.get $v))")
  }`);
  f(`(local.set $v ${V}) ${
    H("(i8x16.shuffle 3 2 1 0 31 30 29 28 15 14 13 12 19 18 17 16 (local.get $v) (local.tee $v (v128.not (local.get $v))))")
  }`);
  f(`${
    H(`(i8x16.shuffle 3 7 11 15 16 20 24 28 0 1 2 3 31 31 31 31 ${V} (v128.const i32x4 -1 -16777216 255 0x80000000))`)
  }`);
  f(`${
    H(`(i8x16.shuffle 3 7 11 15 16 20 24 28 0 1 2 3 31 31 31 31 ${V} (i32x4.splat (local.get $p)))`)
  }`);
  f(`${
    H(`(i8x16.shuffle 28 29 30 31 0 1 2 3 4 5 6 7 8 9 10 11 (i32x4.splat (local.get $p)) ${V})`)
  }`);
  for (const [s, sh] of [["i16x8", 15], ["i32x4", 31]] as const) {
    for (const op of ["shl", "shr_s", "shr_u"]) {
      f(`${H(`(${s}.${op} ${V} (local.get $p))`)}`);
      f(`(local.set $v ${V}) ${
        H(`(${s}.${op} (local.get $v) (i32.const ${sh + 1}))`)
      }`);
      f(`${H(`(${s}.${op} (i32x4.splat (local.get $p)) (i32.const -1))`)}`);
    }
  }
  for (
    const op of [
      "i16x8.add",
      "i16x8.sub",
      "i32x4.add",
      "i32x4.sub",
      "i32x4.mul",
      "i32x4.min_s",
      "i32x4.min_u",
      "i32x4.max_s",
      "i32x4.max_u",
      "v128.and",
      "v128.andnot",
      "v128.or",
      "v128.xor",
      "i8x16.narrow_i16x8_s",
      "i8x16.narrow_i16x8_u",
      "i16x8.narrow_i32x4_s",
      "i16x8.narrow_i32x4_u",
    ]
  ) {
    f(`${H(`(${op} ${V} (i32x4.splat (local.get $p)))`)}`);
    f(`(local.set $v ${V}) ${
      H(`(${op} (i32x4.splat (local.get $p)) (local.get $v))`)
    }`);
    f(`(local.set $v ${V}) ${H(`(${op} (local.get $v) (local.get $v))`)}`);
    f(`(local.set $v ${V}) (local.get $v) (local.set $v (v128.not (local.get $v))) (local.get $v) (${op}) (local.set $w) ${
      H(`(local.get $w)`)
    }`);
    f(`(local.set $v (i32x4.splat (local.get $p))) (local.set $v (${op} (local.get $v) (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (local.get $v) ${V}))) ${
      H(`(local.get $v)`)
    }`);
  }
  for (
    const op of [
      "v128.load",
      "v128.load8x8_u",
      "v128.load16x4_s",
      "v128.load16x4_u",
      "v128.load32_zero",
      "v128.load64_zero",
      "v128.load8x8_s",
      "v128.load32x2_u",
      "v128.load32_splat",
    ]
  ) {
    f(`(v128.store (i32.const 0) ${V}) (v128.store (i32.const 16) (v128.not ${V})) ${
      H(`(${op} offset=3 (i32.and (local.get $p) (i32.const 0xffff)))`)
    }`);
  }
  f(`(v128.store (i32.const 65530) ${V})  (i32.const 1)`);
  f(`(v128.store offset=65520 (local.get $p) ${V}) (i32.load (i32.const 65520))`);
  f(`(v128.store32_lane offset=65532 3 (local.get $p) ${V}) (i32.load (i32.const 65532))`);
  f(`(v128.store64_lane offset=65528 1 (local.get $p) ${V}) (i32.load (i32.const 65528))`);
  f(`(v128.store64_lane offset=65529 1 (local.get $p) ${V}) (i32.load (i32.const 65528))`);
  f(`(v128.store offset=65521 (local.get $p) ${V}) (i32.load (i32.const 65520))`);
  // a v128 store that traps must write nothing; check memory after
  f(`(drop (i32.const 0)) (i32.load (i32.const 65532))`);
  await check(`(module (memory (export "mem") 1) ${fns.join("\n")})`, calls);
});
