// Mutation fuzzing of the Porta engine: mutated valid modules (byte flips,
// truncations, insertions, deletions, section shuffles/duplicates) must either
// compile or throw CompileError (never anything else), a module Porta accepts
// must also be accepted by the host engine (a superset of Porta's features),
// and instantiating and running what compiles, under fuel and memory limits,
// may only throw RuntimeError or LinkError (TypeError only for JS argument
// conversion of reference parameters). Seeded, bounded: 2000 cases. What runs,
// runs on both Porta tiers (interp and js) under the same limits, which must
// agree on every outcome (value, error class and message) and on stepsUsed.
// Random modules from binaryen's translate-to-fuzz (wasm-opt -ttf, when
// installed) run on the host engine and on both tiers.
import assert from "node:assert/strict";
import { wat } from "../helpers/wat.ts";
import { porta } from "./_harness.ts";

const CASES = 2000;
const SEED = 0x5eed_2026;
const FUEL = 20_000;

const CORPUS = [
  `(module (memory (export "m") 1 4) (data (i32.const 16) "abcdef")
    (global $g (mut i32) (i32.const 7))
    (func (export "a") (param i32) (result i32) (local i64)
      (local.set 1 (i64.extend_i32_u (local.get 0)))
      (block $d (loop $l (br_if $d (i32.eqz (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (i32.store offset=4 (local.get 0) (i32.load8_u (i32.const 17)))
        (global.set $g (i32.add (global.get $g) (i32.const 1))) (br $l)))
      (i32.wrap_i64 (i64.mul (local.get 1) (i64.const 3))))
    (func (export "b") (result f64) (f64.sqrt (f64.convert_i32_s (memory.grow (i32.const 1))))))`,
  `(module (type $t (func (param i32) (result i32)))
    (table 4 funcref) (elem (i32.const 0) $f $g)
    (func $f (type $t) (i32.mul (local.get 0) (i32.const 2)))
    (func $g (type $t) (if (result i32) (local.get 0)
      (then (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 1)))
      (else (i32.const 0))))
    (func (export "c") (param i32) (result i32)
      (call_indirect (type $t) (local.get 0) (i32.and (local.get 0) (i32.const 3))))
    (func $r (export "r") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1))
        (else (return_call $r (i32.sub (local.get 0) (i32.const 1)))))))`,
  `(module (import "env" "h" (func $h (param i32) (result i32)))
    (import "env" "mem" (memory 1))
    (memory $b 1)
    (global $x i64 (i64.add (i64.const 1) (i64.const 2)))
    (data $p "xyz")
    (func (export "d") (param i32 i32 i32)
      (memory.copy $b 0 (local.get 0) (local.get 1) (local.get 2))
      (memory.fill (local.get 0) (i32.const 9) (local.get 2))
      (memory.init $b $p (local.get 0) (i32.const 0) (i32.const 3))
      (drop (call $h (local.get 1))))
    (func (export "e") (result i32 i64 f32)
      (i32.const 1) (global.get $x) (f32.const -0.5))
    (func (export "f") (param f32 f64) (result i32)
      (i32.trunc_sat_f32_s (f32.add (local.get 0) (f32.demote_f64 (local.get 1))))))`,
  `(module (table $t 2 externref) (table $u 2 funcref)
    (elem declare func $k)
    (func $k (result i32) (i32.const 5))
    (func (export "g") (param externref) (result i32)
      (table.set $t (i32.const 0) (local.get 0))
      (table.set $u (i32.const 1) (ref.func $k))
      (drop (table.grow $t (ref.null extern) (i32.const 1)))
      (i32.add (table.size $t) (ref.is_null (table.get $t (i32.const 1)))))
    (func (export "h") (param i32) (result i32)
      (block $a (block $b (block $c (br_table $a $b $c (local.get 0)))
        (return (i32.const 1))) (return (i32.const 2))) (i32.const 3))
    (start $k2) (func $k2))`,
];

/** mulberry32: small seeded PRNG. */
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

interface Section {
  id: number;
  bytes: Uint8Array; // whole section including id and size
}

