/**
 * Interpreter warm-up: runs a synthetic code array through every opcode once, with small and
 * large operands, so V8 collects type feedback for all cases of the dispatch loop before it
 * optimizes it (otherwise the first use of each opcode deoptimizes the hot loop).
 * @module
 */
import { type CompiledFunc, numericSig, SAT_SIG } from "./compile.ts";
import * as O from "./ops.ts";
import { RuntimeError } from "./errors.ts";
import {
  type Ctx,
  FuncInst,
  GlobalInst,
  MemInst,
  TableInst,
  typeIdOf,
} from "./runtime.ts";
import {
  F32,
  F64,
  FUNCREF,
  funcType,
  I32,
  I64,
  type ValType,
} from "./types.ts";

const f32bits = (v: number) => {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setFloat32(0, v, true);
  return dv.getInt32(0, true);
};
const f64bits = (v: number): [number, number] => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v, true);
  return [dv.getInt32(0, true), dv.getInt32(4, true)];
};

function pushConst(code: number[], t: ValType, big: boolean): void {
  switch (t) {
    case I32:
      code.push(O.CONST32, big ? -1610612731 : 7);
      break;
    case I64:
      code.push(O.CONST64, big ? -1610612731 : 7, big ? 0x12345 : 0);
      break;
    case F32:
      code.push(O.CONST32, f32bits(big ? 3.75e9 : 2.5));
      break;
    case F64:
      code.push(O.CONST64, ...f64bits(big ? 1.5e12 : 2.5));
      break;
  }
}

