/**
 * The JS tier's translator: one validated function body (the module bytes the interpreter's
 * compiler also reads) becomes the source of a JavaScript factory, `new Function("env", src)`,
 * which returns the function bound to one instance.
 *
 * The source holds only numbers, operators and identifiers the translator chose: no byte of the
 * module (names, custom sections, data) is ever spliced into it.
 *
 * Values: every operand stack slot and local is a JS variable named by its height (or index) and
 * type: i32 `aN`, f32 `bN` (raw bits, so NaN payloads survive moves), f64 `dN` (a number), i64
 * `jN` low and `kN` high word (no BigInt), references `rN`, v128 four i32 words `sN_0` .. `sN_3`
 * (lane 0 in the low bits of word 0, as the interpreter's stack holds it). Locals are `lN` (i64
 * high word `hN`; a v128 `lN_0` .. `lN_3`, zero at entry). Control flow keeps its structure:
 * `block` is a labelled block, `loop` a labelled `for(;;)`, `br` a labelled break or continue,
 * `br_table` a `switch`.
 *
 * Calling convention: parameters flattened (an i64 is two arguments, low word first; a v128
 * four, word 0 first); one result is returned (an i64 returns its low word, the high word in
 * `RH[0]`); several results, and a v128 result, go to the multi-value registers MI/MF/MR, laid
 * out as on the interpreter's stack (the value in slot k: words MI[2k], MI[2k + 1] (a v128 up to
 * MI[2k + 3], and the next value in slot k + 2), f64 MF[k], reference MR[k]); `resultsInMV`.
 * Tail calls pass their arguments the same way.
 *
 * SIMD: v128.const and the simple instructions `-O3 -msimd128` code uses most (loads, stores,
 * shuffles, lane moves, bitwise and i32x4/i16x8 arithmetic, narrowings) are inline word
 * operations (`inlineSimd`); every other SIMD instruction runs the interpreter's own simd.ts
 * `simdOp` on a scratch area at the end of its stack (`simd`), so the lane semantics have one
 * implementation. A v128 global is its Int32Array(4) `ref`, as in the interpreter.
 *
 * Fuel: the same basic blocks as the interpreter's compiler (compile.ts `count`/`newBlock`): each
 * block starts with `if ((fu -= n) < 0) fu = fuel(fu, n);`, so stepsUsed is identical in both
 * tiers. `fu` is the frame's copy of FS[0] in a local variable: FS[0] is written before every call
 * (and `fu` marked LENT until the call returns and it is read back), before every return, and in
 * a `catch` when the frame throws, so the slice is exact wherever the activation ends. Innermost
 * loops without calls also get a check-free copy (see `Split`), as many as keep a function V8
 * would optimize optimizable (`OPT_SOURCE`).
 * Every translated function gets its frame's depth as a first, hidden argument `dp` (a call
 * passes dp + 1); past DS[1] frames a callee runs in the interpreter instead (`deep`), whose
 * frames do not use the JS stack, and past DS[2] the call traps.
 *
 * OSR: `translate(ir, f, k)` makes a variant entered at the k-th basic block with the locals and
 * operand stack of an interpreter frame (a v128 in two slots): the code on the way to that block
 * is guarded by `if (osr === 0)` and the branches of enclosing `if`s are forced, until the block
 * clears `osr`.
 * @module
 */
import { Reader } from "../reader.ts";
import { readValType } from "../decode.ts";
import * as O from "../ops.ts";
import {
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  type FuncType,
  I32,
  I64,
  isRef,
  type ModuleIR,
  V128,
  type ValType,
} from "../types.ts";

const NO_TYPES: ValType[] = [];

/** Trap codes (rt.ts TRAPS). */
const T_UNREACHABLE = 0, T_DIV0 = 1, T_OVF = 2, T_UNDEF = 3, T_UNINIT = 4;
const T_SIG = 5;

interface Ctl {
  /** 0 function, 1 block, 2 loop, 3 if, 4 else */
  kind: number;
  id: number;
  params: ValType[];
  results: ValType[];
  /** stack height below the params */
  height: number;
  /** the rest of this construct is unreachable (after br, return, ...) */
  unreachable: boolean;
  /** the whole construct was entered in unreachable code: nothing is emitted */
  dead: boolean;
}

/**
 * An innermost loop without calls, emitted twice: first with its fuel checks (the interpreter's
 * basic blocks, as everywhere), then, from the same bytes and translator state, with plain
 * decrements, behind `if (fu >= cost)` where cost is every charge of the body: one iteration
 * charges at most that, so in that copy no check could have failed and the two behave the same,
 * stepsUsed included. The loop header re-tests it on every iteration. (A function whose copies
 * would take it past OPT_SOURCE is translated again with only some of them.)
 */
interface Split {
  ctl: Ctl;
  /** still innermost and without calls */
  ok: boolean;
  /** the charges of the whole body */
  cost: number;
  /** reader position of the body */
  pos: number;
  /** where the body starts in `out` */
  outStart: number;
  // translator state at the start of the body
  vals: ValType[];
  popped: ValType[];
  pend: (string | null)[];
  pendHi: (string | null)[];
  pendCond: (string | null)[];
  pendDeps: string[][];
  p128: (string[] | null)[];
  p128L: number[];
  blocks: number;
  nextId: number;
  unreachable: boolean;
  /** the checked copy, and the counters after it */
  slow: { body: string[]; blocks: number; nextId: number } | null;
}

/** Where the OSR entry block sits: the ids of its enclosing constructs (if: in its else arm?). */
type OsrPath = Map<number, boolean>;

/** The result of a translation. */
export interface Translated {
  /** body of `new Function("env", src)` */
  src: string;
  /** number of basic blocks (fuel charges) */
  blocks: number;
  /** the body makes tail calls (its outer entry is a trampoline; OSR callers run one) */
  tail: boolean;
}

/** A translation, and its loops' check-free copies (see `Split`): [body position, source size]. */
interface Run extends Translated {
  splits: [number, number][];
}

/**
 * Source size (characters) up to which a translation keeps V8's optimizing compiler: V8 does not
 * optimize a function whose bytecode is above 60 KiB (its --max-optimized-bytecode-size), and
 * translated code takes about 0.71 bytes of bytecode per character (vfprintf's 83,715 characters
 * are 59,232 bytes of bytecode; simd_image's main 82,738 characters, 58,710 bytes). A function that fits without the check-free copies of its loops (`Split`)
 * but not with all of them gets only the copies that fit, smallest loops first (an inner loop,
 * the hottest, is small): its code runs optimized, which is worth more.
 */
const OPT_SOURCE = 82 * 1024;

/** Translates defined function `funcIdx` (a module function index) of a validated module. */
export function translate(
  ir: ModuleIR,
  funcIdx: number,
  osrBlock = -1,
  maxNesting = Infinity,
): Translated | null {
  try {
    if (osrBlock < 0) {
      const t = run(ir, funcIdx, -1, null, null, maxNesting, null);
      if (t === null || t.src.length <= OPT_SOURCE) return strip(t);
      let fast = 0;
      for (const [, n] of t.splits) fast += n;
      let room = OPT_SOURCE - (t.src.length - fast);
      if (fast === 0 || room < 0) return strip(t);
      const keep = new Set<number>();
      for (const [pos, n] of t.splits.sort((a, b) => a[1] - b[1])) {
        if (n > room) break;
        room -= n;
        keep.add(pos);
      }
      return strip(run(ir, funcIdx, -1, null, null, maxNesting, keep));
    }
    const paths: OsrPath[] = [];
    if (run(ir, funcIdx, -1, null, paths, maxNesting, null) === null) {
      return null;
    }
    const path = paths[osrBlock];
    if (!path) throw new Error(`no basic block ${osrBlock} in function`);
    return strip(run(ir, funcIdx, osrBlock, path, null, maxNesting, null));
  } catch (e) {
    if (e === TOO_BIG) return null;
    throw e;
  }
}

function strip(t: Run | null): Translated | null {
  return t === null ? null : { src: t.src, blocks: t.blocks, tail: t.tail };
}

/**
 * The value of a frame's fuel variable `fu` while a callee runs: the frame has handed its fuel to
 * the callee through FS[0] and takes it back when the call returns; an exception passing through
 * the frame then leaves FS[0] as the callee left it. The frame's `catch` writes `fu` back only
 * when it is not negative: it is negative only while lent, and from a block charge that did not
 * fit until its slow path returns (`fuel` leaves FS exact when it throws).
 */
const LENT = -1;

/**
 * The most JS variables (params and `let`s) a translation may have; a function that needs more
 * (tens of thousands of locals, a v128 local is four) is not translated: V8 gives the function
 * a frame of 8 bytes per variable on the host's stack, and 160,000 of them overflow it.
 */
const MAX_VARS = 65536;

/** Thrown when a translation outgrows its budget (see `emit`). */
const TOO_BIG = new Error("translation too large");

function vname(t: ValType, h: number): string {
  switch (t) {
    case I32:
      return "a" + h;
    case F32:
      return "b" + h;
    case F64:
      return "d" + h;
    case I64:
      return "j" + h;
    case V128:
      return "s" + h + "_0";
    default:
      return "r" + h;
  }
}

/** Word k (0..3, lane 0 lowest) of the v128 in operand stack slot h. */
function sw(h: number, k: number): string {
  return "s" + h + "_" + k;
}

/** Word k of v128 local i. */
function lw(i: number, k: number): string {
  return "l" + i + "_" + k;
}

/**
 * True when a function with results rs returns them in the multi-value registers (MI/MR, slot by
 * slot as on the interpreter's stack): several results, none, or one v128.
 */
export function resultsInMV(rs: ValType[]): boolean {
  return rs.length !== 1 || rs[0] === V128;
}

/** The first stack slot of each value of ts (a v128 takes two), and the total after them. */
function slotsAt(ts: ValType[]): number[] {
  const at: number[] = [];
  let s = 0;
  for (const t of ts) {
    at.push(s);
    s += t === V128 ? 2 : 1;
  }
  at.push(s);
  return at;
}

/** f64 literal (exact: shortest round-trip form), or null for NaN. */
function f64Lit(v: number): string | null {
  if (v !== v) return null;
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  if (Object.is(v, -0)) return "-0";
  return v < 0 ? `(${v})` : String(v);
}

const LOADS: Record<number, [string, ValType, number]> = {
  0x28: ["getInt32", I32, 4],
  0x29: ["", I64, 8],
  0x2a: ["getInt32", F32, 4],
  0x2b: ["getFloat64", F64, 8],
  0x2c: ["getInt8", I32, 1],
  0x2d: ["getUint8", I32, 1],
  0x2e: ["getInt16", I32, 2],
  0x2f: ["getUint16", I32, 2],
  0x30: ["getInt8", I64, 1],
  0x31: ["getUint8", I64, 1],
  0x32: ["getInt16", I64, 2],
  0x33: ["getUint16", I64, 2],
  0x34: ["getInt32", I64, 4],
  0x35: ["getInt32", I64, 4],
};
const STORES: Record<number, [string, ValType]> = {
  0x36: ["setInt32", I32],
  0x37: ["", I64],
  0x38: ["setInt32", F32],
  0x39: ["setFloat64", F64],
  0x3a: ["setInt8", I32],
  0x3b: ["setInt16", I32],
  0x3c: ["setInt8", I64],
  0x3d: ["setInt16", I64],
  0x3e: ["setInt32", I64],
};

