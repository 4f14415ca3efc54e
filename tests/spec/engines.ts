/**
 * Engine adapters for the spec runner: the Porta engine (through its
 * bit-exact testing API `src/wasm/testing.ts`) and, as a reference for
 * checking the runner itself, the host's native `WebAssembly`.
 *
 * @module
 */
import type { RawValue } from "./values.ts";
import { name, section, uleb, vec } from "../helpers/binary.ts";

/** How a thrown error is classified by an adapter. */
export type ErrorKind = "compile" | "link" | "runtime" | "exhaustion" | "other";

/** What the runner needs from an engine. */
export interface SpecEngine {
  /** Short name printed in the summary. */
  readonly name: string;
  /** Compiles bytes; throws on invalid or malformed modules. */
  compile(bytes: Uint8Array): unknown;
  /** Instantiates a compiled module with an import object. */
  instantiate(
    module: unknown,
    imports: Record<string, Record<string, unknown>>,
  ): unknown;
  /** The exports object of an instance (used for `register`). */
  exportsOf(instance: unknown): Record<string, unknown>;
  /**
   * Calls an exported function with raw arguments; `resultTypes` is the
   * expected result types when known (needed by adapters that cannot see them).
   */
  invoke(
    instance: unknown,
    name: string,
    args: RawValue[],
    resultTypes?: string[],
  ): RawValue[];
  /** Reads an exported global as a raw value. */
  getGlobal(instance: unknown, name: string, type?: string): RawValue;
  /** Classifies an error thrown by compile/instantiate/invoke. */
  classify(e: unknown): ErrorKind;
  /** Builds the `spectest` host module for one script. */
  spectest(): Record<string, unknown>;
}

/** The subset of the WebAssembly JS API namespace the adapters use. */
interface WasmNamespace {
  Module: new (bytes: BufferSource) => unknown;
  Instance: new (
    module: any,
    imports?: object,
    options?: object,
  ) => { exports: any };
  Memory: new (desc: { initial: number; maximum?: number }) => unknown;
  Table: new (
    desc: { initial: number; maximum?: number; element: string },
  ) => unknown;
  Global: new (
    desc: { value: string; mutable?: boolean },
    v?: unknown,
  ) => unknown;
  CompileError: new (...a: any[]) => Error;
  LinkError: new (...a: any[]) => Error;
  RuntimeError: new (...a: any[]) => Error;
}

function spectestFor(wa: WasmNamespace): Record<string, unknown> {
  const print = (..._args: unknown[]): void => {};
  return {
    print,
    print_i32: print,
    print_i64: print,
    print_f32: print,
    print_f64: print,
    print_i32_f32: print,
    print_f64_f64: print,
    global_i32: new wa.Global({ value: "i32", mutable: false }, 666),
    global_i64: new wa.Global({ value: "i64", mutable: false }, 666n),
    global_f32: new wa.Global({ value: "f32", mutable: false }, 666.6),
    global_f64: new wa.Global({ value: "f64", mutable: false }, 666.6),
    table: new wa.Table({ initial: 10, maximum: 20, element: "anyfunc" }),
    memory: new wa.Memory({ initial: 1, maximum: 2 }),
  };
}

function classifyWith(wa: WasmNamespace, e: unknown): ErrorKind {
  if (e instanceof wa.CompileError) return "compile";
  if (e instanceof wa.LinkError) return "link";
  if (e instanceof wa.RuntimeError) {
    return /call stack exhausted/i.test(e.message) ? "exhaustion" : "runtime";
  }
  return "other";
}

const scratch = new DataView(new ArrayBuffer(8));

/** Converts a raw value into the standard JS API representation. */
export function rawToJs(v: RawValue): unknown {
  const bits = v.bits ?? 0n;
  switch (v.type) {
    case "i32":
      return Number(BigInt.asIntN(32, bits));
    case "i64":
      return BigInt.asIntN(64, bits);
    case "f32":
      scratch.setUint32(0, Number(BigInt.asUintN(32, bits)));
      return scratch.getFloat32(0);
    case "f64":
      scratch.setBigUint64(0, BigInt.asUintN(64, bits));
      return scratch.getFloat64(0);
    case "funcref":
    case "externref":
      return v.ref ?? null;
    default:
      throw new TypeError(`type ${v.type} cannot cross the JS API`);
  }
}

