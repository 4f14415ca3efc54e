// Differential test: randomly generated numeric expression trees (every
// i32/i64/f32/f64 operator, conversions, select, constants) evaluated on edge
// values by Porta and by the host engine must give identical results (floats
// compared bit-exactly except that any NaN matches any NaN) and identical traps.
// Every module runs on the host engine and on both Porta tiers (interp and js),
// each with and without a fuel limit; all four Porta instances must also report
// the same stepsUsed after every call.
import assert from "node:assert/strict";
import { wat } from "../helpers/wat.ts";
import { porta } from "./_harness.ts";

type T = "i32" | "i64" | "f32" | "f64";
const TYPES: T[] = ["i32", "i64", "f32", "f64"];

const INT_BIN = [
  "add",
  "sub",
  "mul",
  "div_s",
  "div_u",
  "rem_s",
  "rem_u",
  "and",
  "or",
  "xor",
  "shl",
  "shr_s",
  "shr_u",
  "rotl",
  "rotr",
];
const INT_UN = ["clz", "ctz", "popcnt", "extend8_s", "extend16_s"];
const INT_CMP = [
  "eq",
  "ne",
  "lt_s",
  "lt_u",
  "gt_s",
  "gt_u",
  "le_s",
  "le_u",
  "ge_s",
  "ge_u",
];
const FLT_BIN = ["add", "sub", "mul", "div", "min", "max", "copysign"];
const FLT_UN = ["abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest"];
const FLT_CMP = ["eq", "ne", "lt", "gt", "le", "ge"];
/** Conversions: [result, op, operand]. */
const CONV: [T, string, T][] = [
  ["i32", "i32.wrap_i64", "i64"],
  ["i32", "i32.trunc_f32_s", "f32"],
  ["i32", "i32.trunc_f32_u", "f32"],
  ["i32", "i32.trunc_f64_s", "f64"],
  ["i32", "i32.trunc_f64_u", "f64"],
  ["i32", "i32.trunc_sat_f32_s", "f32"],
  ["i32", "i32.trunc_sat_f64_u", "f64"],
  ["i32", "i32.reinterpret_f32", "f32"],
  ["i32", "i64.eqz", "i64"],
  ["i64", "i64.extend_i32_s", "i32"],
  ["i64", "i64.extend_i32_u", "i32"],
  ["i64", "i64.trunc_f32_s", "f32"],
  ["i64", "i64.trunc_f64_s", "f64"],
  ["i64", "i64.trunc_f64_u", "f64"],
  ["i64", "i64.trunc_sat_f64_s", "f64"],
  ["i64", "i64.trunc_sat_f32_u", "f32"],
  ["i64", "i64.reinterpret_f64", "f64"],
  ["i64", "i64.extend32_s", "i64"],
  ["f32", "f32.convert_i32_s", "i32"],
  ["f32", "f32.convert_i32_u", "i32"],
  ["f32", "f32.convert_i64_s", "i64"],
  ["f32", "f32.convert_i64_u", "i64"],
  ["f32", "f32.demote_f64", "f64"],
  ["f32", "f32.reinterpret_i32", "i32"],
  ["f64", "f64.convert_i32_s", "i32"],
  ["f64", "f64.convert_i32_u", "i32"],
  ["f64", "f64.convert_i64_s", "i64"],
  ["f64", "f64.convert_i64_u", "i64"],
  ["f64", "f64.promote_f32", "f32"],
  ["f64", "f64.reinterpret_i64", "i64"],
];

