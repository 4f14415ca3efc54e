// Mutation fuzzing of the Porta engine: mutated valid modules (byte flips,
// truncations, insertions, deletions, section shuffles/duplicates) must either
// compile or throw CompileError (never anything else), a module Porta accepts
// must also be accepted by the host engine (a superset of Porta's features),
// and instantiating and running what compiles, under fuel and memory limits,
// may only throw RuntimeError or LinkError (TypeError only for JS argument
// conversion of reference parameters). Seeded, bounded: 2000 cases.
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

Deno.test(`fuzz: ${CASES} mutated modules never crash the engine [porta]`, async () => {
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
    let inst: any;
    try {
      inst = new wa.Instance(mod, anyImports(wa), {
        fuel: FUEL,
        maxMemoryPages: 8,
        maxCallDepth: 500,
      });
    } catch (e) {
      if (!(e instanceof wa.RuntimeError || e instanceof wa.LinkError)) {
        failures.push(`${tag}: instantiate threw ${String(e)}`);
      }
      continue;
    }
    for (const [name, f] of Object.entries(inst.exports)) {
      if (typeof f !== "function") continue;
      try {
        // "1" converts to every numeric type (ToNumber and ToBigInt both accept it)
        (f as (...a: unknown[]) => unknown)("1", "1", "1");
        ran++;
      } catch (e) {
        if (e instanceof wa.RuntimeError) {
          ran++;
          continue;
        }
        if (
          e instanceof TypeError &&
          /ref|func|convert|BigInt|type/i.test(e.message)
        ) continue;
        failures.push(`${tag}: calling ${name} threw ${String(e)}`);
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

Deno.test("fuzz: Porta agrees with the host engine on 1000 semantic mutants [porta]", async () => {
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
    const a = mk(wa, { fuel: 200_000 });
    if (typeof a === "string") {
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
      // Porta stopped a (possibly very long) loop: the instances diverge from here
      if (ra === "trap: fuel") {
        fuelOut = true;
        break;
      }
      const rb = outcome(WebAssembly, b.exports[name]);
      compared++;
      if (ra !== rb) {
        problems.push(`${tag}: ${name}("1","1","1") porta=${ra} native=${rb}`);
      }
    }
    if (fuelOut) continue;
    const ma = a.exports.m, mb = b.exports.m;
    if (ma && mb) {
      const x = new Uint8Array(ma.buffer), y = new Uint8Array(mb.buffer);
      if (x.length !== y.length || x.some((v, i) => v !== y[i])) {
        problems.push(`${tag}: exported memory differs after the calls`);
      }
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
