// Golden JS-tier translations of testdata/golden/tail_call.wat (src/wasm/jit/translate.ts), checked by tests/wasm/jit_golden_test.ts.
// Regenerate after an intended change: UPDATE_GOLDEN=1 deno test -A tests/wasm/jit_golden_test.ts

// ==== function 0: translate(ir, 0) blocks=3 tail=true ====
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
const inner = function $0(dp, l0, l1) {
let dl = DS[1], fu = FS[0], a0 = 0, a1 = 0, t = 0, w = 0, e = null;

try {
if ((fu -= 3) < 0) fu = fuel(fu, 3);
L1: if ((l0 === 0)) {
if ((fu -= 1) < 0) fu = fuel(fu, 1);
a0 = l1;
} else {
if ((fu -= 7) < 0) fu = fuel(fu, 7);
a0 = ((l0 - 1) | 0);
a1 = ((l1 + l0) | 0);
MI[0] = a0; MI[2] = a1; TAIL.f = f0; FS[0] = fu; return 0;
}
FS[0] = fu; return a0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [function (dp, l0, l1) {
let r = inner(dp, l0, l1);
while (TAIL.f !== null) { const g = TAIL.f; TAIL.f = null; r = g.tc(dp); }
return r;
}, inner];

// ==== function 1: translate(ir, 1) blocks=1 tail=true ====
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
const T0 = env.tables[0];
const y0 = env.typeIds[0];
const inner = function $1(dp, l0) {
let dl = DS[1], fu = FS[0], a0 = 0, a1 = 0, a2 = 0, t = 0, w = 0, e = null;

try {
if ((fu -= 4) < 0) fu = fuel(fu, 4);
a0 = l0;
a1 = 1;
a2 = 0;
t = a2 >>> 0; if (t >= T0.elems.length) trap(3); e = T0.elems[t]; if (e === null) trap(4); if (e.typeId !== y0) trap(5);
MI[0] = a0; MI[2] = a1; TAIL.f = e; FS[0] = fu; return 0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [function (dp, l0) {
let r = inner(dp, l0);
while (TAIL.f !== null) { const g = TAIL.f; TAIL.f = null; r = g.tc(dp); }
return r;
}, inner];

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
const inner = function $2(dp, l0, h0) {
let dl = DS[1], fu = FS[0], j0 = 0, k0 = 0, t = 0, w = 0, e = null, mu = 0, mv = 0;

try {
if ((fu -= 3) < 0) fu = fuel(fu, 3);
mu = (l0 >>> 16) * 3 + (((l0 & 65535) * 3) >>> 16); mv = (mu & 65535) + (l0 & 65535) * 0;
t = Math.imul(l0, 3); k0 = ((l0 >>> 16) * 0 + (mu >>> 16) + (mv >>> 16) + Math.imul(l0, 0) + Math.imul(h0, 3)) | 0; j0 = t;
RH[0] = k0; FS[0] = fu; return j0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [inner, inner];

// ==== function 3: translate(ir, 3) blocks=1 tail=true ====
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
const f2 = env.funcs[2];
const inner = function $3(dp, l0, h0) {
let dl = DS[1], fu = FS[0], j0 = 0, k0 = 0, t = 0, w = 0, e = null;

try {
if ((fu -= 4) < 0) fu = fuel(fu, 4);
t = (l0 + 0) | 0; k0 = (h0 + 1 + ((t >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0; j0 = t;
MI[0] = j0; MI[1] = k0; TAIL.f = f2; FS[0] = fu; return 0;
} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }
};
return [function (dp, l0, h0) {
let r = inner(dp, l0, h0);
while (TAIL.f !== null) { const g = TAIL.f; TAIL.f = null; r = g.tc(dp); }
return r;
}, inner];
