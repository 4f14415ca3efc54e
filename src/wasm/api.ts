/**
 * The JS-API facade: Module, Instance, Memory, Table, Global with the shape of the standard
 * WebAssembly JavaScript API, plus the Porta extensions (limits, stepsUsed, describeModule).
 * @module
 */
import { CompileError, LinkError, RuntimeError } from "./errors.ts";
import { decodeModule } from "./decode.ts";
import { type CompiledModule, compileModule, funcsOf } from "./compile.ts";
import { Reader } from "./reader.ts";
import {
  Budget,
  type Ctx,
  FuncInst,
  GlobalInst,
  MemInst,
  PAGE,
  TABLE_ELEMENT_BYTES,
  TABLE_MAX,
  TableInst,
  typeIdOf,
} from "./runtime.ts";
import {
  DEFAULT_MAX_CALL_DEPTH,
  ensureWarm,
  funcInstOf,
  invokeJS,
  jsFunction,
  refFromJS,
  refToJS,
  stepsOf,
  toBigInt64,
} from "./exec.ts";
import {
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  funcTypeText,
  I32,
  I64,
  KIND_FUNC,
  KIND_GLOBAL,
  KIND_MEMORY,
  KIND_NAMES,
  KIND_TABLE,
  V128,
  type ValType,
  valTypeName,
} from "./types.ts";
import { mul64, R64 } from "./i64.ts";

/** Largest table an instance may create or grow to (as in V8). */
const TABLE_LIMIT = TABLE_MAX;

/**
 * Elements the tables of an instance may hold in total when it has no memory budget (80 MB of
 * the JavaScript heap, whose exhaustion would end the process).
 */
export const DEFAULT_TABLE_ELEMENTS = 10_000_000;

/** Options limiting what an instance may consume. */
export interface InstanceOptions {
  /** Instructions the instance may execute over its lifetime. */
  fuel?: number;
  /**
   * The instance's memory budget in 64 KiB pages: the SUM of all its memories and tables,
   * imported ones included, a table element counting as 8 bytes. Checked before anything is
   * allocated at instantiation (a RuntimeError naming the limit) and at every memory.grow and
   * table.grow (which return -1 past it). Without a budget, memories are bounded only by their
   * declared maximum and the tables of an instance by DEFAULT_TABLE_ELEMENTS in total.
   */
  maxMemoryPages?: number;
  /** The same budget in bytes (the smaller of the two applies when both are given). */
  maxMemoryBytes?: number;
  /**
   * Called with the instance once it is linked and its segments are written, just before its
   * start function runs: a host can then read stepsUsed/memoryBytes of an instance whose start
   * function traps, is interrupted or exits (the constructor then throws, returning nothing).
   */
  beforeStart?: (instance: Instance) => void;
  /** Maximum wasm call depth (frames). */
  maxCallDepth?: number;
  /**
   * Cooperative interruption: an Int32Array (normally over a SharedArrayBuffer). When element 0 is
   * non-zero, running guest code traps with RuntimeError("interrupted") within about 2^17
   * instructions (checked at entry of every export call and between execution slices).
   */
  interrupt?: Int32Array;
  /**
   * Execution tier: `"interp"` runs every function in the interpreter; `"js"` translates every
   * function to JavaScript before its first call (but those nested 1,000 blocks deep or larger
   * than 256 KiB, and frames deeper than 1,000 calls into an activation, which the interpreter
   * runs); `"auto"` (the default) starts in the interpreter and translates a function called
   * 1,000 times from the host or found running at the end of an execution slice (every 2^17
   * instructions), continuing a frame still running it at the next slice's end in translated
   * code (OSR). Both tiers give identical results, traps and fuel counts. Any other value is a
   * RangeError.
   */
  tier?: Tier;
}

/** The engine's execution tiers (see InstanceOptions.tier). */
export type Tier = "interp" | "js" | "auto";

/** Checks an InstanceOptions.tier value (RangeError for anything but the three tiers). */
export function tierOf(t: unknown): Tier {
  if (t === undefined) return "auto";
  if (t === "interp" || t === "js" || t === "auto") return t;
  throw new RangeError(
    `tier must be "interp", "js" or "auto", got ${
      typeof t === "string" ? JSON.stringify(t.slice(0, 40)) : typeof t
    }`,
  );
}

