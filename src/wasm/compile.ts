/**
 * Validator + compiler: validates a decoded module (core spec section 3 "Validation") and
 * compiles every function body into a compact Int32Array of internal opcodes (see ops.ts)
 * with resolved branch targets and frame-relative stack offsets.
 *
 * Fuel accounting (see exec.ts): every instruction of the body costs 1, except the structural
 * markers `block`, `loop`, `else` and `end`, which cost 0. The compiler emits a FUEL n op at the
 * start of each basic block carrying the number of costed instructions in it; blocks end at every
 * branch, call, return and label.
 * @module
 */
import { Reader } from "./reader.ts";
import { readConstExpr, readValType } from "./decode.ts";
import { LIMITS } from "./limits.ts";
import * as O from "./ops.ts";
import {
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  type FuncType,
  I32,
  I64,
  isRef,
  KIND_FUNC,
  KIND_GLOBAL,
  KIND_MEMORY,
  KIND_TABLE,
  type Limits,
  type ModuleIR,
  slotsOfTypes,
  V128,
  type ValType,
  valTypeName,
} from "./types.ts";

/** A compiled function body (the interpreter's view of one function). */
export interface CompiledFunc {
  /** the code array: the module's shared code, this function from `start` */
  code: Int32Array;
  /** where the function's code starts in `code` (its first op, the entry FUEL op if any) */
  start: number;
  nparams: number;
  /** params + declared locals */
  nlocals: number;
  /** maximum operand stack height (slots) */
  maxHeight: number;
  /**
   * Reference-typed declared locals (to null on entry), as ranges of frame-relative Int32
   * offsets: [from0, to0, from1, to1, ...], each covering the offsets from..to-2 in steps of 2.
   */
  refLocals: number[];
  /** fuel of the entry basic block, charged by the call itself (0 when none) */
  entryFuel: number;
  /** where execution starts in `code` (after the entry FUEL op, if any) */
  entryPc: number;
  type: FuncType;
}

/**
 * A module after validation and compilation. Its size is linear in the module's: every defined
 * function's code lives in one shared Int32Array and its metadata in typed arrays; the per-function
 * CompiledFunc objects the interpreter uses are only built when the module is first instantiated
 * (`funcsOf`), so a process that only validates or describes a module never pays for them.
 */
export interface CompiledModule {
  ir: ModuleIR;
  /** compiled code of all defined functions, one after the other (branch targets absolute) */
  code: Int32Array;
  /** per defined function i: [4i] start in code, [4i+1] max height, [4i+2..4i+3] range in `refs` */
  meta: Int32Array;
  /** refLocals ranges of all functions, concatenated */
  refs: Int32Array;
  /** the interpreter's view of each defined function, built on first use */
  funcs: CompiledFunc[] | null;
  /** functions the module declares references to (for compiling a function again) */
  declared: Set<number>;
  /**
   * Per defined function, 1 when it uses v128 (a v128 param, result, local or operand, or a SIMD
   * instruction, even in unreachable code): its params and locals take stack slots by type (a
   * v128 two), see `funcsOf`. null when no function of the module does.
   */
  simd: Uint8Array | null;
}

/** Shared block types (never mutated): no values, and one value of each type. */
const NO_TYPES: ValType[] = [];
const ONE_TYPE: ValType[][] = [];
for (const t of [I32, I64, F32, F64, V128, FUNCREF, EXTERNREF]) {
  ONE_TYPE[t] = [t];
}

/** Shared empty refLocals (never mutated). */
const NO_REFS: number[] = [];

/** The CompiledFunc objects of a module's defined functions (built once, on first use). */
export function funcsOf(cm: CompiledModule): CompiledFunc[] {
  if (cm.funcs !== null) return cm.funcs;
  const ir = cm.ir, meta = cm.meta, code = cm.code;
  const n = ir.codes.start.length;
  const funcs: CompiledFunc[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const type = ir.types[ir.funcTypes[ir.numImportedFuncs + i]];
    const start = meta[4 * i];
    const entryFuel = code[start] === O.FUEL ? code[start + 1] : 0;
    const r0 = meta[4 * i + 2], r1 = meta[4 * i + 3];
    // params and locals in stack slots (a v128 takes two)
    let np = type.params.length, nl = np + ir.codes.nlocals[i];
    if (cm.simd !== null && cm.simd[i] === 1) {
      np = slotsOfTypes(type.params);
      nl = np + localSlots(ir, i);
    }
    // same field order as the warm-up's functions (one hidden class for the interpreter)
    funcs[i] = {
      code,
      nparams: np,
      nlocals: nl,
      maxHeight: meta[4 * i + 1],
      refLocals: r1 > r0 ? Array.from(cm.refs.subarray(r0, r1)) : NO_REFS,
      type,
      entryFuel,
      entryPc: entryFuel > 0 ? start + 2 : start,
      start,
    };
  }
  cm.funcs = funcs;
  return funcs;
}

/** Stack slots of the declared locals of defined function i (a v128 takes two). */
function localSlots(ir: ModuleIR, i: number): number {
  const lr = new Reader(ir.bytes, ir.codes.localsAt[i]);
  const ngroups = lr.u32();
  let n = 0;
  for (let g = 0; g < ngroups; g++) {
    const count = lr.u32();
    n += readValType(lr) === V128 ? 2 * count : count;
  }
  return n;
}

/** A growable Int32Array (the module's code, the refLocals ranges). */
class Buf {
  a = new Int32Array(1024);
  len = 0;
  push(v: number): void {
    if (this.len === this.a.length) this.grow(1);
    this.a[this.len++] = v;
  }
  append(src: number[]): void {
    if (this.len + src.length > this.a.length) this.grow(src.length);
    this.a.set(src, this.len);
    this.len += src.length;
  }
  grow(n: number): void {
    const b = new Int32Array(Math.max(2 * this.a.length, this.len + n));
    b.set(this.a.subarray(0, this.len));
    this.a = b;
  }
  done(): Int32Array {
    return this.a.slice(0, this.len);
  }
}

const UNKNOWN = 0; // bottom type in unreachable code

/** numericSig precomputed for every opcode (avoids allocation while compiling). */
const NUMERIC_SIGS: ([ValType[], ValType] | null)[] = [];
for (let op = 0; op < 256; op++) {
  NUMERIC_SIGS.push(op >= 0x45 && op <= 0xc4 ? numericSig(op) : null);
}