const EDGE: Record<T, unknown[]> = {
  i32: [
    0,
    1,
    -1,
    2,
    31,
    32,
    33,
    0x7fffffff,
    -0x80000000,
    0xff,
    0x8000,
    0x12345678,
    -7,
  ],
  i64: [
    0n,
    1n,
    -1n,
    63n,
    64n,
    0x7fffffffffffffffn,
    -0x8000000000000000n,
    0xffffffffn,
    0x100000000n,
    0x123456789abcdefn,
    -3n,
  ],
  f32: [
    0,
    -0,
    1,
    -1,
    0.5,
    1.5,
    2.5,
    -2.5,
    Infinity,
    -Infinity,
    NaN,
    3.4028234663852886e38,
    1.401298464324817e-45,
    2147483648,
    -2147483904,
    4294967296,
    9223372036854775808,
    0.1,
  ],
  f64: [
    0,
    -0,
    1,
    -1,
    0.5,
    -0.5,
    2.5,
    Infinity,
    -Infinity,
    NaN,
    1.7976931348623157e308,
    5e-324,
    2147483647.5,
    -2147483648.5,
    4294967295.5,
    9223372036854775807,
    -9223372036854777856,
    18446744073709551615,
    0.1,
    4503599627370497,
  ],
};

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PARAM: Record<T, number> = { i32: 0, i64: 1, f32: 2, f64: 3 };
/** Scratch locals written with local.tee and read back (indices after params and canon locals). */
const SCRATCH: Record<T, number> = { i32: 6, i64: 7, f32: 8, f64: 9 };
const LOCALS = "(local f32 f64 i32 i64 f32 f64)";

const LOADS: Record<T, string[]> = {
  i32: [
    "i32.load",
    "i32.load8_s",
    "i32.load8_u",
    "i32.load16_s",
    "i32.load16_u",
  ],
  i64: [
    "i64.load",
    "i64.load8_s",
    "i64.load8_u",
    "i64.load16_s",
    "i64.load16_u",
    "i64.load32_s",
    "i64.load32_u",
  ],
  f32: ["f32.load"],
  f64: ["f64.load"],
};
const STORES: Record<T, string[]> = {
  i32: ["i32.store", "i32.store8", "i32.store16"],
  i64: ["i64.store", "i64.store8", "i64.store16", "i64.store32"],
  f32: ["f32.store"],
  f64: ["f64.store"],
};
const OFFSETS = [0, 0, 0, 1, 3, 8, 100, 65535, 65536];
const ADDRS = [0, 1, 3, 8, 100, 65528, 65532, 65535, 65536, -1];

/** When set, expressions may also read memory. */
let withMemory = false;
/** Memory index prefix for loads ("" = memory 0 without an index). */
let memoryIndex: () => string = () => "";
/** When set, expressions may call these earlier functions (by result type). */
let callees: Record<T, number[]> | null = null;

function addr(rnd: () => number): string {
  const r = rnd();
  if (r < 0.4) return `(i32.and (local.get 0) (i32.const 0xffff))`;
  if (r < 0.6) return `(local.get 0)`;
  return `(i32.const ${ADDRS[Math.floor(rnd() * ADDRS.length)]})`;
}

/**
 * The sign and payload of a NaN produced by arithmetic are nondeterministic
 * (spec 4.3.3), so operands whose NaN bits become observable (copysign's sign
 * source, reinterpret) are canonicalised first, using scratch locals 4/5.
 */
function canon(t: T, x: string): string {
  if (t !== "f32" && t !== "f64") return x;
  const l = t === "f32" ? 4 : 5;
  return `(select (${t}.const nan) (local.tee ${l} ${x}) (${t}.ne (local.get ${l}) (local.get ${l})))`;
}