/** Import descriptor as returned by Module.imports. */
export interface ModuleImportDescriptor {
  /** Module (namespace) name of the import. */
  module: string;
  /** Field name. */
  name: string;
  /** Kind of the imported/exported entity. */
  kind: "function" | "table" | "memory" | "global";
}

/** Export descriptor as returned by Module.exports. */
export interface ModuleExportDescriptor {
  /** Field name. */
  name: string;
  /** Kind of the imported/exported entity. */
  kind: "function" | "table" | "memory" | "global";
}

const compiled = new WeakMap<object, CompiledModule>();

/** Bytes accepted by Module/validate: any ArrayBuffer or view (like the JS API's BufferSource). */
export type Bytes = ArrayBuffer | ArrayBufferView<ArrayBufferLike>;

function toBytes(src: Bytes): Uint8Array {
  if (src instanceof Uint8Array) return src;
  if (ArrayBuffer.isView(src)) {
    return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  }
  if (src instanceof ArrayBuffer) return new Uint8Array(src);
  throw new TypeError(
    "WebAssembly.Module(): Argument 0 must be a buffer source",
  );
}

/** A compiled (decoded and validated) module. */
export class Module {
  /** Decodes and validates `bytes`; throws CompileError ("offset 0x1f: reason"). */
  constructor(bytes: Bytes) {
    // copy: the caller may mutate its buffer later
    const b = toBytes(bytes).slice();
    let cm: CompiledModule;
    try {
      cm = compileModule(decodeModule(b));
    } catch (e) {
      if (e instanceof CompileError) throw e;
      if (e instanceof RangeError) {
        throw new CompileError(
          `offset 0x${b.length.toString(16)}: unexpected end`,
        );
      }
      throw e;
    }
    compiled.set(this, cm);
  }

  /** The module's imports. */
  static imports(m: Module): ModuleImportDescriptor[] {
    return cmOf(m).ir.imports.map((i) => ({
      module: i.module,
      name: i.name,
      kind: KIND_NAMES[i.kind],
    }));
  }

  /** The module's exports. */
  static exports(m: Module): ModuleExportDescriptor[] {
    return cmOf(m).ir.exports.map((e) => ({
      name: e.name,
      kind: KIND_NAMES[e.kind],
    }));
  }

  /** Contents of the custom sections with the given name (copies). */
  static customSections(m: Module, name: string): ArrayBuffer[] {
    return cmOf(m).ir.customs.filter((c) => c.name === name).map((c) =>
      c.data.slice().buffer
    );
  }
}

function cmOf(m: Module): CompiledModule {
  const cm = compiled.get(m);
  if (!cm) throw new TypeError("argument is not a Module");
  return cm;
}

/** Internal handle of a module (for describeModule/testing). */
export function compiledOf(m: Module): CompiledModule {
  return cmOf(m);
}

// ---------------------------------------------------------------------------------------------

const memInsts = new WeakMap<object, MemInst>();
const memObjs = new WeakMap<MemInst, Memory>();

/** A linear memory; `buffer` is replaced (old one detached) on every grow. */
export class Memory {
  /** Creates a memory of `initial` pages (optionally bounded by `maximum`). */
  constructor(desc: { initial: number; maximum?: number }) {
    const initial = Number(desc?.initial);
    const max = desc?.maximum === undefined ? null : Number(desc.maximum);
    if (
      !(initial >= 0 && initial <= 65536) ||
      (max !== null && !(max >= initial && max <= 65536))
    ) {
      throw new RangeError(
        "WebAssembly.Memory(): invalid initial/maximum size",
      );
    }
    let mi: MemInst;
    try {
      mi = new MemInst(initial, max);
    } catch {
      throw new RangeError(
        `WebAssembly.Memory(): could not allocate ${initial} pages`,
      );
    }
    memInsts.set(this, mi);
    memObjs.set(mi, this);
  }

