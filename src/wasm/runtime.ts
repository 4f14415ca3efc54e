/**
 * Runtime store objects: function, memory, table and global instances, and the per-instance
 * context the interpreter switches between.
 * @module
 */
import type { CompiledFunc, CompiledModule } from "./compile.ts";
import { type FuncType, V128, type ValType } from "./types.ts";

const typeIds = new Map<string, number>();

/** Canonical id of a function type (structural equality, spec 2.0 call_indirect). */
export function typeIdOf(t: FuncType): number {
  let id = typeIds.get(t.key);
  if (id === undefined) {
    id = typeIds.size + 1;
    typeIds.set(t.key, id);
  }
  return id;
}

/** Per-instance runtime context (what the interpreter indexes into). */
export interface Ctx {
  funcs: FuncInst[];
  globals: GlobalInst[];
  tables: TableInst[];
  mems: MemInst[];
  /** canonical type id per module type index */
  typeIds: number[];
  datas: Uint8Array[];
  elems: unknown[][];
  /** remaining fuel */
  fuel: number;
  /** fuel at creation (steps used = fuelStart - fuel) */
  fuelStart: number;
  /** configured fuel limit, or null when unlimited */
  fuelLimit: number | null;
  maxCallDepth: number;
  /** cooperative interrupt flag (index 0 non-zero: trap "interrupted"), or null */
  interrupt: Int32Array | null;
  /** execution tier of this instance's functions */
  tier: "interp" | "js" | "auto";
  /** the instance's module (the JS tier translates its functions), or null */
  cm: CompiledModule | null;
}

// deno-lint-ignore no-explicit-any
type Entry = (...args: any[]) => any;

/** Late-bound entry points of the JS tier (jit/tier.ts sets them; runtime.ts cannot import it). */
export const HOOKS: {
  enter: ((f: FuncInst, args: unknown[]) => unknown) | null;
  tail: ((f: FuncInst, dp: number) => unknown) | null;
} = { enter: null, tail: null };

/** A FuncInst's entry before its first call through it: the JS tier picks the real one. */
export function enterFirst(this: FuncInst, ...args: unknown[]): unknown {
  return HOOKS.enter!(this, args);
}

/** A FuncInst's tail-call entry: arguments in the multi-value registers. */
function tailEntry(this: FuncInst, dp: number): unknown {
  return HOOKS.tail!(this, dp);
}

/** A function instance: either compiled wasm code with its context, or a host function. */
export class FuncInst {
  /** Function type. */
  type: FuncType;
  /** Canonical type id. */
  typeId: number;
  /** Owning instance context (wasm functions). */
  ctx: Ctx | null;
  /** Compiled code (wasm functions). */
  cf: CompiledFunc | null;
  /** Host implementation (imports). */
  host: ((...args: unknown[]) => unknown) | null;
  /** Cached JS wrapper (exported function object), for identity. */
  js: ((...args: unknown[]) => unknown) | null = null;
  /** Function index in its defining module (for names). */
  index: number;
  /**
   * Entry with the JS tier's calling convention (jit/translate.ts): the translated code, or an
   * adapter into the interpreter or the host function.
   */
  jf: Entry = enterFirst;
  /** Body of a translated function that makes tail calls (jf is then its trampoline), or null. */
  ji: Entry | null = null;
  /** Tail-call entry (arguments in the multi-value registers). */
  tc: Entry = tailEntry;
  /** True once the function runs translated code. */
  jit = false;
  /** Calls from the host so far (the auto tier promotes hot entry points). */
  calls = 0;

  /** Creates a function instance. */
  constructor(
    type: FuncType,
    ctx: Ctx | null,
    cf: CompiledFunc | null,
    host: ((...args: unknown[]) => unknown) | null,
    index: number,
  ) {
    this.type = type;
    this.typeId = typeIdOf(type);
    this.ctx = ctx;
    this.cf = cf;
    this.host = host;
    this.index = index;
  }
}

/** Page size in bytes. */
export const PAGE = 65536;

/** Bytes a table element counts for in a memory budget. */
export const TABLE_ELEMENT_BYTES = 8;

/** Most elements a table may have (the JS API's limit). */
export const TABLE_MAX = 10_000_000;

/**
 * The memory budget of an instance: the bytes of all its memories and tables (a table element
 * counts as TABLE_ELEMENT_BYTES), imported ones included. Memories and tables carry the budgets
 * they count in, and check them before every allocation (instantiation, memory.grow, table.grow).
 */
export class Budget {
  /** Bytes in use. */
  used = 0;
  /** Bytes allowed (Infinity when unlimited). */
  readonly limit: number;

  /** Creates a budget of `limit` bytes. */
  constructor(limit: number) {
    this.limit = limit;
  }
}

/** True when every budget has room for `bytes` more. */
function fits(budgets: Budget[], bytes: number): boolean {
  for (let i = 0; i < budgets.length; i++) {
    if (budgets[i].used + bytes > budgets[i].limit) return false;
  }
  return true;
}

function charge(budgets: Budget[], bytes: number): void {
  for (let i = 0; i < budgets.length; i++) budgets[i].used += bytes;
}