function gen(rnd: () => number, t: T, depth: number): string {
  const pick = <X>(xs: X[]): X => xs[Math.floor(rnd() * xs.length)];
  const isInt = t === "i32" || t === "i64";
  if (depth <= 0 || rnd() < 0.2) {
    const leaf = rnd();
    if (withMemory && leaf < 0.3) {
      return `(${pick(LOADS[t])} ${memoryIndex()}offset=${pick(OFFSETS)} ${
        addr(rnd)
      })`;
    }
    if (callees && leaf < 0.3 && callees[t].length > 0 && depth > 0) {
      const args = TYPES.map((u) => gen(rnd, u, depth - 1)).join(" ");
      if (rnd() < 0.7) return `(call $h${pick(callees[t])} ${args})`;
      // table slot k holds $hk; a slot of another result type traps
      const slot = rnd() < 0.8 ? pick(callees[t]) : Math.floor(rnd() * 64);
      return `(call_indirect (type $sig_${t}) ${args} (i32.const ${slot}))`;
    }
    if (leaf < 0.4) return `(local.get ${SCRATCH[t]})`;
    if (leaf < 0.8) return `(local.get ${PARAM[t]})`;
    const v = pick(EDGE[t]);
    if (typeof v === "number" && Number.isNaN(v)) return `(${t}.const nan)`;
    if (typeof v === "number" && !Number.isFinite(v)) {
      return `(${t}.const ${v > 0 ? "inf" : "-inf"})`;
    }
    if (Object.is(v, -0)) return `(${t}.const -0)`;
    return `(${t}.const ${String(v)})`;
  }
  const sub = (u: T) => gen(rnd, u, depth - 1);
  const r = rnd();
  if (r < 0.35) {
    return `(${t}.${pick(isInt ? INT_BIN : FLT_BIN)} ${sub(t)} ${sub(t)})`;
  }
  if (r < 0.5) return `(${t}.${pick(isInt ? INT_UN : FLT_UN)} ${sub(t)})`;
  if (r < 0.75) {
    const opts = CONV.filter(([res]) => res === t);
    const [, op, from] = pick(opts);
    return `(${op} ${
      op.includes("reinterpret") ? canon(from, sub(from)) : sub(from)
    })`;
  }
  if (r < 0.8) return `(select ${sub(t)} ${sub(t)} ${sub("i32")})`;
  if (r < 0.85) return `(local.tee ${SCRATCH[t]} ${sub(t)})`;
  if (t === "i32") {
    const u = pick(TYPES);
    const ops = u === "i32" || u === "i64" ? INT_CMP : FLT_CMP;
    return `(${u}.${pick(ops)} ${sub(u)} ${sub(u)})`;
  }
  return `(${t}.${
    pick(isInt ? INT_BIN : FLT_BIN.filter((o) => o !== "copysign"))
  } ${sub(t)} ${sub(t)})`;
}

function show(v: unknown): string {
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    return Object.is(v, -0) ? "-0" : String(v);
  }
  return typeof v === "bigint" ? `${v}n` : String(v);
}

function call(
  ns: any,
  f: (...a: unknown[]) => unknown,
  args: unknown[],
): string {
  try {
    return show(f(...args));
  } catch (e) {
    // native stack overflow is a RangeError; Porta must say RuntimeError
    if (
      e instanceof ns.RuntimeError ||
      (ns === WebAssembly && e instanceof RangeError)
    ) return "trap";
    return `threw ${e}`;
  }
}

/** The Porta instances every module gets: both tiers, without and with a fuel limit. */
const PORTA_RUNS: { label: string; options: object }[] = [
  { label: "interp", options: { tier: "interp" } },
  { label: "interp+fuel", options: { tier: "interp", fuel: 1e12 } },
  { label: "js", options: { tier: "js" } },
  { label: "js+fuel", options: { tier: "js", fuel: 1e12 } },
];

/** One module instantiated on the host engine and in every {@link PORTA_RUNS} configuration. */
interface Runs {
  native: any;
  porta: { label: string; inst: any }[];
}

function instantiateAll(
  wa: any,
  bytes: Uint8Array,
  configs = PORTA_RUNS,
): Runs {
  const mod = new wa.Module(bytes);
  return {
    native: new WebAssembly.Instance(
      new WebAssembly.Module(bytes as BufferSource),
    ),
    porta: configs.map(({ label, options }) => ({
      label,
      inst: new wa.Instance(mod, {}, options),
    })),
  };
}

/**
 * Calls export `name` everywhere. Returns the host engine's outcome and, when
 * a Porta run disagrees with it or the runs' stepsUsed differ, a description.
 */
function callAll(
  wa: any,
  runs: Runs,
  name: string,
  args: unknown[],
): { outcome: string; problem: string | null } {
  const outcome = call(WebAssembly, runs.native.exports[name], args);
  const bad: string[] = [];
  for (const p of runs.porta) {
    const got = call(wa, p.inst.exports[name], args);
    if (got !== outcome) bad.push(`${p.label}=${got}`);
  }
  const steps = runs.porta.map((p) => wa.stepsUsed(p.inst));
  if (steps.some((n) => n !== steps[0])) {
    bad.push(
      `stepsUsed differ: ${
        runs.porta.map((p, i) => `${p.label} ${steps[i]}`).join(", ")
      }`,
    );
  }
  const where = `${name}(${args.map(show).join(", ")})`;
  return {
    outcome,
    problem: bad.length
      ? `${where}: native=${outcome} but ${bad.join(", ")}`
      : null,
  };
}