  /** Current buffer. */
  get buffer(): ArrayBuffer {
    return memInsts.get(this)!.buf;
  }

  /** Grows by delta pages; returns the previous size in pages. Throws RangeError on failure. */
  grow(delta: number): number {
    const r = memInsts.get(this)!.grow(Number(delta) >>> 0);
    if (r < 0) {
      throw new RangeError(
        "WebAssembly.Memory.grow(): Maximum memory size exceeded",
      );
    }
    return r;
  }
}

function memoryObject(mi: MemInst): Memory {
  let m = memObjs.get(mi);
  if (!m) {
    m = Object.create(Memory.prototype) as Memory;
    memInsts.set(m, mi);
    memObjs.set(mi, m);
  }
  return m;
}

const tableInsts = new WeakMap<object, TableInst>();
const tableObjs = new WeakMap<TableInst, Table>();

function refTypeOf(s: string): ValType {
  if (s === "anyfunc" || s === "funcref") return FUNCREF;
  if (s === "externref") return EXTERNREF;
  throw new TypeError(`invalid table element type ${s}`);
}

/** A table of references. */
export class Table {
  /** Creates a table with `initial` elements set to `init` (default null). */
  constructor(
    desc: { element: string; initial: number; maximum?: number },
    init?: unknown,
  ) {
    const t = refTypeOf(desc?.element);
    const initial = Number(desc.initial);
    const max = desc.maximum === undefined ? null : Number(desc.maximum);
    if (
      !(initial >= 0 && initial <= 10_000_000) ||
      (max !== null && !(max >= initial))
    ) {
      throw new RangeError("WebAssembly.Table(): invalid initial/maximum size");
    }
    const v = init === undefined ? (t === EXTERNREF ? undefined : null) : init;
    const ti = new TableInst(t, initial, max, refFromJS(t, v));
    tableInsts.set(this, ti);
    tableObjs.set(ti, this);
  }

  /** Number of elements. */
  get length(): number {
    return tableInsts.get(this)!.elems.length;
  }

  /** Reads element i. */
  get(i: number): unknown {
    const t = tableInsts.get(this)!;
    i = Number(i);
    if (!(i >= 0 && i < t.elems.length)) {
      throw new RangeError("WebAssembly.Table.get(): index out of bounds");
    }
    return refToJS(t.type, t.elems[i]);
  }

  /** Writes element i. */
  set(i: number, v?: unknown): void {
    const t = tableInsts.get(this)!;
    i = Number(i);
    if (!(i >= 0 && i < t.elems.length)) {
      throw new RangeError("WebAssembly.Table.set(): index out of bounds");
    }
    t.elems[i] = refFromJS(
      t.type,
      v === undefined && t.type === FUNCREF ? null : v,
    );
  }

  /** Grows by delta elements; returns the previous length. */
  grow(delta: number, init?: unknown): number {
    const t = tableInsts.get(this)!;
    const v = init === undefined && t.type === FUNCREF ? null : init;
    const r = t.grow(Number(delta) >>> 0, refFromJS(t.type, v));
    if (r < 0) {
      throw new RangeError("WebAssembly.Table.grow(): failed to grow table");
    }
    return r;
  }
}

function tableObject(ti: TableInst): Table {
  let t = tableObjs.get(ti);
  if (!t) {
    t = Object.create(Table.prototype) as Table;
    tableInsts.set(t, ti);
    tableObjs.set(ti, t);
  }
  return t;
}

const globalInsts = new WeakMap<object, GlobalInst>();
const globalObjs = new WeakMap<GlobalInst, Global>();

function valTypeOf(s: string): ValType {
  switch (s) {
    case "i32":
      return I32;
    case "i64":
      return I64;
    case "f32":
      return F32;
    case "f64":
      return F64;
  }
  if (s === "anyfunc" || s === "funcref" || s === "externref") {
    return refTypeOf(s);
  }
  throw new TypeError(`invalid global value type ${s}`);
}

const cvt = new DataView(new ArrayBuffer(8));

/** The JS API's TypeError for a v128 global's value read or written from JavaScript. */
function v128Global(): never {
  throw new TypeError(
    "a v128 global's value cannot cross the JavaScript boundary",
  );
}

