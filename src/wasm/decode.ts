/**
 * Binary decoder for all module sections (WebAssembly core spec, section 5 "Binary Format").
 * Function bodies are kept as byte ranges; compile.ts validates and compiles them.
 * @module
 */
import { compileError, Reader } from "./reader.ts";
import { LIMITS, overLimit } from "./limits.ts";
import {
  type CodeBodies,
  type ConstExpr,
  type DataSegment,
  type ElemSegment,
  type Export,
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  type FuncType,
  funcType,
  type GlobalType,
  I32,
  I64,
  type Import,
  KIND_FUNC,
  KIND_GLOBAL,
  KIND_MEMORY,
  KIND_TABLE,
  type Limits,
  type MemType,
  type ModuleIR,
  type TableType,
  V128,
  type ValType,
} from "./types.ts";

/** Reads a value type. */
export function readValType(r: Reader): ValType {
  const at = r.pos;
  const t = r.u8();
  switch (t) {
    case I32:
    case I64:
    case F32:
    case F64:
    case FUNCREF:
    case EXTERNREF:
    case V128:
      return t;
  }
  return r.fail("malformed value type", at);
}

function readRefType(r: Reader): ValType {
  const at = r.pos;
  const t = r.u8();
  if (t === FUNCREF || t === EXTERNREF) return t;
  return r.fail("malformed reference type", at);
}

function readLimits(r: Reader, memory: boolean): Limits {
  const at = r.pos;
  const flags = r.u8();
  if (flags !== 0 && flags !== 1) {
    if (memory && (flags === 2 || flags === 3)) {
      r.fail("shared memories are not supported", at);
    }
    if (memory && (flags & 4)) r.fail("memory64 is not supported", at);
    r.fail(memory ? "malformed limits flags" : "integer too large", at);
  }
  const min = r.u32();
  const max = flags === 1 ? r.u32() : null;
  return { min, max };
}

function readTableType(r: Reader): TableType {
  const elem = readRefType(r);
  return { elem, limits: readLimits(r, false) };
}

function readGlobalType(r: Reader): GlobalType {
  const type = readValType(r);
  const at = r.pos;
  const m = r.u8();
  if (m > 1) r.fail("malformed mutability", at);
  const k = type * 2 + m;
  let g = GLOBAL_TYPES.get(k);
  if (g === undefined) {
    g = Object.freeze({ type, mutable: m === 1 });
    GLOBAL_TYPES.set(k, g);
  }
  return g;
}

/**
 * Skips a constant expression up to and including its `end`, checking its syntax (opcodes and
 * immediates); returns its start offset. compile.ts checks its types, api.ts evaluates it.
 * `onRefFunc` is called with the index of every `ref.func` in it.
 */
export function readConstExpr(
  r: Reader,
  onRefFunc?: (f: number) => void,
): ConstExpr {
  const start = r.pos;
  for (;;) {
    const at = r.pos;
    const op = r.u8();
    switch (op) {
      case 0x0b:
        return start;
      case 0x41:
        r.i32();
        break;
      case 0x42:
        r.i64();
        break;
      case 0x43:
        r.f32bits();
        break;
      case 0x44:
        r.f64bits();
        break;
      case 0xd0:
        readRefType(r);
        break;
      case 0xd2: {
        const f = r.u32();
        onRefFunc?.(f);
        break;
      }
      case 0x23:
        r.u32();
        break;
      case 0x6a:
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e:
        break;
      case 0xfd:
        // v128.const: the only SIMD instruction allowed in a constant expression
        if (r.u32() !== 0x0c) r.fail("constant expression required", at);
        for (let k = 0; k < 16; k++) r.u8();
        break;
      default:
        r.fail("constant expression required", at);
    }
  }
}

/** Refuses one more entry where `count` already stand and `max` may (an imported one). */
function oneMore(at: number, what: string, count: number, max: number): void {
  if (count >= max) overLimit(at, what, count + 1, max);
}