/**
 * Fuel exactness on both tiers: with exactly the steps one call needs (as
 * counted by the interpreter) it completes with the same result; with one
 * step less it traps, and stepsUsed is then exactly the limit.
 */
function fuelExact(
  wa: any,
  mod: any,
  name: string,
  args: unknown[],
): string | null {
  const probe = new wa.Instance(mod, {}, { tier: "interp" });
  const want = call(wa, probe.exports[name], args);
  const need = wa.stepsUsed(probe);
  if (want === "trap") return null;
  for (const tier of ["interp", "js"]) {
    const enough = new wa.Instance(mod, {}, { tier, fuel: need });
    const got = call(wa, enough.exports[name], args);
    const short = new wa.Instance(mod, {}, { tier, fuel: need - 1 });
    const cut = call(wa, short.exports[name], args);
    if (
      got !== want || cut !== "trap" || wa.stepsUsed(enough) !== need ||
      wa.stepsUsed(short) !== need - 1
    ) {
      return `${tier} ${name}: need ${need}: with it ${got} (want ${want}, stepsUsed ${
        wa.stepsUsed(enough)
      }), one less ${cut} (stepsUsed ${wa.stepsUsed(short)})`;
    }
  }
  return null;
}

const FUNCS = 1500;
const CALLS = 12;