const FUSE_INDEX: number[] = new Array(256).fill(-1);
O.FUSE_OPS.forEach((op, i) => (FUSE_INDEX[op] = i));
const FUSE64_INDEX: number[] = new Array(256).fill(-1);
O.FUSE64_OPS.forEach((op, i) => (FUSE64_INDEX[op] = i));

interface Ctrl {
  op: number; // 0x02 block, 0x03 loop, 0x04 if, 0x05 else, 0 func
  params: ValType[];
  results: ValType[];
  height: number;
  unreachable: boolean;
  dead: boolean; // emission disabled because an enclosing region is unreachable
  loopPc: number;
  fixups: number[];
  elseFixup: number;
}

/** Natural alignment (log2) and value type of load/store opcodes 0x28..0x3E. */
const MEM_ALIGN = [
  2,
  3,
  2,
  3,
  0,
  0,
  1,
  1,
  0,
  0,
  1,
  1,
  2,
  2,
  2,
  3,
  2,
  3,
  0,
  1,
  0,
  1,
  2,
];
const MEM_TYPE = [
  I32,
  I64,
  F32,
  F64,
  I32,
  I32,
  I32,
  I32,
  I64,
  I64,
  I64,
  I64,
  I64,
  I64,
  I32,
  I64,
  F32,
  F64,
  I32,
  I32,
  I64,
  I64,
  I64,
];

export function numericSig(op: number): [ValType[], ValType] | null {
  if (op === 0x45) return [[I32], I32];
  if (op <= 0x4f) return [[I32, I32], I32];
  if (op === 0x50) return [[I64], I32];
  if (op <= 0x5a) return [[I64, I64], I32];
  if (op <= 0x60) return [[F32, F32], I32];
  if (op <= 0x66) return [[F64, F64], I32];
  if (op <= 0x69) return [[I32], I32];
  if (op <= 0x78) return [[I32, I32], I32];
  if (op <= 0x7b) return [[I64], I64];
  if (op <= 0x8a) return [[I64, I64], I64];
  if (op <= 0x91) return [[F32], F32];
  if (op <= 0x98) return [[F32, F32], F32];
  if (op <= 0x9f) return [[F64], F64];
  if (op <= 0xa6) return [[F64, F64], F64];
  switch (op) {
    case 0xa7:
      return [[I64], I32];
    case 0xa8:
    case 0xa9:
      return [[F32], I32];
    case 0xaa:
    case 0xab:
      return [[F64], I32];
    case 0xac:
    case 0xad:
      return [[I32], I64];
    case 0xae:
    case 0xaf:
      return [[F32], I64];
    case 0xb0:
    case 0xb1:
      return [[F64], I64];
    case 0xb2:
    case 0xb3:
      return [[I32], F32];
    case 0xb4:
    case 0xb5:
      return [[I64], F32];
    case 0xb6:
      return [[F64], F32];
    case 0xb7:
    case 0xb8:
      return [[I32], F64];
    case 0xb9:
    case 0xba:
      return [[I64], F64];
    case 0xbb:
      return [[F32], F64];
    case 0xbc:
      return [[F32], I32];
    case 0xbd:
      return [[F64], I64];
    case 0xbe:
      return [[I32], F32];
    case 0xbf:
      return [[I64], F64];
    case 0xc0:
    case 0xc1:
      return [[I32], I32];
    case 0xc2:
    case 0xc3:
    case 0xc4:
      return [[I64], I64];
  }
  return null;
}

export const SAT_SIG: [ValType, ValType][] = [
  [F32, I32],
  [F32, I32],
  [F64, I32],
  [F64, I32],
  [F32, I64],
  [F32, I64],
  [
    F64,
    I64,
  ],
  [F64, I64],
];

/** Module-level context used while validating bodies and constant expressions. */
interface ModCtx {
  ir: ModuleIR;
  declaredFuncs: Set<number>;
  /** the code of all functions compiled so far */
  out: Buf;
  /** the refLocals ranges of all functions compiled so far */
  refs: Buf;
  /** types of the current function's locals (params first); reused across functions */
  localTypes: Uint8Array;
  /** stack slot of each local when the function has v128 locals; reused across functions */
  localSlot: Int32Array | null;
  /** set by compileFunc: the function uses v128 */
  v128: boolean;
}

function fail(at: number, msg: string): never {
  return new Reader(new Uint8Array(0)).fail(msg, at);
}

/** Calls `ref(f)` for every ref.func in the constant expression at `at`. */
function constExprRefs(
  bytes: Uint8Array,
  at: number,
  ref: (f: number) => void,
): void {
  readConstExpr(new Reader(bytes, at), ref);
}

/** Validates the constant expression at byte `at` producing `expected`; `maxGlobal` bounds global.get. */
function validateConstExpr(
  c: ModCtx,
  at: number,
  expected: ValType,
  maxGlobal: number,
): void {
  const stack: ValType[] = [];
  const ir = c.ir;
  const r = new Reader(ir.bytes, at);
  for (;;) {
    const op = r.u8();
    if (op === 0x0b) break;
    switch (op) {
      case 0x41:
        r.i32();
        stack.push(I32);
        break;
      case 0x42:
        r.i64();
        stack.push(I64);
        break;
      case 0x43:
        r.f32bits();
        stack.push(F32);
        break;
      case 0x44:
        r.f64bits();
        stack.push(F64);
        break;
      case 0xd0:
        stack.push(r.u8());
        break;
      case 0xd2: {
        const f = r.u32();
        if (f >= ir.funcTypes.length) fail(at, `unknown function ${f}`);
        stack.push(FUNCREF);
        break;
      }
      case 0xfd: // v128.const (decode.ts allowed no other SIMD instruction)
        r.u32();
        r.pos += 16;
        stack.push(V128);
        break;
      case 0x23: {
        const g = r.u32();
        if (g >= maxGlobal || g >= ir.globals.length) {
          fail(at, `unknown global ${g}`);
        }
        if (ir.globals[g].mutable) fail(at, "constant expression required");
        stack.push(ir.globals[g].type);
        break;
      }
      default: {
        const t = op >= 0x7c ? I64 : I32;
        const b = stack.pop(), a = stack.pop();
        if (a !== t || b !== t) fail(at, "type mismatch");
        stack.push(t);
      }
    }
  }
  if (stack.length !== 1 || stack[0] !== expected) fail(at, "type mismatch");
}