/** Converts a JS API value into a raw value of the given type (guessed when absent). */
export function jsToRaw(x: unknown, type?: string): RawValue {
  const t = type ??
    (typeof x === "bigint"
      ? "i64"
      : typeof x === "number"
      ? "f64"
      : "externref");
  switch (t) {
    case "i32":
      return { type: t, bits: BigInt.asUintN(32, BigInt(x as number)) };
    case "i64":
      return { type: t, bits: BigInt.asUintN(64, x as bigint) };
    case "f32":
      scratch.setFloat32(0, x as number);
      return { type: t, bits: BigInt(scratch.getUint32(0)) };
    case "f64":
      scratch.setFloat64(0, x as number);
      return { type: t, bits: scratch.getBigUint64(0) };
    default:
      return { type: t, ref: x ?? null };
  }
}

const VALTYPE: Record<string, number> = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
};

/** Memory store opcodes (and alignment) of each numeric type. */
const STORE: Record<string, number[]> = {
  i32: [0x36, 2],
  i64: [0x37, 3],
  f32: [0x38, 2],
  f64: [0x39, 3],
  v128: [0xfd, 0x0b, 4],
};

/**
 * A module that calls an imported function `m.f` of type (params) -> (results) for JavaScript,
 * which cannot pass or receive a v128: each v128 param is passed as two i64 halves (low first),
 * f32 and f64 params as their bits (i32, i64), and every result is stored at 16 * k in the
 * exported memory `mem`, bit for bit.
 */
function thunkBytes(
  params: string[],
  results: string[],
): Uint8Array<ArrayBuffer> {
  const ft = (ps: number[], rs: number[]) => [
    0x60,
    ...vec(ps.map((t) => [t])),
    ...vec(rs.map((t) => [t])),
  ];
  const outer: number[] = [];
  for (const p of params) {
    if (p === "v128") outer.push(0x7e, 0x7e);
    else if (p === "f32") outer.push(0x7f);
    else if (p === "f64") outer.push(0x7e);
    else outer.push(VALTYPE[p]);
  }
  const types = section(
    1,
    vec([
      ft(params.map((p) => VALTYPE[p]), results.map((r) => VALTYPE[r])),
      ft(
        outer,
        [],
      ),
    ]),
  );
  const imports = section(2, vec([[...name("m"), ...name("f"), 0, 0]]));
  const funcs = section(3, vec([[1]]));
  const mem = section(5, vec([[0, 1]]));
  const exps = section(
    7,
    vec([[...name("t"), 0, 1], [...name("mem"), 2, 0]]),
  );
  const body: number[] = [];
  body.push(...vec(results.map((r) => [1, VALTYPE[r]])));
  let li = 0;
  for (const p of params) {
    if (p === "v128") {
      // i64x2.splat of the low half, i64x2.replace_lane 1 with the high half
      body.push(
        0x20,
        ...uleb(li),
        0xfd,
        0x12,
        0x20,
        ...uleb(li + 1),
        0xfd,
        0x1e,
        1,
      );
      li += 2;
    } else if (p === "f32" || p === "f64") {
      // the bits, reinterpreted
      body.push(0x20, ...uleb(li++), p === "f32" ? 0xbe : 0xbf);
    } else body.push(0x20, ...uleb(li++));
  }
  body.push(0x10, 0);
  for (let k = results.length - 1; k >= 0; k--) {
    body.push(0x21, ...uleb(li + k));
  }
  for (let k = 0; k < results.length; k++) {
    const st = STORE[results[k]];
    if (!st) throw new TypeError(`result type ${results[k]} next to a v128`);
    body.push(0x41, ...uleb(16 * k), 0x20, ...uleb(li + k), ...st, 0);
  }
  body.push(0x0b);
  const code = section(10, vec([[...uleb(body.length), ...body]]));
  return new Uint8Array([
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...types,
    ...imports,
    ...funcs,
    ...mem,
    ...exps,
    ...code,
  ]);
}

const thunks = new Map<string, WebAssembly.Module>();

/**
 * Calls native function f whose signature has a v128 through a thunk module (see thunkBytes),
 * so that v128 arguments and results keep every bit.
 */
function invokeThroughThunk(
  f: unknown,
  args: RawValue[],
  results: string[],
): RawValue[] {
  const params = args.map((a) => a.type);
  const key = params.join(",") + ">" + results.join(",");
  let m = thunks.get(key);
  if (m === undefined) {
    m = new WebAssembly.Module(thunkBytes(params, results));
    thunks.set(key, m);
  }
  const inst = new WebAssembly.Instance(m, { m: { f } } as WebAssembly.Imports);
  const js: unknown[] = [];
  for (const a of args) {
    if (a.type === "v128") {
      const b = BigInt.asUintN(128, a.bits ?? 0n);
      js.push(BigInt.asIntN(64, b), BigInt.asIntN(64, b >> 64n));
    } else if (a.type === "f32") {
      js.push(Number(BigInt.asIntN(32, a.bits ?? 0n)));
    } else if (a.type === "f64") js.push(BigInt.asIntN(64, a.bits ?? 0n));
    else js.push(rawToJs(a));
  }
  (inst.exports.t as (...a: unknown[]) => void)(...js);
  const dv = new DataView((inst.exports.mem as WebAssembly.Memory).buffer);
  return results.map((t, k) => {
    const at = 16 * k;
    let bits: bigint;
    switch (t) {
      case "i32":
      case "f32":
        bits = BigInt(dv.getUint32(at, true));
        break;
      case "i64":
      case "f64":
        bits = dv.getBigUint64(at, true);
        break;
      default:
        bits = (dv.getBigUint64(at + 8, true) << 64n) |
          dv.getBigUint64(at, true);
    }
    return { type: t, bits };
  });
}