/** Writes a JS value into a global cell (JS API ToWebAssemblyValue). */
function setGlobalJS(g: GlobalInst, v: unknown): void {
  switch (g.type) {
    case V128:
      return v128Global();
    case I32:
      g.lo = +(v as number) | 0;
      break;
    case I64: {
      const b = toBigInt64(v);
      g.lo = Number(BigInt.asIntN(32, b));
      g.hi = Number(BigInt.asIntN(32, b >> 32n));
      break;
    }
    case F32:
      cvt.setFloat32(0, +(v as number), true);
      g.lo = cvt.getInt32(0, true);
      break;
    case F64:
      cvt.setFloat64(0, +(v as number), true);
      g.lo = cvt.getInt32(0, true);
      g.hi = cvt.getInt32(4, true);
      break;
    default:
      g.ref = refFromJS(g.type, v);
  }
}

function getGlobalJS(g: GlobalInst): unknown {
  switch (g.type) {
    case V128:
      return v128Global();
    case I32:
      return g.lo;
    case I64:
      return BigInt.asIntN(64, (BigInt(g.hi) << 32n) | BigInt(g.lo >>> 0));
    case F32:
      cvt.setInt32(0, g.lo, true);
      return cvt.getFloat32(0, true);
    case F64:
      cvt.setInt32(0, g.lo, true);
      cvt.setInt32(4, g.hi, true);
      return cvt.getFloat64(0, true);
    default:
      return refToJS(g.type, g.ref);
  }
}

/** A global variable. */
export class Global {
  /** Creates a global of the given type, initialised to v (default 0 / null). */
  constructor(desc: { value: string; mutable?: boolean }, v?: unknown) {
    const g = new GlobalInst(valTypeOf(desc?.value), !!desc.mutable);
    if (v === undefined) {
      if (g.type === EXTERNREF) g.ref = undefined;
    } else setGlobalJS(g, v);
    globalInsts.set(this, g);
    globalObjs.set(g, this);
  }

  /** Current value. */
  get value(): unknown {
    return getGlobalJS(globalInsts.get(this)!);
  }

  /** Sets the value (mutable globals only). */
  set value(v: unknown) {
    const g = globalInsts.get(this)!;
    if (!g.mutable) {
      throw new TypeError("WebAssembly.Global: cannot set an immutable global");
    }
    setGlobalJS(g, v);
  }

  /** Current value. */
  valueOf(): unknown {
    return this.value;
  }
}

function globalObject(gi: GlobalInst): Global {
  let g = globalObjs.get(gi);
  if (!g) {
    g = Object.create(Global.prototype) as Global;
    globalInsts.set(g, gi);
    globalObjs.set(gi, g);
  }
  return g;
}

// ---------------------------------------------------------------------------------------------

/** Internal state of an instance. */
export interface InstanceInternal {
  ctx: Ctx;
  cm: CompiledModule;
  exportsByName: Map<string, { kind: number; index: number }>;
  /** the instance's memory budget (bytes of all its memories and tables) */
  budget: Budget;
}

const instInternals = new WeakMap<object, InstanceInternal>();

/** Internal state of an instance (for testing.ts). */
export function internalsOf(i: Instance): InstanceInternal {
  const x = instInternals.get(i);
  if (!x) throw new TypeError("argument is not an Instance");
  return x;
}

interface Slot {
  lo: number;
  hi: number;
  ref: unknown;
}

