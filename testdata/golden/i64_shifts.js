// Golden JS-tier translations of testdata/golden/i64_shifts.wat (src/wasm/jit/translate.ts), checked by tests/wasm/jit_golden_test.ts.
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
const inner = function $0(dp, l0, h0, l1, h1, l2, h2) {
let dl = DS[1], fu = FS[0], j0 = 0, k0 = 0, j1 = 0, k1 = 0, j2 = 0, k2 = 0, t = 0, w = 0, e = null, mu = 0, mv = 0;

try {
if ((fu -= 17) < 0) fu = fuel(fu, 17);
t = shl64(l0, h0, l2); k0 = R64.hi; j0 = t;
t = (l1 >>> 3) | (h1 << 29); k1 = (h1 >>> 3) | 0; j1 = t;
t = j0 ^ j1; k0 = k0 ^ k1; j0 = t;
mu = (l0 >>> 16) * (l1 & 65535) + (((l0 & 65535) * (l1 & 65535)) >>> 16); mv = (mu & 65535) + (l0 & 65535) * (l1 >>> 16);
t = Math.imul(l0, l1); k1 = ((l0 >>> 16) * (l1 >>> 16) + (mu >>> 16) + (mv >>> 16) + Math.imul(l0, h1) + Math.imul(h0, l1)) | 0; j1 = t;
t = rotl64(j1, k1, l2); k1 = R64.hi; j1 = t;
t = shrS64(l1, h1, l2); k2 = R64.hi; j2 = t;
t = (j1 - j2) | 0; k1 = (k1 - k2 - ((j1 >>> 0) < (j2 >>> 0) ? 1 : 0)) | 0; j1 = t;
t = (j0 + j1) | 0; k0 = (k0 + k1 + ((t >>> 0) < (j0 >>> 0) ? 1 : 0)) | 0; j0 = t;
RH[0] = k0; FS[0] = fu; return j0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [inner, inner];

// ==== function 1: translate(ir, 1) blocks=1 tail=false ====
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
const inner = function $1(dp, l0) {
let dl = DS[1], fu = FS[0], j0 = 0, k0 = 0, j1 = 0, k1 = 0, t = 0, w = 0, e = null;

try {
if ((fu -= 7) < 0) fu = fuel(fu, 7);
t = l0; k0 = t >> 31; j0 = t;
t = l0; k1 = 0; j1 = t;
t = (j1 << 31) | (k1 >>> 1); k1 = (k1 << 31) | (j1 >>> 1); j1 = t;
t = (j0 + j1) | 0; k0 = (k0 + k1 + ((t >>> 0) < (j0 >>> 0) ? 1 : 0)) | 0; j0 = t;
RH[0] = k0; FS[0] = fu; return j0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [inner, inner];

// ==== function 2: translate(ir, 2) blocks=1 tail=false ====
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
const inner = function $2(dp, l0, h0, l1, h1) {
let dl = DS[1], fu = FS[0], j0 = 0, k0 = 0, j1 = 0, k1 = 0, j2 = 0, k2 = 0, t = 0, w = 0, e = null;

try {
if ((fu -= 16) < 0) fu = fuel(fu, 16);
t = divS64(l0, h0, l1, h1); k0 = R64.hi; j0 = t;
t = remU64(l0, h0, l1, h1); k1 = R64.hi; j1 = t;
t = (j0 + j1) | 0; k0 = (k0 + k1 + ((t >>> 0) < (j0 >>> 0) ? 1 : 0)) | 0; j0 = t;
t = popcnt32(l0) + popcnt32(h0); k2 = 0; j2 = t;
t = (((((h0 < h1 || (h0 === h1 && (l0 >>> 0) < (l1 >>> 0)))) ? 1 : 0) + j2) | 0); k1 = 0; j1 = t;
t = (j0 + j1) | 0; k0 = (k0 + k1 + ((t >>> 0) < (j0 >>> 0) ? 1 : 0)) | 0; j0 = t;
RH[0] = k0; FS[0] = fu; return j0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [inner, inner];
