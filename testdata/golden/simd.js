// Golden JS-tier translations of testdata/golden/simd.wat (src/wasm/jit/translate.ts), checked by tests/wasm/jit_golden_test.ts.
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
const SX = rt.SX, simdV = rt.simdV, simdVV = rt.simdVV, simdVVV = rt.simdVVV, simdS = rt.simdS, simdVS = rt.simdVS, simdSV = rt.simdSV, NOIMM = rt.NOIMM, ctx = env.ctx;
const narrowS8 = rt.narrowS8, narrowU8 = rt.narrowU8, narrowS16 = rt.narrowS16, narrowU16 = rt.narrowU16;
const inner = function $0(dp, l0_0, l0_1, l0_2, l0_3, l1_0, l1_1, l1_2, l1_3) {
let dl = DS[1], fu = FS[0], s0_0 = 0, s0_1 = 0, s0_2 = 0, s0_3 = 0, s1_0 = 0, s1_1 = 0, s1_2 = 0, s1_3 = 0, t = 0, w = 0, e = null, u0 = 0, u1 = 0, u2 = 0, u3 = 0;

try {
if ((fu -= 7) < 0) fu = fuel(fu, 7);
s0_0 = (l0_0 + l1_0) | 0; s0_1 = (l0_1 + l1_1) | 0; s0_2 = (l0_2 + l1_2) | 0; s0_3 = (l0_3 + l1_3) | 0; 
u0 = (l0_0 & 65535) | ((l1_0 << 16) & -65536); u1 = (l0_1 & 65535) | ((l1_1 << 16) & -65536); u2 = (l0_2 & 65535) | ((l1_2 << 16) & -65536); u3 = ((l1_3 >>> 24) & 255) | (l0_3 & 65280) | ((l1_3 << 16) & 16711680) | ((l0_0 << 8) & -16777216); 
s1_0 = u0; s1_1 = u1; s1_2 = u2; s1_3 = u3; 
simdVV(911, NOIMM, ctx, s0_0, s0_1, s0_2, s0_3, s1_0, s1_1, s1_2, s1_3); s0_0 = SX[0]; s0_1 = SX[1]; s0_2 = SX[2]; s0_3 = SX[3]; 
MI[0] = s0_0; MI[1] = s0_1; MI[2] = s0_2; MI[3] = s0_3; FS[0] = fu; return;
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
const inner = function $1(dp, l0_0, l0_1, l0_2, l0_3) {
let dl = DS[1], fu = FS[0], a1 = 0, s0_0 = 0, s0_1 = 0, s0_2 = 0, s0_3 = 0, t = 0, w = 0, e = null;

try {
if ((fu -= 3) < 0) fu = fuel(fu, 3);
a1 = l0_3;
s0_0 = l0_0; s0_1 = l0_1; s0_2 = l0_2; s0_3 = l0_3; 
MI[0] = s0_0; MI[1] = s0_1; MI[2] = s0_2; MI[3] = s0_3; MI[4] = a1; FS[0] = fu; return;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [inner, inner];

// ==== function 2: translate(ir, 2) blocks=4 tail=false ====
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
const g0 = env.globals[0];
const m0 = env.mems[0];
const inner = function $2(dp, l0, l1) {
let dl = DS[1], fu = FS[0], l2_0 = 0, l2_1 = 0, l2_2 = 0, l2_3 = 0, s1_0 = 0, s1_1 = 0, s1_2 = 0, s1_3 = 0, s0_0 = 0, s0_1 = 0, s0_2 = 0, s0_3 = 0, a0 = 0, a1 = 0, a2 = 0, t = 0, w = 0, e = null, v0 = m0.dv;

try {
if ((fu -= 2) < 0) fu = fuel(fu, 2);
g0.ref[0] = 0; g0.ref[1] = 0; g0.ref[2] = 0; g0.ref[3] = 0; 
L1: {
L2: for (;;) {
if (fu >= 17) {
fu -= 3;
if ((l1 === 0)) { break L1; }
fu -= 14;
t = (l0 >>> 0) + 1;
s1_0 = v0.getInt32(t, true); s1_1 = v0.getInt32(t + 4, true); s1_2 = v0.getInt32(t + 8, true); s1_3 = v0.getInt32(t + 12, true); 
s0_0 = (l2_0 + s1_0) | 0; s0_1 = (l2_1 + s1_1) | 0; s0_2 = (l2_2 + s1_2) | 0; s0_3 = (l2_3 + s1_3) | 0; 
l2_0 = s0_0; l2_1 = s0_1; l2_2 = s0_2; l2_3 = s0_3; 
l0 = ((l0 + 4) | 0);
l1 = ((l1 - 1) | 0);
continue L2;
} else {
if ((fu -= 3) < 0) fu = fuel(fu, 3);
if ((l1 === 0)) { break L1; }
if ((fu -= 14) < 0) fu = fuel(fu, 14);
t = (l0 >>> 0) + 1;
s1_0 = v0.getInt32(t, true); s1_1 = v0.getInt32(t + 4, true); s1_2 = v0.getInt32(t + 8, true); s1_3 = v0.getInt32(t + 12, true); 
s0_0 = (l2_0 + s1_0) | 0; s0_1 = (l2_1 + s1_1) | 0; s0_2 = (l2_2 + s1_2) | 0; s0_3 = (l2_3 + s1_3) | 0; 
l2_0 = s0_0; l2_1 = s0_1; l2_2 = s0_2; l2_3 = s0_3; 
l0 = ((l0 + 4) | 0);
l1 = ((l1 - 1) | 0);
continue L2;
}
break L2; }
}
if ((fu -= 16) < 0) fu = fuel(fu, 16);
g0.ref[0] = l2_0; g0.ref[1] = l2_1; g0.ref[2] = l2_2; g0.ref[3] = l2_3; 
s1_0 = g0.ref[0]; s1_1 = g0.ref[1]; s1_2 = g0.ref[2]; s1_3 = g0.ref[3]; 
t = (0 >>> 0) + 64; v0.setInt32(t + 12, s1_3, true); v0.setInt32(t, s1_0, true); v0.setInt32(t + 4, s1_1, true); v0.setInt32(t + 8, s1_2, true);
a0 = l2_0;
a1 = l2_1;
a0 = ((a0 + a1) | 0);
a1 = l2_2;
a2 = l2_3;
a0 = ((a0 + ((a1 + a2) | 0)) | 0);
FS[0] = fu; return a0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [inner, inner];

// ==== function 2: translate(ir, 2, 2) (OSR entry at basic block 2) blocks=4 tail=false ====
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
const g0 = env.globals[0];
const m0 = env.mems[0];
const inner = function $2(dp, osr, fp) {
let dl = DS[1], fu = FS[0], l0 = 0, l1 = 0, l2_0 = 0, l2_1 = 0, l2_2 = 0, l2_3 = 0, s1_0 = 0, s1_1 = 0, s1_2 = 0, s1_3 = 0, s0_0 = 0, s0_1 = 0, s0_2 = 0, s0_3 = 0, a0 = 0, a1 = 0, a2 = 0, t = 0, w = 0, e = null, v0 = m0.dv;
l0 = I[fp + 0]; l1 = I[fp + 2]; l2_0 = I[fp + 4]; l2_1 = I[fp + 5]; l2_2 = I[fp + 6]; l2_3 = I[fp + 7]; 
try {
if (osr === 0) {
if ((fu -= 2) < 0) fu = fuel(fu, 2);
g0.ref[0] = 0; g0.ref[1] = 0; g0.ref[2] = 0; g0.ref[3] = 0; 
}
L1: {
if (osr === 0) {
}
L2: for (;;) {
if (osr === 0) {
if ((fu -= 3) < 0) fu = fuel(fu, 3);
if ((l1 === 0)) { break L1; }
}
osr = 0;
if ((fu -= 14) < 0) fu = fuel(fu, 14);
t = (l0 >>> 0) + 1;
s1_0 = v0.getInt32(t, true); s1_1 = v0.getInt32(t + 4, true); s1_2 = v0.getInt32(t + 8, true); s1_3 = v0.getInt32(t + 12, true); 
s0_0 = (l2_0 + s1_0) | 0; s0_1 = (l2_1 + s1_1) | 0; s0_2 = (l2_2 + s1_2) | 0; s0_3 = (l2_3 + s1_3) | 0; 
l2_0 = s0_0; l2_1 = s0_1; l2_2 = s0_2; l2_3 = s0_3; 
l0 = ((l0 + 4) | 0);
l1 = ((l1 - 1) | 0);
continue L2;
break L2; }
}
if ((fu -= 16) < 0) fu = fuel(fu, 16);
g0.ref[0] = l2_0; g0.ref[1] = l2_1; g0.ref[2] = l2_2; g0.ref[3] = l2_3; 
s1_0 = g0.ref[0]; s1_1 = g0.ref[1]; s1_2 = g0.ref[2]; s1_3 = g0.ref[3]; 
t = (0 >>> 0) + 64; v0.setInt32(t + 12, s1_3, true); v0.setInt32(t, s1_0, true); v0.setInt32(t + 4, s1_1, true); v0.setInt32(t + 8, s1_2, true);
a0 = l2_0;
a1 = l2_1;
a0 = ((a0 + a1) | 0);
a1 = l2_2;
a2 = l2_3;
a0 = ((a0 + ((a1 + a2) | 0)) | 0);
FS[0] = fu; return a0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [inner, inner];

// ==== function 3: translate(ir, 3) blocks=3 tail=false ====
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
const f0 = env.funcs[0];
const f1 = env.funcs[1];
const m0 = env.mems[0];
const SX = rt.SX, simdV = rt.simdV, simdVV = rt.simdVV, simdVVV = rt.simdVVV, simdS = rt.simdS, simdVS = rt.simdVS, simdSV = rt.simdSV, NOIMM = rt.NOIMM, ctx = env.ctx;
const narrowS8 = rt.narrowS8, narrowU8 = rt.narrowU8, narrowS16 = rt.narrowS16, narrowU16 = rt.narrowU16;
const inner = function $3(dp, l0, l1) {
let dl = DS[1], fu = FS[0], l2_0 = 0, l2_1 = 0, l2_2 = 0, l2_3 = 0, l3 = 0, s0_0 = 0, s0_1 = 0, s0_2 = 0, s0_3 = 0, s1_0 = 0, s1_1 = 0, s1_2 = 0, s1_3 = 0, a1 = 0, a0 = 0, t = 0, w = 0, e = null, v0 = m0.dv;

try {
if ((fu -= 5) < 0) fu = fuel(fu, 5);
t = l0;
s0_0 = t; s0_1 = t; s0_2 = t; s0_3 = t; 
simdS(784, NOIMM, ctx, l1, 0); s1_0 = SX[0]; s1_1 = SX[1]; s1_2 = SX[2]; s1_3 = SX[3]; 
e = dp < dl ? f0 : deep(f0, dp); FS[0] = fu; fu = -1; e.jf(dp + 1, s0_0, s0_1, s0_2, s0_3, s1_0, s1_1, s1_2, s1_3); fu = FS[0]; s0_0 = MI[0]; s0_1 = MI[1]; s0_2 = MI[2]; s0_3 = MI[3]; 
v0 = m0.dv;
if ((fu -= 1) < 0) fu = fuel(fu, 1);
e = dp < dl ? f1 : deep(f1, dp); FS[0] = fu; fu = -1; e.jf(dp + 1, s0_0, s0_1, s0_2, s0_3); fu = FS[0]; s0_0 = MI[0]; s0_1 = MI[1]; s0_2 = MI[2]; s0_3 = MI[3]; a1 = MI[4]; 
v0 = m0.dv;
if ((fu -= 9) < 0) fu = fuel(fu, 9);
l3 = a1;
l2_0 = s0_0; l2_1 = s0_1; l2_2 = s0_2; l2_3 = s0_3; 
t = (0 >>> 0) + 96; v0.setInt32(t + 12, l2_3, true); v0.setInt32(t, l2_0, true); v0.setInt32(t + 4, l2_1, true); v0.setInt32(t + 8, l2_2, true);
simdV(868, NOIMM, ctx, l2_0, l2_1, l2_2, l2_3); a1 = SX[0];
a0 = ((l3 + a1) | 0);
FS[0] = fu; return a0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [inner, inner];

// ==== function 4: translate(ir, 4) blocks=3 tail=false ====
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
const SX = rt.SX, simdV = rt.simdV, simdVV = rt.simdVV, simdVVV = rt.simdVVV, simdS = rt.simdS, simdVS = rt.simdVS, simdSV = rt.simdSV, NOIMM = rt.NOIMM, ctx = env.ctx;
const narrowS8 = rt.narrowS8, narrowU8 = rt.narrowU8, narrowS16 = rt.narrowS16, narrowU16 = rt.narrowU16;
const K0 = new Int32Array([1]);
const inner = function $4(dp, l0, l1) {
let dl = DS[1], fu = FS[0], s0_0 = 0, s0_1 = 0, s0_2 = 0, s0_3 = 0, s1_0 = 0, s1_1 = 0, s1_2 = 0, s1_3 = 0, a2 = 0, j0 = 0, k0 = 0, a0 = 0, t = 0, w = 0, e = null;

try {
L1: {
if ((fu -= 7) < 0) fu = fuel(fu, 7);
t = l1;
s0_0 = t; s0_1 = t; s0_2 = t; s0_3 = t; 
s1_0 = 7; s1_1 = 0; s1_2 = -1; s1_3 = -1; 
a2 = l0;
if (a2 === 0) { s0_0 = s1_0; s0_1 = s1_1; s0_2 = s1_2; s0_3 = s1_3; }
if (l0 !== 0) { break L1; }
if ((fu -= 1) < 0) fu = fuel(fu, 1);
simdV(961, NOIMM, ctx, s0_0, s0_1, s0_2, s0_3); s0_0 = SX[0]; s0_1 = SX[1]; s0_2 = SX[2]; s0_3 = SX[3]; 
}
if ((fu -= 2) < 0) fu = fuel(fu, 2);
simdV(797, K0, ctx, s0_0, s0_1, s0_2, s0_3); j0 = SX[0]; k0 = SX[1];
a0 = j0;
FS[0] = fu; return a0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [inner, inner];

// ==== function 5: translate(ir, 5) blocks=1 tail=false ====
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
const SX = rt.SX, simdV = rt.simdV, simdVV = rt.simdVV, simdVVV = rt.simdVVV, simdS = rt.simdS, simdVS = rt.simdVS, simdSV = rt.simdSV, NOIMM = rt.NOIMM, ctx = env.ctx;
const narrowS8 = rt.narrowS8, narrowU8 = rt.narrowU8, narrowS16 = rt.narrowS16, narrowU16 = rt.narrowU16;
const K0 = new Int32Array([0]);
const inner = function $5(dp, l0) {
let dl = DS[1], fu = FS[0], s0_0 = 0, s0_1 = 0, s0_2 = 0, s0_3 = 0, d0 = 0, t = 0, w = 0, e = null;

try {
if ((fu -= 6) < 0) fu = fuel(fu, 6);
simdS(788, NOIMM, ctx, f64lo(l0), R64.hi); s0_0 = SX[0]; s0_1 = SX[1]; s0_2 = SX[2]; s0_3 = SX[3]; 
simdVV(1008, NOIMM, ctx, s0_0, s0_1, s0_2, s0_3, 0, 1071644672, 0, -1073741824); s0_0 = SX[0]; s0_1 = SX[1]; s0_2 = SX[2]; s0_3 = SX[3]; 
simdV(801, K0, ctx, s0_0, s0_1, s0_2, s0_3); d0 = f64of(SX[0], SX[1]);
FS[0] = fu; return d0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [inner, inner];

// ==== function 6: translate(ir, 6) blocks=1 tail=false ====
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
const m0 = env.mems[0];
const SX = rt.SX, simdV = rt.simdV, simdVV = rt.simdVV, simdVVV = rt.simdVVV, simdS = rt.simdS, simdVS = rt.simdVS, simdSV = rt.simdSV, NOIMM = rt.NOIMM, ctx = env.ctx;
const narrowS8 = rt.narrowS8, narrowU8 = rt.narrowU8, narrowS16 = rt.narrowS16, narrowU16 = rt.narrowU16;
const K0 = new Int32Array([0, 0]);
const inner = function $6(dp, l0) {
let dl = DS[1], fu = FS[0], s0_0 = 0, s0_1 = 0, s0_2 = 0, s0_3 = 0, a0 = 0, t = 0, w = 0, e = null, v0 = m0.dv;

try {
if ((fu -= 6) < 0) fu = fuel(fu, 6);
t = l0 >>> 0; v0.setInt32(t + 12, 4, true); v0.setInt32(t, 1, true); v0.setInt32(t + 4, 2, true); v0.setInt32(t + 8, 3, true);
simdS(777, K0, ctx, l0, 0); s0_0 = SX[0]; s0_1 = SX[1]; s0_2 = SX[2]; s0_3 = SX[3]; 
a0 = s0_0;
FS[0] = fu; return a0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [inner, inner];