function sections(m: Uint8Array): Section[] | null {
  const out: Section[] = [];
  let p = 8;
  while (p < m.length) {
    const start = p;
    const id = m[p++];
    let size = 0, shift = 0, b: number;
    do {
      if (p >= m.length) return null;
      b = m[p++];
      size |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    if (p + size > m.length) return null;
    p += size;
    out.push({ id, bytes: m.subarray(start, p) });
  }
  return out;
}

function join(header: Uint8Array, secs: Section[]): Uint8Array {
  const total = header.length + secs.reduce((n, s) => n + s.bytes.length, 0);
  const out = new Uint8Array(total);
  out.set(header, 0);
  let p = header.length;
  for (const s of secs) {
    out.set(s.bytes, p);
    p += s.bytes.length;
  }
  return out;
}

/** Opcode families whose members share a signature (swapping keeps most modules valid). */
const FAMILIES: [number, number][] = [
  [0x46, 0x4f], // i32 compares
  [0x6a, 0x78], // i32 binary
  [0x7c, 0x8a], // i64 binary
  [0x92, 0x98], // f32 binary
  [0x67, 0x69], // i32 unary
];

/**
 * Same-family opcode swap inside the code section: mostly valid mutants that
 * execute different code paths (traps, divisions by zero, ...).
 */
function swapOp(m: Uint8Array, rnd: () => number): [Uint8Array, string] | null {
  const int = (n: number) => Math.floor(rnd() * n);
  const code = sections(m)?.find((s) => s.id === 10);
  if (!code) return null;
  const base = code.bytes.byteOffset - m.byteOffset;
  for (let tries = 0; tries < 20; tries++) {
    const at = base + int(code.bytes.length);
    const fam = FAMILIES.find(([lo, hi]) => m[at] >= lo && m[at] <= hi);
    if (fam) {
      const out = m.slice();
      out[at] = fam[0] + int(fam[1] - fam[0] + 1);
      return [
        out,
        `swap-op@${at}:${m[at].toString(16)}->${out[at].toString(16)}`,
      ];
    }
  }
  return null;
}

/** Changes the one-byte immediate of an `i32.const`/`i64.const` in the code section. */
function tweakConst(
  m: Uint8Array,
  rnd: () => number,
): [Uint8Array, string] | null {
  const int = (n: number) => Math.floor(rnd() * n);
  const code = sections(m)?.find((s) => s.id === 10);
  if (!code) return null;
  const base = code.bytes.byteOffset - m.byteOffset;
  for (let tries = 0; tries < 40; tries++) {
    const at = base + int(code.bytes.length - 1);
    if ((m[at] === 0x41 || m[at] === 0x42) && m[at + 1] < 0x80) {
      const out = m.slice();
      out[at + 1] = int(0x80);
      return [out, `const@${at}:${m[at + 1]}->${out[at + 1]}`];
    }
  }
  return null;
}

function mutate(m: Uint8Array, rnd: () => number): [Uint8Array, string] {
  const int = (n: number) => Math.floor(rnd() * n);
  const op = int(10);
  if (op >= 7) {
    const r = swapOp(m, rnd);
    if (r) return r;
  }
  const pos = 8 + int(Math.max(1, m.length - 8));
  switch (op) {
    case 0: {
      const out = m.slice();
      const x = 1 + int(255);
      out[pos % out.length] ^= x;
      return [out, `flip@${pos}^${x}`];
    }
    case 1:
      return [m.slice(0, pos), `truncate@${pos}`];
    case 2: {
      const ins = Array.from({ length: 1 + int(4) }, () => int(256));
      return [
        new Uint8Array([...m.subarray(0, pos), ...ins, ...m.subarray(pos)]),
        `insert@${pos}`,
      ];
    }
    case 3: {
      const n = 1 + int(4);
      return [
        new Uint8Array([...m.subarray(0, pos), ...m.subarray(pos + n)]),
        `delete@${pos}+${n}`,
      ];
    }
    case 4:
    case 5: {
      const secs = sections(m);
      if (secs === null || secs.length < 2) {
        return [m.slice(0, pos), `truncate@${pos}`];
      }
      const i = int(secs.length), j = int(secs.length);
      if (op === 4) {
        [secs[i], secs[j]] = [secs[j], secs[i]];
        return [join(m.subarray(0, 8), secs), `swap-sections ${i},${j}`];
      }
      secs.splice(j, 0, secs[i]);
      return [join(m.subarray(0, 8), secs), `duplicate-section ${i}->${j}`];
    }
    default: {
      const out = m.slice();
      out[pos % out.length] = [0x80, 0xff, 0x7f, 0x00, 0x40][int(5)];
      return [out, `leb-byte@${pos}`];
    }
  }
}

/** A value as text (NaN and -0 spelled out, any NaN the same; arrays element by element). */
function valueText(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(valueText).join(",")}]`;
  if (typeof v === "number") {
    return Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : String(v);
  }
  if (typeof v === "bigint") return `${v}n`;
  if (v === null || v === undefined) return String(v);
  return typeof v;
}

/** An error as its class and first line (to compare the tiers exactly). */
function errorText(e: unknown): string {
  return e instanceof Error
    ? `${e.constructor.name}: ${e.message.split("\n")[0]}`
    : `threw ${String(e)}`;
}

/** Imports for any module: every field of every module name is a host function. */
function anyImports(wa: any): object {
  const mem = new wa.Memory({ initial: 1, maximum: 2 });
  return new Proxy({}, {
    get: () =>
      new Proxy({}, {
        get: (_t, name) => (name === "mem" ? mem : () => 0),
      }),
  });
}

Deno.test(`fuzz: ${CASES} mutated modules never crash the engine [porta, porta-js]`, async () => {
  const wa = await porta();
  const corpus = await Promise.all(CORPUS.map((s) => wat(s)));
  for (const c of corpus) {
    assert.ok(wa.validate(c), "corpus module must be valid");
  }
  const rnd = prng(SEED);
  const failures: string[] = [];
  let compiled = 0, ran = 0;
  for (let k = 0; k < CASES && failures.length < 10; k++) {
    let bytes = corpus[Math.floor(rnd() * corpus.length)];
    const ops: string[] = [];
    const rounds = rnd() < 0.6 ? 1 : 2 + Math.floor(rnd() * 2);
    for (let r = 0; r < rounds; r++) {
      const [b, op] = mutate(bytes, rnd);
      bytes = b;
      ops.push(op);
    }
    const tag = `case ${k} (${ops.join(", ")})`;
    let mod: any;
    try {
      mod = new wa.Module(bytes);
    } catch (e) {
      if (!(e instanceof wa.CompileError)) {
        failures.push(`${tag}: compile threw ${String(e)}`);
      }
      continue;
    }
    compiled++;
    if (!WebAssembly.validate(bytes as BufferSource)) {
      failures.push(`${tag}: Porta accepted a module the host engine rejects`);
      continue;
    }
    // the same mutant on both tiers, under the same limits
    const insts: any[] = [];
    const made: string[] = [];
    for (const tier of ["interp", "js"]) {
      try {
        insts.push(
          new wa.Instance(mod, anyImports(wa), {
            fuel: FUEL,
            maxMemoryPages: 8,
            maxCallDepth: 500,
            tier,
          }),
        );
        made.push("ok");
      } catch (e) {
        if (!(e instanceof wa.RuntimeError || e instanceof wa.LinkError)) {
          failures.push(`${tag}: instantiate (${tier}) threw ${String(e)}`);
        }
        made.push(errorText(e));
      }
    }
    if (made[0] !== made[1]) {
      failures.push(
        `${tag}: instantiation differs: interp ${made[0]}, js ${made[1]}`,
      );
      continue;
    }
    if (insts.length < 2) continue;
    const [interp, js] = insts;
    for (const [name, f] of Object.entries(interp.exports)) {
      if (typeof f !== "function") continue;
      const outs: string[] = [];
      for (const inst of [interp, js]) {
        try {
          // "1" converts to every numeric type (ToNumber and ToBigInt both accept it)
          outs.push(valueText(inst.exports[name]("1", "1", "1")));
          if (inst === interp) ran++;
        } catch (e) {
          outs.push(errorText(e));
          if (e instanceof wa.RuntimeError) {
            if (inst === interp) ran++;
            continue;
          }
          if (
            e instanceof TypeError &&
            /ref|func|convert|BigInt|type/i.test(e.message)
          ) continue;
          failures.push(`${tag}: calling ${name} threw ${String(e)}`);
        }
      }
      if (outs[0] !== outs[1]) {
        failures.push(
          `${tag}: ${name}: interp ${outs[0]}, js ${outs[1]}`,
        );
      }
      const steps = [wa.stepsUsed(interp), wa.stepsUsed(js)];
      if (steps[0] !== steps[1]) {
        failures.push(
          `${tag}: after ${name}: stepsUsed interp ${steps[0]}, js ${steps[1]}`,
        );
      }
    }
  }
  assert.deepEqual(failures, [], failures.join("\n"));
  // the mutations must leave a useful share of compilable modules
  assert.ok(
    compiled > CASES / 20,
    `only ${compiled} of ${CASES} mutants compiled`,
  );
  assert.ok(ran > 0, "no mutant ran");
});

/** A comparable outcome of calling an export: its result, or that it trapped. */
function outcome(wa: any, f: (...a: unknown[]) => unknown): string {
  try {
    const r = f("1", "1", "1");
    const show = (v: unknown): string =>
      typeof v === "number"
        ? (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : String(v))
        : typeof v === "bigint"
        ? `${v}n`
        : v === null
        ? "null"
        : typeof v;
    return Array.isArray(r) ? `[${r.map(show).join(",")}]` : show(r);
  } catch (e) {
    if (e instanceof wa.RuntimeError) {
      return /fuel/.test((e as Error).message) ? "trap: fuel" : "trap";
    }
    if (e instanceof RangeError) return "trap"; // native stack overflow
    return `threw ${(e as Error)?.constructor?.name}`;
  }
}

Deno.test("fuzz: Porta agrees with the host engine on 1000 semantic mutants [porta, porta-js]", async () => {
  const wa = await porta();
  const corpus = await Promise.all(CORPUS.map((s) => wat(s)));
  const rnd = prng(SEED ^ 0xd1ff);
  const problems: string[] = [];
  let compared = 0;
  for (let k = 0; k < 1000 && problems.length < 10; k++) {
    let bytes = corpus[Math.floor(rnd() * corpus.length)];
    const ops: string[] = [];
    for (let r = 0, n = 1 + Math.floor(rnd() * 3); r < n; r++) {
      const m = rnd() < 0.6 ? swapOp(bytes, rnd) : tweakConst(bytes, rnd);
      if (m) {
        bytes = m[0];
        ops.push(m[1]);
      }
    }
    const tag = `case ${k} (${ops.join(", ")})`;
    const ours = wa.validate(bytes),
      theirs = WebAssembly.validate(bytes as BufferSource);
    // V8 implements later proposals (e.g. GC heap types such as 0x72 in
    // ref.null), so it may accept what Porta rightly rejects; never the reverse.
    if (ours && !theirs) {
      problems.push(`${tag}: Porta accepts a module the host engine rejects`);
      continue;
    }
    if (!ours || !theirs) continue;
    const mk = (ns: any, opts?: object): any => {
      const mem = new ns.Memory({ initial: 1, maximum: 2 });
      const imports = { env: { h: (x: number) => x * 3 + 1, mem } };
      try {
        const m = new ns.Module(bytes);
        return opts
          ? new ns.Instance(m, imports, opts)
          : new ns.Instance(m, imports);
      } catch (e) {
        return e instanceof ns.RuntimeError
          ? "trap"
          : `threw ${(e as Error)?.constructor?.name}`;
      }
    };
    const a = mk(wa, { fuel: 200_000, tier: "interp" });
    const j = mk(wa, { fuel: 200_000, tier: "js" });
    if (typeof a === "string" || typeof j === "string") {
      if (a !== j) {
        problems.push(
          `${tag}: instantiate interp=${typeof a === "string" ? a : "ok"} js=${
            typeof j === "string" ? j : "ok"
          }`,
        );
        continue;
      }
      if (/fuel/.test(String(a))) continue;
      const b = mk(WebAssembly);
      if (typeof b !== "string" || a !== b) {
        problems.push(`${tag}: instantiate porta=${a} native=${b}`);
      }
      continue;
    }
    const b = mk(WebAssembly);
    let fuelOut = false;
    for (const name of Object.keys(a.exports)) {
      if (typeof a.exports[name] !== "function") continue;
      const ra = outcome(wa, a.exports[name]);
      const rj = outcome(wa, j.exports[name]);
      const sa = wa.stepsUsed(a), sj = wa.stepsUsed(j);
      if (ra !== rj || sa !== sj) {
        problems.push(
          `${tag}: ${name}("1","1","1") interp=${ra} (stepsUsed ${sa}) js=${rj} (stepsUsed ${sj})`,
        );
        break;
      }
      // Porta stopped a (possibly very long) loop: native diverges from here
      if (fuelOut || ra === "trap: fuel") {
        fuelOut = true;
        continue;
      }
      const rb = outcome(WebAssembly, b.exports[name]);
      compared++;
      if (ra !== rb) {
        problems.push(`${tag}: ${name}("1","1","1") porta=${ra} native=${rb}`);
      }
    }
    const ma = a.exports.m, mj = j.exports.m, mb = b.exports.m;
    const same = (p: ArrayBuffer, q: ArrayBuffer) => {
      const x = new Uint8Array(p), y = new Uint8Array(q);
      return x.length === y.length && x.every((v, i) => v === y[i]);
    };
    if (ma && mj && !same(ma.buffer, mj.buffer)) {
      problems.push(`${tag}: exported memory differs between interp and js`);
    }
    if (!fuelOut && ma && mb && !same(ma.buffer, mb.buffer)) {
      problems.push(`${tag}: exported memory differs after the calls`);
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
  assert.ok(compared > 500, `only ${compared} calls compared`);
});

Deno.test("fuzz: Porta's validator agrees with the host on 1500 numeric-opcode mutants [porta]", async () => {
  const wa = await porta();
  const corpus = await Promise.all(CORPUS.map((s) => wat(s)));
  const rnd = prng(SEED ^ 0x7a11d);
  const int = (n: number) => Math.floor(rnd() * n);
  const problems: string[] = [];
  let valid = 0, invalid = 0;
  for (let k = 0; k < 1500 && problems.length < 10; k++) {
    const base = corpus[int(corpus.length)];
    const code = sections(base)?.find((s) => s.id === 10);
    if (!code) continue;
    const out = base.slice();
    const start = code.bytes.byteOffset - base.byteOffset;
    const edits: string[] = [];
    for (let n = 1 + int(2); n > 0; n--) {
      const at = start + 3 + int(code.bytes.length - 3);
      // any MVP numeric opcode (0x45..0xc4): both engines know all of them
      const op = 0x45 + int(0xc4 - 0x45 + 1);
      edits.push(`@${at}:${out[at].toString(16)}->${op.toString(16)}`);
      out[at] = op;
    }
    const ours = wa.validate(out),
      theirs = WebAssembly.validate(out as BufferSource);
    if (ours) valid++;
    else invalid++;
    if (ours !== theirs) {
      let why = "";
      try {
        new wa.Module(out);
      } catch (e) {
        why = (e as Error).message;
      }
      problems.push(
        `case ${k} (${edits.join(" ")}): porta=${ours} native=${theirs} ${why}`,
      );
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
  assert.ok(valid > 20 && invalid > 200, `valid ${valid}, invalid ${invalid}`);
});

/** Encodes a module with one function `(param i32) (result i32)` whose body is `ops`. */
function oneFunc(ops: number[]): Uint8Array {
  const body = [1, 1, 0x7e, ...ops]; // one i64 local
  const leb = (n: number): number[] => {
    const r: number[] = [];
    do {
      r.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
      n >>>= 7;
    } while (n > 0);
    return r;
  };
  const sec = (id: number, p: number[]) => [id, ...leb(p.length), ...p];
  return new Uint8Array([
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...sec(1, [1, 0x60, 1, 0x7f, 1, 0x7f]),
    ...sec(3, [1, 0]),
    ...sec(5, [1, 0, 1]),
    ...sec(10, [1, ...leb(body.length), ...body]),
  ]);
}

Deno.test("fuzz: validator agrees with the host on 5000 random instruction sequences [porta]", async () => {
  const wa = await porta();
  const rnd = prng(SEED ^ 0x57ac);
  const int = (n: number) => Math.floor(rnd() * n);
  // [bytes, weight]: stack-polymorphic ops (unreachable, br, return, br_table)
  // are frequent on purpose, as are block-type and arity changes.
  const OPS: number[][] = [
    [0x00],
    [0x0c, 0],
    [0x0c, 1],
    [0x0f],
    [0x0e, 1, 0, 0],
    [0x0d, 0],
    [0x1a],
    [0x1b],
    [0x1c, 1, 0x7f],
    [0x41, 1],
    [0x42, 1],
    [0x43, 0, 0, 0x80, 0x3f],
    [0x6a],
    [0x7c],
    [0x45],
    [0x50],
    [0xa7],
    [0xad],
    [0x20, 0],
    [0x20, 1],
    [0x21, 0],
    [0x21, 1],
    [0x22, 0],
    [0x01],
    [0x28, 2, 0],
    [0x36, 2, 0],
    [0x3f, 0],
    [0xd0, 0x70],
    [0xd1],
  ];
  const OPEN: number[][] = [
    [0x02, 0x40],
    [0x02, 0x7f],
    [0x03, 0x40],
    [0x03, 0x7f],
    [0x04, 0x40],
    [0x04, 0x7f],
  ];
  const problems: string[] = [];
  let valid = 0;
  for (let k = 0; k < 5000 && problems.length < 10; k++) {
    const ops: number[] = [];
    let depth = 0;
    for (let n = 1 + int(8); n > 0; n--) {
      const r = rnd();
      if (r < 0.15) {
        ops.push(...OPEN[int(OPEN.length)]);
        depth++;
      } else if (r < 0.25 && depth > 0) {
        ops.push(rnd() < 0.3 ? 0x05 : 0x0b); // else / end
        if (ops.at(-1) === 0x0b) depth--;
      } else {
        ops.push(...OPS[int(OPS.length)]);
      }
    }
    while (depth-- > 0) ops.push(0x0b);
    ops.push(0x0b);
    const bytes = oneFunc(ops);
    const ours = wa.validate(bytes),
      theirs = WebAssembly.validate(bytes as BufferSource);
    if (ours) valid++;
    if (ours !== theirs) {
      let why = "";
      try {
        new wa.Module(bytes);
      } catch (e) {
        why = (e as Error).message;
      }
      const hex = ops.map((b) => b.toString(16).padStart(2, "0")).join(" ");
      problems.push(
        `case ${k}: body [${hex}]: porta=${ours} native=${theirs} ${why}`,
      );
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
  assert.ok(valid > 100, `only ${valid} valid sequences`);
});

// ---- binaryen translate-to-fuzz modules ----

/** wasm-opt features the generated modules may use (all implemented by Porta). */
const TTF_FEATURES = [
  "--enable-sign-ext",
  "--enable-mutable-globals",
  "--enable-nontrapping-float-to-int",
  "--enable-bulk-memory",
  "--enable-multivalue",
  "--enable-tail-call",
];
const TTF_MODULES = 40;
const TTF_FUEL = 5_000_000;

function wasmOptVersion(): string | null {
  try {
    const out = new Deno.Command("wasm-opt", {
      args: ["--version"],
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}
const WASM_OPT = wasmOptVersion();

/**
 * `wasm-opt -ttf` turns seed bytes into a valid module that logs values
 * through `fuzzing-support` imports and bounds its loops and recursion with a
 * hang limit (reset by the export `hangLimitInitializer`); `--denan` keeps
 * NaNs (whose bits engines may choose) out of the results.
 */
async function ttfModule(
  dir: string,
  k: number,
  features = TTF_FEATURES,
): Promise<Uint8Array> {
  const rnd = prng(SEED ^ (0x77f0000 + k));
  const seed = new Uint8Array(1024 + Math.floor(rnd() * 15 * 1024));
  for (let i = 0; i < seed.length; i++) seed[i] = Math.floor(rnd() * 256);
  const input = `${dir}/seed${k}.bin`, output = `${dir}/m${k}.wasm`;
  await Deno.writeFile(input, seed);
  const out = await new Deno.Command("wasm-opt", {
    args: ["-ttf", input, "--denan", ...features, "-o", output],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `wasm-opt -ttf failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return await Deno.readFile(output);
}

