/**
 * Shared helpers for the engine tests: every behavioural test runs three
 * times, once against the host's native WebAssembly (which proves the test
 * itself is right) and once on each tier of the Porta engine
 * (`src/wasm/mod.ts`): `[porta]` runs the interpreter (tier "interp"),
 * `[porta-js]` the translation to JavaScript (tier "js").
 *
 * @module
 */
import assert from "node:assert/strict";
import { wat } from "../helpers/wat.ts";

/** A Porta execution tier the tests run on (InstanceOptions.tier). */
export type PortaTier = "interp" | "js";

/** The Porta tiers every Porta test runs on, with the test-name tag of each. */
export const PORTA_TIERS: readonly { tier: PortaTier; tag: string }[] = [
  { tier: "interp", tag: "porta" },
  { tier: "js", tag: "porta-js" },
];

/** An engine under test: the namespace (JS API shape) plus its name. */
export interface Engine {
  /**
   * "native" (the host's WebAssembly), "porta" (Porta's interpreter) or
   * "porta-js" (Porta's JavaScript tier). Porta-specific checks test
   * `name !== "native"`.
   */
  name: "native" | "porta" | "porta-js";
  /** The Porta tier of this engine (undefined for native). */
  tier?: PortaTier;
  /** The WebAssembly-shaped namespace. */
  wa: any;
}

let portaPromise: Promise<any> | undefined;

/** Loads the Porta engine namespace, failing with one clear line when it is missing. */
export async function porta(): Promise<any> {
  portaPromise ??= import(
    new URL("../../src/wasm/mod.ts", import.meta.url).href
  );
  try {
    return await portaPromise;
  } catch (e) {
    throw new Error(
      `Porta engine not loadable: ${
        e instanceof Error ? e.message.split("\n")[0] : e
      }`,
    );
  }
}

/**
 * Instance options with `tier` defaulting to `tier`: an options object the
 * test gave keeps its own tier and every other field (read through the
 * prototype, so getters and read order stay the test's); anything that is not
 * an object (undefined, or a bad value the test passes on purpose) is
 * replaced by / passed on unchanged.
 */
export function withTier(options: unknown, tier: PortaTier): unknown {
  if (options === undefined) return { tier };
  if (typeof options !== "object" || options === null) return options;
  if ((options as { tier?: unknown }).tier !== undefined) return options;
  return Object.create(options, {
    tier: { value: tier, enumerable: true, writable: true, configurable: true },
  });
}

const tierNamespaces = new Map<PortaTier, any>();

/**
 * The Porta namespace whose `Instance` and `instantiate` default to the given
 * tier; everything else (Module, Memory, errors, stepsUsed, ...) is the
 * engine's own. `Instance` is a proxy of the engine's class, so `instanceof`,
 * the prototype and the statics are unchanged.
 */
export async function portaTier(tier: PortaTier): Promise<any> {
  const base = await porta();
  let ns = tierNamespaces.get(tier);
  if (ns === undefined) {
    const Instance: any = new Proxy(base.Instance, {
      construct(target, args, newTarget): object {
        const a = [...args];
        a[2] = withTier(args[2], tier);
        return Reflect.construct(
          target,
          a,
          newTarget === Instance ? target : newTarget,
        );
      },
    });
    // the engine's instantiate takes no options: the wrapper compiles and
    // instantiates through the tier's Instance (same results and rejections)
    const instantiate = async (
      source: unknown,
      imports?: unknown,
      options?: unknown,
    ) => {
      if (source instanceof base.Module) {
        return new Instance(source, imports, options);
      }
      const module = await base.compile(source);
      return { module, instance: new Instance(module, imports, options) };
    };
    ns = Object.freeze({ ...base, Instance, instantiate, tier });
    tierNamespaces.set(tier, ns);
  }
  return ns;
}

/** Registers `fn` as three tests: `[native]`, `[porta]` and `[porta-js]`. */
export function testBoth(
  name: string,
  fn: (e: Engine) => void | Promise<void>,
): void {
  Deno.test(`${name} [native]`, () => fn({ name: "native", wa: WebAssembly }));
  for (const { tier, tag } of PORTA_TIERS) {
    Deno.test(`${name} [${tag}]`, async () =>
      fn({
        name: tag as Engine["name"],
        tier,
        wa: await portaTier(tier),
      }));
  }
}

/**
 * Registers `fn` as Porta-only tests (engine-specific behaviour: limits,
 * messages), one per tier: `[porta]` and `[porta-js]`. `wa` is the tier's
 * namespace (see {@link portaTier}).
 */