function run(
  ir: ModuleIR,
  funcIdx: number,
  osrBlock: number,
  osrPath: OsrPath | null,
  paths: OsrPath[] | null,
  maxNesting: number,
  splitOnly: Set<number> | null,
): Run | null {
  const bi = funcIdx - ir.numImportedFuncs;
  const type = ir.types[ir.funcTypes[funcIdx]];
  const localTypes: ValType[] = type.params.slice();
  {
    const lr = new Reader(ir.bytes, ir.codes.localsAt[bi]);
    const ngroups = lr.u32();
    for (let g = 0; g < ngroups; g++) {
      const count = lr.u32();
      const t = readValType(lr);
      for (let k = 0; k < count; k++) localTypes.push(t);
    }
  }
  {
    // the locals' variables alone may be too many (see MAX_VARS)
    let n = 0;
    for (const t of localTypes) n += t === V128 ? 4 : t === I64 ? 2 : 1;
    if (n > MAX_VARS) return null;
  }
  const r = new Reader(ir.bytes, ir.codes.start[bi], ir.codes.end[bi]);
  const out: string[] = [];
  const vals: ValType[] = [];
  const ctls: Ctl[] = [];
  const declared = new Set<string>();
  const usedFuncs = new Set<number>();
  const usedGlobals = new Set<number>();
  const usedMems = new Set<number>();
  const usedTables = new Set<number>();
  const usedTypes = new Set<number>();
  const consts: string[] = [];
  const immConsts = new Map<string, string>(); // SIMD immediates -> their constant
  let nextId = 0;
  let fuelAt = -1; // index in `out` of the open block's fuel charge, or -1
  let fuelN = 0;
  let blocks = 0;
  let guardOpen = false;
  let osrTypes: ValType[] | null = null;
  let hasTail = false;
  let useMulTemps = false;
  let useSimd = false; // the body calls tier.ts's SIMD helpers (simdV ..., narrowS8 ...)
  let useTemps = false; // the body has inline SIMD code that uses temporaries u0..u3
  let maxNest = 0;
  // Innermost loops without calls are emitted twice: a copy without fuel checks, entered when
  // the frame's fuel covers every instruction of the body (so no check could fail in one
  // iteration), and the checked copy otherwise (see `Split`). Not in OSR translations, whose
  // basic-block numbering must stay the interpreter's.
  const canSplit = osrPath === null && paths === null;
  const splits: [number, number][] = [];
  let cand: Split | null = null; // the innermost loop being emitted, while it may be split
  let fast = false; // emitting the check-free copy

  // the source may grow with the body, not faster: a branch moves every value its label
  // carries (up to 1,000), so a few bytes of br_if could become kilobytes of moves; past this
  // budget the function is not translated (the interpreter runs it)
  const budget = 64 * (ir.codes.end[bi] - ir.codes.start[bi]) + 65536;
  let size = 0;
  const emit = (s: string) => {
    size += s.length;
    if (size > budget) throw TOO_BIG;
    out.push(s);
  };
  const V = (t: ValType, h: number) => {
    const n = vname(t, h);
    declared.add(n);
    if (t === I64) declared.add("k" + h);
    else if (t === V128) {
      for (let k = 1; k < 4; k++) declared.add(sw(h, k));
    }
    return n;
  };
  const K = (h: number) => "k" + h;
  const top = () => ctls[ctls.length - 1];
  const live = () => {
    const c = top();
    return !c.unreachable && !c.dead;
  };
  const count = () => {
    if (!live()) return;
    if (fuelAt < 0) {
      if (osrBlock === blocks) {
        if (guardOpen) emit("}");
        guardOpen = false;
        emit("osr = 0;");
        osrTypes = vals.slice();
      }
      if (paths !== null) {
        const p: OsrPath = new Map();
        for (const c of ctls) p.set(c.id, c.kind === 4);
        paths.push(p);
      }
      blocks++;
      out.push("");
      fuelAt = out.length - 1;
      fuelN = 0;
    }
    fuelN++;
    if (cand !== null && !fast) cand.cost++;
  };
  const closeFuel = () => {
    if (fuelAt >= 0) {
      out[fuelAt] = fast
        ? `fu -= ${fuelN};`
        : `if ((fu -= ${fuelN}) < 0) fu = fuel(fu, ${fuelN});`;
    }
    fuelAt = -1;
  };
  const newBlock = closeFuel;
  const push = (t: ValType): number => {
    vals.push(t);
    const h = vals.length - 1;
    pend[h] = null;
    p128[h] = null;
    return h;
  };
  const popped: ValType[] = []; // the type of a slot when it was last popped
  const pop = (): number => {
    popped[vals.length - 1] = vals.pop()!;
    return vals.length;
  };
  const typeAt = (h: number) => (h < vals.length ? vals[h] : popped[h]);
  // Pending values: a slot whose value is a pure expression over locals and constants is not
  // assigned to its variable until something needs it there (a branch, a call, a local it
  // reads being assigned): `(l0 + (l1 << 2)) | 0` instead of four assignments. Comparisons also
  // keep their condition, so `br_if`/`if`/`select` test it directly.
  const pend: (string | null)[] = [];
  const pendHi: (string | null)[] = [];
  const pendCond: (string | null)[] = [];
  // the variables a pending expression reads (locals, and slots' variables)
  const pendDeps: string[][] = [];
  // Pending v128 values: the words of a v128 slot that is a copy of a local (`local.get`) or a
  // constant are those words (p128[h]; p128L[h] the local, or -1) until something needs the
  // slot's own variables, as for pending scalars
  const p128: (string[] | null)[] = [];
  const p128L: number[] = [];
  /** Word k of the v128 in slot h, as an expression. */
  const vw = (h: number, k: number): string => p128[h]?.[k] ?? sw(h, k);
  /** Slot h is about to get a v128 in its own variables. */
  const out128 = (h: number): number => {
    p128[h] = null;
    V(V128, h);
    return h;
  };
  const NO_DEPS: string[] = [];
  const setPend = (
    h: number,
    e: string,
    deps: string[],
    cond: string | null = null,
    hi: string | null = null,
  ) => {
    pend[h] = e;
    pendHi[h] = hi;
    pendCond[h] = cond;
    pendDeps[h] = deps;
    if (e.length > 160) mat(h);
  };
  /** The value of slot h (type t) as an expression. */
  const x = (t: ValType, h: number): string => pend[h] ?? vname(t, h);
  const xhi = (h: number): string => pend[h] !== null ? pendHi[h]! : "k" + h;
  /** The variables read by the values of slots a (and b). */
  const deps = (a: number, b = -1): string[] => {
    const da = pend[a] === null ? [vname(typeAt(a), a)] : pendDeps[a];
    if (b < 0) return da;
    const db = pend[b] === null ? [vname(typeAt(b), b)] : pendDeps[b];
    return da.length === 0 ? db : db.length === 0 ? da : da.concat(db);
  };
  /** The condition `slot h is not 0` (h an i32). */
  const cond = (h: number): string =>
    pend[h] !== null && pendCond[h] !== null
      ? pendCond[h]!
      : `${x(I32, h)} !== 0`;
  const mat = (h: number) => {
    const w = p128[h];
    if (w) {
      out128(h);
      emit(copy128((k) => sw(h, k), (k) => w[k]));
      return;
    }
    const e = pend[h];
    if (e === null) return;
    pend[h] = null;
    const t = vals[h];
    matName(vname(t, h), h);
    emit(
      t === I64
        ? `${V(t, h)} = ${e}; k${h} = ${pendHi[h]};`
        : `${V(t, h)} = ${e};`,
    );
  };
  const matAll = () => {
    for (let h = 0; h < vals.length; h++) mat(h);
  };
  /** Materializes the pending v128 values that read v128 local i (about to change), but slot `keep`. */
  const matLocal128 = (i: number, keep: number) => {
    for (let h = 0; h < vals.length; h++) {
      if (h !== keep && p128[h] && p128L[h] === i) mat(h);
    }
  };
  /** Materializes the pending values that read variable `name` (about to change), but slot `keep`. */
  const matName = (name: string, keep: number) => {
    for (let h = 0; h < vals.length; h++) {
      if (h !== keep && pend[h] !== null && pendDeps[h].includes(name)) mat(h);
    }
  };
  const onPath = (c: Ctl) => osrPath !== null && osrPath.has(c.id);
  const openGuard = () => {
    emit("if (osr === 0) {");
    guardOpen = true;
  };
  const closeGuardForChild = () => {
    if (guardOpen) {
      emit("}");
      guardOpen = false;
    }
  };
  const readBlockType = (): [ValType[], ValType[]] => {
    const b = r.bytes[r.pos];
    if (b === 0x40) {
      r.pos++;
      return [NO_TYPES, NO_TYPES];
    }
    if (b >= 0x6f && b <= 0x7f) return [NO_TYPES, [readValType(r)]];
    const t = ir.types[r.s33()];
    return [t.params, t.results];
  };
  const memarg = (): [number, number] => {
    let align = r.u32();
    let mem = 0;
    if (align & 0x40) {
      align &= ~0x40;
      mem = r.u32();
    }
    return [mem, r.u32()];
  };
  const mem = (m: number) => {
    usedMems.add(m);
    return "v" + m;
  };
  const refreshMems = () => {
    // a callee may have grown any memory (detaching its old buffer)
    for (const m of usedMemsAll) emit(`v${m} = m${m}.dv;`);
  };
  // every memory this function touches (first pass over the body, so refreshes after calls
  // emitted before the first access are not missed)
  const usedMemsAll = scanMems(ir, r.pos, r.end);
  /** the branch moves to label c, values on top of the stack. */
  const moves = (c: Ctl): string => {
    const lt = c.kind === 2 ? c.params : c.results;
    const n = lt.length;
    const src = vals.length - n;
    let s = "";
    if (c.kind === 0) return ret(src);
    for (let k = 0; k < n; k++) {
      if (c.height + k === src + k) continue;
      s += assign(lt[k], c.height + k, src + k);
    }
    return s;
  };
  const assign = (t: ValType, dst: number, src: number): string => {
    if (t === I64) {
      return `${V(t, dst)} = j${src}; ${K(dst)} = k${src}; `;
    }
    if (t === V128) {
      V(t, dst);
      return copy128((k) => sw(dst, k), (k) => sw(src, k));
    }
    return `${V(t, dst)} = ${vname(t, src)}; `;
  };
  const jump = (c: Ctl): string => {
    if (c.kind === 0) return moves(c);
    return moves(c) + (c.kind === 2 ? `continue L${c.id};` : `break L${c.id};`);
  };
  /** return statement with the values at heights src.. */
  const ret = (src: number): string => {
    const rs = type.results;
    if (rs.length === 0) return "FS[0] = fu; return;";
    if (!resultsInMV(rs)) {
      if (rs[0] === I64) return `RH[0] = k${src}; FS[0] = fu; return j${src};`;
      return `FS[0] = fu; return ${vname(rs[0], src)};`;
    }
    let s = "";
    const at = slotsAt(rs);
    for (let k = 0; k < rs.length; k++) s += storeMV(rs[k], at[k], src + k);
    return s + "FS[0] = fu; return;";
  };
  /** Stores the value at height h (type t) to the multi-value registers' slot k. */
  const storeMV = (t: ValType, k: number, h: number): string => {
    switch (t) {
      case I32:
      case F32:
        return `MI[${2 * k}] = ${vname(t, h)}; `;
      case I64:
        return `MI[${2 * k}] = j${h}; MI[${2 * k + 1}] = k${h}; `;
      case F64:
        return `MI[${2 * k}] = f64lo(d${h}); MI[${2 * k + 1}] = R64.hi; `;
      case V128:
        return copy128((w) => `MI[${2 * k + w}]`, (w) => sw(h, w));
      default:
        return `MR[${k}] = r${h}; `;
    }
  };
  /** Loads the value at height h (type t) from the multi-value registers' slot k. */
  const loadMV = (t: ValType, k: number, h: number): string => {
    switch (t) {
      case I32:
      case F32:
        return `${V(t, h)} = MI[${2 * k}]; `;
      case I64:
        return `${V(t, h)} = MI[${2 * k}]; k${h} = MI[${2 * k + 1}]; `;
      case F64:
        return `${V(t, h)} = f64of(MI[${2 * k}], MI[${2 * k + 1}]); `;
      case V128:
        V(t, h);
        return copy128((w) => sw(h, w), (w) => `MI[${2 * k + w}]`);
      default:
        return `${V(t, h)} = MR[${k}]; `;
    }
  };
  /**
   * Emits a call to the function instance `fi` (an expression) of type t: arguments on the stack,
   * results pushed. A tail call hands the callee and its arguments (in the multi-value
   * registers) to the trampoline of the function's outer entry, so the JS stack does not grow.
   */
  const emitCall = (fi: string, t: FuncType, tail: boolean) => {
    const np = t.params.length;
    const base = vals.length - np;
    if (tail) {
      hasTail = true;
      let s = "";
      const at = slotsAt(t.params);
      for (let k = 0; k < np; k++) s += storeMV(t.params[k], at[k], base + k);
      emit(`${s}TAIL.f = ${fi}; FS[0] = fu; return 0;`);
      unreachableNow();
      return;
    }
    const args: string[] = [];
    for (let k = 0; k < np; k++) {
      const pt = t.params[k];
      if (pt === V128) {
        for (let w = 0; w < 4; w++) args.push(sw(base + k, w));
        continue;
      }
      args.push(vname(pt, base + k));
      if (pt === I64) args.push("k" + (base + k));
    }
    vals.length = base;
    const call = `e.jf(dp + 1${args.map((a) => ", " + a).join("")})`;
    const rs = t.results;
    // the callee charges its fuel in FS[0]: hand it ours, mark ours as handed over (the
    // `catch` must not write it back if the callee throws), take it back afterwards
    let s = `e = dp < dl ? ${fi} : deep(${fi}, dp); FS[0] = fu; fu = ${LENT}; `;
    if (!resultsInMV(rs)) {
      const h = push(rs[0]);
      s += `${V(rs[0], h)} = ${call}; fu = FS[0]; `;
      if (rs[0] === I64) s += `k${h} = RH[0]; `;
    } else {
      s += call + "; fu = FS[0]; ";
      const at = slotsAt(rs);
      for (let k = 0; k < rs.length; k++) {
        s += loadMV(rs[k], at[k], push(rs[k]));
      }
    }
    emit(s);
    refreshMems();
  };
  const unreachableNow = () => {
    const c = top();
    vals.length = c.height;
    c.unreachable = true;
  };
  const pushCtl = (kind: number, params: ValType[], results: ValType[]) => {
    const parent = ctls.length ? top() : null;
    const c: Ctl = {
      kind,
      id: nextId++,
      params,
      results,
      height: vals.length - params.length,
      unreachable: false,
      dead: parent !== null && (parent.dead || parent.unreachable),
    };
    ctls.push(c);
    if (ctls.length > maxNest) maxNest = ctls.length;
    return c;
  };

  // ---- body ----
  const fn = pushCtl(0, NO_TYPES, type.results);
  if (osrPath !== null) openGuard();
  while (ctls.length > 0) {
    const op = r.u8();
    // instructions in unreachable code are skipped (only nesting is tracked)
    if (!live() && op !== 0x05 && op !== 0x0b) {
      if (op === 0x02 || op === 0x03 || op === 0x04) {
        const [ps, rs] = readBlockType();
        const c = pushCtl(op === 0x02 ? 1 : op === 0x03 ? 2 : 3, ps, rs);
        c.dead = true;
        c.height = vals.length;
      } else skipImmediates(op, r);
      continue;
    }
    if (cand !== null && op >= 0x10 && op <= 0x15) cand.ok = false;
    // (SIMD instructions read their operands as expressions too, see `simd`)
    if (
      !AWARE[op] && op !== 0x04 && op !== 0x0d && op !== 0x0e && op !== 0xfd
    ) matAll();
    switch (op) {
      case 0x00:
        count();
        emit(`trap(${T_UNREACHABLE});`);
        unreachableNow();
        newBlock();
        break;
      case 0x01:
        count();
        break;
      case 0x02:
      case 0x03: {
        const [ps, rs] = readBlockType();
        if (op === 0x03) newBlock();
        const c = pushCtl(op === 0x02 ? 1 : 2, ps, rs);
        if (onPath(c)) closeGuardForChild();
        emit(op === 0x02 ? `L${c.id}: {` : `L${c.id}: for (;;) {`);
        if (onPath(c)) openGuard();
        if (op === 0x03 && canSplit && !fast) {
          // an enclosing candidate is not innermost; this loop may be
          if (cand !== null) cand.ok = false;
          cand = splitOnly !== null && !splitOnly.has(r.pos) ? null : {
            ctl: c,
            ok: true,
            cost: 0,
            pos: r.pos,
            outStart: out.length,
            vals: vals.slice(),
            popped: popped.slice(),
            pend: pend.slice(),
            pendHi: pendHi.slice(),
            pendCond: pendCond.slice(),
            pendDeps: pendDeps.slice(),
            p128: p128.slice(),
            p128L: p128L.slice(),
            blocks,
            nextId,
            unreachable: c.unreachable,
            slow: null,
          };
        }
        break;
      }
      case 0x04: {
        const [ps, rs] = readBlockType();
        count();
        const h = pop();
        const cd = cond(h);
        matAll();
        const c = pushCtl(3, ps, rs);
        if (onPath(c)) {
          closeGuardForChild();
          if (osrPath!.get(c.id)) {
            emit(`L${c.id}: if (osr === 0 && (${cd})) {`);
          } else {
            emit(`L${c.id}: if (osr !== 0 || (${cd})) {`);
            openGuard();
          }
        } else emit(`L${c.id}: if (${cd}) {`);
        newBlock();
        break;
      }
      case 0x05: {
        const c = top();
        c.kind = 4;
        c.unreachable = false;
        vals.length = c.height;
        for (const t of c.params) push(t);
        if (!c.dead) {
          emit("} else {");
          if (onPath(c) && osrPath!.get(c.id)) openGuard();
        }
        newBlock();
        break;
      }
      case 0x0b: {
        if (cand !== null && top() === cand.ctl && !cand.ctl.dead) {
          const sp = cand;
          closeFuel();
          if (!fast && sp.ok) {
            // the checked copy is done: emit the body again without checks
            sp.slow = { body: out.splice(sp.outStart), blocks, nextId };
            r.pos = sp.pos;
            vals.length = 0;
            vals.push(...sp.vals);
            popped.length = 0;
            popped.push(...sp.popped);
            pend.length = 0;
            pend.push(...sp.pend);
            pendHi.length = 0;
            pendHi.push(...sp.pendHi);
            pendCond.length = 0;
            pendCond.push(...sp.pendCond);
            pendDeps.length = 0;
            pendDeps.push(...sp.pendDeps);
            p128.length = 0;
            p128.push(...sp.p128);
            p128L.length = 0;
            p128L.push(...sp.p128L);
            blocks = sp.blocks;
            nextId = sp.nextId;
            sp.ctl.unreachable = sp.unreachable;
            fast = true;
            break;
          }
          if (fast) {
            const slow = sp.slow!;
            const fastBody = out.splice(sp.outStart);
            let n = 0;
            for (const l of fastBody) n += l.length + 1;
            splits.push([sp.pos, n]);
            out.push(
              `if (fu >= ${sp.cost}) {`,
              ...fastBody,
              "} else {",
              ...slow.body,
              "}",
            );
            blocks = slow.blocks;
            nextId = slow.nextId;
            fast = false;
          }
          cand = null;
        }
        const c = ctls.pop()!;
        if (c.dead) break;
        vals.length = c.height;
        for (const t of c.results) push(t);
        if (c.kind === 0) {
          if (!c.unreachable) emit(ret(c.height));
          newBlock();
          break;
        }
        if (c.kind === 2) emit(`break L${c.id}; }`);
        else emit("}");
        newBlock();
        break;
      }
      case 0x0c: {
        const c = ctls[ctls.length - 1 - r.u32()];
        count();
        emit(jump(c));
        unreachableNow();
        newBlock();
        break;
      }
      case 0x0d: {
        const c = ctls[ctls.length - 1 - r.u32()];
        count();
        const h = pop();
        const cd = cond(h);
        matAll();
        emit(`if (${cd}) { ${jump(c)} }`);
        newBlock();
        break;
      }
      case 0x0e: {
        const n = r.u32();
        const depths: number[] = [];
        for (let i = 0; i <= n; i++) depths.push(r.u32());
        count();
        const h = pop();
        const ix = x(I32, h);
        matAll();
        // one case group per distinct target
        const groups = new Map<number, number[]>();
        for (let i = 0; i < n; i++) {
          const g = groups.get(depths[i]);
          if (g) g.push(i);
          else groups.set(depths[i], [i]);
        }
        let s = `switch (${ix}) { `;
        for (const [d, idx] of groups) {
          if (d === depths[n]) continue;
          for (const i of idx) s += `case ${i}: `;
          s += `{ ${jump(ctls[ctls.length - 1 - d])} } `;
        }
        s += `default: { ${jump(ctls[ctls.length - 1 - depths[n]])} } }`;
        emit(s);
        unreachableNow();
        newBlock();
        break;
      }
      case 0x0f:
        count();
        emit(ret(vals.length - type.results.length));
        unreachableNow();
        newBlock();
        break;
      case 0x10:
      case 0x12: {
        const f = r.u32();
        count();
        usedFuncs.add(f);
        emitCall(
          `f${f}`,
          ir.types[ir.funcTypes[f]],
          op === 0x12,
        );
        newBlock();
        break;
      }
      case 0x11:
      case 0x13: {
        const ti = r.u32();
        const tab = r.u32();
        count();
        usedTables.add(tab);
        usedTypes.add(ti);
        const h = pop();
        emit(
          `t = a${h} >>> 0; if (t >= T${tab}.elems.length) trap(${T_UNDEF}); ` +
            `e = T${tab}.elems[t]; if (e === null) trap(${T_UNINIT}); ` +
            `if (e.typeId !== y${ti}) trap(${T_SIG});`,
        );
        emitCall("e", ir.types[ti], op === 0x13);
        newBlock();
        break;
      }
      case 0x1a:
        count();
        pop();
        break;
      case 0x1b:
      case 0x1c: {
        if (op === 0x1c) {
          const n = r.u32();
          for (let i = 0; i < n; i++) readValType(r);
        }
        count();
        const t = vals[vals.length - 3];
        if (t !== I32 && t !== F64) matAll();
        const c = pop();
        const b = pop();
        const a = vals.length - 1;
        if (t === I32 || t === F64) {
          const d = deps(a, b);
          const cd = cond(c);
          setPend(
            a,
            `(${cd} ? ${x(t, a)} : ${x(t, b)})`,
            d.concat(pend[c] === null ? ["a" + c] : pendDeps[c]),
          );
          break;
        }
        if (t === I64) {
          emit(`if (a${c} === 0) { j${a} = j${b}; k${a} = k${b}; }`);
        } else if (t === V128) {
          emit(
            `if (a${c} === 0) { ${copy128((k) => sw(a, k), (k) => sw(b, k))}}`,
          );
        } else {
          emit(`if (a${c} === 0) ${vname(t, a)} = ${vname(t, b)};`);
        }
        break;
      }
      case 0x20: {
        const i = r.u32();
        count();
        const t = localTypes[i];
        const h = push(t);
        if (t === V128) {
          p128[h] = [lw(i, 0), lw(i, 1), lw(i, 2), lw(i, 3)];
          p128L[h] = i;
          break;
        }
        setPend(h, "l" + i, ["l" + i], null, t === I64 ? "h" + i : null);
        break;
      }
      case 0x21:
      case 0x22: {
        const i = r.u32();
        count();
        const t = localTypes[i];
        const h = op === 0x21 ? pop() : vals.length - 1;
        if (t === V128) {
          if (p128[h] && p128L[h] === i) break; // local.set i of local.get i
          matLocal128(i, h);
          emit(copy128((k) => lw(i, k), (k) => vw(h, k)));
          if (op === 0x22) {
            p128[h] = [lw(i, 0), lw(i, 1), lw(i, 2), lw(i, 3)];
            p128L[h] = i;
          }
          break;
        }
        matName("l" + i, h);
        if (t === I64) {
          const lo = x(t, h), hi = xhi(h);
          if (lo === "l" + i) break; // local.set i of local.get i
          // both words read before either is written (the value may be this local's)
          emit(
            hi === "h" + i || lo === "h" + i
              ? `t = ${lo}; h${i} = ${hi}; l${i} = t;`
              : `l${i} = ${lo}; h${i} = ${hi};`,
          );
        } else emit(`l${i} = ${x(t, h)};`);
        if (op === 0x22) {
          setPend(h, "l" + i, ["l" + i], null, t === I64 ? "h" + i : null);
        }
        break;
      }
      case 0x23: {
        const g = r.u32();
        count();
        usedGlobals.add(g);
        const t = ir.globals[g].type;
        const h = push(t);
        const n = V(t, h);
        matName(n, h);
        switch (t) {
          case I32:
          case F32:
            emit(`${n} = g${g}.lo;`);
            break;
          case I64:
            emit(`${n} = g${g}.lo; k${h} = g${g}.hi;`);
            break;
          case F64:
            emit(`${n} = f64of(g${g}.lo, g${g}.hi);`);
            break;
          case V128:
            // a v128 global's value is its Int32Array(4) `ref` (simd.ts GLOBAL_GET128)
            emit(copy128((k) => sw(h, k), (k) => `g${g}.ref[${k}]`));
            break;
          default:
            emit(`${n} = g${g}.ref;`);
        }
        break;
      }
      case 0x24: {
        const g = r.u32();
        count();
        usedGlobals.add(g);
        const t = ir.globals[g].type;
        const h = pop();
        const n = x(t, h);
        switch (t) {
          case I32:
          case F32:
            emit(`g${g}.lo = ${n};`);
            break;
          case I64:
            emit(`g${g}.lo = ${n}; g${g}.hi = ${xhi(h)};`);
            break;
          case F64:
            emit(`g${g}.lo = f64lo(${n}); g${g}.hi = R64.hi;`);
            break;
          case V128:
            emit(copy128((k) => `g${g}.ref[${k}]`, (k) => vw(h, k)));
            break;
          default:
            emit(`g${g}.ref = ${n};`);
        }
        break;
      }
      case 0x25:
      case 0x26: {
        const tab = r.u32();
        count();
        usedTables.add(tab);
        if (op === 0x25) {
          const h = vals.length - 1;
          const t = ir.tables[tab].elem;
          vals[h] = t;
          emit(`${V(t, h)} = tget(T${tab}, a${h});`);
        } else {
          const v = pop();
          const i = pop();
          emit(`tset(T${tab}, a${i}, r${v});`);
        }
        break;
      }
      case 0x3f: {
        const m = r.u32();
        count();
        usedMems.add(m);
        const h = push(I32);
        emit(`${V(I32, h)} = m${m}.buf.byteLength / 65536;`);
        break;
      }
      case 0x40: {
        const m = r.u32();
        count();
        usedMems.add(m);
        const h = vals.length - 1;
        emit(`a${h} = m${m}.grow(a${h} >>> 0);`);
        refreshMems();
        break;
      }
      case 0x41: {
        const v = r.i32();
        count();
        setPend(push(I32), String(v), NO_DEPS);
        break;
      }
      case 0x42: {
        const lo = r.i64();
        const hi = r.hi;
        count();
        setPend(push(I64), String(lo), NO_DEPS, null, String(hi));
        break;
      }
      case 0x43: {
        const v = r.f32bits();
        count();
        setPend(push(F32), String(v), NO_DEPS);
        break;
      }
      case 0x44: {
        const lo = r.f64bits();
        const hi = r.hi;
        count();
        const h = push(F64);
        CI64[0] = lo;
        CI64[1] = hi;
        const lit = f64Lit(CF64[0]);
        if (lit !== null) setPend(h, lit, NO_DEPS);
        else {
          consts.push(`const K${consts.length} = f64of(${lo}, ${hi});`);
          setPend(h, `K${consts.length - 1}`, NO_DEPS);
        }
        break;
      }
      case 0xd0:
        r.u8();
        count();
        emit(`${V(FUNCREF, push(FUNCREF))} = null;`);
        break;
      case 0xd1: {
        count();
        const h = pop();
        emit(`${V(I32, push(I32))} = r${h} === null ? 1 : 0;`);
        break;
      }
      case 0xd2: {
        const f = r.u32();
        count();
        usedFuncs.add(f);
        emit(`${V(FUNCREF, push(FUNCREF))} = f${f};`);
        break;
      }
      case 0xfc:
        prefixed(r.u32());
        break;
      case 0xfd:
        simd(r.u32());
        break;
      default:
        if (op >= 0x28 && op <= 0x35) {
          const [m, off] = memarg();
          count();
          const [get, t, _w] = LOADS[op];
          const h = pop();
          const ax = x(I32, h);
          const at = off === 0 ? `${ax} >>> 0` : `(${ax} >>> 0) + ${off}`;
          const d = mem(m);
          push(t);
          const n = V(t, h);
          matName(n, h);
          if (op === 0x29) {
            emit(
              `t = ${at}; ${n} = ${d}.getInt32(t, true); k${h} = ${d}.getInt32(t + 4, true);`,
            );
          } else if (op === 0x2b) {
            // a plain load: re-reading a NaN as bits (to box a signalling one, tier.ts NaNBox)
            // makes every f64 a tagged value in V8's optimized code, 4x slower on float code;
            // V8's Maglev tier may quiet a signalling NaN loaded here (README, "Tiers")
            emit(`${n} = ${d}.getFloat64(${at}, true);`);
          } else {
            const le = get.endsWith("8") ? "" : ", true";
            if (t === I64) {
              const wide = get === "getInt8" || get === "getInt16" ||
                op === 0x34;
              emit(
                `${n} = ${d}.${get}(${at}${le}); k${h} = ${
                  wide ? `${n} >> 31` : "0"
                };`,
              );
            } else emit(`${n} = ${d}.${get}(${at}${le});`);
          }
        } else if (op >= 0x36 && op <= 0x3e) {
          const [m, off] = memarg();
          count();
          const [set, t] = STORES[op];
          const v = pop();
          const h = pop();
          const ax = x(I32, h);
          const at = off === 0 ? `${ax} >>> 0` : `(${ax} >>> 0) + ${off}`;
          const d = mem(m);
          const vx = x(t, v);
          if (op === 0x37) {
            // high word first: a store that is partly out of bounds writes nothing
            emit(
              `t = ${at}; ${d}.setInt32(t + 4, ${
                xhi(v)
              }, true); ${d}.setInt32(t, ${vx}, true);`,
            );
          } else if (op === 0x39) {
            emit(
              `t = ${at}; w = ${vx}; if (typeof w === "number") ${d}.setFloat64(t, w, true); else nanTo(${d}, t, w);`,
            );
          } else {
            emit(
              `${d}.${set}(${at}, ${vx}${set === "setInt8" ? "" : ", true"});`,
            );
          }
        } else {
          count();
          numeric(op);
        }
    }
  }
  closeFuel();
  void fn;
  if (maxNest > maxNesting) return null;

  /** 0xFC-prefixed instructions. */
  function prefixed(sub: number): void {
    count();
    if (sub <= 7) {
      const h = vals.length - 1;
      const src = vals[h];
      const from = src === F32 ? `fb(b${h})` : `+d${h}`;
      const to64 = sub >= 4;
      vals[h] = to64 ? I64 : I32;
      const n = V(vals[h], h);
      const fnName = [
        "satS32",
        "satU32",
        "satS32",
        "satU32",
        "satS64",
        "satU64",
        "satS64",
        "satU64",
      ][sub];
      emit(
        to64
          ? `${n} = ${fnName}(${from}); k${h} = R64.hi;`
          : `${n} = ${fnName}(${from});`,
      );
      return;
    }
    switch (sub) {
      case 8: {
        const d = r.u32();
        const m = r.u32();
        usedMems.add(m);
        const n = pop(), s = pop(), a = pop();
        emit(`meminit(env.ctx, ${d}, m${m}, a${a}, a${s}, a${n});`);
        return;
      }
      case 9:
        emit(`env.ctx.datas[${r.u32()}] = EMPTY8;`);
        return;
      case 10: {
        const md = r.u32();
        const ms = r.u32();
        usedMems.add(md);
        usedMems.add(ms);
        const n = pop(), s = pop(), a = pop();
        emit(`memcopy(m${md}, m${ms}, a${a}, a${s}, a${n});`);
        return;
      }
      case 11: {
        const m = r.u32();
        usedMems.add(m);
        const n = pop(), v = pop(), a = pop();
        emit(`memfill(m${m}, a${a}, a${v}, a${n});`);
        return;
      }
      case 12: {
        const e = r.u32();
        const tab = r.u32();
        usedTables.add(tab);
        const n = pop(), s = pop(), a = pop();
        emit(`tinit(env.ctx, ${e}, T${tab}, a${a}, a${s}, a${n});`);
        return;
      }
      case 13:
        emit(`env.ctx.elems[${r.u32()}] = EMPTY;`);
        return;
      case 14: {
        const td = r.u32();
        const ts = r.u32();
        usedTables.add(td);
        usedTables.add(ts);
        const n = pop(), s = pop(), a = pop();
        emit(`tcopy(T${td}, T${ts}, a${a}, a${s}, a${n});`);
        return;
      }
      case 15: {
        const tab = r.u32();
        usedTables.add(tab);
        const n = pop();
        const v = pop();
        const h = push(I32);
        emit(`${V(I32, h)} = T${tab}.grow(a${n} >>> 0, r${v});`);
        return;
      }
      case 16: {
        const tab = r.u32();
        usedTables.add(tab);
        emit(`${V(I32, push(I32))} = T${tab}.elems.length;`);
        return;
      }
      case 17: {
        const tab = r.u32();
        usedTables.add(tab);
        const n = pop(), v = pop(), a = pop();
        emit(`tfill(T${tab}, a${a}, r${v}, a${n});`);
        return;
      }
    }
  }

  /**
   * SIMD instruction `0xFD sub`. v128.const and a few simple, hot instructions are emitted inline
   * on the four words of their operands (INLINE_SIMD); every other one runs simd.ts `simdOp`,
   * the interpreter's own code, through a helper of tier.ts (simdV, simdVV ...) that writes the
   * operands' words to the JS tier's scratch at the end of the interpreter's stack (stack.ts
   * SCRATCH) as the interpreter's stack holds them (a slot each, a v128 two) and runs simdOp with
   * the stack top after them and the immediates compile.ts would give it (an Int32Array built
   * once per translation); the result's words are read back from the scratch (SX). Memory
   * instructions reach the memory through the instance (`ctx`), so they see its current buffer
   * and trap as the interpreter does. Operands are read as expressions (pending values stay
   * pending), like the instructions of AWARE.
   */
  function simd(sub: number): void {
    const d = O.SIMD_OPS[sub]!;
    const imm: number[] = [];
    let m = 0, off = 0;
    switch (d.shape) {
      case O.S_LOAD:
      case O.S_STORE:
      case O.S_LOAD_LANE:
      case O.S_STORE_LANE:
        [m, off] = memarg();
        imm.push(off | 0, m);
        if (d.shape === O.S_LOAD_LANE || d.shape === O.S_STORE_LANE) {
          imm.push(r.u8());
        }
        break;
      case O.S_CONST:
      case O.S_SHUFFLE: {
        // 16 bytes (lane indices of a shuffle) as 4 little-endian words
        const w = [0, 0, 0, 0];
        for (let k = 0; k < 16; k++) w[k >> 2] |= r.u8() << (8 * (k & 3));
        imm.push(...w);
        break;
      }
      case O.S_EXTRACT:
      case O.S_REPLACE:
        imm.push(r.u8());
        break;
    }
    count();
    if (d.shape === O.S_CONST) {
      // a pending constant: its words are numbers until a slot variable is needed
      const h = push(V128);
      p128[h] = imm.map(String);
      p128L[h] = -1;
      return;
    }
    if (inlineSimd(sub, imm, m, off)) return;
    // operands (deepest first) and result, by shape
    const ins: ValType[] = [];
    let res: ValType | null = V128;
    switch (d.shape) {
      case O.S_LOAD:
        ins.push(I32);
        break;
      case O.S_STORE:
      case O.S_STORE_LANE:
        ins.push(I32, V128);
        res = null;
        break;
      case O.S_LOAD_LANE:
        ins.push(I32, V128);
        break;
      case O.S_SPLAT:
        ins.push(d.a);
        break;
      case O.S_EXTRACT:
        ins.push(V128);
        res = d.a;
        break;
      case O.S_REPLACE:
        ins.push(V128, d.a);
        break;
      case O.S_UNARY:
        ins.push(V128);
        break;
      case O.S_TEST:
        ins.push(V128);
        res = I32;
        break;
      case O.S_SHIFT:
        ins.push(V128, I32);
        break;
      case O.S_TERNARY:
        ins.push(V128, V128, V128);
        break;
      default: // binary, shuffle
        ins.push(V128, V128);
    }
    const hs: number[] = [];
    for (let k = ins.length - 1; k >= 0; k--) hs[k] = pop();
    // the helper for this operand layout (tier.ts simdV ...) and its arguments
    let helper = "simd";
    const args: string[] = [];
    for (let k = 0; k < ins.length; k++) {
      const h = hs[k];
      switch (ins[k]) {
        case V128:
          helper += "V";
          for (let j = 0; j < 4; j++) args.push(vw(h, j));
          break;
        case I64:
          helper += "S";
          args.push(x(I64, h), xhi(h));
          break;
        case F64:
          helper += "S";
          args.push(`f64lo(${x(F64, h)})`, "R64.hi");
          break;
        default: // i32, f32 bits
          helper += "S";
          args.push(x(ins[k], h));
          // (the address of a store or lane access has no high word in the helper)
          if (ins.length === 1 || k > 0) args.push("0");
      }
    }
    let k = "NOIMM";
    if (imm.length > 0) {
      const key = imm.join(", ");
      k = immConsts.get(key) ?? "";
      if (k === "") {
        k = `K${consts.length}`;
        consts.push(`const ${k} = new Int32Array([${key}]);`);
        immConsts.set(key, k);
      }
    }
    useSimd = true;
    let src = `${helper}(${O.SIMD_BASE + sub}, ${k}, ctx, ${args.join(", ")});`;
    if (res !== null) {
      const h = push(res);
      if (res === V128) {
        out128(h);
        src += " " + copy128((j) => sw(h, j), (j) => `SX[${j}]`);
      } else {
        const n = V(res, h);
        matName(n, h);
        if (res === I64) matName("k" + h, h);
        src += res === I64
          ? ` ${n} = SX[0]; k${h} = SX[1];`
          : res === F64
          ? ` ${n} = f64of(SX[0], SX[1]);`
          : ` ${n} = SX[0];`;
      }
    }
    emit(src);
  }

  /**
   * Emits SIMD instruction `sub` inline when it is one of INLINE_SIMD (imm, m, off: its decoded
   * immediates); false otherwise. Each form computes the words simd.ts computes, with the same
   * JS operators (i32 wrap-around by `| 0` and Math.imul, shift counts masked), one word of
   * four lanes at a time. Memory accesses go through the memory's DataView like the scalar
   * loads and stores: an access out of bounds throws a RangeError, which the engine turns into
   * the trap, and a store writes its last word first, so that one traps before anything is
   * written.
   */
  function inlineSimd(
    sub: number,
    imm: number[],
    m: number,
    off: number,
  ): boolean {
    if (!INLINE_SIMD[sub]) return false;
    const addr = (h: number) => {
      const ax = x(I32, h);
      return off === 0 ? `${ax} >>> 0` : `(${ax} >>> 0) + ${off}`;
    };
    /** Writes the v128 at height h from four word expressions (that do not read its words). */
    const set128 = (h: number, w: (k: number) => string) => {
      out128(h);
      emit(copy128((k) => sw(h, k), w));
    };
    /** Word k of the result = f(word k of a, word k of b), for the v128s a, b on top. */
    const lanes = (f: (a: string, b: string) => string) => {
      const b = pop();
      const a = vals.length - 1;
      const wa = [0, 1, 2, 3].map((k) => vw(a, k));
      set128(a, (k) => f(wa[k], vw(b, k)));
    };
    /** A load of the v128 at the address on top: `t` is the address, `w` the words. */
    const load = (
      w: (k: number, dv: string) => string,
      pre: ((dv: string) => string) | null = null,
    ) => {
      const h = pop();
      const at = addr(h);
      const dv = mem(m);
      push(V128);
      emit(`t = ${at};${pre === null ? "" : " " + pre(dv)}`);
      set128(h, (k) => w(k, dv));
    };
    switch (sub) {
      case 0x00: // v128.load
        load((k, dv) => `${dv}.getInt32(t${k ? ` + ${4 * k}` : ""}, true)`);
        return true;
      case 0x02: // v128.load8x8_u: bytes 2k and 2k + 1 are the lanes of word k
        load(
          (k, _dv) => {
            const x = k < 2 ? "u0" : "u1";
            return k & 1
              ? `((${x} >>> 16) & 255) | ((${x} >>> 8) & 16711680)`
              : `(${x} & 255) | ((${x} << 8) & 16711680)`;
          },
          (dv) =>
            `u0 = ${dv}.getInt32(t, true); u1 = ${dv}.getInt32(t + 4, true);`,
        );
        useTemps = true;
        return true;
      case 0x03: // v128.load16x4_s
        load((k, dv) => `${dv}.getInt16(t${k ? ` + ${2 * k}` : ""}, true)`);
        return true;
      case 0x04: // v128.load16x4_u
        load((k, dv) => `${dv}.getUint16(t${k ? ` + ${2 * k}` : ""}, true)`);
        return true;
      case 0x5c: // v128.load32_zero
        load((k, dv) => (k === 0 ? `${dv}.getInt32(t, true)` : "0"));
        return true;
      case 0x5d: // v128.load64_zero
        load((k, dv) =>
          k === 0
            ? `${dv}.getInt32(t, true)`
            : k === 1
            ? `${dv}.getInt32(t + 4, true)`
            : "0"
        );
        return true;
      case 0x0b: { // v128.store: the last word first
        const v = pop();
        const h = pop();
        const dv = mem(m);
        emit(
          `t = ${addr(h)}; ${dv}.setInt32(t + 12, ${
            vw(v, 3)
          }, true); ${dv}.setInt32(t, ${
            vw(v, 0)
          }, true); ${dv}.setInt32(t + 4, ${
            vw(v, 1)
          }, true); ${dv}.setInt32(t + 8, ${vw(v, 2)}, true);`,
        );
        return true;
      }
      case 0x5a: { // v128.store32_lane
        const v = pop();
        const h = pop();
        emit(`${mem(m)}.setInt32(${addr(h)}, ${vw(v, imm[2])}, true);`);
        return true;
      }
      case 0x5b: { // v128.store64_lane: the high word first
        const v = pop();
        const h = pop();
        const dv = mem(m);
        emit(
          `t = ${addr(h)}; ${dv}.setInt32(t + 4, ${
            vw(v, 2 * imm[2] + 1)
          }, true); ${dv}.setInt32(t, ${vw(v, 2 * imm[2])}, true);`,
        );
        return true;
      }
      case 0x0d: { // i8x16.shuffle
        const b = pop();
        const a = vals.length - 1;
        let src = "";
        for (let k = 0; k < 4; k++) {
          src += `u${k} = ${shuffleWord(imm[k], a, b)}; `;
        }
        emit(src);
        useTemps = true;
        set128(a, (k) => "u" + k);
        return true;
      }
      case 0x11: // i32x4.splat
      case 0x13: { // f32x4.splat
        const h = vals.length - 1;
        const v = x(vals[h], h);
        vals[h] = V128;
        pend[h] = null;
        if (/^-?\d+$/.test(v)) {
          p128[h] = [v, v, v, v];
          p128L[h] = -1;
        } else {
          emit(`t = ${v};`);
          set128(h, () => "t");
        }
        return true;
      }
      case 0x1b: // i32x4.extract_lane
      case 0x1f: { // f32x4.extract_lane
        const h = vals.length - 1;
        const w = vw(h, imm[0]);
        const t = sub === 0x1b ? I32 : F32;
        vals[h] = t;
        p128[h] = null;
        const n = V(t, h);
        matName(n, h);
        emit(`${n} = ${w};`);
        return true;
      }
      case 0x1c: // i32x4.replace_lane
      case 0x20: { // f32x4.replace_lane
        const v = pop();
        const h = vals.length - 1;
        const e = x(sub === 0x1c ? I32 : F32, v);
        if (p128[h]) mat(h);
        emit(`${sw(h, imm[0])} = ${e};`);
        return true;
      }
      case 0x4d: { // v128.not
        const h = vals.length - 1;
        const w = [0, 1, 2, 3].map((k) => vw(h, k));
        set128(h, (k) => `~${w[k]}`);
        return true;
      }
      case 0x4e: // v128.and
        lanes((a, b) => `${a} & ${b}`);
        return true;
      case 0x4f: // v128.andnot
        lanes((a, b) => `${a} & ~${b}`);
        return true;
      case 0x50: // v128.or
        lanes((a, b) => `${a} | ${b}`);
        return true;
      case 0x51: // v128.xor
        lanes((a, b) => `${a} ^ ${b}`);
        return true;
      case 0x65: // i8x16.narrow_i16x8_s
      case 0x66: // i8x16.narrow_i16x8_u
      case 0x85: // i16x8.narrow_i32x4_s
      case 0x86: { // i16x8.narrow_i32x4_u
        // simd.ts's own word functions: result word k from words 2k, 2k + 1 of the pair
        const f = ["narrowS8", "narrowU8", "narrowS16", "narrowU16"][
          (sub & 1 ? 0 : 1) + (sub >= 0x85 ? 2 : 0)
        ];
        const b = pop();
        const a = vals.length - 1;
        const w = [0, 1, 2, 3].map((k) => vw(a, k)).concat(
          [0, 1, 2, 3].map((k) => vw(b, k)),
        );
        useSimd = true;
        set128(a, (k) => `${f}(${w[2 * k]}, ${w[2 * k + 1]})`);
        return true;
      }
      case 0x8b: // i16x8.shl: each half of the word shifted as a 16-bit lane
      case 0x8c: // i16x8.shr_s
      case 0x8d: { // i16x8.shr_u
        const n = pop();
        const h = vals.length - 1;
        const w = [0, 1, 2, 3].map((k) => vw(h, k));
        emit(`t = ${x(I32, n)} & 15;`);
        set128(
          h,
          sub === 0x8b
            ? (k) =>
              `((${w[k]} << t) & 65535) | (((${w[k]} >>> 16) << t) << 16)`
            : sub === 0x8c
            ? (k) =>
              `((((${w[k]} << 16) >> 16) >> t) & 65535) | ((${
                w[k]
              } >> 16) >> t << 16)`
            : (k) =>
              `((${w[k]} & 65535) >>> t) | (((${w[k]} >>> 16) >>> t) << 16)`,
        );
        return true;
      }
      case 0x8e: // i16x8.add: each half of the word wraps at 16 bits
        lanes((a, b) =>
          `((${a} + ${b}) & 65535) | (((${a} >>> 16) + (${b} >>> 16)) << 16)`
        );
        return true;
      case 0x91: // i16x8.sub
        lanes((a, b) =>
          `((${a} - ${b}) & 65535) | (((${a} >>> 16) - (${b} >>> 16)) << 16)`
        );
        return true;
      case 0xab: // i32x4.shl
      case 0xac: // i32x4.shr_s
      case 0xad: { // i32x4.shr_u
        const n = pop();
        const h = vals.length - 1;
        const o = sub === 0xab ? "<<" : sub === 0xac ? ">>" : ">>>";
        const w = [0, 1, 2, 3].map((k) => vw(h, k));
        emit(`t = ${x(I32, n)} & 31;`);
        set128(h, (k) => `(${w[k]} ${o} t) | 0`);
        return true;
      }
      case 0xae: // i32x4.add
        lanes((a, b) => `(${a} + ${b}) | 0`);
        return true;
      case 0xb1: // i32x4.sub
        lanes((a, b) => `(${a} - ${b}) | 0`);
        return true;
      case 0xb5: // i32x4.mul
        lanes((a, b) => `Math.imul(${a}, ${b})`);
        return true;
      case 0xb6: // i32x4.min_s
        lanes((a, b) => `${b} < ${a} ? ${b} : ${a}`);
        return true;
      case 0xb7: // i32x4.min_u
        lanes((a, b) => `(${b} >>> 0) < (${a} >>> 0) ? ${b} : ${a}`);
        return true;
      case 0xb8: // i32x4.max_s
        lanes((a, b) => `${b} > ${a} ? ${b} : ${a}`);
        return true;
      case 0xb9: // i32x4.max_u
        lanes((a, b) => `(${b} >>> 0) > (${a} >>> 0) ? ${b} : ${a}`);
        return true;
    }
    return false;
  }

  /**
   * Word k of an i8x16.shuffle of the v128s at heights a and b, whose four lane indices (each
   * below 32: 0-15 bytes of a, 16-31 of b) are the bytes of `lanes`: each byte taken from its
   * source word, shifted to its place and masked; bytes that move by the same shift from the
   * same word share one term, and bytes of constant words are computed here.
   */
  function shuffleWord(lanes: number, a: number, b: number): string {
    const terms = new Map<string, number>(); // "word shift" -> mask
    let c = 0; // the bytes taken from constants
    for (let j = 0; j < 4; j++) {
      const idx = (lanes >>> (8 * j)) & 31;
      const word = idx < 16 ? vw(a, idx >> 2) : vw(b, (idx & 15) >> 2);
      const n = 8 * ((idx & 3) - j), mask = 255 << (8 * j);
      if (/^-?\d+$/.test(word)) {
        c |= (n >= 0 ? +word >>> n : +word << -n) & mask;
        continue;
      }
      const key = `${word} ${n}`;
      terms.set(key, (terms.get(key) ?? 0) | mask);
    }
    const parts: string[] = [];
    for (const [key, mask] of terms) {
      const [word, sh] = key.split(" ");
      const n = +sh;
      if (n === 0 && mask === -1) parts.push(word);
      else if (n === 0) parts.push(`(${word} & ${mask})`);
      else if (n > 0) parts.push(`((${word} >>> ${n}) & ${mask})`);
      else parts.push(`((${word} << ${-n}) & ${mask})`);
    }
    if (c !== 0 || parts.length === 0) parts.push(String(c));
    return parts.join(" | ");
  }

  /** Numeric instructions 0x45..0xc4. */
  function numeric(op: number): void {
    // binary i32: x = a op b; unary: x = op a
    const bin32 = (f: (a: string, b: string) => string) => {
      const b = pop();
      const a = vals.length - 1;
      setPend(a, `(${f(x(I32, a), x(I32, b))})`, deps(a, b));
    };
    const un32 = (f: (a: string) => string) => {
      const a = vals.length - 1;
      setPend(a, `(${f(x(I32, a))})`, deps(a));
    };
    const cmp = (t: ValType, f: (a: string, b: string) => string) => {
      const b = pop();
      const a = vals.length - 1;
      const cd = `(${f(x(t, a), x(t, b))})`;
      const d = deps(a, b);
      vals[a] = I32;
      setPend(a, `(${cd} ? 1 : 0)`, d, cd);
    };
    const cmp64 = (
      f: (al: string, ah: string, bl: string, bh: string) => string,
    ) => {
      const b = pop();
      const a = vals.length - 1;
      const cd = `(${f(x(I64, a), xhi(a), x(I64, b), xhi(b))})`;
      const d = deps(a, b);
      vals[a] = I32;
      setPend(a, `(${cd} ? 1 : 0)`, d, cd);
    };
    /**
     * Writes an i64 result to slot a: `lo` is computed first (into t), then `hi`, both from the
     * operands' old values (atomic expressions: locals, constants, variables).
     */
    const set64 = (a: number, lo: string, hi: string) => {
      matName("j" + a, a);
      pend[a] = null;
      V(I64, a);
      emit(`t = ${lo}; k${a} = ${hi}; j${a} = t;`);
    };
    const bin64 = (helper: string) => {
      const b = pop();
      const a = vals.length - 1;
      const args = `${x(I64, a)}, ${xhi(a)}, ${x(I64, b)}, ${xhi(b)}`;
      set64(a, `${helper}(${args})`, "R64.hi");
    };
    /** The shift count of slot b when it is a constant (mod 64), else -1. */
    const constShift = (b: number): number =>
      pend[b] !== null && /^-?\d+$/.test(pend[b]!) ? +pend[b]! & 63 : -1;
    const sh64 = (helper: string, op: number) => {
      const b = pop();
      const a = vals.length - 1;
      const lo = x(I64, a), hi = xhi(a);
      let n = constShift(b);
      if (n < 0) {
        set64(a, `${helper}(${lo}, ${hi}, ${x(I64, b)})`, "R64.hi");
        return;
      }
      if (n === 0) return;
      if (op === 0x8a) n = 64 - n; // rotr n = rotl 64 - n
      const m = 32 - (n & 31);
      switch (op) {
        case 0x86: // shl
          if (n < 32) {
            set64(a, `${lo} << ${n}`, `(${hi} << ${n}) | (${lo} >>> ${m})`);
          } else set64(a, "0", `${lo} << ${n - 32}`);
          return;
        case 0x87: // shr_s
          if (n < 32) {
            set64(a, `(${lo} >>> ${n}) | (${hi} << ${m})`, `${hi} >> ${n}`);
          } else set64(a, `${hi} >> ${n - 32}`, `${hi} >> 31`);
          return;
        case 0x88: // shr_u
          if (n < 32) {
            set64(
              a,
              `(${lo} >>> ${n}) | (${hi} << ${m})`,
              `(${hi} >>> ${n}) | 0`,
            );
          } else set64(a, `(${hi} >>> ${n - 32}) | 0`, "0");
          return;
        default: // rotl (and rotr)
          if (n === 32) set64(a, hi, lo);
          else if (n < 32) {
            set64(
              a,
              `(${lo} << ${n}) | (${hi} >>> ${m})`,
              `(${hi} << ${n}) | (${lo} >>> ${m})`,
            );
          } else {
            const k = n - 32;
            set64(
              a,
              `(${hi} << ${k}) | (${lo} >>> ${32 - k})`,
              `(${lo} << ${k}) | (${hi} >>> ${32 - k})`,
            );
          }
      }
    };
    const binF32 = (f: (a: string, b: string) => string) => {
      const b = pop();
      const a = vals.length - 1;
      emit(`SF[0] = ${f(`fb(b${a})`, `fb(b${b})`)}; b${a} = SI[0];`);
    };
    const unF32 = (f: (a: string) => string) => {
      const a = vals.length - 1;
      emit(`SF[0] = ${f(`fb(b${a})`)}; b${a} = SI[0];`);
    };
    const binF64 = (f: (a: string, b: string) => string) => {
      const b = pop();
      const a = vals.length - 1;
      setPend(a, `(${f(x(F64, a), x(F64, b))})`, deps(a, b));
    };
    const unF64 = (f: (a: string) => string) => {
      const a = vals.length - 1;
      setPend(a, `(${f(x(F64, a))})`, deps(a));
    };
    /** conversion of the top value from type `from` to `to`, with code using x (the source) */
    const conv = (to: ValType, code: (x: string, h: number) => string) => {
      const h = vals.length - 1;
      const from = vals[h];
      vals[h] = to;
      V(to, h);
      emit(code(vname(from, h), h));
    };
    switch (op) {
      case 0x45: {
        const h = vals.length - 1;
        const cd = pend[h] !== null && pendCond[h] !== null
          ? `(!${pendCond[h]})`
          : `(${x(I32, h)} === 0)`;
        setPend(h, `(${cd} ? 1 : 0)`, deps(h), cd);
        return;
      }
      case 0x46:
        return cmp(I32, (a, b) => `${a} === ${b}`);
      case 0x47:
        return cmp(I32, (a, b) => `${a} !== ${b}`);
      case 0x48:
        return cmp(I32, (a, b) => `${a} < ${b}`);
      case 0x49:
        return cmp(I32, (a, b) => `(${a} >>> 0) < (${b} >>> 0)`);
      case 0x4a:
        return cmp(I32, (a, b) => `${a} > ${b}`);
      case 0x4b:
        return cmp(I32, (a, b) => `(${a} >>> 0) > (${b} >>> 0)`);
      case 0x4c:
        return cmp(I32, (a, b) => `${a} <= ${b}`);
      case 0x4d:
        return cmp(I32, (a, b) => `(${a} >>> 0) <= (${b} >>> 0)`);
      case 0x4e:
        return cmp(I32, (a, b) => `${a} >= ${b}`);
      case 0x4f:
        return cmp(I32, (a, b) => `(${a} >>> 0) >= (${b} >>> 0)`);
      case 0x50: {
        const h = vals.length - 1;
        const cd = `((${x(I64, h)} | ${xhi(h)}) === 0)`;
        const d = deps(h);
        vals[h] = I32;
        setPend(h, `(${cd} ? 1 : 0)`, d, cd);
        return;
      }
      case 0x51:
        return cmp64((al, ah, bl, bh) => `${al} === ${bl} && ${ah} === ${bh}`);
      case 0x52:
        return cmp64((al, ah, bl, bh) =>
          `(${al} !== ${bl} || ${ah} !== ${bh})`
        );
      case 0x53:
        return cmp64((al, ah, bl, bh) =>
          `(${ah} < ${bh} || (${ah} === ${bh} && (${al} >>> 0) < (${bl} >>> 0)))`
        );
      case 0x54:
        return cmp64((al, ah, bl, bh) =>
          `((${ah} >>> 0) < (${bh} >>> 0) || (${ah} === ${bh} && (${al} >>> 0) < (${bl} >>> 0)))`
        );
      case 0x55:
        return cmp64((al, ah, bl, bh) =>
          `(${ah} > ${bh} || (${ah} === ${bh} && (${al} >>> 0) > (${bl} >>> 0)))`
        );
      case 0x56:
        return cmp64((al, ah, bl, bh) =>
          `((${ah} >>> 0) > (${bh} >>> 0) || (${ah} === ${bh} && (${al} >>> 0) > (${bl} >>> 0)))`
        );
      case 0x57:
        return cmp64((al, ah, bl, bh) =>
          `(${ah} < ${bh} || (${ah} === ${bh} && (${al} >>> 0) <= (${bl} >>> 0)))`
        );
      case 0x58:
        return cmp64((al, ah, bl, bh) =>
          `((${ah} >>> 0) < (${bh} >>> 0) || (${ah} === ${bh} && (${al} >>> 0) <= (${bl} >>> 0)))`
        );
      case 0x59:
        return cmp64((al, ah, bl, bh) =>
          `(${ah} > ${bh} || (${ah} === ${bh} && (${al} >>> 0) >= (${bl} >>> 0)))`
        );
      case 0x5a:
        return cmp64((al, ah, bl, bh) =>
          `((${ah} >>> 0) > (${bh} >>> 0) || (${ah} === ${bh} && (${al} >>> 0) >= (${bl} >>> 0)))`
        );
      case 0x5b:
        return cmp(F32, (a, b) => `fb(${a}) === fb(${b})`);
      case 0x5c:
        return cmp(F32, (a, b) => `fb(${a}) !== fb(${b})`);
      case 0x5d:
        return cmp(F32, (a, b) => `fb(${a}) < fb(${b})`);
      case 0x5e:
        return cmp(F32, (a, b) => `fb(${a}) > fb(${b})`);
      case 0x5f:
        return cmp(F32, (a, b) => `fb(${a}) <= fb(${b})`);
      case 0x60:
        return cmp(F32, (a, b) => `fb(${a}) >= fb(${b})`);
      case 0x61:
        return cmp(F64, (a, b) => `+${a} === +${b}`);
      case 0x62:
        return cmp(F64, (a, b) => `+${a} !== +${b}`);
      case 0x63:
        return cmp(F64, (a, b) => `${a} < ${b}`);
      case 0x64:
        return cmp(F64, (a, b) => `${a} > ${b}`);
      case 0x65:
        return cmp(F64, (a, b) => `${a} <= ${b}`);
      case 0x66:
        return cmp(F64, (a, b) => `${a} >= ${b}`);
      case 0x67:
        return un32((a) => `Math.clz32(${a})`);
      case 0x68:
        return un32((a) => `ctz32(${a})`);
      case 0x69:
        return un32((a) => `popcnt32(${a})`);
      case 0x6a:
        return bin32((a, b) => `(${a} + ${b}) | 0`);
      case 0x6b:
        return bin32((a, b) => `(${a} - ${b}) | 0`);
      case 0x6c:
        return bin32((a, b) => `Math.imul(${a}, ${b})`);
      case 0x6d: {
        mat(vals.length - 1);
        mat(vals.length - 2);
        const b = pop();
        const a = vals.length - 1;
        matName("a" + a, a);
        emit(
          `if (a${b} === 0) trap(${T_DIV0}); if (a${a} === -2147483648 && a${b} === -1) trap(${T_OVF}); a${a} = (a${a} / a${b}) | 0;`,
        );
        return;
      }
      case 0x6e: {
        mat(vals.length - 1);
        mat(vals.length - 2);
        const b = pop();
        const a = vals.length - 1;
        matName("a" + a, a);
        emit(
          `if (a${b} === 0) trap(${T_DIV0}); a${a} = ((a${a} >>> 0) / (a${b} >>> 0)) | 0;`,
        );
        return;
      }
      case 0x6f: {
        mat(vals.length - 1);
        mat(vals.length - 2);
        const b = pop();
        const a = vals.length - 1;
        matName("a" + a, a);
        emit(`if (a${b} === 0) trap(${T_DIV0}); a${a} = (a${a} % a${b}) | 0;`);
        return;
      }
      case 0x70: {
        mat(vals.length - 1);
        mat(vals.length - 2);
        const b = pop();
        const a = vals.length - 1;
        matName("a" + a, a);
        emit(
          `if (a${b} === 0) trap(${T_DIV0}); a${a} = ((a${a} >>> 0) % (a${b} >>> 0)) | 0;`,
        );
        return;
      }
      case 0x71:
        return bin32((a, b) => `${a} & ${b}`);
      case 0x72:
        return bin32((a, b) => `${a} | ${b}`);
      case 0x73:
        return bin32((a, b) => `${a} ^ ${b}`);
      case 0x74:
        return bin32((a, b) => `${a} << ${b}`);
      case 0x75:
        return bin32((a, b) => `${a} >> ${b}`);
      case 0x76:
        return bin32((a, b) => `(${a} >>> ${b}) | 0`);
      case 0x77:
        return bin32((a, b) => `(${a} << ${b}) | (${a} >>> (32 - ${b}))`);
      case 0x78:
        return bin32((a, b) => `(${a} >>> ${b}) | (${a} << (32 - ${b}))`);
      case 0x79: {
        const h = vals.length - 1;
        const lo = x(I64, h), hi = xhi(h);
        set64(
          h,
          `${hi} !== 0 ? Math.clz32(${hi}) : 32 + Math.clz32(${lo})`,
          "0",
        );
        return;
      }
      case 0x7a: {
        const h = vals.length - 1;
        const lo = x(I64, h), hi = xhi(h);
        set64(h, `${lo} !== 0 ? ctz32(${lo}) : 32 + ctz32(${hi})`, "0");
        return;
      }
      case 0x7b: {
        const h = vals.length - 1;
        set64(h, `popcnt32(${x(I64, h)}) + popcnt32(${xhi(h)})`, "0");
        return;
      }
      case 0x7c: {
        const b = pop();
        const a = vals.length - 1;
        const al = x(I64, a), ah = xhi(a), bl = x(I64, b), bh = xhi(b);
        // the carry reads t (the new low word) before set64 writes j
        set64(
          a,
          `(${al} + ${bl}) | 0`,
          `(${ah} + ${bh} + ((t >>> 0) < (${al} >>> 0) ? 1 : 0)) | 0`,
        );
        return;
      }
      case 0x7d: {
        const b = pop();
        const a = vals.length - 1;
        const al = x(I64, a), ah = xhi(a), bl = x(I64, b), bh = xhi(b);
        set64(
          a,
          `(${al} - ${bl}) | 0`,
          `(${ah} - ${bh} - ((${al} >>> 0) < (${bl} >>> 0) ? 1 : 0)) | 0`,
        );
        return;
      }
      case 0x7e: {
        // 64-bit product on 32-bit words, inline (i64.ts mul64): the high word is the 32x32
        // high product of the low words (16-bit pieces, all exact) plus the cross products
        const b = pop();
        const a = vals.length - 1;
        const al = x(I64, a), ah = xhi(a), bl = x(I64, b), bh = xhi(b);
        const piece = (v: string, lowHalf: boolean) =>
          /^-?\d+$/.test(v)
            ? String(lowHalf ? +v & 0xffff : (+v >>> 16))
            : lowHalf
            ? `(${v} & 65535)`
            : `(${v} >>> 16)`;
        const a0 = piece(al, true), a1 = piece(al, false);
        const b0 = piece(bl, true), b1 = piece(bl, false);
        useMulTemps = true;
        emit(
          `mu = ${a1} * ${b0} + ((${a0} * ${b0}) >>> 16); mv = (mu & 65535) + ${a0} * ${b1};`,
        );
        set64(
          a,
          `Math.imul(${al}, ${bl})`,
          `(${a1} * ${b1} + (mu >>> 16) + (mv >>> 16) + Math.imul(${al}, ${bh}) + Math.imul(${ah}, ${bl})) | 0`,
        );
        return;
      }
      case 0x7f:
      case 0x80:
      case 0x81:
      case 0x82: {
        const helper = ["divS64", "divU64", "remS64", "remU64"][op - 0x7f];
        const b = vals.length - 1;
        const d =
          pend[b] !== null && /^\d+$/.test(pend[b]!) && pendHi[b] === "0"
            ? +pend[b]!
            : 0;
        if (d < 1 || d > 0x7fffffff) return bin64(helper);
        // a constant divisor below 2^31 and a dividend that fits in 32 bits (the usual case:
        // C's 64-bit longs holding small values) divide as doubles, exactly
        pop();
        const a = vals.length - 1;
        const al = x(I64, a), ah = xhi(a);
        matName("j" + a, a);
        pend[a] = null;
        V(I64, a);
        const signed = op === 0x7f || op === 0x81;
        const fast = signed
          ? op === 0x7f
            ? `t = (${al} / ${d}) | 0; k${a} = t >> 31;`
            : `t = (${al} % ${d}) | 0; k${a} = t >> 31;`
          : op === 0x80
          ? `t = (((${al} >>> 0) / ${d}) >>> 0) | 0; k${a} = 0;`
          : `t = ((${al} >>> 0) % ${d}) | 0; k${a} = 0;`;
        emit(
          `if (${ah} === ${
            signed ? `(${al} >> 31)` : "0"
          }) { ${fast} } else { t = ${helper}(${al}, ${ah}, ${d}, 0); k${a} = R64.hi; } j${a} = t;`,
        );
        return;
      }
      case 0x83:
      case 0x84:
      case 0x85: {
        const b = pop();
        const a = vals.length - 1;
        const o = op === 0x83 ? "&" : op === 0x84 ? "|" : "^";
        set64(a, `${x(I64, a)} ${o} ${x(I64, b)}`, `${xhi(a)} ${o} ${xhi(b)}`);
        return;
      }
      case 0x86:
        return sh64("shl64", op);
      case 0x87:
        return sh64("shrS64", op);
      case 0x88:
        return sh64("shrU64", op);
      case 0x89:
        return sh64("rotl64", op);
      case 0x8a:
        return sh64("rotr64", op);
      // f32 (values as raw bits)
      case 0x8b: {
        const h = vals.length - 1;
        emit(`b${h} = b${h} & 2147483647;`);
        return;
      }
      case 0x8c: {
        const h = vals.length - 1;
        emit(`b${h} = b${h} ^ -2147483648;`);
        return;
      }
      case 0x8d:
        return unF32((a) => `Math.ceil(${a})`);
      case 0x8e:
        return unF32((a) => `Math.floor(${a})`);
      case 0x8f:
        return unF32((a) => `Math.trunc(${a})`);
      case 0x90:
        return unF32((a) => `nearest(${a})`);
      case 0x91:
        return unF32((a) => `Math.sqrt(${a})`);
      case 0x92:
        return binF32((a, b) => `${a} + ${b}`);
      case 0x93:
        return binF32((a, b) => `${a} - ${b}`);
      case 0x94:
        return binF32((a, b) => `${a} * ${b}`);
      case 0x95:
        return binF32((a, b) => `${a} / ${b}`);
      case 0x96:
      case 0x97: {
        const b = pop();
        const a = vals.length - 1;
        emit(`b${a} = ${op === 0x96 ? "fmin32" : "fmax32"}(b${a}, b${b});`);
        return;
      }
      case 0x98: {
        const b = pop();
        const a = vals.length - 1;
        emit(`b${a} = (b${a} & 2147483647) | (b${b} & -2147483648);`);
        return;
      }
      // f64
      case 0x99:
        return unF64((a) => `fabs(${a})`);
      case 0x9a:
        return unF64((a) => `fneg(${a})`);
      case 0x9b:
        return unF64((a) => `quiet(Math.ceil(${a}))`);
      case 0x9c:
        return unF64((a) => `quiet(Math.floor(${a}))`);
      case 0x9d:
        return unF64((a) => `quiet(Math.trunc(${a}))`);
      case 0x9e:
        return unF64((a) => `quiet(nearest(+${a}))`);
      case 0x9f:
        return unF64((a) => `Math.sqrt(${a})`);
      case 0xa0:
        return binF64((a, b) => `${a} + ${b}`);
      case 0xa1:
        return binF64((a, b) => `${a} - ${b}`);
      case 0xa2:
        return binF64((a, b) => `${a} * ${b}`);
      case 0xa3:
        return binF64((a, b) => `${a} / ${b}`);
      case 0xa4:
        return binF64((a, b) => `fmin64(${a}, ${b})`);
      case 0xa5:
        return binF64((a, b) => `fmax64(${a}, ${b})`);
      case 0xa6:
        return binF64((a, b) => `fcopysign(${a}, ${b})`);
      // conversions
      case 0xa7: {
        const h = vals.length - 1;
        const lo = x(I64, h), d = deps(h);
        vals[h] = I32;
        setPend(h, lo, d);
        return;
      }
      case 0xa8:
        return conv(I32, (x, h) => `a${h} = truncS32(fb(${x}));`);
      case 0xa9:
        return conv(I32, (x, h) => `a${h} = truncU32(fb(${x}));`);
      case 0xaa:
        return conv(I32, (x, h) => `a${h} = truncS32(+${x});`);
      case 0xab:
        return conv(I32, (x, h) => `a${h} = truncU32(+${x});`);
      case 0xac:
      case 0xad: {
        const h = vals.length - 1;
        const v = x(I32, h);
        vals[h] = I64;
        set64(h, v, op === 0xac ? "t >> 31" : "0");
        return;
      }
      case 0xae:
        return conv(
          I64,
          (x, h) => `j${h} = truncS64(fb(${x})); k${h} = R64.hi;`,
        );
      case 0xaf:
        return conv(
          I64,
          (x, h) => `j${h} = truncU64(fb(${x})); k${h} = R64.hi;`,
        );
      case 0xb0:
        return conv(I64, (x, h) => `j${h} = truncS64(+${x}); k${h} = R64.hi;`);
      case 0xb1:
        return conv(I64, (x, h) => `j${h} = truncU64(+${x}); k${h} = R64.hi;`);
      case 0xb2:
        return conv(F32, (x, h) => `SF[0] = ${x}; b${h} = SI[0];`);
      case 0xb3:
        return conv(F32, (x, h) => `SF[0] = ${x} >>> 0; b${h} = SI[0];`);
      case 0xb4:
        return conv(
          F32,
          (x, h) => `SF[0] = s64ToF32(${x}, k${h}); b${h} = SI[0];`,
        );
      case 0xb5:
        return conv(
          F32,
          (x, h) => `SF[0] = u64ToF32(${x}, k${h}); b${h} = SI[0];`,
        );
      case 0xb6:
        return conv(F32, (x, h) => `SF[0] = ${x}; b${h} = SI[0];`);
      case 0xb7:
      case 0xb8: {
        const h = vals.length - 1;
        const e = op === 0xb7 ? x(I32, h) : `(${x(I32, h)} >>> 0)`;
        const d = deps(h);
        vals[h] = F64;
        setPend(h, e, d);
        return;
      }
      case 0xb9:
        return conv(
          F64,
          (x, h) => `d${h} = k${h} * 4294967296 + (${x} >>> 0);`,
        );
      case 0xba:
        return conv(
          F64,
          (x, h) => `d${h} = (k${h} >>> 0) * 4294967296 + (${x} >>> 0);`,
        );
      case 0xbb:
        return conv(F64, (x, h) => `d${h} = fb(${x});`);
      case 0xbc:
        return conv(I32, (x, h) => `a${h} = ${x};`);
      case 0xbd:
        return conv(I64, (x, h) => `j${h} = f64lo(${x}); k${h} = R64.hi;`);
      case 0xbe:
        return conv(F32, (x, h) => `b${h} = ${x};`);
      case 0xbf:
        return conv(F64, (x, h) => `d${h} = f64of(${x}, k${h});`);
      case 0xc0:
        return un32((a) => `(${a} << 24) >> 24`);
      case 0xc1:
        return un32((a) => `(${a} << 16) >> 16`);
      case 0xc2:
      case 0xc3:
      case 0xc4: {
        const h = vals.length - 1;
        const sh = op === 0xc2 ? 24 : op === 0xc3 ? 16 : 0;
        const lo = x(I64, h);
        set64(h, sh ? `(${lo} << ${sh}) >> ${sh}` : lo, "t >> 31");
        return;
      }
    }
    throw new Error(`translate: opcode 0x${op.toString(16)}`);
  }

  // ---- assemble ----
  // dp: the depth of this frame (calls pass dp + 1); dl: the depth up to which callees run as
  // translated code (DS[1], fixed while this frame lives)
  const params: string[] = ["dp"];
  // fu: this frame's fuel, a copy of FS[0] kept in a register (see LENT)
  const decl: string[] = ["dl = DS[1]", "fu = FS[0]"];
  const np = type.params.length;
  const localInit = (t: ValType) => (isRef(t) ? "null" : "0");
  for (let i = 0; i < localTypes.length; i++) {
    const t = localTypes[i];
    if (osrPath === null && i < np) {
      if (t === V128) {
        for (let k = 0; k < 4; k++) params.push(lw(i, k));
        continue;
      }
      params.push("l" + i);
      if (t === I64) params.push("h" + i);
    } else {
      if (t === V128) {
        for (let k = 0; k < 4; k++) decl.push(`${lw(i, k)} = 0`);
        continue;
      }
      decl.push(`l${i} = ${localInit(t)}`);
      if (t === I64) decl.push(`h${i} = 0`);
    }
  }
  for (const n of declared) {
    decl.push(`${n} = ${n[0] === "r" ? "null" : "0"}`);
  }
  decl.push("t = 0", "w = 0", "e = null");
  if (useMulTemps) decl.push("mu = 0", "mv = 0");
  if (useTemps) decl.push("u0 = 0", "u1 = 0", "u2 = 0", "u3 = 0");
  for (const m of usedMemsAll) decl.push(`v${m} = m${m}.dv`);
  const head: string[] = ['"use strict";', "const rt = env.rt;"];
  head.push(
    "const FS = rt.FS, DS = rt.DS, MI = rt.MI, MF = rt.MF, MR = rt.MR, RH = rt.RH, SI = rt.SI, SF = rt.SF, CI = rt.CI, CF = rt.CF, R64 = rt.R64;",
    "const fuel = rt.fuel, trap = rt.trap, deep = rt.deep, fb = rt.fb, f64of = rt.f64of, f64lo = rt.f64lo, nanTo = rt.nanTo;",
    "const ctz32 = rt.ctz32, popcnt32 = rt.popcnt32, mul64 = rt.mul64, divS64 = rt.divS64, divU64 = rt.divU64, remS64 = rt.remS64, remU64 = rt.remU64;",
    "const shl64 = rt.shl64, shrS64 = rt.shrS64, shrU64 = rt.shrU64, rotl64 = rt.rotl64, rotr64 = rt.rotr64;",
    "const nearest = rt.nearest, quiet = rt.quiet, fabs = rt.fabs, fneg = rt.fneg, fcopysign = rt.fcopysign, fmin32 = rt.fmin32, fmax32 = rt.fmax32, fmin64 = rt.fmin64, fmax64 = rt.fmax64;",
    "const truncS32 = rt.truncS32, truncU32 = rt.truncU32, truncS64 = rt.truncS64, truncU64 = rt.truncU64, satS32 = rt.satS32, satU32 = rt.satU32, satS64 = rt.satS64, satU64 = rt.satU64;",
    "const s64ToF32 = rt.s64ToF32, u64ToF32 = rt.u64ToF32, tget = rt.tget, tset = rt.tset, tfill = rt.tfill, tcopy = rt.tcopy, tinit = rt.tinit;",
    "const meminit = rt.meminit, memcopy = rt.memcopy, memfill = rt.memfill, EMPTY = rt.EMPTY, EMPTY8 = rt.EMPTY8;",
    "const I = rt.I, F = rt.F, R = rt.R, TAIL = rt.TAIL;",
  );
  for (const f of usedFuncs) head.push(`const f${f} = env.funcs[${f}];`);
  for (const g of usedGlobals) head.push(`const g${g} = env.globals[${g}];`);
  for (const m of new Set([...usedMems, ...usedMemsAll])) {
    head.push(`const m${m} = env.mems[${m}];`);
  }
  for (const t of usedTables) head.push(`const T${t} = env.tables[${t}];`);
  for (const t of usedTypes) head.push(`const y${t} = env.typeIds[${t}];`);
  if (useSimd) {
    head.push(
      "const SX = rt.SX, simdV = rt.simdV, simdVV = rt.simdVV, simdVVV = rt.simdVVV, simdS = rt.simdS, simdVS = rt.simdVS, simdSV = rt.simdSV, NOIMM = rt.NOIMM, ctx = env.ctx;",
      "const narrowS8 = rt.narrowS8, narrowU8 = rt.narrowU8, narrowS16 = rt.narrowS16, narrowU16 = rt.narrowU16;",
    );
  }
  head.push(...consts);
  let prologue = "";
  if (osrPath !== null) {
    // enter with the interpreter frame at fp: locals, then the operand stack
    params.push("osr", "fp");
    // (a v128 takes two slots: its words, lane 0 lowest)
    const load = (t: ValType, at: number, w: (k: number) => string) => {
      switch (t) {
        case I32:
        case F32:
          return `${w(0)} = I[fp + ${at}]; `;
        case I64:
          return `${w(0)} = I[fp + ${at}]; ${w(1)} = I[fp + ${at + 1}]; `;
        case F64:
          return `${w(0)} = f64of(I[fp + ${at}], I[fp + ${at + 1}]); `;
        case V128:
          return copy128(w, (k) => `I[fp + ${at + k}]`);
        default:
          return `${w(0)} = R[(fp + ${at}) >> 1]; `;
      }
    };
    const lat = slotsAt(localTypes);
    for (let i = 0; i < localTypes.length; i++) {
      const t = localTypes[i];
      prologue += load(
        t,
        2 * lat[i],
        t === V128 ? (k) => lw(i, k) : (k) => (k === 0 ? "l" : "h") + i,
      );
    }
    const st = osrTypes ?? [];
    const sat = slotsAt(st);
    for (let h = 0; h < st.length; h++) {
      const t = st[h];
      const words = t === V128 ? 4 : t === I64 ? 2 : 1;
      const w = (k: number) =>
        t === V128 ? sw(h, k) : k === 0 ? vname(t, h) : "k" + h;
      for (let k = 0; k < words; k++) {
        const n = w(k);
        if (!declared.has(n)) {
          decl.push(`${n} = ${n[0] === "r" ? "null" : "0"}`);
        }
      }
      prologue += load(t, 2 * (lat[localTypes.length] + sat[h]), w);
    }
  }
  // each variable takes 8 bytes of the function's frame on the host's stack (about 1 MB)
  if (params.length + decl.length > MAX_VARS) return null;
  const body = `function $${funcIdx}(${params.join(", ")}) {\nlet ${
    decl.join(", ")
  };\n${prologue}\ntry {\n${
    out.join("\n")
  }\n} catch (x) { if (fu >= 0) FS[0] = fu; throw x; }\n}`;
  let src = head.join("\n") + `\nconst inner = ${body};\n`;
  if (hasTail && osrPath === null) {
    // the outer entry runs the tail calls the body hands back (a trampoline)
    src += `return [function (${params.join(", ")}) {\nlet r = inner(${
      params.join(", ")
    });\nwhile (TAIL.f !== null) { const g = TAIL.f; TAIL.f = null; r = g.tc(dp); }\nreturn r;\n}, inner];\n`;
  } else src += "return [inner, inner];\n";
  return { src, blocks, tail: hasTail, splits };
}