/** Evaluates the constant expression at byte `at` of the module (decode/compile checked it). */
function evalConst(bytes: Uint8Array, at: number, ctx: Ctx): Slot {
  const st: Slot[] = [];
  const r = new Reader(bytes, at);
  for (;;) {
    const op = r.u8();
    switch (op) {
      case 0x0b:
        return st[0];
      case 0x41:
        st.push({ lo: r.i32(), hi: 0, ref: null });
        break;
      case 0x43:
        st.push({ lo: r.f32bits(), hi: 0, ref: null });
        break;
      case 0x42: {
        const lo = r.i64();
        st.push({ lo, hi: r.hi, ref: null });
        break;
      }
      case 0x44: {
        const lo = r.f64bits();
        st.push({ lo, hi: r.hi, ref: null });
        break;
      }
      case 0xd0:
        r.u8();
        st.push({ lo: 0, hi: 0, ref: null });
        break;
      case 0xd2:
        st.push({ lo: 0, hi: 0, ref: ctx.funcs[r.u32()] });
        break;
      case 0xfd: { // v128.const
        r.u32();
        const v = new Int32Array(4);
        for (let k = 0; k < 16; k++) v[k >> 2] |= r.u8() << (8 * (k & 3));
        st.push({ lo: 0, hi: 0, ref: v });
        break;
      }
      case 0x23: {
        const g = ctx.globals[r.u32()];
        st.push({ lo: g.lo, hi: g.hi, ref: g.ref });
        break;
      }
      default: {
        const b = st.pop()!, a = st.pop()!;
        let lo = 0, hi = 0;
        switch (op) {
          case 0x6a:
            lo = (a.lo + b.lo) | 0;
            break;
          case 0x6b:
            lo = (a.lo - b.lo) | 0;
            break;
          case 0x6c:
            lo = Math.imul(a.lo, b.lo);
            break;
          case 0x7c: {
            const s = (a.lo >>> 0) + (b.lo >>> 0);
            hi = (a.hi + b.hi + (s > 0xffffffff ? 1 : 0)) | 0;
            lo = s | 0;
            break;
          }
          case 0x7d: {
            const s = (a.lo >>> 0) - (b.lo >>> 0);
            hi = (a.hi - b.hi - (s < 0 ? 1 : 0)) | 0;
            lo = s | 0;
            break;
          }
          case 0x7e:
            lo = mul64(a.lo, a.hi, b.lo, b.hi);
            hi = R64.hi;
            break;
        }
        st.push({ lo, hi, ref: null });
      }
    }
  }
}

function limitsOk(
  actualMin: number,
  actualMax: number | null,
  min: number,
  max: number | null,
): boolean {
  if (actualMin < min) return false;
  if (max !== null) {
    if (actualMax === null || actualMax > max) return false;
  }
  return true;
}

/** An instantiated module. */
export class Instance {
  /** The frozen exports object. */
  readonly exports: Record<string, unknown>;