/** Reads a vector length, refusing one past `max` (the limit) or past the bytes left (each entry takes at least `minBytes`). */
function vecLen(
  s: Reader,
  what: string,
  max: number,
  already = 0,
  minBytes = 1,
): number {
  const at = s.pos;
  const n = s.u32();
  if (already + n > max) overLimit(at, what, already + n, max);
  if (n * minBytes > s.end - s.pos) {
    // the same error as reading past the end would give
    s.pos = s.end;
    s.u8();
  }
  return n;
}

/** Shared GlobalType objects: one per (value type, mutability). */
const GLOBAL_TYPES = new Map<number, GlobalType>();

/** Decodes a module binary into its IR (structure only; no validation of bodies). */
export function decodeModule(bytes: Uint8Array): ModuleIR {
  const r = new Reader(bytes);
  if (bytes.length > LIMITS.moduleSize) {
    overLimit(0, "module too large", bytes.length, LIMITS.moduleSize);
  }
  if (bytes.length < 4) r.fail("unexpected end", bytes.length);
  if (
    bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 ||
    bytes[3] !== 0x6d
  ) {
    r.fail("magic header not detected", 0);
  }
  if (bytes.length < 8) r.fail("unexpected end", bytes.length);
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    r.fail("unknown binary version", 4);
  }
  r.pos = 8;
  const empty = new Uint32Array(0);
  const m: ModuleIR = {
    bytes,
    types: [],
    imports: [],
    funcTypes: [],
    numImportedFuncs: 0,
    tables: [],
    numImportedTables: 0,
    memories: [],
    numImportedMemories: 0,
    globals: [],
    numImportedGlobals: 0,
    globalInits: empty,
    exports: [],
    start: null,
    elems: [],
    datas: [],
    dataCount: null,
    codes: { localsAt: empty, start: empty, end: empty, nlocals: empty },
    customs: [],
    codeSize: 0,
  };
  // section order ranks; datacount (12) sits between element (9) and code (10)
  const rank = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10];
  let lastRank = 0;
  let funcDecls: number | null = null;
  let sawCode = false;
  const tableType = (s: Reader): TableType => {
    const at = s.pos;
    const t = readTableType(s);
    if (t.limits.min > LIMITS.tableSize) {
      overLimit(at, "table too large", t.limits.min, LIMITS.tableSize);
    }
    return t;
  };
  while (!r.eof()) {
    const idAt = r.pos;
    const id = r.u8();
    if (id === 13) {
      r.fail("exception handling (tag section 13) is not supported", idAt);
    }
    if (id > 12) r.fail("malformed section id", idAt);
    const size = r.u32();
    const start = r.pos;
    const end = start + size;
    if (end > bytes.length) r.fail("length out of bounds", start);
    if (id !== 0) {
      if (rank[id] <= lastRank) {
        r.fail("unexpected content after last section", idAt);
      }
      lastRank = rank[id];
    }
    const s = new Reader(bytes, start, end);
    switch (id) {
      case 0: {
        const name = s.name();
        m.customs.push({ name, data: bytes.subarray(s.pos, end) });
        s.pos = end;
        break;
      }
      case 1: {
        const n = vecLen(s, "too many types", LIMITS.types, 0, 3);
        // structurally equal types share one object (and one canonical key)
        const seen = new Map<string, FuncType>();
        for (let i = 0; i < n; i++) {
          const at = s.pos;
          if (s.u8() !== 0x60) s.fail("malformed functype", at);
          const np = vecLen(s, "too many parameters", LIMITS.params);
          const params: ValType[] = [];
          for (let j = 0; j < np; j++) params.push(readValType(s));
          const nr = vecLen(s, "too many results", LIMITS.results);
          const results: ValType[] = [];
          for (let j = 0; j < nr; j++) results.push(readValType(s));
          const k = String.fromCharCode(...params, 0x3e, ...results);
          let t = seen.get(k);
          if (t === undefined) {
            t = funcType(params, results);
            seen.set(k, t);
          }
          m.types.push(t);
        }
        break;
      }
      case 2: {
        const n = vecLen(s, "too many imports", LIMITS.imports, 0, 4);
        for (let i = 0; i < n; i++) {
          const module = s.name();
          const name = s.name();
          const at = s.pos;
          const kind = s.u8();
          const imp: Import = { module, name, kind };
          switch (kind) {
            case KIND_FUNC:
              oneMore(
                at,
                "too many functions",
                m.funcTypes.length,
                LIMITS.functions,
              );
              imp.typeIdx = s.u32();
              m.funcTypes.push(imp.typeIdx);
              m.numImportedFuncs++;
              break;
            case KIND_TABLE:
              oneMore(at, "too many tables", m.tables.length, LIMITS.tables);
              imp.table = tableType(s);
              m.tables.push(imp.table);
              m.numImportedTables++;
              break;
            case KIND_MEMORY:
              oneMore(
                at,
                "too many memories",
                m.memories.length,
                LIMITS.memories,
              );
              imp.memory = { limits: readLimits(s, true) };
              m.memories.push(imp.memory);
              m.numImportedMemories++;
              break;
            case KIND_GLOBAL:
              oneMore(at, "too many globals", m.globals.length, LIMITS.globals);
              imp.global = readGlobalType(s);
              m.globals.push(imp.global);
              m.numImportedGlobals++;
              break;
            default:
              s.fail("malformed import kind", at);
          }
          m.imports.push(imp);
        }
        break;
      }
      case 3: {
        const n = vecLen(
          s,
          "too many functions",
          LIMITS.functions,
          m.funcTypes.length,
        );
        funcDecls = n;
        for (let i = 0; i < n; i++) m.funcTypes.push(s.u32());
        break;
      }
      case 4: {
        const n = vecLen(
          s,
          "too many tables",
          LIMITS.tables,
          m.tables.length,
          3,
        );
        for (let i = 0; i < n; i++) m.tables.push(tableType(s));
        break;
      }
      case 5: {
        const n = vecLen(
          s,
          "too many memories",
          LIMITS.memories,
          m.memories.length,
          2,
        );
        for (let i = 0; i < n; i++) {
          m.memories.push({ limits: readLimits(s, true) } as MemType);
        }
        break;
      }
      case 6: {
        const n = vecLen(
          s,
          "too many globals",
          LIMITS.globals,
          m.globals.length,
          3,
        );
        m.globalInits = new Uint32Array(n);
        for (let i = 0; i < n; i++) {
          m.globals.push(readGlobalType(s));
          m.globalInits[i] = readConstExpr(s);
        }
        break;
      }
      case 7: {
        const n = vecLen(s, "too many exports", LIMITS.exports, 0, 3);
        for (let i = 0; i < n; i++) {
          const name = s.name();
          const at = s.pos;
          const kind = s.u8();
          if (kind > 3) s.fail("malformed export kind", at);
          m.exports.push({ name, kind, index: s.u32() } as Export);
        }
        break;
      }
      case 8:
        m.start = s.u32();
        break;
      case 9: {
        const n = vecLen(
          s,
          "too many element segments",
          LIMITS.elementSegments,
          0,
          2,
        );
        for (let i = 0; i < n; i++) m.elems.push(readElem(s));
        break;
      }
      case 12: {
        const at = s.pos;
        m.dataCount = s.u32();
        if (m.dataCount > LIMITS.dataSegments) {
          overLimit(
            at,
            "too many data segments",
            m.dataCount,
            LIMITS.dataSegments,
          );
        }
        break;
      }
      case 10: {
        sawCode = true;
        m.codeSize = size;
        const n = s.u32();
        if (n !== (funcDecls ?? 0)) {
          s.fail("function and code section have inconsistent lengths", start);
        }
        if (2 * n > s.end - s.pos) {
          s.pos = s.end;
          s.u8();
        }
        const c = m.codes = {
          localsAt: new Uint32Array(n),
          start: new Uint32Array(n),
          end: new Uint32Array(n),
          nlocals: new Uint32Array(n),
        };
        for (let i = 0; i < n; i++) {
          const ti = m.funcTypes[m.numImportedFuncs + i];
          const np = ti < m.types.length ? m.types[ti].params.length : 0;
          readCode(s, c, i, np);
        }
        break;
      }
      case 11: {
        const n = vecLen(
          s,
          "too many data segments",
          LIMITS.dataSegments,
          0,
          2,
        );
        if (m.dataCount !== null && m.dataCount !== n) {
          s.fail(
            "data count and data section have inconsistent lengths",
            start,
          );
        }
        for (let i = 0; i < n; i++) m.datas.push(readData(s));
        break;
      }
    }
    if (s.pos !== end) s.fail("section size mismatch", s.pos);
    r.pos = end;
  }
  if (!sawCode && (funcDecls ?? 0) !== 0) {
    r.fail("function and code section have inconsistent lengths", bytes.length);
  }
  if (m.dataCount !== null && m.dataCount !== m.datas.length) {
    r.fail(
      "data count and data section have inconsistent lengths",
      bytes.length,
    );
  }
  return m;
}

