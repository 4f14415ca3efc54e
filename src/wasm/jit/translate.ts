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
 * `jN` low and `kN` high word (no BigInt), references `rN`. Locals are `lN` (i64 high word `hN`).
 * Control flow keeps its structure: `block` is a labelled block, `loop` a labelled `for(;;)`,
 * `br` a labelled break or continue, `br_table` a `switch`.
 *
 * Calling convention: parameters flattened (an i64 is two arguments, low word first); one result
 * is returned (an i64 returns its low word, the high word in `RH[0]`); several results go to the
 * multi-value registers MI/MF/MR (slot k: words MI[2k], MI[2k+1], f64 MF[k], reference MR[k]).
 *
 * Fuel: the same basic blocks as the interpreter's compiler (compile.ts `count`/`newBlock`): each
 * block starts with `if ((fu -= n) < 0) fu = fuel(fu, n);`, so stepsUsed is identical in both
 * tiers. `fu` is the frame's copy of FS[0] in a local variable: FS[0] is written before every call
 * (and `fu` marked LENT until the call returns and it is read back), before every return, and in
 * a `catch` when the frame throws, so the slice is exact wherever the activation ends. Innermost
 * loops without calls also get a check-free copy (see `Split`).
 * Every translated function gets its frame's depth as a first, hidden argument `dp` (a call
 * passes dp + 1); past DS[1] frames a callee runs in the interpreter instead (`deep`), whose
 * frames do not use the JS stack, and past DS[2] the call traps.
 *
 * OSR: `translate(ir, f, k)` makes a variant entered at the k-th basic block with the locals and
 * operand stack of an interpreter frame: the code on the way to that block is guarded by
 * `if (osr === 0)` and the branches of enclosing `if`s are forced, until the block clears `osr`.
 * @module
 */
import { Reader } from "../reader.ts";
import { readValType } from "../decode.ts";
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
 * stepsUsed included. The loop header re-tests it on every iteration.
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

/** Translates defined function `funcIdx` (a module function index) of a validated module. */
export function translate(
  ir: ModuleIR,
  funcIdx: number,
  osrBlock = -1,
  maxNesting = Infinity,
): Translated | null {
  try {
    if (osrBlock < 0) return run(ir, funcIdx, -1, null, null, maxNesting);
    const paths: OsrPath[] = [];
    if (run(ir, funcIdx, -1, null, paths, maxNesting) === null) return null;
    const path = paths[osrBlock];
    if (!path) throw new Error(`no basic block ${osrBlock} in function`);
    return run(ir, funcIdx, osrBlock, path, null, maxNesting);
  } catch (e) {
    if (e === TOO_BIG) return null;
    throw e;
  }
}

/**
 * The value of a frame's fuel variable `fu` while a callee runs: the frame has handed its fuel to
 * the callee through FS[0] and takes it back when the call returns; an exception passing through
 * the frame then leaves FS[0] as the callee left it. The frame's `catch` writes `fu` back only
 * when it is not negative: it is negative only while lent, and from a block charge that did not
 * fit until its slow path returns (`fuel` leaves FS exact when it throws).
 */