/**
 * A linear memory instance. It starts on a plain ArrayBuffer (fastest for V8's DataView/typed-array
 * code): memory.grow then uses `ArrayBuffer.transfer`, which detaches the old buffer exactly as the
 * JS API requires, but copies. A memory that keeps growing (more than GROW_SWITCH grows or
 * COPY_SWITCH bytes copied) switches once to a resizable ArrayBuffer reserved up to its maximum, so
 * further grows are O(delta) (then Memory.buffer stays the same, resizable object across grows).
 */
export class MemInst {
  /** Current buffer. */
  buf: ArrayBuffer;
  /** DataView over buf. */
  dv: DataView;
  /** Byte view over buf. */
  u8: Uint8Array;
  /** Declared maximum (pages) or null. */
  max: number | null;
  /** The budgets this memory counts in (those of the instances that defined or imported it). */
  budgets: Budget[] = [];
  /** Number of copying grows so far. */
  grows = 0;
  /** Bytes copied by grows so far. */
  copied = 0;

  /** Creates a memory of `pages` pages (throws RangeError when it cannot be allocated). */
  constructor(pages: number, max: number | null) {
    this.buf = new ArrayBuffer(pages * PAGE);
    this.dv = new DataView(this.buf);
    this.u8 = new Uint8Array(this.buf);
    this.max = max;
  }

  /** Current size in pages. */
  get pages(): number {
    return this.buf.byteLength / PAGE;
  }

  /** Grows by delta pages; returns the old size or -1 (spec memory.grow; also past a budget). */
  grow(delta: number): number {
    const old = this.pages;
    const n = old + delta;
    const cap = this.max ?? 65536;
    if (n > cap) return -1;
    if (delta === 0) return old;
    if (!fits(this.budgets, delta * PAGE)) return -1;
    const b = this.buf as ArrayBuffer & {
      resizable: boolean;
      resize(n: number): void;
      transfer(n: number): ArrayBuffer;
    };
    try {
      if (b.resizable) {
        b.resize(n * PAGE);
        charge(this.budgets, delta * PAGE);
        return old;
      }
      this.grows++;
      this.copied += b.byteLength;
      let nb: ArrayBuffer;
      if (this.grows > GROW_SWITCH || this.copied > COPY_SWITCH) {
        // reserve only what the budgets could ever allow
        let room = cap * PAGE;
        for (const g of this.budgets) {
          room = Math.min(room, b.byteLength + (g.limit - g.used));
        }
        nb = new ArrayBuffer(n * PAGE, {
          maxByteLength: Math.max(n * PAGE, Math.floor(room / PAGE) * PAGE),
        });
        new Uint8Array(nb).set(this.u8);
        b.transfer(0); // detach the old buffer, as a grow does in the JS API
      } else nb = b.transfer(n * PAGE);
      this.buf = nb;
      this.dv = new DataView(nb);
      this.u8 = new Uint8Array(nb);
    } catch {
      return -1;
    }
    charge(this.budgets, delta * PAGE);
    return old;
  }
}

/** Copying grows allowed before a memory switches to a resizable buffer. */
const GROW_SWITCH = 64;
/** Bytes copied by grows before a memory switches to a resizable buffer. */
const COPY_SWITCH = 256 * 1024 * 1024;

/** A table instance. */
export class TableInst {
  /** Elements (FuncInst|null for funcref, any JS value for externref). */
  elems: unknown[];
  /** Element type. */
  type: ValType;
  /** Declared maximum or null. */
  max: number | null;
  /** The budgets this table counts in (those of the instances that defined or imported it). */
  budgets: Budget[] = [];

  /** Creates a table. */
  constructor(
    type: ValType,
    min: number,
    max: number | null,
    init: unknown = null,
  ) {
    this.type = type;
    this.max = max;
    this.elems = new Array(min).fill(init);
  }

  /** Grows by delta; returns the old size or -1 (also past a budget). */
  grow(delta: number, init: unknown): number {
    const old = this.elems.length;
    const n = old + delta;
    if (n > (this.max ?? 0xffffffff) || n > TABLE_MAX) return -1;
    if (!fits(this.budgets, delta * TABLE_ELEMENT_BYTES)) return -1;
    for (let i = old; i < n; i++) this.elems.push(init);
    charge(this.budgets, delta * TABLE_ELEMENT_BYTES);
    return old;
  }
}

/**
 * A global instance; numeric values are kept as raw 64-bit patterns (lo, hi words), a v128 as
 * its four 32-bit words in `ref` (an Int32Array, lane bytes little-endian).
 */
export class GlobalInst {
  /** Low word (i32/f32 bits; i64/f64 low 32 bits). */
  lo = 0;
  /** High word (i64/f64 high 32 bits). */
  hi = 0;
  /** Reference value (funcref/externref globals); the words of a v128 global. */
  ref: unknown = null;
  /** Value type. */
  type: ValType;
  /** Mutability. */
  mutable: boolean;

  /** Creates a global. */
  constructor(type: ValType, mutable: boolean) {
    this.type = type;
    this.mutable = mutable;
    if (type === V128) this.ref = new Int32Array(4);
  }
}
