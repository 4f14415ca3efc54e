/**
 * Machine state shared by the interpreter and the JS tier: the fuel counters, the call depth,
 * the return registers of translated functions and the scratch views their float code uses.
 *
 * Translated functions see these through the `rt` object handed to every factory (see
 * translate.ts); the interpreter (exec.ts) reads and writes the same arrays, so fuel and call
 * depth stay one count across both tiers.
 * @module
 */
import { RuntimeError } from "../errors.ts";
import * as O from "../ops.ts";
import type { Ctx } from "../runtime.ts";

/**
 * Fuel of the running activation: FS[0] is what is left of the current slice (at most SLICE; it
 * goes negative by the cost of the block whose charge does not fit), FR[0] the reserve. Their sum
 * is the instructions left. The slice is an Int32Array element; translated code charges a copy of
 * it in a local variable at every basic block (`if ((fu -= n) < 0) ...`, a few register
 * instructions) and writes it back around calls, at returns and when it throws.
 */
export const FS: Int32Array = new Int32Array(1);
/** The reserve of the running activation's fuel (see FS). */
export const FR: Float64Array = new Float64Array(1);

/**
 * Call depth: [0] frames in use; [2] the frame limit of the running activation (maxCallDepth);
 * [1] the depth up to which translated code calls translated code (JS_DEPTH frames into the
 * activation, at most [2]): deeper frames run in the interpreter, whose frames do not use the
 * JS stack, so the limit stays exact however small the host's stack is.
 */
export const DS: Int32Array = new Int32Array(3);

/** Frames of one activation that may run as JS frames (see DS). */
export const JS_DEPTH = 1000;

/** Sets the frame limits of an activation starting at depth `base` with `max` frames. */
export function setDepthLimit(base: number, max: number): void {
  DS[2] = Math.min(base + max, 1000000);
  DS[1] = Math.min(DS[2], base + JS_DEPTH);
}

/**
 * Multi-value results (and a v128 result, and the arguments of a tail call) of translated
 * functions, laid out as on the interpreter's stack: the value in stack slot k (a v128 takes
 * two, see types.ts slotsOf) at words MI[2k..], f64 MF[k], reference MR[k]. 1,000 v128 values
 * take 2,000 slots.
 */
const MV_SLOTS = 2048;
const mvBuf = new ArrayBuffer(MV_SLOTS * 8);
/** Multi-value results, 32-bit words. */
export const MI: Int32Array = new Int32Array(mvBuf);
/** Multi-value results, f64 view. */
export const MF: Float64Array = new Float64Array(mvBuf);
/** Multi-value results, references. */
export const MR: unknown[] = new Array(MV_SLOTS).fill(null);
/** High word of an i64 returned by a translated function. */
export const RH: Int32Array = new Int32Array(1);

const scratch = new ArrayBuffer(16);
/** f32 scratch: bits in SI[0], value in SF[0]. */
export const SI: Int32Array = new Int32Array(scratch, 0, 1);
/** f32 scratch view of SI[0]. */
export const SF: Float32Array = new Float32Array(scratch, 0, 1);
const scratch64 = new ArrayBuffer(16);
/** f64 scratch words: CF[k] is CI[2k] (low), CI[2k+1] (high). */
export const CI: Int32Array = new Int32Array(scratch64);
/** f64 scratch view of CI. */
export const CF: Float64Array = new Float64Array(scratch64);

/** The activation that owns FS and FR: its context (fuel and interrupt flag), or null. */
export const ACT: { ctx: Ctx | null } = { ctx: null };

/** Splits `total` instructions into the slice and the reserve. */
export function setFuel(total: number): void {
  const s = total > O.SLICE ? O.SLICE : total;
  FS[0] = s;
  FR[0] = total - s;
}

/** Instructions left in the running activation. */
export function fuelLeft(): number {
  return FS[0] + FR[0];
}

/** Throws the fuel trap of the running activation (its count is set to exactly the limit). */
export function fuelTrap(ctx: Ctx): never {
  FS[0] = 0;
  FR[0] = 0;
  ctx.fuel = 0;
  throw new RuntimeError(
    `fuel exhausted: step limit of ${
      ctx.fuelLimit ?? ctx.fuelStart
    } instructions reached`,
    "fuel",
  );
}

/** Throws RuntimeError("interrupted") when the running activation's interrupt flag is set. */
export function pollInterrupt(): void {
  const intr = ACT.ctx?.interrupt;
  if (intr && Atomics.load(intr, 0) !== 0) {
    throw new RuntimeError("interrupted", "interrupted");
  }
}

/**
 * Slow path of a translated block's fuel charge, called as `fu = fuel(fu, n)` when the frame's
 * slice `fu` went negative taking the block's cost n. Polls the interrupt flag, then charges n
 * from the whole remaining fuel (what the slice had before, plus the reserve) and returns the new
 * slice, or traps exactly at the limit, as the interpreter does. When it throws, FS[0] is exact
 * (the frame's `catch` leaves FS alone while its `fu` is negative).
 */
export function fuelFrame(fu: number, n: number): number {
  FS[0] = fu + n;
  pollInterrupt();
  const total = FS[0] + FR[0];
  if (total < n) fuelTrap(ACT.ctx!);
  // translated code takes longer slices than the interpreter: each slice's end reaches this slow
  // path through one of a function's many fuel checks, and V8 deoptimizes a function the first
  // time one of its never-taken branches is taken (2^22 instructions take a few ms here)
  const rest = total - n;
  const s = rest > JS_SLICE ? JS_SLICE : rest;
  FR[0] = rest - s;
  FS[0] = s;
  return s;
}

/**
 * Work left before a slow operation polls the interrupt flag, in units of about 7 ns (256 bytes
 * of memory.fill): fuel counts one per instruction, but bulk memory and table operations and
 * 64-bit division on BigInts take far longer than one, so a loop of them could run for seconds
 * between the slices' polls. These operations charge their work here (see slowWork), in both
 * tiers, so a cancelled guest stops within a few milliseconds of slow work too.
 */
const SLOW = new Float64Array([0]);
/** Units of slow work between polls (16 MB of memory.fill, a few milliseconds). */
const SLOW_BUDGET = 1 << 16;

/** Charges `units` of slow work (see SLOW); polls the interrupt flag when the budget is spent. */
export function slowWork(units: number): void {
  if ((SLOW[0] -= units) <= 0) {
    SLOW[0] = SLOW_BUDGET;
    pollInterrupt();
  }
}

/** slowWork for n bytes of bulk memory work (nothing below 256 bytes). */
export function slowBytes(n: number): void {
  if (n >= 256) slowWork(n >>> 8);
}

/** slowWork for n table elements of bulk table work (nothing below 256 elements). */
export function slowElems(n: number): void {
  if (n >= 256) slowWork(n >>> 3);
}

/** Instructions per slice of translated code (see fuelFrame); the interpreter's is O.SLICE. */
export const JS_SLICE = 1 << 22;

/** Trap messages of the JS tier, indexed by the codes the translator emits. */
const TRAPS = [
  "unreachable",
  "integer divide by zero",
  "integer overflow",
  "undefined element",
  "uninitialized element",
  "indirect call type mismatch",
  "call stack exhausted",
  "out of bounds memory access",
  "out of bounds table access",
];

/** Throws the trap with the given code (see TRAPS). */
export function trapCode(code: number): never {
  throw new RuntimeError(TRAPS[code], code === 6 ? "call-depth" : "trap");
}