function readItems(s: Reader, exprs: boolean): Uint32Array {
  const n = vecLen(s, "too many element segment entries", LIMITS.elementItems);
  const items = new Uint32Array(n);
  for (let j = 0; j < n; j++) items[j] = exprs ? readConstExpr(s) : s.u32();
  return items;
}

function readElemKind(s: Reader): void {
  const at = s.pos;
  if (s.u8() !== 0) s.fail("malformed element kind", at);
}

function readElem(s: Reader): ElemSegment {
  const at = s.pos;
  const flags = s.u32();
  if (flags > 7) return s.fail("malformed elements segment kind", at);
  // bit 0: passive/declarative; bit 1: explicit table (active) or declarative; bit 2: expressions
  const exprs = (flags & 4) !== 0;
  const mode = (flags & 1) === 0
    ? "active"
    : (flags & 2) === 0
    ? "passive"
    : "declarative";
  let table = 0;
  let offset = -1;
  if (mode === "active") {
    if (flags & 2) table = s.u32();
    offset = readConstExpr(s);
  }
  let type: ValType = FUNCREF;
  if (flags & 3) {
    if (exprs) type = readRefType(s);
    else readElemKind(s);
  }
  return { mode, table, offset, type, items: readItems(s, exprs), exprs };
}

function readData(s: Reader): DataSegment {
  const at = s.pos;
  const flags = s.u32();
  switch (flags) {
    case 0: {
      const offset = readConstExpr(s);
      return { mode: "active", memory: 0, offset, bytes: s.byteVec() };
    }
    case 1:
      return { mode: "passive", memory: 0, offset: -1, bytes: s.byteVec() };
    case 2: {
      const memory = s.u32();
      const offset = readConstExpr(s);
      return { mode: "active", memory, offset, bytes: s.byteVec() };
    }
  }
  return s.fail("malformed data segment kind", at);
}

/**
 * Reads body i of the code section into `c`. Local declarations stay run-length encoded in the
 * bytes: only their running total is kept, checked against the limit (params included) group by
 * group, so no per-local array is ever built here.
 */
function readCode(s: Reader, c: CodeBodies, i: number, nparams: number): void {
  const sizeAt = s.pos;
  const size = s.u32();
  if (size > LIMITS.functionSize) {
    overLimit(sizeAt, "function body too large", size, LIMITS.functionSize);
  }
  const start = s.pos;
  const end = start + size;
  if (end > s.end) s.fail("unexpected end of section or function");
  const b = new Reader(s.bytes, start, end);
  const ngroups = b.u32();
  let total = nparams;
  for (let g = 0; g < ngroups; g++) {
    const at = b.pos;
    const count = b.u32();
    total += count;
    if (total > LIMITS.locals) {
      overLimit(at, "too many locals", total, LIMITS.locals);
    }
    readValType(b);
  }
  c.localsAt[i] = start;
  c.start[i] = b.pos;
  c.end[i] = end;
  c.nlocals[i] = total - nparams;
  s.pos = end;
}

export { compileError };