/** One engine's run of a ttf module: its outcome per step and its log. */
interface TtfRun {
  steps: string[];
  log: string[];
  inst: any;
}

/** Argument values for the calls of a ttf module's exports, per type. */
const TTF_ARGS: Record<string, unknown[]> = {
  i32: [0, 1, -1, 7, 0x7fffffff, -0x80000000, 65535, 1024],
  i64: [0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x100000000n],
  f32: [0, -0, 1, -1.5, 3.4028234663852886e38, Infinity, 0.1],
  f64: [0, -0, 1, -2.5, 1e300, -Infinity, 5e-324, 0.1],
};

/** One call: export name and arguments. */
type TtfCall = [string, unknown[]];

/**
 * The calls made on every engine: each exported function (in export order)
 * once with zero-like arguments and twice with arguments drawn from
 * {@link TTF_ARGS} (parameter types from Porta's describeModule).
 */
function ttfPlan(wa: any, bytes: Uint8Array, rnd: () => number): TtfCall[] {
  const plan: TtfCall[] = [];
  for (const e of wa.describeModule(new wa.Module(bytes)).exports) {
    if (e.kind !== "function" || e.name === "hangLimitInitializer") continue;
    const params = (/^\(([^)]*)\)/.exec(e.type)?.[1] ?? "").split(/[ ,]+/)
      .filter((t) => t !== "");
    if (!params.every((t) => t in TTF_ARGS)) continue;
    for (let c = 0; c < 3; c++) {
      plan.push([
        e.name,
        params.map((t) => {
          const vs = TTF_ARGS[t];
          return vs[c === 0 ? 0 : Math.floor(rnd() * vs.length)];
        }),
      ]);
    }
  }
  return plan;
}