  /**
   * Links and instantiates `module`. Throws LinkError for bad imports, RuntimeError when a
   * segment does not fit or the start function traps, or when a limit is exceeded.
   */
  constructor(
    module: Module,
    importObject?: object,
    options?: InstanceOptions,
  ) {
    const cm = cmOf(module);
    // The interpreter's one-time warm-up belongs to execution: a process
    // that only compiles and inspects modules (porta inspect/validate/build,
    // Agent.load in the parent) never pays for it. Hosts that want it off the
    // first instantiation call warmUp() after compiling.
    const tier = tierOf(options?.tier);
    ensureWarm();
    const ir = cm.ir;
    const fuel = options?.fuel;
    const unlimited = fuel === undefined || fuel === null ||
      !Number.isFinite(fuel);
    const ctx: Ctx = {
      funcs: [],
      globals: [],
      tables: [],
      mems: [],
      typeIds: ir.types.map(typeIdOf),
      datas: [],
      elems: [],
      fuel: unlimited
        ? Number.MAX_SAFE_INTEGER
        : Math.max(0, Math.floor(fuel!)),
      fuelStart: 0,
      fuelLimit: unlimited ? null : Math.max(0, Math.floor(fuel!)),
      maxCallDepth: options?.maxCallDepth ?? DEFAULT_MAX_CALL_DEPTH,
      interrupt: options?.interrupt ?? null,
      tier,
      cm,
    };
    ctx.fuelStart = ctx.fuel;
    // ---- imports (spec 4.5.4 instantiation; JS API "read the imports") ----
    const imp = importObject as
      | Record<string, Record<string, unknown>>
      | undefined;
    for (const im of ir.imports) {
      const where = `import "${im.module}" "${im.name}"`;
      const ns = imp?.[im.module];
      if (
        ns === undefined || ns === null ||
        (typeof ns !== "object" && typeof ns !== "function")
      ) {
        throw new LinkError(`${where}: module "${im.module}" is not provided`);
      }
      const v = (ns as Record<string, unknown>)[im.name];
      switch (im.kind) {
        case KIND_FUNC: {
          const t = ir.types[im.typeIdx!];
          if (typeof v !== "function") {
            throw new LinkError(
              `${where}: function expected, got ${describe(v)}`,
            );
          }
          const fi = funcInstOf(v);
          if (fi) {
            if (fi.typeId !== typeIdOf(t)) {
              throw new LinkError(
                `${where}: incompatible import type: expected ${
                  funcTypeText(t)
                }, got ${funcTypeText(fi.type)}`,
              );
            }
            ctx.funcs.push(fi);
          } else {
            ctx.funcs.push(
              new FuncInst(
                t,
                null,
                null,
                v as (...a: unknown[]) => unknown,
                ctx.funcs.length,
              ),
            );
          }
          break;
        }
        case KIND_TABLE: {
          const ti = v instanceof Table ? tableInsts.get(v) : undefined;
          if (!ti) {
            throw new LinkError(`${where}: table expected, got ${describe(v)}`);
          }
          const tt = im.table!;
          if (
            ti.type !== tt.elem ||
            !limitsOk(ti.elems.length, ti.max, tt.limits.min, tt.limits.max)
          ) {
            throw new LinkError(`${where}: incompatible import type`);
          }
          ctx.tables.push(ti);
          break;
        }
        case KIND_MEMORY: {
          const mi = v instanceof Memory ? memInsts.get(v) : undefined;
          if (!mi) {
            throw new LinkError(
              `${where}: memory expected, got ${describe(v)}`,
            );
          }
          const l = im.memory!.limits;
          if (!limitsOk(mi.pages, mi.max, l.min, l.max)) {
            throw new LinkError(`${where}: incompatible import type`);
          }
          ctx.mems.push(mi);
          break;
        }
        case KIND_GLOBAL: {
          const gt = im.global!;
          let gi: GlobalInst | undefined;
          if (v instanceof Global) {
            gi = globalInsts.get(v)!;
            if (gi.type !== gt.type || gi.mutable !== gt.mutable) {
              throw new LinkError(`${where}: incompatible import type`);
            }
          } else if (
            !gt.mutable &&
            (typeof v === "number" || typeof v === "bigint" ||
              gt.type === EXTERNREF ||
              (gt.type === FUNCREF && (v === null || typeof v === "function")))
          ) {
            if (gt.type === I64 && typeof v !== "bigint") {
              throw new LinkError(`${where}: BigInt expected`);
            }
            if (
              gt.type !== I64 && gt.type !== FUNCREF && gt.type !== EXTERNREF &&
              typeof v !== "number"
            ) {
              throw new LinkError(`${where}: number expected`);
            }
            gi = new GlobalInst(gt.type, false);
            try {
              setGlobalJS(gi, v);
            } catch (e) {
              throw new LinkError(`${where}: ${(e as Error).message}`);
            }
          } else {throw new LinkError(
              `${where}: global expected, got ${describe(v)}`,
            );}
          ctx.globals.push(gi);
          break;
        }
      }
    }
    // ---- the memory budget: checked before anything is allocated ----
    const budget = budgetOf(options);
    const budgets = [budget];
    if (budget.limit === Infinity) {
      // no budget: still keep the tables (JS heap) from ending the process
      budgets.push(new Budget(DEFAULT_TABLE_ELEMENTS * TABLE_ELEMENT_BYTES));
    }
    {
      let memBytes = 0, tableElems = 0;
      for (const mi of ctx.mems) memBytes += mi.buf.byteLength;
      for (const ti of ctx.tables) tableElems += ti.elems.length;
      for (let i = ir.numImportedMemories; i < ir.memories.length; i++) {
        memBytes += ir.memories[i].limits.min * PAGE;
      }
      for (let i = ir.numImportedTables; i < ir.tables.length; i++) {
        const min = ir.tables[i].limits.min;
        if (min > TABLE_LIMIT) {
          throw new RuntimeError(
            `table size of ${min} elements exceeds the implementation limit (${TABLE_LIMIT})`,
          );
        }
        tableElems += min;
      }
      const total = memBytes + tableElems * TABLE_ELEMENT_BYTES;
      if (total > budget.limit) {
        const what = `${ir.memories.length} memories of ${
          Math.ceil(memBytes / PAGE)
        } pages, ${ir.tables.length} tables of ${tableElems} elements`;
        throw new RuntimeError(
          `memory limit exceeded: initial size of ${
            Math.ceil(total / PAGE)
          } pages (${what}) is above ${
            options?.maxMemoryPages !== undefined
              ? `maxMemoryPages ${options.maxMemoryPages}`
              : `maxMemoryBytes ${options?.maxMemoryBytes}`
          }`,
          "memory",
        );
      }
      if (tableElems > DEFAULT_TABLE_ELEMENTS && budgets.length > 1) {
        throw new RuntimeError(
          `tables of ${tableElems} elements in total exceed the ${DEFAULT_TABLE_ELEMENTS} allowed without a memory budget`,
          "memory",
        );
      }
    }
    // ---- definitions ----
    const cfs = funcsOf(cm);
    for (let i = 0; i < cfs.length; i++) {
      const idx = ir.numImportedFuncs + i;
      ctx.funcs.push(new FuncInst(cfs[i].type, ctx, cfs[i], null, idx));
    }
    for (let i = ir.numImportedTables; i < ir.tables.length; i++) {
      const t = ir.tables[i];
      ctx.tables.push(new TableInst(t.elem, t.limits.min, t.limits.max, null));
    }
    for (let i = ir.numImportedMemories; i < ir.memories.length; i++) {
      const l = ir.memories[i].limits;
      let mi: MemInst;
      try {
        mi = new MemInst(l.min, l.max);
      } catch {
        throw new RuntimeError(
          `memory limit exceeded: could not allocate ${l.min} pages`,
          "memory",
        );
      }
      ctx.mems.push(mi);
    }
    // every memory and table of the instance counts in its budget from now on
    for (const mi of ctx.mems) {
      budget.used += mi.buf.byteLength;
      mi.budgets.push(budget);
    }
    for (const ti of ctx.tables) {
      for (const b of budgets) {
        b.used += ti.elems.length * TABLE_ELEMENT_BYTES;
        ti.budgets.push(b);
      }
    }
    const gi = ir.globalInits;
    for (let i = 0; i < gi.length; i++) {
      const t = ir.globals[ir.numImportedGlobals + i];
      const g = new GlobalInst(t.type, t.mutable);
      const v = evalConst(ir.bytes, gi[i], ctx);
      g.lo = v.lo;
      g.hi = v.hi;
      // a v128 is copied (its words may come from another global)
      if (t.type === V128) (g.ref as Int32Array).set(v.ref as Int32Array);
      else g.ref = v.ref;
      ctx.globals.push(g);
    }
    // ---- exports ----
    const exports: Record<string, unknown> = Object.create(null);
    const byName = new Map<string, { kind: number; index: number }>();
    for (const e of ir.exports) {
      byName.set(e.name, { kind: e.kind, index: e.index });
      switch (e.kind) {
        case KIND_FUNC:
          exports[e.name] = jsFunction(ctx.funcs[e.index]);
          break;
        case KIND_TABLE:
          exports[e.name] = tableObject(ctx.tables[e.index]);
          break;
        case KIND_MEMORY:
          exports[e.name] = memoryObject(ctx.mems[e.index]);
          break;
        case KIND_GLOBAL:
          exports[e.name] = globalObject(ctx.globals[e.index]);
          break;
      }
    }
    this.exports = Object.freeze(exports);
    instInternals.set(this, { ctx, cm, exportsByName: byName, budget });
    // ---- segments (spec 2.0: in order, trapping at the first that does not fit) ----
    for (const el of ir.elems) {
      const items: unknown[] = new Array(el.items.length);
      for (let k = 0; k < items.length; k++) {
        items[k] = el.exprs
          ? evalConst(ir.bytes, el.items[k], ctx).ref
          : ctx.funcs[el.items[k]];
      }
      ctx.elems.push(items);
    }
    for (const d of ir.datas) ctx.datas.push(d.bytes);
    for (let i = 0; i < ir.elems.length; i++) {
      const el = ir.elems[i];
      if (el.mode === "active") {
        const off = evalConst(ir.bytes, el.offset, ctx).lo >>> 0;
        const t = ctx.tables[el.table];
        const items = ctx.elems[i];
        if (off + items.length > t.elems.length) {
          throw new RuntimeError("out of bounds table access");
        }
        for (let k = 0; k < items.length; k++) t.elems[off + k] = items[k];
      }
      if (el.mode !== "passive") ctx.elems[i] = [];
    }
    for (let i = 0; i < ir.datas.length; i++) {
      const d = ir.datas[i];
      if (d.mode === "active") {
        const off = evalConst(ir.bytes, d.offset, ctx).lo >>> 0;
        const m = ctx.mems[d.memory];
        if (off + d.bytes.length > m.buf.byteLength) {
          throw new RuntimeError("out of bounds memory access");
        }
        m.u8.set(d.bytes, off);
        ctx.datas[i] = new Uint8Array(0);
      }
    }
    options?.beforeStart?.(this);
    if (ir.start !== null) invokeJS(ctx.funcs[ir.start], []);
  }
}