function buildCode(): number[] {
  const code: number[] = [];
  const H = 10; // 5 locals (i32, i64, f32, f64, loop counter) = 10 words
  code.push(O.FUEL, 1);
  const top = code.length;
  for (let rep = 0; rep < 2; rep++) {
    const big = rep === 1;
    for (let op = 0x45; op <= 0xc4; op++) {
      const sig = numericSig(op);
      if (!sig) continue;
      // avoid traps: float->int truncations of big values overflow
      if (big && op >= 0xa8 && op <= 0xb1) continue;
      for (const t of sig[0]) pushConst(code, t, big);
      if (!(op >= 0xbc && op <= 0xbf)) code.push(op);
      code.push(O.DROP);
      if (sig[0].length === 2 && sig[0][0] === sig[0][1]) {
        // mixed operands with inexact quotients (7 / 3), so division feedback is not int-only
        pushConst(code, sig[0][0], false);
        const t = sig[0][1];
        if (t === I32) code.push(O.CONST32, big ? -3 : 3);
        else if (t === I64) code.push(O.CONST64, big ? -3 : 3, big ? -1 : 0);
        else if (t === F32) code.push(O.CONST32, f32bits(big ? -0.3 : 0.3));
        else code.push(O.CONST64, ...f64bits(big ? -0.3 : 0.3));
        code.push(op, O.DROP);
      }
    }
    for (let k = 0; k < 8; k++) {
      pushConst(code, SAT_SIG[k][0], big);
      code.push(O.SAT_BASE + k, O.DROP);
    }
    // fused superinstructions, with small and large operands, branches taken and not taken
    const vals = [7, -1610612731, 3];
    for (let i = 0; i < O.FUSE_OPS.length; i++) {
      for (const v of vals) {
        code.push(O.CONST32, v, O.FUSE_L + i, 0, O.DROP);
        code.push(O.CONST32, v, O.FUSE_K + i, big ? -5 : 3, O.DROP);
      }
    }
    for (let j = 0; j <= 10; j++) {
      for (const v of vals) {
        for (const w of vals) {
          if (j < 10) {
            code.push(O.CONST32, v, O.CONST32, w);
            code.push(O.BRC + j, code.length + 2);
            code.push(O.CONST32, v);
            code.push(O.BRC_L + j, 0, code.length + 3);
            code.push(O.CONST32, v);
            code.push(O.BRC_K + j, w, code.length + 3);
          } else {
            code.push(O.CONST32, v === 3 ? 0 : v);
            code.push(O.BRC + j, code.length + 2);
          }
        }
      }
    }
    code.push(
      O.GET2_32,
      0,
      2,
      O.DROP,
      O.DROP,
      O.LG_ADDK,
      0,
      big ? -7 : 5,
      O.DROP,
    );
    code.push(
      O.CONST32,
      3,
      O.SET_GET32,
      0,
      0,
      O.DROP,
      O.LG_LOAD32,
      0,
      4,
      O.DROP,
    );
    code.push(O.FUEL_LG, 1, 0, O.DROP);
    for (let i = 0; i < O.FUSE_OPS.length; i++) {
      for (const v of vals) {
        code.push(O.FUSE_LK + i, 0, v, O.DROP, O.FUSE_LL + i, 0, 2, O.DROP);
      }
    }
    for (let j = 0; j < 10; j++) {
      for (const v of vals) {
        code.push(O.CONST32, v, O.LOCAL_SET32, 2);
        code.push(O.BRC_LK + j, 0, v, code.length + 4);
        code.push(O.BRC_LL + j, 0, 2, code.length + 4);
        code.push(O.BRC_LL + j, 2, 0, code.length + 4);
      }
    }
    for (let i = 0; i < 4; i++) {
      code.push(O.CONST64, ...f64bits(big ? 1e300 : 2.5), O.LOCAL_SET64, 6);
      code.push(O.CONST64, ...f64bits(1.25), O.F64_L + i, 6, O.DROP);
    }
    for (let i = 0; i < O.FUSE64_OPS.length; i++) {
      code.push(O.CONST64, -5, 7, O.FUSE64_L + i, 2, O.DROP);
      code.push(
        O.CONST64,
        5,
        -7,
        O.FUSE64_K + i,
        big ? -9 : 3,
        big ? -1 : 0,
        O.DROP,
      );
      code.push(O.CONST64, -1, -1, O.FUSE64_K + i, 40, 0, O.DROP);
    }
    // i64 compares with different and equal high words
    for (let op = 0x51; op <= 0x5a; op++) {
      code.push(O.CONST64, 1, 2, O.CONST64, 1, -3, op, O.DROP);
      code.push(O.CONST64, 1, -3, O.CONST64, 1, 2, op, O.DROP);
      code.push(O.CONST64, -5, 2, O.CONST64, 1, 2, op, O.DROP);
    }
    // memory
    for (let op = 0x28; op <= 0x35; op++) {
      if (op === 0x2a || op === 0x2b) continue;
      code.push(O.CONST32, 16, op, big ? 100 : 0, O.DROP);
      code.push(O.CONST32, 16, O.MEM_N, op, 8, 0, O.DROP);
    }
    for (let op = 0x36; op <= 0x3e; op++) {
      if (op === 0x38 || op === 0x39) continue;
      const t = op === 0x36 || op === 0x3a || op === 0x3b ? I32 : I64;
      code.push(O.CONST32, 32);
      pushConst(code, t, big);
      code.push(op, 0);
      code.push(O.CONST32, 32);
      pushConst(code, t, big);
      code.push(O.MEM_N, op, 4, 0);
    }
    code.push(O.MEMORY_SIZE, 0, O.DROP, O.CONST32, 0, O.MEMORY_GROW, 0, O.DROP);
    code.push(O.CONST32, 0, O.CONST32, 1, O.CONST32, 8, O.MEMORY_FILL, 0);
    code.push(O.CONST32, 0, O.CONST32, 64, O.CONST32, 8, O.MEMORY_COPY, 0, 0);
    // locals and globals
    code.push(O.CONST32, 77, O.LOCAL_SET32, 0);
    for (let k = 0; k < 4; k++) {
      const t = [I32, I64, F32, F64][k];
      const w = t === I32 || t === F32 ? 0 : 1;
      pushConst(code, t, big);
      code.push(O.LOCAL_SET32 + w, 2 * k);
      code.push(O.LOCAL_GET32 + w, 2 * k);
      code.push(O.LOCAL_TEE32 + w, 2 * k, O.DROP);
    }
    code.push(O.GLOBAL_GET, 0, O.GLOBAL_SET, 0);
    // SIMD (simd.ts, called from run()'s default case): two v128 constants, i32x4.add,
    // v128.any_true; v128.load, i8x16.all_true
    code.push(O.CONST64, 1, 2, O.CONST64, 3, big ? -4 : 4);
    code.push(O.CONST64, 5, 6, O.CONST64, 7, 8, O.SIMD_BASE + 0xae);
    code.push(O.SIMD_BASE + 0x53, O.DROP);
    code.push(O.CONST32, 16, O.SIMD_BASE + 0x00, 0, 0);
    code.push(O.SIMD_BASE + 0x63, O.DROP);
    code.push(O.REF_NULL, O.REF_IS_NULL, O.DROP, O.REF_FUNC, 1, O.DROP);
    code.push(O.CONST32, 0, O.TABLE_GET, 0, O.DROP, O.TABLE_SIZE, 0, O.DROP);
    // control
    code.push(
      O.CONST32,
      5,
      O.CONST32,
      6,
      O.CONST32,
      big ? 1 : 0,
      O.SELECT,
      O.DROP,
    );
    code.push(O.CONST32, big ? 1 : 0);
    code.push(O.BR_IF, code.length + 2);
    code.push(O.CONST32, big ? 0 : 1);
    code.push(O.IF, code.length + 2);
    code.push(O.JMP, code.length + 2);
    code.push(O.CONST32, 9, O.CONST32, 1);
    code.push(O.BR_IF_COPY, code.length + 5, H, 1, 0);
    code.push(O.DROP);
    code.push(O.CONST32, 9);
    code.push(O.BR, code.length + 4, H, 1);
    code.push(O.DROP);
    code.push(O.CONST32, big ? 1 : 5);
    code.push(O.BR_TABLE, 1, 0, code.length + 9, H, -1, code.length + 9, H, -1);
    code.push(O.CALL, 1, O.CALL, 2, O.CALL, 3);
    code.push(O.CONST32, 0, O.CALL_INDIRECT, 0, 0);
    code.push(O.FUEL, 1);
  }
  // repeat the whole pass PASSES times so V8 tiers the dispatch loop up with complete feedback
  // (the optimized OSR code is cached per loop and reused by later calls of run())
  code.push(O.LG_ADDK, 8, 1, O.LOCAL_SET32, 8);
  code.push(O.BRC_LK + 2, 8, PASSES, top);
  code.push(O.RETURN, 0, 0);
  return code;
}