/**
 * Opcodes that read their operands as expressions (pending values stay pending across them);
 * before any other instruction every pending value is assigned to its variable.
 */
const AWARE: boolean[] = [];
for (
  const op of [
    0x1a,
    0x1b,
    0x1c,
    0x20,
    0x21,
    0x22,
    0x23,
    0x24,
    0x41,
    0x42,
    0x43,
    0x44,
  ]
) {
  AWARE[op] = true;
}
for (let op = 0x28; op <= 0x3e; op++) AWARE[op] = true;
for (let op = 0x45; op <= 0x8a; op++) AWARE[op] = true;
for (let op = 0x99; op <= 0xa6; op++) AWARE[op] = true;
for (const op of [0xa7, 0xac, 0xad, 0xb7, 0xb8, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4]) {
  AWARE[op] = true;
}

/** Writes four words: `dst(k) = src(k); ` for k = 0..3. */
function copy128(
  dst: (k: number) => string,
  src: (k: number) => string,
): string {
  let s = "";
  for (let k = 0; k < 4; k++) s += `${dst(k)} = ${src(k)}; `;
  return s;
}

/**
 * The SIMD instructions (0xFD sub-opcodes) the translator emits inline (`inlineSimd`); the others
 * run simd.ts `simdOp`. The ones `-O3 -msimd128` code uses most (counted in the simd_image
 * bench): loads (plain, widening, zero-extending), stores (plain, lanes), shuffles, i32x4 and
 * f32x4 lane moves, bitwise operations, i32x4 and i16x8 add/sub/shifts, i32x4 mul/min/max and
 * the narrowings (through simd.ts's own word functions).
 */