function checkLimits(l: Limits, bound: number, at: number, what: string): void {
  if (l.min > bound) fail(at, what);
  if (l.max !== null) {
    if (l.max > bound) fail(at, what);
    if (l.min > l.max) {
      fail(at, "size minimum must not be greater than maximum");
    }
  }
}

/** Validates the whole module and compiles all function bodies. Throws CompileError. */
export function compileModule(ir: ModuleIR): CompiledModule {
  const declared = new Set<number>();
  const c: ModCtx = {
    ir,
    declaredFuncs: declared,
    out: new Buf(),
    refs: new Buf(),
    localTypes: new Uint8Array(LIMITS.locals),
    localSlot: null,
    v128: false,
  };
  const nfuncs = ir.funcTypes.length;
  for (let i = 0; i < ir.funcTypes.length; i++) {
    if (ir.funcTypes[i] >= ir.types.length) {
      fail(0, `unknown type ${ir.funcTypes[i]}`);
    }
  }
  for (const t of ir.tables) {
    checkLimits(t.limits, 0xffffffff, 0, "table size must be at most 2^32-1");
  }
  for (const m of ir.memories) {
    checkLimits(
      m.limits,
      65536,
      0,
      "memory size must be at most 65536 pages (4GiB)",
    );
  }
  // declared function references: exports, element segments, global initializers
  for (const e of ir.exports) if (e.kind === KIND_FUNC) declared.add(e.index);
  const declare = (f: number) => declared.add(f);
  for (const el of ir.elems) {
    if (el.exprs) {
      for (const at of el.items) constExprRefs(ir.bytes, at, declare);
    } else for (const f of el.items) declared.add(f);
  }
  const gi = ir.globalInits;
  for (let i = 0; i < gi.length; i++) constExprRefs(ir.bytes, gi[i], declare);
  for (let i = 0; i < gi.length; i++) {
    const g = ir.globals[ir.numImportedGlobals + i];
    validateConstExpr(c, gi[i], g.type, ir.numImportedGlobals);
  }
  const names = new Set<string>();
  for (const e of ir.exports) {
    if (names.has(e.name)) fail(0, "duplicate export name");
    names.add(e.name);
    const [n, what] = e.kind === KIND_FUNC
      ? [nfuncs, "function"]
      : e.kind === KIND_TABLE
      ? [ir.tables.length, "table"]
      : e.kind === KIND_MEMORY
      ? [ir.memories.length, "memory"]
      : [ir.globals.length, "global"];
    if (e.index >= n) fail(0, `unknown ${what} ${e.index}`);
  }
  void KIND_GLOBAL;
  if (ir.start !== null) {
    if (ir.start >= nfuncs) fail(0, `unknown function ${ir.start}`);
    const t = ir.types[ir.funcTypes[ir.start]];
    if (t.params.length || t.results.length) fail(0, "start function");
  }
  for (const el of ir.elems) {
    if (el.mode === "active") {
      if (el.table >= ir.tables.length) fail(0, `unknown table ${el.table}`);
      validateConstExpr(c, el.offset, I32, ir.numImportedGlobals);
      if (ir.tables[el.table].elem !== el.type) fail(0, "type mismatch");
    }
    if (el.exprs) {
      for (const at of el.items) {
        validateConstExpr(c, at, el.type, ir.globals.length);
      }
    } else {
      for (const f of el.items) {
        if (f >= nfuncs) fail(0, `unknown function ${f}`);
      }
    }
  }
  for (const d of ir.datas) {
    if (d.mode === "active") {
      if (d.memory >= ir.memories.length) fail(0, `unknown memory ${d.memory}`);
      validateConstExpr(c, d.offset, I32, ir.numImportedGlobals);
    }
  }
  const n = ir.codes.start.length;
  const meta = new Int32Array(4 * n);
  let simd: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    meta[4 * i] = c.out.len;
    meta[4 * i + 2] = c.refs.len;
    meta[4 * i + 1] = compileFunc(c, ir.numImportedFuncs + i);
    meta[4 * i + 3] = c.refs.len;
    if (c.v128) (simd ??= new Uint8Array(n))[i] = 1;
  }
  return {
    ir,
    code: c.out.done(),
    meta,
    refs: c.refs.done(),
    funcs: null,
    declared,
    simd,
  };
}

/** Positions of the FUEL ops recorded while compileFunc runs (fuelOpsOf), else null. */
let fuelRecord: number[] | null = null;

/**
 * Where the FUEL ops of defined function `funcIdx` sit in its compiled code, relative to the
 * function's start, in code order: the k-th is the start of the function's k-th basic block, the
 * same ordinal the JS tier gives its blocks (used to enter translated code at a block, OSR).
 * Compiles the function again into a scratch buffer (deterministic, linear in its size).
 */
export function fuelOpsOf(cm: CompiledModule, funcIdx: number): number[] {
  const c: ModCtx = {
    ir: cm.ir,
    declaredFuncs: cm.declared,
    out: new Buf(),
    refs: new Buf(),
    localTypes: new Uint8Array(LIMITS.locals),
    localSlot: null,
    v128: false,
  };
  const rec: number[] = [];
  fuelRecord = rec;
  try {
    compileFunc(c, funcIdx);
  } finally {
    fuelRecord = null;
  }
  return rec;
}

/**
 * Validates and compiles function funcIdx, appending its code to c.out (branch targets are
 * absolute positions in the module's code) and its refLocals ranges to c.refs. Returns its
 * maximum operand stack height.
 */