let done = false;
/** Passes over the warm-up code (tier-up trigger; each pass is ~3000 dispatches). */
const PASSES = 12;

/** Runs the warm-up once per process (a few milliseconds). */
export function warmUp(call: (f: FuncInst) => void): void {
  if (done) return;
  done = true;
  const t = funcType([], []);
  const main: CompiledFunc = {
    code: Int32Array.from(buildCode()),
    nparams: 0,
    nlocals: 5,
    maxHeight: 16,
    refLocals: [],
    type: t,
    entryFuel: 1,
    entryPc: 2,
    start: 0,
  };
  const leaf: CompiledFunc = {
    code: Int32Array.from([O.FUEL, 1, O.RETURN, 0, 0]),
    nparams: 0,
    nlocals: 2,
    maxHeight: 0,
    refLocals: [2, 4],
    type: t,
    entryFuel: 1,
    entryPc: 2,
    start: 0,
  };
  const ctx: Ctx = {
    funcs: [],
    globals: [new GlobalInst(I32, true)],
    tables: [new TableInst(FUNCREF, 2, null, null)],
    mems: [new MemInst(1, null)],
    typeIds: [typeIdOf(t)],
    datas: [],
    elems: [],
    fuel: Number.MAX_SAFE_INTEGER,
    fuelStart: Number.MAX_SAFE_INTEGER,
    fuelLimit: null,
    maxCallDepth: 100,
    interrupt: null,
    tier: "interp",
    cm: null,
  };
  const fm = new FuncInst(t, ctx, main, null, 0);
  const fl = new FuncInst(t, ctx, leaf, null, 1);
  const fh = new FuncInst(t, null, null, () => {}, 2);
  const tailer: CompiledFunc = {
    code: Int32Array.from([O.FUEL, 1, O.RETURN_CALL, 1]),
    nparams: 0,
    nlocals: 0,
    maxHeight: 0,
    refLocals: [],
    type: t,
    entryFuel: 0,
    entryPc: 0,
    start: 0,
  };
  const ft = new FuncInst(t, ctx, tailer, null, 3);
  ctx.funcs.push(fm, fl, fh, ft);
  ctx.tables[0].elems[0] = fl;
  call(fm);
  // exercise the fuel-exhaustion paths (FUEL op and call entry) once, with tiny fuel budgets
  const caller: CompiledFunc = {
    code: Int32Array.from([O.FUEL, 1, O.CALL, 1, O.FUEL, 1, O.RETURN, 0, 0]),
    nparams: 0,
    nlocals: 0,
    maxHeight: 0,
    refLocals: [],
    type: t,
    entryFuel: 0,
    entryPc: 0,
    start: 0,
  };
  // slice ends: FUEL and FUEL_LG yield (trampoline), a call entry refills from the reserve
  const S = O.SLICE;
  const slicer: CompiledFunc = {
    code: Int32Array.from([
      O.FUEL,
      S,
      O.FUEL,
      1,
      O.FUEL_LG,
      S,
      0,
      O.DROP,
      O.CALL,
      1,
      O.RETURN,
      0,
      0,
    ]),
    nparams: 0,
    nlocals: 1,
    maxHeight: 2,
    refLocals: [],
    type: t,
    entryFuel: 0,
    entryPc: 0,
    start: 0,
  };
  {
    const c3: Ctx = { ...ctx, fuel: 3 * S, fuelStart: 3 * S, fuelLimit: null };
    const fs = new FuncInst(t, c3, slicer, null, 5);
    c3.funcs = [fs, new FuncInst(t, c3, leaf, null, 1)];
    call(fs);
  }
  for (const budget of [0, 1, 2, 3]) {
    const c2: Ctx = {
      ...ctx,
      fuel: budget,
      fuelStart: budget,
      fuelLimit: budget,
    };
    const fc = new FuncInst(t, c2, caller, null, 4);
    c2.funcs = [fc, new FuncInst(t, c2, leaf, null, 1)];
    try {
      call(fc);
    } catch (e) {
      if (!(e instanceof RuntimeError)) throw e;
    }
  }
}