/** Instantiates `bytes` and makes the planned calls, each after resetting the hang limit. */
function runTtf(
  ns: any,
  bytes: Uint8Array,
  plan: TtfCall[],
  options?: object,
  logV128?: Uint8Array,
): TtfRun {
  const log: string[] = [];
  const logger = (mod: string, name: string) => (...args: unknown[]) => {
    log.push(`${mod}.${name}(${args.map(valueText)})`);
  };
  // log-v128 (a v128 cannot cross into JS): a wasm function logging its four words
  const v128 = logV128 &&
    new ns.Instance(new ns.Module(logV128), {
      h: { log: logger("fuzzing-support", "log-v128") },
    }).exports.log;
  const imports = new Proxy({}, {
    get: (_t, mod) =>
      new Proxy({}, {
        get: (_u, name) =>
          v128 && name === "log-v128"
            ? v128
            : logger(String(mod), String(name)),
      }),
  });
  const fate = (e: unknown): string => {
    if (e instanceof ns.RuntimeError) {
      return ns === WebAssembly ? "trap" : `trap (${errorText(e)})`;
    }
    if (e instanceof RangeError && ns === WebAssembly) return "trap"; // stack overflow
    return errorText(e);
  };
  const steps: string[] = [];
  let inst: any = null;
  try {
    const m = new ns.Module(bytes);
    inst = options
      ? new ns.Instance(m, imports, options)
      : new ns.Instance(m, imports);
    steps.push("instantiated");
  } catch (e) {
    steps.push(`instantiate: ${fate(e)}`);
    return { steps, log, inst };
  }
  const reset = inst.exports.hangLimitInitializer;
  for (const [name, args] of plan) {
    const call = `${name}(${args.map(valueText)})`;
    try {
      if (typeof reset === "function") reset();
      steps.push(`${call}: ${valueText(inst.exports[name](...args))}`);
    } catch (e) {
      steps.push(`${call}: ${fate(e)}`);
    }
    if (ns !== WebAssembly) steps.push(`  stepsUsed ${ns.stepsUsed(inst)}`);
    steps.push(`  log ${log.length}`);
  }
  return { steps, log, inst };
}