function compileFunc(c: ModCtx, funcIdx: number): number {
  const ir = c.ir;
  const bi = funcIdx - ir.numImportedFuncs;
  const type = ir.types[ir.funcTypes[funcIdx]];
  // the locals' types, expanded into the shared scratch array (decode.ts bounded their total)
  const localTypes = c.localTypes;
  const nparams = type.params.length;
  for (let i = 0; i < nparams; i++) localTypes[i] = type.params[i];
  let nlocals = nparams;
  // the function uses v128 (see CompiledModule.simd)
  let v128 = type.v128;
  // stack slots of the params and locals (a v128 takes two); slotOf[i] is local i's first
  // slot once a v128 param or local is met (before that, local i is at slot i)
  let nslots = nparams;
  let slotOf: Int32Array | null = null;
  const slotsFor = (upto: number): Int32Array => {
    const a = c.localSlot ??= new Int32Array(LIMITS.locals);
    for (let i = 0; i < upto; i++) a[i] = i;
    return a;
  };
  if (type.v128) {
    slotOf = slotsFor(0);
    nslots = 0;
    for (let i = 0; i < nparams; i++) {
      slotOf[i] = nslots;
      nslots += type.params[i] === V128 ? 2 : 1;
    }
  }
  {
    const lr = new Reader(ir.bytes, ir.codes.localsAt[bi]);
    const ngroups = lr.u32();
    for (let g = 0; g < ngroups; g++) {
      const count = lr.u32();
      const t = readValType(lr);
      localTypes.fill(t, nlocals, nlocals + count);
      if (isRef(t) && count > 0) {
        c.refs.push(2 * nslots);
        c.refs.push(2 * (nslots + count));
      }
      if (t === V128 && count > 0) {
        v128 = true;
        slotOf ??= slotsFor(nlocals);
      }
      const w = t === V128 ? 2 : 1;
      if (slotOf !== null) {
        for (let k = 0; k < count; k++) slotOf[nlocals + k] = nslots + w * k;
      }
      nlocals += count;
      nslots += w * count;
    }
  }
  /** First stack slot of local idx. */
  const LO = (idx: number) => slotOf === null ? idx : slotOf[idx];
  const retSlots = slotsOfTypes(type.results);
  const base = c.out.len;
  const r = new Reader(ir.bytes, ir.codes.start[bi], ir.codes.end[bi]);
  const code: number[] = [];
  const vals: ValType[] = [];
  // sh[h]: stack slots taken by the first h values of `vals` (valid for h <= vals.length)
  const sh: number[] = [0];
  const ctrls: Ctrl[] = [];
  let maxHeight = 0;
  let fuelPos = -1; // index of the current FUEL immediate, -1 when none yet in this basic block
  let lastPos = -1; // start of the last emitted instruction in this basic block (for fusion)
  let prevPos = -1; // start of the instruction before lastPos (same block), or -1
  let keepLast = false; // the current instruction was fused into lastPos
  let noFuse = false; // the current instruction's ops must not be fused with the next ones
  let blockBreak = false;
  let opAt = 0;

  const err = (msg: string): never => fail(opAt, msg);
  const H = (h: number) => 2 * (nslots + sh[h]);
  /** Stack slots of the top k values. */
  const topSlots = (k: number) => sh[vals.length] - sh[vals.length - k];
  const emitting = () => {
    const f = ctrls[ctrls.length - 1];
    return !f.unreachable && !f.dead;
  };
  const count = () => {
    if (!emitting()) return;
    if (fuelPos < 0) {
      code.push(O.FUEL, 0);
      fuelPos = code.length - 1;
      if (fuelRecord !== null) fuelRecord.push(fuelPos - 1);
    }
    code[fuelPos]++;
  };
  const newBlock = () => {
    fuelPos = -1;
    blockBreak = true;
  };
  const push = (t: ValType) => {
    const n = vals.length;
    vals.push(t);
    const h = sh[n] + (t === V128 ? 2 : 1);
    sh[n + 1] = h;
    if (h > maxHeight) maxHeight = h;
    if (t === V128) v128 = true;
  };
  const pop = (): ValType => {
    const f = ctrls[ctrls.length - 1];
    if (vals.length === f.height) {
      if (f.unreachable) return UNKNOWN;
      err("type mismatch");
    }
    return vals.pop()!;
  };
  const popT = (t: ValType): ValType => {
    const a = pop();
    if (a !== t && a !== UNKNOWN && t !== UNKNOWN) err("type mismatch");
    return a;
  };
  const popTypes = (ts: ValType[]) => {
    for (let i = ts.length - 1; i >= 0; i--) popT(ts[i]);
  };
  const pushTypes = (ts: ValType[]) => {
    for (const t of ts) push(t);
  };
  const pushCtrl = (op: number, params: ValType[], results: ValType[]) => {
    const parent = ctrls[ctrls.length - 1];
    ctrls.push({
      op,
      params,
      results,
      height: vals.length,
      unreachable: false,
      dead: parent ? parent.dead || parent.unreachable : false,
      loopPc: 0,
      fixups: [],
      elseFixup: -1,
    });
    pushTypes(params);
  };
  const popCtrl = (): Ctrl => {
    const f = ctrls[ctrls.length - 1];
    popTypes(f.results);
    if (vals.length !== f.height) err("type mismatch");
    ctrls.pop();
    return f;
  };
  const labelTypes = (f: Ctrl) => (f.op === 0x03 ? f.params : f.results);
  const setUnreachable = () => {
    const f = ctrls[ctrls.length - 1];
    vals.length = f.height;
    f.unreachable = true;
  };
  const hasRef = (ts: ValType[]) => ts.some(isRef);
  /** Emits the jump part of a branch to label frame f (values on top of the current stack). */
  const emitBranchTo = (f: Ctrl, conditional: boolean) => {
    const lt = labelTypes(f);
    const arity = lt.length;
    const srcH = vals.length - arity;
    if (srcH === f.height) {
      if (conditional) {
        // fuse a preceding i32 compare (spec-neutral peephole; same basic block only)
        const lp = lastPos, lop = lp >= 0 ? code[lp] : -1;
        if (lp === code.length - 1 && lop >= 0x45 && lop <= 0x4f) {
          code[lp] = lop === 0x45 ? O.BRC + 10 : O.BRC + (lop - 0x46);
          emitTarget(f);
          return;
        }
        if (lp === code.length - 2 && lop >= O.FUSE_L && lop < O.FUSE_L + 10) {
          code[lp] = O.BRC_L + (lop - O.FUSE_L);
          emitTarget(f);
          return;
        }
        if (lp === code.length - 2 && lop >= O.FUSE_K && lop < O.FUSE_K + 10) {
          code[lp] = O.BRC_K + (lop - O.FUSE_K);
          emitTarget(f);
          return;
        }
        if (
          lp === code.length - 3 && lop >= O.FUSE_LK && lop < O.FUSE_LK + 10
        ) {
          code[lp] = O.BRC_LK + (lop - O.FUSE_LK);
          emitTarget(f);
          return;
        }
        if (
          lp === code.length - 3 && lop >= O.FUSE_LL && lop < O.FUSE_LL + 10
        ) {
          code[lp] = O.BRC_LL + (lop - O.FUSE_LL);
          emitTarget(f);
          return;
        }
      }
      code.push(conditional ? O.BR_IF : O.JMP);
    } else if (conditional) {
      code.push(O.BR_IF_COPY);
    } else code.push(hasRef(lt) ? O.BR_R : O.BR);
    emitTarget(f);
    if (srcH !== f.height) {
      code.push(H(f.height), topSlots(arity));
      if (conditional) code.push(hasRef(lt) ? 1 : 0);
    }
  };
  const emitTarget = (f: Ctrl) => {
    if (f.op === 0x03) code.push(f.loopPc);
    else {
      f.fixups.push(code.length);
      code.push(-1);
    }
  };
  const readBlockType = (): [ValType[], ValType[]] => {
    const b = r.bytes[r.pos];
    if (b === 0x40) {
      r.pos++;
      return [NO_TYPES, NO_TYPES];
    }
    if (b >= 0x6f && b <= 0x7f && r.pos < r.end) {
      const vt = readValType(r);
      if (vt === V128) v128 = true;
      return [NO_TYPES, ONE_TYPE[vt]];
    }
    const idx = r.s33();
    if (idx < 0 || idx >= ir.types.length) err(`unknown type`);
    const t = ir.types[idx];
    if (t.v128) v128 = true;
    return [t.params, t.results];
  };
  const label = (depth: number): Ctrl => {
    if (depth >= ctrls.length) err(`unknown label`);
    return ctrls[ctrls.length - 1 - depth];
  };
  const localType = (idx: number): ValType => {
    if (idx >= nlocals) err(`unknown local ${idx}`);
    return localTypes[idx];
  };
  /** Reads a memarg whose alignment may be at most 2^maxAlign: [memory, offset]. */
  const memarg = (maxAlign: number): [number, number] => {
    let align = r.u32();
    let mem = 0;
    if (align & 0x40) {
      align &= ~0x40;
      mem = r.u32();
    }
    const offset = r.u32();
    if (mem >= ir.memories.length) err(`unknown memory ${mem}`);
    if (align > maxAlign) {
      err("alignment must not be larger than natural");
    }
    return [mem, offset];
  };
  const needMem = (m: number) => {
    if (m >= ir.memories.length) err(`unknown memory ${m}`);
  };
  const needTable = (t: number) => {
    if (t >= ir.tables.length) err(`unknown table ${t}`);
    return ir.tables[t];
  };
  const needData = (d: number) => {
    if (ir.dataCount === null) err("data count section required");
    if (d >= ir.dataCount!) err(`unknown data segment ${d}`);
  };
  const needElem = (e: number) => {
    if (e >= ir.elems.length) err(`unknown elem segment ${e}`);
    return ir.elems[e];
  };
  const needFunc = (f: number) => {
    if (f >= ir.funcTypes.length) err(`unknown function ${f}`);
    return ir.types[ir.funcTypes[f]];
  };
  const needType = (t: number) => {
    if (t >= ir.types.length) err(`unknown type ${t}`);
    return ir.types[t];
  };

  /** Reads a lane index immediate below n. */
  const laneIdx = (n: number): number => {
    const l = r.u8();
    if (l >= n) err("invalid lane index");
    return l;
  };
  /** Validates and compiles SIMD instruction `0xFD sub` (its immediates follow). */
  const simd = (sub: number, d: O.SimdOp) => {
    const op = O.SIMD_BASE + sub;
    switch (d.shape) {
      case O.S_LOAD:
      case O.S_STORE: {
        const [mem, offset] = memarg(d.a);
        count();
        if (d.shape === O.S_LOAD) {
          popT(I32);
          push(V128);
        } else {
          popT(V128);
          popT(I32);
        }
        if (emitting()) code.push(op, offset | 0, mem);
        break;
      }
      case O.S_LOAD_LANE:
      case O.S_STORE_LANE: {
        const [mem, offset] = memarg(d.a);
        const lane = laneIdx(d.b);
        count();
        popT(V128);
        popT(I32);
        if (d.shape === O.S_LOAD_LANE) push(V128);
        if (emitting()) code.push(op, offset | 0, mem, lane);
        break;
      }
      case O.S_CONST: {
        // the 16 bytes as 4 little-endian words, pushed as two 64-bit constants
        const w = [0, 0, 0, 0];
        for (let k = 0; k < 16; k++) w[k >> 2] |= r.u8() << (8 * (k & 3));
        count();
        push(V128);
        if (emitting()) code.push(O.CONST64, w[0], w[1], O.CONST64, w[2], w[3]);
        noFuse = true;
        break;
      }
      case O.S_SHUFFLE: {
        const w = [0, 0, 0, 0];
        for (let k = 0; k < 16; k++) w[k >> 2] |= laneIdx(32) << (8 * (k & 3));
        count();
        popT(V128);
        popT(V128);
        push(V128);
        if (emitting()) code.push(op, w[0], w[1], w[2], w[3]);
        break;
      }
      case O.S_EXTRACT:
      case O.S_REPLACE: {
        const lane = laneIdx(d.b);
        count();
        if (d.shape === O.S_EXTRACT) {
          popT(V128);
          push(d.a);
        } else {
          popT(d.a);
          popT(V128);
          push(V128);
        }
        if (emitting()) code.push(op, lane);
        break;
      }
      default: {
        count();
        switch (d.shape) {
          case O.S_SPLAT:
            popT(d.a);
            break;
          case O.S_UNARY:
          case O.S_TEST:
            popT(V128);
            break;
          case O.S_BINARY:
            popT(V128);
            popT(V128);
            break;
          case O.S_TERNARY:
            popT(V128);
            popT(V128);
            popT(V128);
            break;
          case O.S_SHIFT:
            popT(I32);
            popT(V128);
            break;
        }
        push(d.shape === O.S_TEST ? I32 : V128);
        if (emitting()) code.push(op);
      }
    }
  };

  pushCtrl(0, [], type.results);
  // pushCtrl pushed no params (function params are locals)
  while (ctrls.length > 0) {
    if (r.pos >= r.end) fail(r.pos, "unexpected end of section or function");
    opAt = r.pos;
    const instStart = code.length;
    const op = r.u8();
    switch (op) {
      case 0x00: // unreachable
        count();
        if (emitting()) code.push(O.UNREACHABLE);
        setUnreachable();
        newBlock();
        break;
      case 0x01: // nop
        count();
        break;
      case 0x02: // block
      case 0x03: { // loop
        const [ps, rs] = readBlockType();
        popTypes(ps);
        pushCtrl(op, ps, rs);
        if (op === 0x03) {
          newBlock();
          ctrls[ctrls.length - 1].loopPc = base + code.length;
        }
        break;
      }
      case 0x04: { // if
        const [ps, rs] = readBlockType();
        count();
        popT(I32);
        popTypes(ps);
        const live = emitting();
        pushCtrl(op, ps, rs);
        if (live) {
          code.push(O.IF, -1);
          ctrls[ctrls.length - 1].elseFixup = code.length - 1;
        }
        newBlock();
        break;
      }
      case 0x05: { // else
        const f = ctrls[ctrls.length - 1];
        if (f.op !== 0x04) err("else without if");
        const wasLive = emitting();
        popCtrl();
        // then-arm falls through: jump to end
        if (wasLive) {
          code.push(O.JMP);
          f.fixups.push(code.length);
          code.push(-1);
        }
        ctrls.push(f);
        f.op = 0x05;
        f.unreachable = false;
        pushTypes(f.params);
        if (f.elseFixup >= 0) {
          code[f.elseFixup] = base + code.length;
          f.elseFixup = -1;
        }
        newBlock();
        break;
      }
      case 0x0b: { // end
        const f = ctrls[ctrls.length - 1];
        const wasLive = emitting();
        if (f.op === 0x04 && f.params.length !== f.results.length) {
          // if without else: params must equal results
          err("type mismatch");
        }
        if (f.op === 0x04) {
          for (let i = 0; i < f.params.length; i++) {
            if (f.params[i] !== f.results[i]) err("type mismatch");
          }
        }
        popCtrl();
        if (f.op === 0) {
          // function end: return
          if (wasLive) {
            code.push(O.RETURN, retSlots, hasRef(f.results) ? 1 : 0);
          }
          // patch branches targeting the function label: they act as returns
          if (f.fixups.length) {
            const retPc = base + code.length;
            code.push(O.RETURN, retSlots, hasRef(f.results) ? 1 : 0);
            for (const p of f.fixups) code[p] = retPc;
          }
          break;
        }
        pushTypes(f.results);
        const end = base + code.length;
        for (const p of f.fixups) code[p] = end;
        if (f.elseFixup >= 0) code[f.elseFixup] = end;
        newBlock();
        break;
      }
      case 0x0c: { // br
        const f = label(r.u32());
        count();
        const lt = labelTypes(f);
        popTypes(lt);
        if (emitting()) {
          pushTypes(lt);
          emitBranchTo(f, false);
        }
        setUnreachable();
        newBlock();
        break;
      }
      case 0x0d: { // br_if
        const f = label(r.u32());
        count();
        popT(I32);
        const lt = labelTypes(f);
        popTypes(lt);
        pushTypes(lt);
        if (emitting()) emitBranchTo(f, true);
        newBlock();
        break;
      }
      case 0x0e: { // br_table
        const n = r.u32();
        const depths: number[] = [];
        for (let i = 0; i <= n; i++) depths.push(r.u32());
        count();
        popT(I32);
        const def = label(depths[n]);
        const arity = labelTypes(def).length;
        const live = emitting();
        const height = vals.length;
        let anyRef = false;
        // each label's types must match the operands (spec 3.3.8.8, with the polymorphic
        // stack), checked in place; a label type already checked (types are shared objects)
        // is not checked again, so this stays linear in the module's size
        const top = ctrls[ctrls.length - 1];
        let checked: ValType[] | null = null;
        for (const d of depths) {
          const f = label(d);
          const lt = labelTypes(f);
          if (lt.length !== arity) err("type mismatch");
          if (lt === checked) continue;
          for (let k = 0; k < arity; k++) {
            const p = vals.length - arity + k;
            if (p < top.height) {
              if (!top.unreachable) err("type mismatch");
              continue;
            }
            const a = vals[p], t = lt[k];
            if (a !== t && a !== UNKNOWN && t !== UNKNOWN) err("type mismatch");
          }
          if (hasRef(lt)) anyRef = true;
          checked = lt;
        }
        popTypes(labelTypes(def));
        if (live) {
          code.push(O.BR_TABLE, n, anyRef ? 1 : 0);
          for (const d of depths) {
            const f = label(d);
            emitTarget(f);
            code.push(
              H(f.height),
              height - arity === f.height
                ? -1
                : sh[height] - sh[height - arity],
            );
          }
        }
        setUnreachable();
        newBlock();
        break;
      }
      case 0x0f: { // return
        count();
        const f = ctrls[0];
        popTypes(f.results);
        if (emitting()) {
          code.push(O.RETURN, retSlots, hasRef(f.results) ? 1 : 0);
        }
        setUnreachable();
        newBlock();
        break;
      }
      case 0x10:
      case 0x12: { // call, return_call
        const idx = r.u32();
        const t = needFunc(idx);
        if (t.v128) v128 = true;
        count();
        popTypes(t.params);
        if (op === 0x12) {
          const rt = ctrls[0].results;
          if (
            rt.length !== t.results.length ||
            rt.some((x, i) => x !== t.results[i])
          ) err("type mismatch");
          if (emitting()) code.push(O.RETURN_CALL, idx);
          setUnreachable();
        } else {
          if (emitting()) code.push(O.CALL, idx);
          pushTypes(t.results);
        }
        newBlock();
        break;
      }
      case 0x11:
      case 0x13: { // call_indirect, return_call_indirect
        const ti = r.u32();
        const tab = r.u32();
        const t = needType(ti);
        const tt = needTable(tab);
        if (tt.elem !== FUNCREF) err("type mismatch");
        if (t.v128) v128 = true;
        count();
        popT(I32);
        popTypes(t.params);
        if (op === 0x13) {
          const rt = ctrls[0].results;
          if (
            rt.length !== t.results.length ||
            rt.some((x, i) => x !== t.results[i])
          ) err("type mismatch");
          if (emitting()) code.push(O.RETURN_CALL_INDIRECT, ti, tab);
          setUnreachable();
        } else {
          if (emitting()) code.push(O.CALL_INDIRECT, ti, tab);
          pushTypes(t.results);
        }
        newBlock();
        break;
      }
      case 0x1a: { // drop
        count();
        const t = pop();
        if (emitting()) {
          code.push(O.DROP);
          if (t === V128) code.push(O.DROP);
        }
        break;
      }
      case 0x1b:
      case 0x1c: { // select
        let t: ValType;
        if (op === 0x1c) {
          const n = r.u32();
          if (n !== 1) err("invalid result arity");
          t = readValType(r);
          count();
          popT(I32);
          popT(t);
          popT(t);
        } else {
          count();
          popT(I32);
          const a = pop(), b = pop();
          if (isRef(a) || isRef(b)) err("type mismatch");
          if (a !== b && a !== UNKNOWN && b !== UNKNOWN) err("type mismatch");
          t = a === UNKNOWN ? b : a;
        }
        if (emitting()) {
          code.push(
            isRef(t) ? O.SELECT_R : t === V128 ? O.SELECT128 : O.SELECT,
          );
        }
        push(t);
        break;
      }
      case 0x20:
      case 0x21:
      case 0x22: { // local.get/set/tee
        const idx = r.u32();
        const t = localType(idx);
        count();
        if (op === 0x20) push(t);
        else {
          popT(t);
          if (op === 0x22) push(t);
        }
        if (emitting() && t === V128) {
          // a v128 local is two 64-bit slots: moved as two halves (low half deeper)
          const o = 2 * LO(idx);
          if (op === 0x20) code.push(O.LOCAL_GET64, o, O.LOCAL_GET64, o + 2);
          else if (op === 0x21) {
            code.push(O.LOCAL_SET64, o + 2, O.LOCAL_SET64, o);
          } else {
            code.push(
              O.LOCAL_SET64,
              o + 2,
              O.LOCAL_TEE64,
              o,
              O.LOCAL_GET64,
              o + 2,
            );
          }
          noFuse = true;
        } else if (emitting()) {
          const k = isRef(t) ? 2 : (t === I32 || t === F32) ? 0 : 1;
          const o = 2 * LO(idx);
          const base = op === 0x20
            ? O.LOCAL_GET32
            : op === 0x21
            ? O.LOCAL_SET32
            : O.LOCAL_TEE32;
          if (
            op === 0x20 && k === 0 && fuelPos >= 0 &&
            fuelPos === code.length - 1 && code[fuelPos - 1] === O.FUEL &&
            fuelPos > 1
          ) {
            code[fuelPos - 1] = O.FUEL_LG;
            code.push(o);
          } else if (
            op === 0x20 && k === 0 && lastPos >= 0 &&
            lastPos === code.length - 2 && code[lastPos] === O.LOCAL_GET32
          ) {
            code[lastPos] = O.GET2_32;
            code.push(o);
            keepLast = true;
          } else if (
            op === 0x20 && k === 0 && lastPos >= 0 &&
            lastPos === code.length - 2 && code[lastPos] === O.LOCAL_SET32
          ) {
            code[lastPos] = O.SET_GET32;
            code.push(o);
            keepLast = true;
          } else code.push(base + k, o);
        }
        break;
      }
      case 0x23:
      case 0x24: { // global.get/set
        const idx = r.u32();
        if (idx >= ir.globals.length) err(`unknown global ${idx}`);
        const g = ir.globals[idx];
        count();
        if (op === 0x23) push(g.type);
        else {
          if (!g.mutable) err("global is immutable");
          popT(g.type);
        }
        if (g.type === V128) {
          v128 = true;
          if (emitting()) {
            code.push(op === 0x23 ? O.GLOBAL_GET128 : O.GLOBAL_SET128, idx);
          }
        } else if (emitting()) {
          const ref = isRef(g.type);
          code.push(
            op === 0x23
              ? (ref ? O.GLOBAL_GET_R : O.GLOBAL_GET)
              : (ref ? O.GLOBAL_SET_R : O.GLOBAL_SET),
            idx,
          );
        }
        break;
      }
      case 0x25:
      case 0x26: { // table.get/set
        const t = r.u32();
        const tt = needTable(t);
        count();
        if (op === 0x25) {
          popT(I32);
          push(tt.elem);
        } else {
          popT(tt.elem);
          popT(I32);
        }
        if (emitting()) code.push(op === 0x25 ? O.TABLE_GET : O.TABLE_SET, t);
        break;
      }
      case 0x3f:
      case 0x40: { // memory.size/grow
        const m = r.u32();
        needMem(m);
        count();
        if (op === 0x40) popT(I32);
        push(I32);
        if (emitting()) code.push(op, m);
        break;
      }
      case 0x41:
        count();
        push(I32);
        {
          const v = r.i32();
          if (emitting()) code.push(O.CONST32, v);
        }
        break;
      case 0x42: {
        const lo = r.i64();
        count();
        push(I64);
        if (emitting()) code.push(O.CONST64, lo, r.hi);
        break;
      }
      case 0x43: {
        const v = r.f32bits();
        count();
        push(F32);
        if (emitting()) code.push(O.CONST32, v);
        break;
      }
      case 0x44: {
        const lo = r.f64bits();
        count();
        push(F64);
        if (emitting()) code.push(O.CONST64, lo, r.hi);
        break;
      }
      case 0xd0: { // ref.null
        const at = r.pos;
        const t = r.u8();
        if (t !== FUNCREF && t !== EXTERNREF) {
          fail(at, "malformed reference type");
        }
        count();
        push(t);
        if (emitting()) code.push(O.REF_NULL);
        break;
      }
      case 0xd1: { // ref.is_null
        count();
        const t = pop();
        if (t !== UNKNOWN && !isRef(t)) err("type mismatch");
        push(I32);
        if (emitting()) code.push(O.REF_IS_NULL);
        break;
      }
      case 0xd2: { // ref.func
        const f = r.u32();
        needFunc(f);
        if (!c.declaredFuncs.has(f)) err("undeclared function reference");
        count();
        push(FUNCREF);
        if (emitting()) code.push(O.REF_FUNC, f);
        break;
      }
      case 0xfc: {
        const sub = r.u32();
        count();
        if (sub <= 7) {
          const [from, to] = SAT_SIG[sub];
          popT(from);
          push(to);
          if (emitting()) code.push(O.SAT_BASE + sub);
          break;
        }
        switch (sub) {
          case 8: { // memory.init
            const d = r.u32();
            const m = r.u32();
            needData(d);
            needMem(m);
            popT(I32);
            popT(I32);
            popT(I32);
            if (emitting()) code.push(O.MEMORY_INIT, d, m);
            break;
          }
          case 9: { // data.drop
            const d = r.u32();
            needData(d);
            if (emitting()) code.push(O.DATA_DROP, d);
            break;
          }
          case 10: { // memory.copy
            const a = r.u32();
            const b = r.u32();
            needMem(a);
            needMem(b);
            popT(I32);
            popT(I32);
            popT(I32);
            if (emitting()) code.push(O.MEMORY_COPY, a, b);
            break;
          }
          case 11: { // memory.fill
            const m = r.u32();
            needMem(m);
            popT(I32);
            popT(I32);
            popT(I32);
            if (emitting()) code.push(O.MEMORY_FILL, m);
            break;
          }
          case 12: { // table.init elem table
            const e = r.u32();
            const t = r.u32();
            const tt = needTable(t);
            const el = needElem(e);
            if (tt.elem !== el.type) err("type mismatch");
            popT(I32);
            popT(I32);
            popT(I32);
            if (emitting()) code.push(O.TABLE_INIT, e, t);
            break;
          }
          case 13: { // elem.drop
            const e = r.u32();
            needElem(e);
            if (emitting()) code.push(O.ELEM_DROP, e);
            break;
          }
          case 14: { // table.copy dst src
            const a = r.u32();
            const b = r.u32();
            const ta = needTable(a), tb = needTable(b);
            if (ta.elem !== tb.elem) err("type mismatch");
            popT(I32);
            popT(I32);
            popT(I32);
            if (emitting()) code.push(O.TABLE_COPY, a, b);
            break;
          }
          case 15: { // table.grow
            const t = r.u32();
            const tt = needTable(t);
            popT(I32);
            popT(tt.elem);
            push(I32);
            if (emitting()) code.push(O.TABLE_GROW, t);
            break;
          }
          case 16: { // table.size
            const t = r.u32();
            needTable(t);
            push(I32);
            if (emitting()) code.push(O.TABLE_SIZE, t);
            break;
          }
          case 17: { // table.fill
            const t = r.u32();
            const tt = needTable(t);
            popT(I32);
            popT(tt.elem);
            popT(I32);
            if (emitting()) code.push(O.TABLE_FILL, t);
            break;
          }
          default:
            fail(opAt, "illegal opcode");
        }
        break;
      }
      case 0xfd: {
        const sub = r.u32();
        const d = sub < 256 ? O.SIMD_OPS[sub] : null;
        if (d === null) fail(opAt, "illegal opcode");
        v128 = true;
        simd(sub, d!);
        break;
      }
      case 0xfe:
        fail(opAt, "atomics (threads proposal, 0xFE prefix) are not supported");
        break;
      case 0xfb:
        fail(opAt, "GC proposal instructions (0xFB prefix) are not supported");
        break;
      case 0x06:
      case 0x07:
      case 0x08:
      case 0x09:
      case 0x0a:
      case 0x18:
      case 0x19:
      case 0x1f:
        fail(opAt, "exception handling is not supported");
        break;
      default: {
        if (op >= 0x28 && op <= 0x3e) {
          const [mem, offset] = memarg(MEM_ALIGN[op - 0x28]);
          const t = MEM_TYPE[op - 0x28];
          count();
          // f32/f64 loads and stores move raw bits: same as i32/i64
          const eop = op === 0x2a
            ? 0x28
            : op === 0x2b
            ? 0x29
            : op === 0x38
            ? 0x36
            : op === 0x39
            ? 0x37
            : op;
          if (op <= 0x35) {
            popT(I32);
            push(t);
          } else {
            popT(t);
            popT(I32);
          }
          if (emitting()) {
            if (
              mem === 0 && eop === 0x28 && lastPos >= 0 &&
              lastPos === code.length - 2 && code[lastPos] === O.LOCAL_GET32
            ) {
              code[lastPos] = O.LG_LOAD32;
              code.push(offset | 0);
              keepLast = true;
            } else if (mem === 0) code.push(eop, offset | 0);
            else code.push(O.MEM_N, eop, offset | 0, mem);
          }
          break;
        }
        const sig = op >= 0x45 && op <= 0xc4 ? NUMERIC_SIGS[op] : null;
        if (!sig) fail(opAt, "illegal opcode");
        count();
        popTypes(sig[0]);
        push(sig[1]);
        // reinterpretations are no-ops on the bit patterns kept in the stack
        if (emitting() && !(op >= 0xbc && op <= 0xbf)) {
          const fi = FUSE_INDEX[op];
          const f64i = FUSE64_INDEX[op];
          if (
            op >= 0xa0 && op <= 0xa3 && lastPos >= 0 &&
            lastPos === code.length - 2 &&
            code[lastPos] === O.LOCAL_GET64
          ) {
            code[lastPos] = O.F64_L + (op - 0xa0);
          } else if (
            f64i >= 0 && lastPos >= 0 && lastPos === code.length - 2 &&
            code[lastPos] === O.LOCAL_GET64
          ) {
            code[lastPos] = O.FUSE64_L + f64i;
          } else if (
            f64i >= 0 && lastPos >= 0 && lastPos === code.length - 3 &&
            code[lastPos] === O.CONST64
          ) {
            code[lastPos] = O.FUSE64_K + f64i;
          } else if (
            fi >= 0 && lastPos >= 0 && lastPos === code.length - 2 &&
            code[lastPos] === O.LOCAL_GET32
          ) {
            code[lastPos] = O.FUSE_L + fi;
          } else if (
            fi >= 0 && lastPos >= 0 && lastPos === code.length - 3 &&
            code[lastPos] === O.GET2_32
          ) {
            code[lastPos] = O.FUSE_LL + fi;
          } else if (
            fi >= 0 && lastPos >= 0 && lastPos === code.length - 2 &&
            code[lastPos] === O.CONST32
          ) {
            if (
              prevPos >= 0 && prevPos === lastPos - 2 &&
              code[prevPos] === O.LOCAL_GET32
            ) {
              // local.get x; i32.const k; <op>
              code[prevPos] = O.FUSE_LK + fi;
              code[prevPos + 2] = code[lastPos + 1];
              code.length = prevPos + 3;
              lastPos = prevPos;
              prevPos = -1;
              keepLast = true;
            } else code[lastPos] = O.FUSE_K + fi;
          } else code.push(op);
        }
      }
    }
    if (blockBreak || noFuse) {
      blockBreak = noFuse = false;
      keepLast = false;
      lastPos = prevPos = -1;
    } else if (keepLast) {
      keepLast = false;
    } else if (code.length > instStart) {
      prevPos = lastPos;
      lastPos = code[instStart] === O.FUEL ? instStart + 2 : instStart;
      if (lastPos !== instStart) prevPos = -1;
    }
  }
  if (r.pos !== r.end) fail(r.pos, "section size mismatch");
  void valTypeName;
  c.out.append(code);
  c.v128 = v128;
  return maxHeight;
}
