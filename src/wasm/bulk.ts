/**
 * The bulk memory and table instructions (`memory.fill/copy/init`, `table.fill/copy/init`),
 * one implementation for both tiers: the interpreter (exec.ts) and translated code (jit/tier.ts
 * hands these to it as `memfill` ...). Addresses and counts are unsigned 32-bit; an access out of
 * bounds traps before anything is written. Each charges its size as slow work (jit/rt.ts
 * slowWork), so a loop of them still polls the interrupt flag.
 * @module
 */
import { RuntimeError } from "./errors.ts";
import type { Ctx, MemInst, TableInst } from "./runtime.ts";
import { slowBytes, slowElems } from "./jit/rt.ts";

function oobMem(): never {
  throw new RuntimeError("out of bounds memory access");
}

function oobTable(): never {
  throw new RuntimeError("out of bounds table access");
}

/** table.fill: n elements of t from a set to v. */
export function tfill(t: TableInst, a: number, v: unknown, n: number): void {
  a >>>= 0;
  n >>>= 0;
  if (a + n > t.elems.length) oobTable();
  slowElems(n);
  for (let k = 0; k < n; k++) t.elems[a + k] = v;
}

/** table.copy: n elements from ts at b to td at a (overlap allowed). */
export function tcopy(
  td: TableInst,
  ts: TableInst,
  a: number,
  b: number,
  n: number,
): void {
  a >>>= 0;
  b >>>= 0;
  n >>>= 0;
  if (a + n > td.elems.length || b + n > ts.elems.length) oobTable();
  slowElems(n);
  if (td === ts) td.elems.copyWithin(a, b, b + n);
  else for (let k = 0; k < n; k++) td.elems[a + k] = ts.elems[b + k];
}

/** table.init: n elements of element segment e from b to t at a. */
export function tinit(
  ctx: Ctx,
  e: number,
  t: TableInst,
  a: number,
  b: number,
  n: number,
): void {
  const seg = ctx.elems[e];
  a >>>= 0;
  b >>>= 0;
  n >>>= 0;
  if (b + n > seg.length || a + n > t.elems.length) oobTable();
  slowElems(n);
  for (let k = 0; k < n; k++) t.elems[a + k] = seg[b + k];
}

/** memory.init: n bytes of data segment d from b to m at a. */
export function meminit(
  ctx: Ctx,
  d: number,
  m: MemInst,
  a: number,
  b: number,
  n: number,
): void {
  const seg = ctx.datas[d];
  a >>>= 0;
  b >>>= 0;
  n >>>= 0;
  if (b + n > seg.length || a + n > m.buf.byteLength) oobMem();
  slowBytes(n);
  m.u8.set(seg.subarray(b, b + n), a);
}

/** memory.copy: n bytes from ms at b to md at a (overlap allowed). */
export function memcopy(
  md: MemInst,
  ms: MemInst,
  a: number,
  b: number,
  n: number,
): void {
  a >>>= 0;
  b >>>= 0;
  n >>>= 0;
  if (a + n > md.buf.byteLength || b + n > ms.buf.byteLength) oobMem();
  slowBytes(n);
  if (md === ms) md.u8.copyWithin(a, b, b + n);
  else md.u8.set(ms.u8.subarray(b, b + n), a);
}

/** memory.fill: n bytes of m from a set to the low byte of v. */
export function memfill(m: MemInst, a: number, v: number, n: number): void {
  a >>>= 0;
  n >>>= 0;
  if (a + n > m.buf.byteLength) oobMem();
  slowBytes(n);
  m.u8.fill(v & 255, a, a + n);
}