/** The budget InstanceOptions ask for (Infinity when none). */
function budgetOf(options: InstanceOptions | undefined): Budget {
  let limit = Infinity;
  const pages = options?.maxMemoryPages;
  if (pages !== undefined && pages !== null) {
    limit = Math.min(limit, Math.max(0, pages) * PAGE);
  }
  const bytes = options?.maxMemoryBytes;
  if (bytes !== undefined && bytes !== null) {
    limit = Math.min(limit, Math.max(0, bytes));
  }
  return new Budget(Number.isNaN(limit) ? 0 : limit);
}

/**
 * Bytes of all memories and tables of an instance (imported ones included; a table element
 * counts as 8 bytes): what its memory budget (InstanceOptions.maxMemoryPages) is checked against.
 */
export function memoryBytes(instance: Instance): number {
  return internalsOf(instance).budget.used;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "function") return "function";
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v;
}

/** True when the bytes form a valid module. */
export function validate(bytes: Bytes): boolean {
  try {
    compileModule(decodeModule(toBytes(bytes)));
    return true;
  } catch (e) {
    if (e instanceof CompileError || e instanceof RangeError) return false;
    throw e;
  }
}

/** Compiles bytes into a Module (async, JS API compatible). */
export function compile(bytes: Bytes): Promise<Module> {
  try {
    return Promise.resolve(new Module(bytes));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Result of instantiate(bytes). */
export interface WebAssemblyInstantiatedSource {
  /** The compiled module. */
  module: Module;
  /** The instance. */
  instance: Instance;
}

/**
 * JS API compatible instantiate: with bytes resolves {module, instance}; with a Module, the
 * Instance. `options` are those of `new Instance` (a native engine ignores the extra argument).
 */
export function instantiate(
  source: Bytes,
  importObject?: object,
  options?: InstanceOptions,
): Promise<WebAssemblyInstantiatedSource>;
/** Instantiates a compiled Module (with the options of `new Instance`). */
export function instantiate(
  source: Module,
  importObject?: object,
  options?: InstanceOptions,
): Promise<Instance>;
/** Implementation. */
export function instantiate(
  source: Bytes | Module,
  importObject?: object,
  options?: InstanceOptions,
): Promise<WebAssemblyInstantiatedSource | Instance> {
  try {
    if (source instanceof Module) {
      return Promise.resolve(new Instance(source, importObject, options));
    }
    const module = new Module(source);
    return Promise.resolve({
      module,
      instance: new Instance(module, importObject, options),
    });
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Exact number of instructions executed so far by the instance (see exec.ts for the definition). */
export function stepsUsed(instance: Instance): number {
  return stepsOf(internalsOf(instance).ctx);
}

/** Size of a memory page in bytes. */
export const PAGE_SIZE: number = PAGE;

export { valTypeName };