function memoryOf(r: TtfRun): Uint8Array | null {
  const m = r.inst?.exports.memory;
  return m ? new Uint8Array(m.buffer) : null;
}

Deno.test({
  name:
    `fuzz: ${TTF_MODULES} binaryen translate-to-fuzz modules agree on native, interp and js (results, traps, logs, memory, stepsUsed) [porta, porta-js]`,
  ignore: WASM_OPT === null,
  fn: async () => {
    const wa = await porta();
    const dir = await Deno.makeTempDir({ prefix: "porta-ttf-" });
    const problems: string[] = [];
    let calls = 0, traps = 0, logged = 0, compared = 0;
    try {
      const modules: Uint8Array[] = [];
      // wasm-opt runs two at a time (one per core)
      for (let k = 0; k < TTF_MODULES; k += 2) {
        modules.push(
          ...await Promise.all(
            [k, k + 1].filter((i) => i < TTF_MODULES).map((i) =>
              ttfModule(dir, i)
            ),
          ),
        );
      }
      for (let k = 0; k < modules.length && problems.length < 10; k++) {
        const bytes = modules[k];
        const tag = `module ${k} (${dir}/m${k}.wasm, ${WASM_OPT})`;
        if (!wa.validate(bytes)) {
          let why = "";
          try {
            new wa.Module(bytes);
          } catch (e) {
            why = errorText(e);
          }
          problems.push(`${tag}: Porta rejects it: ${why}`);
          continue;
        }
        const plan = ttfPlan(wa, bytes, prng(SEED ^ k));
        const native = runTtf(WebAssembly, bytes, plan);
        const interp = runTtf(wa, bytes, plan, {
          fuel: TTF_FUEL,
          tier: "interp",
        });
        const js = runTtf(wa, bytes, plan, { fuel: TTF_FUEL, tier: "js" });
        // the tiers agree exactly: outcomes, error messages, stepsUsed, logs
        const i = interp.steps.findIndex((s, n) => s !== js.steps[n]);
        if (i >= 0 || interp.steps.length !== js.steps.length) {
          const n = i >= 0 ? i : Math.min(interp.steps.length, js.steps.length);
          problems.push(
            `${tag}: interp and js differ at step ${n}: interp "${
              interp.steps[n]
            }", js "${js.steps[n]}"`,
          );
          continue;
        }
        if (interp.log.join("\n") !== js.log.join("\n")) {
          problems.push(`${tag}: interp and js log differently`);
          continue;
        }
        const mi = memoryOf(interp), mj = memoryOf(js);
        if (
          mi && mj &&
          (mi.length !== mj.length || mi.some((v, n) => v !== mj[n]))
        ) {
          problems.push(`${tag}: interp and js memories differ`);
          continue;
        }
        // the host engine: the same outcomes (trap messages aside) and logs,
        // up to the first call Porta stopped for fuel (the runs diverge there)
        const ours = interp.steps.filter((s) => !s.startsWith("  stepsUsed"))
          .map((s) => s.replace(/^(.*: trap) \(.*\)$/, "$1"));
        const fuelAt = ours.findIndex((s) => /fuel exhausted/.test(s));
        const upTo = fuelAt < 0 ? ours.length : fuelAt;
        const theirs = native.steps;
        const d = ours.slice(0, upTo).findIndex((s, n) => s !== theirs[n]);
        if (d >= 0) {
          problems.push(
            `${tag}: differs from native at step ${d}: porta "${
              ours[d]
            }", native "${theirs[d]}"`,
          );
          continue;
        }
        const logsUpTo = fuelAt < 0
          ? interp.log.length
          : Number(ours[fuelAt - 1]?.replace(/^ {2}log /, "") ?? 0);
        const ln = interp.log.slice(0, logsUpTo).findIndex((s, n) =>
          s !== native.log[n]
        );
        if (ln >= 0) {
          problems.push(
            `${tag}: log entry ${ln}: porta ${interp.log[ln]}, native ${
              native.log[ln]
            }`,
          );
          continue;
        }
        const mn = memoryOf(native);
        if (
          fuelAt < 0 && mi && mn &&
          (mi.length !== mn.length || mi.some((v, n) => v !== mn[n]))
        ) {
          problems.push(`${tag}: memory differs from native after the calls`);
          continue;
        }
        compared++;
        const results = ours.filter((s) => !s.startsWith("  "));
        calls += results.length - 1;
        traps += results.filter((s) => s.endsWith(": trap")).length;
        logged += interp.log.length;
      }
      assert.deepEqual(problems, [], problems.join("\n"));
      assert.ok(compared >= TTF_MODULES * 0.9, `only ${compared} compared`);
      assert.ok(calls > TTF_MODULES * 5, `only ${calls} calls`);
      assert.ok(logged > 100, `only ${logged} values logged`);
      assert.ok(traps > 0, "no call trapped");
    } finally {
      // a failing module stays on disk for reproduction
      if (problems.length === 0) await Deno.remove(dir, { recursive: true });
    }
  },
});