const INLINE_SIMD: boolean[] = [];
for (
  const sub of [
    0x00,
    0x02,
    0x03,
    0x04,
    0x5c,
    0x5d,
    0x5a,
    0x5b,
    0x65,
    0x66,
    0x85,
    0x86,
    0x8b,
    0x8c,
    0x8d,
    0x8e,
    0x91,
    0xb6,
    0xb7,
    0xb8,
    0xb9,
    0x0b,
    0x0d,
    0x11,
    0x13,
    0x1b,
    0x1c,
    0x1f,
    0x20,
    0x4d,
    0x4e,
    0x4f,
    0x50,
    0x51,
    0xab,
    0xac,
    0xad,
    0xae,
    0xb1,
    0xb5,
  ]
) {
  INLINE_SIMD[sub] = true;
}

const CI64 = new Int32Array(2);
const CF64 = new Float64Array(CI64.buffer);

/** The memories a body's instructions name (loads, stores, size, grow, bulk ops). */
function scanMems(ir: ModuleIR, from: number, to: number): Set<number> {
  const s = new Set<number>();
  if (ir.memories.length === 0) return s;
  const r = new Reader(ir.bytes, from, to);
  while (r.pos < r.end) {
    const op = r.u8();
    if (op >= 0x28 && op <= 0x3e) {
      const align = r.u32();
      s.add(align & 0x40 ? r.u32() : 0);
      r.u32();
    } else if (op === 0x3f || op === 0x40) s.add(r.u32());
    else if (op === 0xfd) {
      const m = skipFD(r.u32(), r);
      if (m >= 0) s.add(m);
    } else if (op === 0xfc) {
      const sub = r.u32();
      if (sub === 8) {
        r.u32();
        s.add(r.u32());
      } else if (sub === 10) {
        s.add(r.u32());
        s.add(r.u32());
      } else if (sub === 11) s.add(r.u32());
      else skipFC(sub, r);
    } else if (op === 0x02 || op === 0x03 || op === 0x04) {
      const b = r.bytes[r.pos];
      if (b === 0x40 || (b >= 0x6f && b <= 0x7f)) r.pos++;
      else r.s33();
    } else skipImmediates(op, r);
  }
  return s;
}