export function testPorta(
  name: string,
  fn: (wa: any, tier: PortaTier) => void | Promise<void>,
): void {
  for (const { tier, tag } of PORTA_TIERS) {
    Deno.test(`${name} [${tag}]`, async () => fn(await portaTier(tier), tier));
  }
}

const watCache = new Map<string, Uint8Array>();

/** Assembles WAT (cached per source text). */
export async function bytesOf(src: string | Uint8Array): Promise<Uint8Array> {
  if (typeof src !== "string") return src;
  let b = watCache.get(src);
  if (b === undefined) {
    b = await wat(src);
    watCache.set(src, b);
  }
  return b;
}

/** Compiles and instantiates a module with the given engine. */
export async function instantiate(
  e: Engine,
  src: string | Uint8Array,
  imports?: object,
  options?: object,
): Promise<any> {
  const m = new e.wa.Module(await bytesOf(src));
  return options === undefined
    ? new e.wa.Instance(m, imports)
    : new e.wa.Instance(m, imports, options);
}

/** Expected trap, with the spec wording of its message. */
export class Trap {
  /** @param text spec-test trap text, e.g. "integer divide by zero" */
  constructor(readonly text: string) {}
}

/** Shorthand for {@link Trap}. */
export function trap(text: string): Trap {
  return new Trap(text);
}

/** Expected NaN (any bits; bit-level checks go through reinterpret in WAT). */
export const NAN: unique symbol = Symbol("NaN");

/** An expected result: a value (a string stands for an externref), several values, a NaN or a trap. */
export type Expected =
  | number
  | bigint
  | string
  | null
  | undefined
  | typeof NAN
  | Trap
  | Expected[];

/**
 * Asserts that `fn` throws the engine's RuntimeError; for Porta the message
 * must also contain the spec text (engines word traps differently, so the
 * native run only checks the class).
 */
export function assertTrap(
  e: Engine,
  fn: () => unknown,
  text: string,
  where = "",
): void {
  let threw: unknown = undefined;
  try {
    fn();
  } catch (err) {
    threw = err;
  }
  if (threw === undefined) {
    assert.fail(`${where}: expected trap "${text}", but it returned`);
  }
  if (!(threw instanceof e.wa.RuntimeError)) {
    assert.fail(
      `${where}: expected RuntimeError "${text}", got ${String(threw)}`,
    );
  }
  if (e.name !== "native") {
    assert.ok(
      (threw as Error).message.includes(text),
      `${where}: trap message "${
        (threw as Error).message
      }" should contain "${text}"`,
    );
  }
}

function same(got: unknown, exp: Expected): boolean {
  if (exp === NAN) return typeof got === "number" && Number.isNaN(got);
  if (Array.isArray(exp)) {
    return Array.isArray(got) && got.length === exp.length &&
      exp.every((x, i) => same(got[i], x));
  }
  return Object.is(got, exp);
}

function show(x: unknown): string {
  if (typeof x === "bigint") return `${x}n`;
  if (x === NAN) return "NaN";
  if (Array.isArray(x)) return `[${x.map(show).join(", ")}]`;
  if (Object.is(x, -0)) return "-0";
  return String(x);
}

/** One call: export name, arguments, expected result. */
export type Row = [string, unknown[], Expected];

/** Calls each row's export on `exports` and checks the result (or trap). */
export function checkRows(e: Engine, exports: any, rows: Row[]): void {
  const problems: string[] = [];
  for (const [name, args, exp] of rows) {
    const where = `${name}(${args.map(show).join(", ")})`;
    const f = exports[name];
    if (typeof f !== "function") {
      problems.push(`${where}: no such export`);
      continue;
    }
    if (exp instanceof Trap) {
      try {
        assertTrap(e, () => f(...args), exp.text, where);
      } catch (err) {
        problems.push((err as Error).message);
      }
      continue;
    }
    try {
      const got = f(...args);
      if (!same(got, exp)) {
        problems.push(`${where}: expected ${show(exp)}, got ${show(got)}`);
      }
    } catch (err) {
      problems.push(`${where}: threw ${String(err)}`);
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
}

/** Registers a table-driven test of one module on native and both Porta tiers. */
export function cases(
  name: string,
  src: string,
  rows: Row[],
  imports?: object,
): void {
  testBoth(name, async (e) => {
    const inst = await instantiate(e, src, imports);
    checkRows(e, inst.exports, rows);
  });
}

/**
 * Builds a module exporting one function per (name, signature, body) entry,
 * e.g. `["add", "(param i32 i32) (result i32)", "local.get 0 local.get 1 i32.add"]`.
 */
export function funcs(defs: [string, string, string][], extra = ""): string {
  const body = defs.map(([n, sig, code]) =>
    `(func (export "${n}") ${sig} ${code})`
  ).join("\n");
  return `(module ${extra}\n${body})`;
}