const TTF_SIMD_MODULES = 30;

Deno.test({
  name:
    `fuzz: ${TTF_SIMD_MODULES} binaryen translate-to-fuzz modules with SIMD agree on interp, js and auto (results, traps, logs, memory, stepsUsed) [porta, porta-js]`,
  ignore: WASM_OPT === null,
  fn: async () => {
    // No host engine here: --denan (binaryen 108) leaves v128 lanes alone, and a float lane
    // operation's NaN bits are the engine's choice (Porta writes the canonical NaN, V8
    // propagates payloads), which then flow into bitselects, bitmasks, lane extractions and
    // memory. The tiers must agree exactly, NaN bits included.
    const wa = await porta();
    const logV128 = await wat(`(module (import "h" "log"
      (func $log (param i32 i32 i32 i32)))
      (func (export "log") (param v128) (call $log
        (i32x4.extract_lane 0 (local.get 0)) (i32x4.extract_lane 1 (local.get 0))
        (i32x4.extract_lane 2 (local.get 0)) (i32x4.extract_lane 3 (local.get 0)))))`);
    const dir = await Deno.makeTempDir({ prefix: "porta-ttf-simd-" });
    const problems: string[] = [];
    let calls = 0, simd = 0;
    try {
      for (let k = 0; k < TTF_SIMD_MODULES && problems.length < 10; k += 2) {
        const ks = [k, k + 1].filter((i) => i < TTF_SIMD_MODULES);
        const modules = await Promise.all(
          ks.map((i) =>
            ttfModule(dir, 1000 + i, [...TTF_FEATURES, "--enable-simd"])
          ),
        );
        for (const [n, bytes] of modules.entries()) {
          const i = ks[n];
          const tag = `module ${i} (${dir}/m${1000 + i}.wasm, ${WASM_OPT})`;
          if (!wa.validate(bytes)) {
            problems.push(`${tag}: Porta rejects it`);
            continue;
          }
          if (bytes.includes(0xfd)) simd++;
          const plan = ttfPlan(wa, bytes, prng(SEED ^ 0x51d ^ i));
          const runs = (["interp", "js", "auto"] as const).map((tier) =>
            runTtf(wa, bytes, plan, { fuel: TTF_FUEL, tier }, logV128)
          );
          const [interp] = runs;
          for (const [t, r] of [["js", runs[1]], ["auto", runs[2]]] as const) {
            const d = interp.steps.findIndex((s, n) => s !== r.steps[n]);
            if (d >= 0 || interp.steps.length !== r.steps.length) {
              const n = d >= 0
                ? d
                : Math.min(interp.steps.length, r.steps.length);
              problems.push(
                `${tag}: interp and ${t} differ at step ${n}: interp "${
                  interp.steps[n]
                }", ${t} "${r.steps[n]}"`,
              );
            } else if (interp.log.join("\n") !== r.log.join("\n")) {
              problems.push(`${tag}: interp and ${t} log differently`);
            } else {
              const mi = memoryOf(interp), mr = memoryOf(r);
              if (
                mi && mr &&
                (mi.length !== mr.length || mi.some((v, n) => v !== mr[n]))
              ) problems.push(`${tag}: interp and ${t} memories differ`);
            }
          }
          calls += plan.length;
        }
      }
      assert.deepEqual(problems, [], problems.join("\n"));
      assert.ok(simd >= TTF_SIMD_MODULES * 0.8, `only ${simd} use SIMD`);
      assert.ok(calls > TTF_SIMD_MODULES * 5, `only ${calls} calls`);
    } finally {
      if (problems.length === 0) await Deno.remove(dir, { recursive: true });
    }
  },
});