function skipFC(sub: number, r: Reader): void {
  switch (sub) {
    case 8:
    case 10:
    case 12:
    case 14:
      r.u32();
      r.u32();
      return;
    case 9:
    case 11:
    case 13:
    case 15:
    case 16:
    case 17:
      r.u32();
      return;
  }
}

/** Skips the immediates of SIMD instruction `0xFD sub`; returns the memory it names, or -1. */
function skipFD(sub: number, r: Reader): number {
  const d = O.SIMD_OPS[sub]!;
  switch (d.shape) {
    case O.S_LOAD:
    case O.S_STORE:
    case O.S_LOAD_LANE:
    case O.S_STORE_LANE: {
      const align = r.u32();
      const m = align & 0x40 ? r.u32() : 0;
      r.u32();
      if (d.shape === O.S_LOAD_LANE || d.shape === O.S_STORE_LANE) r.pos++;
      return m;
    }
    case O.S_CONST:
    case O.S_SHUFFLE:
      r.pos += 16;
      return -1;
    case O.S_EXTRACT:
    case O.S_REPLACE:
      r.pos++;
      return -1;
  }
  return -1;
}

/** Skips the immediates of `op` (structured ops' block types included). */
function skipImmediates(op: number, r: Reader): void {
  switch (op) {
    case 0x02:
    case 0x03:
    case 0x04: {
      const b = r.bytes[r.pos];
      if (b === 0x40 || (b >= 0x6f && b <= 0x7f)) r.pos++;
      else r.s33();
      return;
    }
    case 0x0c:
    case 0x0d:
    case 0x10:
    case 0x12:
    case 0x20:
    case 0x21:
    case 0x22:
    case 0x23:
    case 0x24:
    case 0x25:
    case 0x26:
    case 0x3f:
    case 0x40:
    case 0xd2:
      r.u32();
      return;
    case 0x0e: {
      const n = r.u32();
      for (let i = 0; i <= n; i++) r.u32();
      return;
    }
    case 0x11:
    case 0x13:
      r.u32();
      r.u32();
      return;
    case 0x1c: {
      const n = r.u32();
      for (let i = 0; i < n; i++) readValType(r);
      return;
    }
    case 0x41:
      r.i32();
      return;
    case 0x42:
      r.i64();
      return;
    case 0x43:
      r.pos += 4;
      return;
    case 0x44:
      r.pos += 8;
      return;
    case 0xd0:
      r.u8();
      return;
    case 0xfc:
      skipFC(r.u32(), r);
      return;
    case 0xfd:
      skipFD(r.u32(), r);
      return;
  }
  if (op >= 0x28 && op <= 0x3e) {
    const align = r.u32();
    if (align & 0x40) r.u32();
    r.u32();
  }
}

void EXTERNREF;