Deno.test(`differential: ${FUNCS} random expression trees x ${CALLS} edge inputs [porta, porta-js]`, async () => {
  const wa = await porta();
  const rnd = prng(20261125);
  const types: T[] = [];
  const defs: string[] = [];
  for (let k = 0; k < FUNCS; k++) {
    const t = TYPES[k % 4];
    types.push(t);
    defs.push(
      `(func (export "f${k}") (param i32 i64 f32 f64) (result ${t}) ${LOCALS} ${
        gen(rnd, t, 2 + (k % 4))
      })`,
    );
  }
  const src = `(module ${defs.join("\n")})`;
  const bytes = await wat(src);
  const runs = instantiateAll(wa, bytes);
  const pick = <X>(xs: X[]): X => xs[Math.floor(rnd() * xs.length)];
  const problems: string[] = [];
  let traps = 0;
  for (let k = 0; k < FUNCS && problems.length < 15; k++) {
    for (let c = 0; c < CALLS; c++) {
      const args = [
        pick(EDGE.i32),
        pick(EDGE.i64),
        pick(EDGE.f32),
        pick(EDGE.f64),
      ];
      const { outcome, problem } = callAll(wa, runs, `f${k}`, args);
      if (outcome === "trap") traps++;
      if (problem) {
        problems.push(`${problem}\n   ${defs[k]}`);
        break;
      }
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
  assert.ok(
    traps > 0 && traps < FUNCS * CALLS / 2,
    `trap share looks wrong: ${traps}`,
  );
});

const MEM_FUNCS = 600;

function sameBytes(x: ArrayBuffer, y: ArrayBuffer): boolean {
  if (x.byteLength !== y.byteLength) return false;
  const a = new Int32Array(x), b = new Int32Array(y);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Random load/store/bulk-memory programs over `memories` memories (memory 0
 * and, for 2, memory 1 through the multi-memory encodings), compared with the
 * host engine after every call.
 */
function memoryDifferential(memories: 1 | 2, seed: number): void {
  Deno.test(
    `differential: ${MEM_FUNCS} random load/store/bulk-memory programs, ${memories} memor${
      memories === 1 ? "y" : "ies"
    } [porta, porta-js]`,
    async () => {
      const wa = await porta();
      const rnd = prng(seed);
      const pick = <X>(xs: X[]): X => xs[Math.floor(rnd() * xs.length)];
      const mem =
        (): string => (memories === 1 ? "" : `${Math.floor(rnd() * 2)} `);
      const defs: string[] = [];
      withMemory = true;
      memoryIndex = mem;
      try {
        for (let k = 0; k < MEM_FUNCS; k++) {
          const t = TYPES[k % 4];
          const stmts: string[] = [];
          for (let n = 1 + Math.floor(rnd() * 4); n > 0; n--) {
            const r = rnd();
            const u = pick(TYPES);
            const len = `(i32.and ${gen(rnd, "i32", 1)} (i32.const 0x1ff))`;
            if (r < 0.6) {
              stmts.push(
                `(${pick(STORES[u])} ${mem()}offset=${pick(OFFSETS)} ${
                  addr(rnd)
                } ${canon(u, gen(rnd, u, 2))})`,
              );
            } else if (r < 0.7) {
              stmts.push(
                `(memory.fill ${mem()}${addr(rnd)} ${
                  gen(rnd, "i32", 1)
                } ${len})`,
              );
            } else if (r < 0.8) {
              const pair = memories === 1 ? "" : `${mem()}${mem()}`;
              stmts.push(
                `(memory.copy ${pair}${addr(rnd)} ${addr(rnd)} ${len})`,
              );
            } else if (r < 0.85) {
              stmts.push(
                `(drop (memory.grow ${mem()}(i32.and ${
                  gen(rnd, "i32", 1)
                } (i32.const 1))))`,
              );
            } else {
              stmts.push(`(local.set ${SCRATCH[u]} ${gen(rnd, u, 2)})`);
            }
          }
          defs.push(
            `(func (export "f${k}") (param i32 i64 f32 f64) (result ${t}) ${LOCALS}\n  ${
              stmts.join("\n  ")
            }\n  ${gen(rnd, t, 2)})`,
          );
        }
      } finally {
        withMemory = false;
        memoryIndex = () => "";
      }
      // (active data segments go to memory 0 only: see the wabt.js note in tests/helpers/wat.ts)
      const second = memories === 2 ? `(memory (export "m1") 1 3)` : "";
      const src = `(module (memory (export "m0") 1 2) ${second}
        (data (i32.const 0) "\\01\\ff\\7f\\80abcdefgh") (data (i32.const 65520) "0123456789abcdef")
        ${defs.join("\n")})`;
      const bytes = await wat(src);
      // both tiers under the same fuel limit (comparing memories after every
      // call is the cost here, so the unlimited runs are left to the other tests)
      const runs = instantiateAll(
        wa,
        bytes,
        PORTA_RUNS.filter((r) => r.label.endsWith("+fuel")),
      );
      const theirs = runs.native.exports;
      const names = memories === 1 ? ["m0"] : ["m0", "m1"];
      const problems: string[] = [];
      let traps = 0;
      const edgeAddr = [0, 4, 65530, 65535, 65536, 131070, -1, 0x7fffffff];
      const nonZero = (m: string) =>
        new Uint8Array(runs.porta[0].inst.exports[m].buffer).filter((v) =>
          v !== 0
        ).length;
      const mostWritten: Record<string, number> = {};
      for (let k = 0; k < MEM_FUNCS && problems.length === 0; k++) {
        if (k % 50 === 49) {
          for (const m of names) {
            mostWritten[m] = Math.max(mostWritten[m] ?? 0, nonZero(m));
          }
        }
        for (let c = 0; c < 6; c++) {
          const args = [
            pick(edgeAddr),
            pick(EDGE.i64),
            pick(EDGE.f32),
            pick(EDGE.f64),
          ];
          const { outcome, problem } = callAll(wa, runs, `f${k}`, args);
          if (outcome === "trap") traps++;
          const differs = runs.porta.flatMap((p) =>
            names.filter((m) =>
              !sameBytes(p.inst.exports[m].buffer, theirs[m].buffer)
            ).map((m) => `${p.label} ${m}`)
          );
          if (problem || differs.length > 0) {
            problems.push(
              `${problem ?? `f${k}(${args.map(show).join(", ")})`}` +
                (differs.length
                  ? ` memory differs: ${differs.join(", ")}`
                  : "") +
                `\n   ${defs[k]}`,
            );
            break; // later calls would diverge anyway
          }
        }
      }
      assert.deepEqual(problems, [], problems.join("\n"));
      assert.ok(
        traps > 0 && traps < MEM_FUNCS * 6 * 0.9,
        `trap share looks wrong: ${traps}`,
      );
      for (const m of names) {
        assert.ok(
          mostWritten[m] > 200,
          `programs should write ${m} (at most ${
            mostWritten[m]
          } non-zero bytes)`,
        );
      }
    },
  );
}

memoryDifferential(1, 0x3e3);
memoryDifferential(2, 0x3e4);

const CF_FUNCS = 500;
const I32_CMP = [
  "eq",
  "ne",
  "lt_s",
  "lt_u",
  "gt_s",
  "gt_u",
  "le_s",
  "le_u",
  "ge_s",
  "ge_u",
];

/** A random condition: often `local op const` (the shape engines fuse with br_if). */
function cond(rnd: () => number): string {
  const pick = <X>(xs: X[]): X => xs[Math.floor(rnd() * xs.length)];
  const r = rnd();
  if (r < 0.5) {
    return `(i32.${pick(I32_CMP)} (local.get ${pick([0, 6])}) (i32.const ${
      pick(EDGE.i32 as number[])
    }))`;
  }
  if (r < 0.7) return `(i32.${pick(I32_CMP)} (local.get 0) (local.get 6))`;
  if (r < 0.8) return `(i32.eqz (local.get 6))`;
  return gen(rnd, "i32", 2);
}

/** Random structured statements; loops always terminate (own counter local 10+depth). */
function stmts(
  rnd: () => number,
  depth: number,
  blocks: number[],
  n: number,
): string {
  const out: string[] = [];
  const pick = <X>(xs: X[]): X => xs[Math.floor(rnd() * xs.length)];
  for (let k = 0; k < n; k++) {
    const r = rnd();
    const t = pick(TYPES);
    if (depth <= 0 || r < 0.35) {
      out.push(`(local.set ${SCRATCH[t]} ${gen(rnd, t, 2)})`);
    } else if (r < 0.45) {
      out.push(
        `(if ${cond(rnd)} (then ${
          stmts(rnd, depth - 1, blocks.map((b) => b + 1), 2)
        }) (else ${stmts(rnd, depth - 1, blocks.map((b) => b + 1), 1)}))`,
      );
    } else if (r < 0.6) {
      const inner = [0, ...blocks.map((b) => b + 1)];
      out.push(
        `(block ${stmts(rnd, depth - 1, inner, 2)} (br_if ${pick(inner)} ${
          cond(rnd)
        }) ${stmts(rnd, depth - 1, inner, 1)})`,
      );
    } else if (r < 0.7) {
      const c = 10 + depth;
      const inner = blocks.map((b) => b + 2);
      out.push(
        `(local.set ${c} (i32.const 0)) (block (loop ${
          stmts(rnd, depth - 1, [1, ...inner], 2)
        }` +
          ` (br_if 0 (i32.lt_u (local.tee ${c} (i32.add (local.get ${c}) (i32.const 1))) (i32.const ${
            1 + Math.floor(rnd() * 6)
          })))))`,
      );
    } else if (r < 0.8 && blocks.length > 0) {
      const targets = Array.from(
        { length: 1 + Math.floor(rnd() * 4) },
        () => pick(blocks),
      );
      out.push(
        `(br_table ${targets.join(" ")} ${pick(blocks)} ${gen(rnd, "i32", 1)})`,
      );
    } else if (r < 0.9) {
      out.push(
        `(local.set 6 (block (result i32) (br_if 0 ${gen(rnd, "i32", 1)} ${
          cond(rnd)
        }) (drop) ${gen(rnd, "i32", 1)}))`,
      );
    } else {
      out.push(
        `(local.set ${SCRATCH[t]} (select ${gen(rnd, t, 1)} ${gen(rnd, t, 1)} ${
          cond(rnd)
        }))`,
      );
    }
  }
  return out.join(" ");
}

Deno.test(`differential: ${CF_FUNCS} random structured control-flow programs [porta, porta-js]`, async () => {
  const wa = await porta();
  const rnd = prng(0xc0f);
  const pick = <X>(xs: X[]): X => xs[Math.floor(rnd() * xs.length)];
  const defs: string[] = [];
  for (let k = 0; k < CF_FUNCS; k++) {
    defs.push(
      `(func (export "f${k}") (param i32 i64 f32 f64) (result i32 i64 f32 f64) ${LOCALS} (local i32 i32 i32 i32 i32 i32)
        ${stmts(rnd, 1 + (k % 4), [], 3)}
        (local.get 6) (local.get 7) ${canon("f32", "(local.get 8)")} ${
        canon("f64", "(local.get 9)")
      })`,
    );
  }
  const bytes = await wat(`(module ${defs.join("\n")})`);
  const runs = instantiateAll(wa, bytes);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (let k = 0; k < CF_FUNCS && problems.length < 5; k++) {
    for (let c = 0; c < 8; c++) {
      const args = [
        pick(EDGE.i32),
        pick(EDGE.i64),
        pick(EDGE.f32),
        pick(EDGE.f64),
      ];
      const { outcome, problem } = callAll(wa, runs, `f${k}`, args);
      seen.add(outcome);
      if (problem) {
        problems.push(`${problem}\n   ${defs[k]}`);
        break;
      }
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
  assert.ok(
    seen.size > CF_FUNCS,
    `results should vary (${seen.size} distinct)`,
  );

  // Fuel exactness on the same random programs, on both tiers.
  const mod = new wa.Module(bytes);
  const fuelProblems: string[] = [];
  for (let k = 0; k < 150 && fuelProblems.length < 5; k++) {
    const args = [
      pick(EDGE.i32),
      pick(EDGE.i64),
      pick(EDGE.f32),
      pick(EDGE.f64),
    ];
    const p = fuelExact(wa, mod, `f${k}`, args);
    if (p) fuelProblems.push(p);
  }
  assert.deepEqual(fuelProblems, []);
});

const CALL_FUNCS = 240;

Deno.test(`differential: ${CALL_FUNCS} random call graphs (call, call_indirect, return_call) [porta, porta-js]`, async () => {
  const wa = await porta();
  const rnd = prng(0xca11);
  const pick = <X>(xs: X[]): X => xs[Math.floor(rnd() * xs.length)];
  const defs: string[] = [];
  const byType: Record<T, number[]> = { i32: [], i64: [], f32: [], f64: [] };
  callees = byType;
  try {
    for (let k = 0; k < CALL_FUNCS; k++) {
      const t = TYPES[Math.floor(rnd() * 4)];
      let body = gen(rnd, t, 3);
      if (byType[t].length > 0 && rnd() < 0.3) {
        // tail call as the last instruction
        const args = TYPES.map((u) => gen(rnd, u, 1)).join(" ");
        body = rnd() < 0.5
          ? `(drop ${body}) (return_call $h${pick(byType[t])} ${args})`
          : `(drop ${body}) (return_call_indirect (type $sig_${t}) ${args} (i32.const ${
            pick(byType[t])
          }))`;
      }
      defs.push(
        `(func $h${k} (export "h${k}") (type $sig_${t}) ${LOCALS} ${body})`,
      );
      byType[t].push(k);
    }
  } finally {
    callees = null;
  }
  const sigs = TYPES.map((t) =>
    `(type $sig_${t} (func (param i32 i64 f32 f64) (result ${t})))`
  ).join(
    "\n",
  );
  const src = `(module ${sigs}
    (table 64 funcref) (elem (i32.const 0) ${
    Array.from({ length: 64 }, (_, k) => `$h${k}`).join(" ")
  })
    ${defs.join("\n")})`;
  const bytes = await wat(src);
  const runs = instantiateAll(wa, bytes);
  const problems: string[] = [];
  let traps = 0;
  for (let k = 0; k < CALL_FUNCS && problems.length < 5; k++) {
    for (let c = 0; c < 6; c++) {
      const args = [
        pick(EDGE.i32),
        pick(EDGE.i64),
        pick(EDGE.f32),
        pick(EDGE.f64),
      ];
      const { outcome, problem } = callAll(wa, runs, `h${k}`, args);
      if (outcome === "trap") traps++;
      if (problem) {
        problems.push(`${problem}\n   ${defs[k]}`);
        break;
      }
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
  assert.ok(
    traps > 0,
    "some calls should trap (indirect type mismatch, division, ...)",
  );

  // Fuel exactness across calls, indirect calls and tail calls, on both tiers.
  const mod = new wa.Module(bytes);
  const fuelProblems: string[] = [];
  for (let k = 0; k < CALL_FUNCS && fuelProblems.length < 5; k += 2) {
    const args = [
      pick(EDGE.i32),
      pick(EDGE.i64),
      pick(EDGE.f32),
      pick(EDGE.f64),
    ];
    const p = fuelExact(wa, mod, `h${k}`, args);
    if (p) fuelProblems.push(p);
  }
  assert.deepEqual(fuelProblems, []);
});