const LENT = -1;

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
    default:
      return "r" + h;
  }
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
): Translated | null {
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
  let nextId = 0;
  let fuelAt = -1; // index in `out` of the open block's fuel charge, or -1
  let fuelN = 0;
  let blocks = 0;
  let guardOpen = false;
  let osrTypes: ValType[] | null = null;
  let hasTail = false;
  let useMulTemps = false;
  let maxNest = 0;
  // Innermost loops without calls are emitted twice: a copy without fuel checks, entered when
  // the frame's fuel covers every instruction of the body (so no check could fail in one
  // iteration), and the checked copy otherwise (see `Split`). Not in OSR translations, whose
  // basic-block numbering must stay the interpreter's.
  const canSplit = osrPath === null && paths === null;
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
    if (rs.length === 1) {
      if (rs[0] === I64) return `RH[0] = k${src}; FS[0] = fu; return j${src};`;
      return `FS[0] = fu; return ${vname(rs[0], src)};`;
    }
    let s = "";
    for (let k = 0; k < rs.length; k++) s += storeMV(rs[k], k, src + k);
    return s + "FS[0] = fu; return;";
  };
  const storeMV = (t: ValType, k: number, h: number): string => {
    switch (t) {
      case I32:
      case F32:
        return `MI[${2 * k}] = ${vname(t, h)}; `;
      case I64:
        return `MI[${2 * k}] = j${h}; MI[${2 * k + 1}] = k${h}; `;
      case F64:
        return `MI[${2 * k}] = f64lo(d${h}); MI[${2 * k + 1}] = R64.hi; `;
      default:
        return `MR[${k}] = r${h}; `;
    }
  };
  const loadMV = (t: ValType, k: number, h: number): string => {
    switch (t) {
      case I32:
      case F32:
        return `${V(t, h)} = MI[${2 * k}]; `;
      case I64:
        return `${V(t, h)} = MI[${2 * k}]; k${h} = MI[${2 * k + 1}]; `;
      case F64:
        return `${V(t, h)} = f64of(MI[${2 * k}], MI[${2 * k + 1}]); `;
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
      for (let k = 0; k < np; k++) s += storeMV(t.params[k], k, base + k);
      emit(`${s}TAIL.f = ${fi}; FS[0] = fu; return 0;`);
      unreachableNow();
      return;
    }
    const args: string[] = [];
    for (let k = 0; k < np; k++) {
      const pt = t.params[k];
      args.push(vname(pt, base + k));
      if (pt === I64) args.push("k" + (base + k));
    }
    vals.length = base;
    const call = `e.jf(dp + 1${args.map((a) => ", " + a).join("")})`;
    const rs = t.results;
    // the callee charges its fuel in FS[0]: hand it ours, mark ours as handed over (the
    // `catch` must not write it back if the callee throws), take it back afterwards
    let s = `e = dp < dl ? ${fi} : deep(${fi}, dp); FS[0] = fu; fu = ${LENT}; `;
    if (rs.length === 1) {
      const h = push(rs[0]);
      s += `${V(rs[0], h)} = ${call}; fu = FS[0]; `;
      if (rs[0] === I64) s += `k${h} = RH[0]; `;
    } else {
      s += call + "; fu = FS[0]; ";
      for (let k = 0; k < rs.length; k++) s += loadMV(rs[k], k, push(rs[k]));
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
    if (!AWARE[op] && op !== 0x04 && op !== 0x0d && op !== 0x0e) matAll();
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
          cand = {
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
            blocks = sp.blocks;
            nextId = sp.nextId;
            sp.ctl.unreachable = sp.unreachable;
            fast = true;
            break;
          }
          if (fast) {
            const slow = sp.slow!;
            const fastBody = out.splice(sp.outStart);
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
        setPend(h, "l" + i, ["l" + i], null, t === I64 ? "h" + i : null);
        break;
      }
      case 0x21:
      case 0x22: {
        const i = r.u32();
        count();
        const t = localTypes[i];
        const h = op === 0x21 ? pop() : vals.length - 1;
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
      params.push("l" + i);
      if (t === I64) params.push("h" + i);
    } else {
      decl.push(`l${i} = ${localInit(t)}`);
      if (t === I64) decl.push(`h${i} = 0`);
    }
  }
  for (const n of declared) {
    decl.push(`${n} = ${n[0] === "r" ? "null" : "0"}`);
  }
  decl.push("t = 0", "w = 0", "e = null");
  if (useMulTemps) decl.push("mu = 0", "mv = 0");
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
  head.push(...consts);
  let prologue = "";
  if (osrPath !== null) {
    // enter with the interpreter frame at fp: locals, then the operand stack
    params.push("osr", "fp");
    const load = (t: ValType, at: number, lo: string, hi: string) => {
      switch (t) {
        case I32:
        case F32:
          return `${lo} = I[fp + ${at}]; `;
        case I64:
          return `${lo} = I[fp + ${at}]; ${hi} = I[fp + ${at + 1}]; `;
        case F64:
          return `${lo} = f64of(I[fp + ${at}], I[fp + ${at + 1}]); `;
        default:
          return `${lo} = R[(fp + ${at}) >> 1]; `;
      }
    };
    for (let i = 0; i < localTypes.length; i++) {
      prologue += load(localTypes[i], 2 * i, "l" + i, "h" + i);
    }
    const st = osrTypes ?? [];
    for (let h = 0; h < st.length; h++) {
      const n = vname(st[h], h);
      if (!declared.has(n)) decl.push(`${n} = ${n[0] === "r" ? "null" : "0"}`);
      if (st[h] === I64 && !declared.has("k" + h)) decl.push(`k${h} = 0`);
      prologue += load(st[h], 2 * (localTypes.length + h), n, "k" + h);
    }
  }
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
  return { src, blocks, tail: hasTail };
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
    else if (op === 0xfc) {
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
  }
  if (op >= 0x28 && op <= 0x3e) {
    const align = r.u32();
    if (align & 0x40) r.u32();
    r.u32();
  }
}

void EXTERNREF;
