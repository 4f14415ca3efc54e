// Golden JS-tier translations of testdata/golden/memory.wat (src/wasm/jit/translate.ts), checked by tests/wasm/jit_golden_test.ts.
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
const m0 = env.mems[0];
const inner = function $0(dp, l0, l1) {
let dl = DS[1], fu = FS[0], a0 = 0, a1 = 0, t = 0, w = 0, e = null, v0 = m0.dv;

try {
if ((fu -= 14) < 0) fu = fuel(fu, 14);
v0.setInt32((l0 >>> 0) + 4, l1, true);
v0.setInt8((l0 >>> 0) + 9, l1);
a0 = v0.getUint8((l0 >>> 0) + 4);
a1 = v0.getInt16((l0 >>> 0) + 6, true);
a0 = ((a0 + a1) | 0);
a1 = v0.getInt8((l0 >>> 0) + 9);
a0 = ((a0 + a1) | 0);
FS[0] = fu; return a0;
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
const m0 = env.mems[0];
const inner = function $1(dp, l0, l1, h1) {
let dl = DS[1], fu = FS[0], a0 = 0, j1 = 0, k1 = 0, d1 = 0, j0 = 0, k0 = 0, t = 0, w = 0, e = null, v0 = m0.dv;

try {
if ((fu -= 17) < 0) fu = fuel(fu, 17);
t = l0 >>> 0; v0.setInt32(t + 4, h1, true); v0.setInt32(t, l1, true);
a0 = (l0 & 65520);
j1 = l1; k1 = h1;
d1 = k1 * 4294967296 + (j1 >>> 0);
t = (a0 >>> 0) + 8; w = d1; if (typeof w === "number") v0.setFloat64(t, w, true); else nanTo(v0, t, w);
j0 = v0.getInt32(l0 >>> 0, true); k0 = j0 >> 31;
d1 = v0.getFloat64(((l0 & 65520) >>> 0) + 8, true);
j1 = truncS64(+d1); k1 = R64.hi;
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
const m0 = env.mems[0];
const inner = function $2(dp, l0) {
let dl = DS[1], fu = FS[0], l1 = 0, a0 = 0, a1 = 0, t = 0, w = 0, e = null, v0 = m0.dv;

try {
if ((fu -= 12) < 0) fu = fuel(fu, 12);
a0 = l0;
a0 = m0.grow(a0 >>> 0);
v0 = m0.dv;
l1 = a0;
a0 = 0;
a1 = m0.buf.byteLength / 65536;
v0.setInt32(a0 >>> 0, a1, true);
a1 = v0.getInt32(0 >>> 0, true);
a0 = (((Math.imul(l1, 100)) + a1) | 0);
FS[0] = fu; return a0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [inner, inner];

// ==== function 3: translate(ir, 3) blocks=1 tail=false ====
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
const inner = function $3(dp, l0, l1) {
let dl = DS[1], fu = FS[0], a0 = 0, a1 = 0, a2 = 0, t = 0, w = 0, e = null, v0 = m0.dv;

try {
if ((fu -= 12) < 0) fu = fuel(fu, 12);
a0 = l0;
a1 = l1;
a2 = 8;
memfill(m0, a0, a1, a2);
a0 = ((l0 + 4) | 0);
a1 = 200;
a2 = 6;
memcopy(m0, m0, a0, a1, a2);
a0 = v0.getInt32((l0 >>> 0) + 4, true);
FS[0] = fu; return a0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [inner, inner];
