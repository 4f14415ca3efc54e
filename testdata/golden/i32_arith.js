// Golden JS-tier translations of testdata/golden/i32_arith.wat (src/wasm/jit/translate.ts), checked by tests/wasm/jit_golden_test.ts.
// Regenerate after an intended change: UPDATE_GOLDEN=1 deno test -A tests/wasm/jit_golden_test.ts

// ==== function 0: translate(ir, 0) blocks=1 tail=false ====
"use strict";
const rt = env.rt;
const FS = rt.FS, DS = rt.DS, MI = rt.MI, MF = rt.MF, MR = rt.MR, RH = rt.RH, SI = rt.SI, SF = rt.SF, CI = rt.CI, CF = rt.CF, R64 = rt.R64;
const fuel = rt.fuel, trap = rt.trap, deep = rt.deep, fb = rt.fb, f64of = rt.f64of, f64lo = rt.f64lo, nanTo = rt.nanTo;
const ctz32 = rt.ctz32, popcnt32 = rt.popcnt32, mul64 = rt.mul64, divS64 = rt.divS64, divU64 = rt.divU64, remS64 = rt.remS64, remU64 = rt.remU64;
const shl64 = rt.shl64, shrS64 = rt.shrS64, shrU64 = rt.shrU64, rotl64 = rt.rotl64, rotr64 = rt.rotr64;
const nearest = rt.nearest, quiet = rt.quiet, fabs = rt.fabs, fneg = rt.fneg, fcopysign = rt.fcopysign, fmin32 = rt.fmin32, fmax32 = rt.fmax32, fmin64 = rt.fmin64, fmax64 = rt.fmax64;
const truncS32 = rt.truncS32, truncU32 = rt.truncU32, truncS64 = rt.truncS64, truncU64 = rt.truncU64, satS32 = rt.satS32, satU32 = rt.satU32, satS64 = rt.satS64, satU64 = rt.satU64;
const s64ToF32 = rt.s64ToF32, u64ToF32 = rt.u64ToF32, tget = rt.tget, tset = rt.tset, tfill = rt.tfill, tcopy = rt.tcopy, tinit = rt.tinit;
const meminit = rt.meminit, memcopy = rt.memcopy, memfill = rt.memfill, EMPTY = rt.EMPTY, EMPTY8 = rt.EMPTY8;
const I = rt.I, F = rt.F, R = rt.R, TAIL = rt.TAIL;
const inner = function $0(dp, l0, l1) {
let dl = DS[1], fu = FS[0], l2 = 0, a2 = 0, a1 = 0, a0 = 0, t = 0, w = 0, e = null;

try {
if ((fu -= 34) < 0) fu = fuel(fu, 34);
l2 = ((((Math.imul(l0, 3)) + l1) | 0) ^ (((l0 >> 1) << (l1 & 31)) | ((l0 >> 1) >>> (32 - (l1 & 31)))));
a2 = (l1 | ((l0 === 0) ? 1 : 0));
a1 = l2;
if (a2 === 0) trap(1); if (a1 === -2147483648 && a2 === -1) trap(2); a1 = (a1 / a2) | 0;
a0 = ((((((l0 < l1) ? (Math.clz32(l2)) : (popcnt32(l2))) + ((((l2 - 200) | 0) << 24) >> 24)) | 0) + a1) | 0);
FS[0] = fu; return a0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [inner, inner];