/**
 * Adapter over the host's native WebAssembly (reference only: it cannot keep
 * NaN payloads of scalar arguments across the JS boundary; a call whose
 * signature has a v128 goes through a thunk module that keeps every bit).
 */
export function nativeEngine(): SpecEngine {
  const wa = WebAssembly as unknown as WasmNamespace;
  return {
    name: "native",
    compile: (bytes) => new WebAssembly.Module(bytes as BufferSource),
    instantiate: (m, imports) =>
      new WebAssembly.Instance(
        m as WebAssembly.Module,
        imports as WebAssembly.Imports,
      ),
    exportsOf: (i) =>
      (i as WebAssembly.Instance).exports as Record<string, unknown>,
    invoke(i, name, args, resultTypes) {
      const f = (i as WebAssembly.Instance).exports[name] as (
        ...a: unknown[]
      ) => unknown;
      if (typeof f !== "function") {
        throw new Error(`no exported function ${name}`);
      }
      const types = resultTypes ?? [];
      if (
        args.some((a) => a.type === "v128") || types.includes("v128")
      ) return invokeThroughThunk(f, args, types);
      let r: unknown;
      try {
        r = f(...args.map(rawToJs));
      } catch (e) {
        // a call whose results are not known (assert_trap) to a function returning a v128
        if (!(e instanceof TypeError) || resultTypes !== undefined) throw e;
        try {
          return invokeThroughThunk(f, args, ["v128"]);
        } catch (e2) {
          throw e2 instanceof WebAssembly.LinkError ? e : e2;
        }
      }
      if (types.length === 0 && r === undefined) return [];
      if (types.length > 1) {
        return (r as unknown[]).map((x, k) => jsToRaw(x, types[k]));
      }
      return [jsToRaw(r, types[0])];
    },
    getGlobal(i, name, type) {
      const g = (i as WebAssembly.Instance).exports[name] as WebAssembly.Global;
      return jsToRaw(g.value, type);
    },
    classify(e) {
      if (e instanceof RangeError) return "exhaustion";
      return classifyWith(wa, e);
    },
    spectest: () => spectestFor(wa),
  };
}

/** The engine's testing API (`src/wasm/testing.ts`). */
interface TestingApi {
  invokeRaw(instance: unknown, name: string, args: RawValue[]): RawValue[];
  getGlobalRaw(instance: unknown, name: string): RawValue;
}

/** Options for {@link portaEngine}. */
export interface PortaOptions {
  /** Fuel given to every instance (default: unlimited). */
  fuel?: number;
  /**
   * Execution tier of every instance (InstanceOptions.tier: "interp", "js"
   * or "auto"); the engine's default when absent.
   */
  tier?: string;
}

/** Adapter over the Porta engine, loaded dynamically from `src/wasm/`. */
export async function portaEngine(
  options: PortaOptions = {},
): Promise<SpecEngine> {
  const base = new URL("../../src/wasm/", import.meta.url);
  const wa = (await import(new URL("mod.ts", base).href)) as WasmNamespace;
  const t = (await import(new URL("testing.ts", base).href)) as TestingApi;
  const instOptions: { fuel?: number; tier?: string } = {};
  if (options.fuel !== undefined) instOptions.fuel = options.fuel;
  if (options.tier !== undefined) instOptions.tier = options.tier;
  return {
    name: options.tier === undefined ? "porta" : `porta (tier ${options.tier})`,
    compile: (bytes) => new wa.Module(bytes as BufferSource),
    instantiate: (m, imports) => new wa.Instance(m, imports, instOptions),
    exportsOf: (i) => (i as { exports: Record<string, unknown> }).exports,
    invoke: (i, name, args) => t.invokeRaw(i, name, args),
    getGlobal: (i, name) => t.getGlobalRaw(i, name),
    classify: (e) => classifyWith(wa, e),
    spectest: () => spectestFor(wa),
  };
}
