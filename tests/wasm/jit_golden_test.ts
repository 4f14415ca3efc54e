/**
 * Golden tests of the JS tier's translator (src/wasm/jit/translate.ts): every
 * `testdata/golden/NAME.wat` is assembled, each of its defined functions
 * translated, and the sources (with a comment header per function) compared to
 * `testdata/golden/NAME.js`, so a change to the generated code shows up as a
 * readable diff.
 *
 * When the translator's output changes on purpose, regenerate the goldens and
 * review the diff:
 *
 *     UPDATE_GOLDEN=1 deno test -A tests/wasm/jit_golden_test.ts
 *
 * Checks that hold whatever the formatting (they do not read the .js files):
 * - the fuel charges in the source are the interpreter's basic blocks, in
 *   order and with the same amounts (compile.ts `fuelOpsOf`);
 * - `;; straight:` functions are one basic block: its charge is the
 *   interpreter's stepsUsed of every call;
 * - every `;; run:` call gives the same results, traps, host calls, memory and
 *   stepsUsed on tiers interp and js (results and traps as native
 *   WebAssembly), also when run with every fuel budget up to the call's steps
 *   (or a sample of them), which pins where each tier charges fuel;
 * - no name, custom section or data byte string of the module appears in the
 *   source, which is printable ASCII only.
 *
 * Header lines of a golden .wat:
 * - `;; run: "export" arg...`: a call; args are i32/f32/f64 numbers
 *   (`nan`, `inf`, `-inf`, `-0` too) or i64 BigInts (`5n`); the export name is
 *   a JSON string;
 * - `;; osr: FUNC BLOCK`: also golden the OSR entry of function FUNC (module
 *   index) at basic block BLOCK;
 * - `;; straight: "export"`: that export's function is one basic block.
 *
 * Imported functions log their arguments and return their first argument.
 *
 * @module
 */
import assert from "node:assert/strict";
import { wat } from "../helpers/wat.ts";
import { porta } from "./_harness.ts";
import { decodeModule } from "../../src/wasm/decode.ts";
import { translate } from "../../src/wasm/jit/translate.ts";
import { compileModule, fuelOpsOf, funcsOf } from "../../src/wasm/compile.ts";
import type { ModuleIR } from "../../src/wasm/types.ts";

const DIR = new URL("../../testdata/golden/", import.meta.url);
const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";
const UPDATE_HINT =
  "if the change is intended, regenerate the goldens and review the diff:\n" +
  "  UPDATE_GOLDEN=1 deno test -A tests/wasm/jit_golden_test.ts";

/**
 * One fuel charge in the generated source; group 1 is its amount. This is the
 * only place that knows how a charge is spelled: adjust it when the
 * translator spells charges differently (the slow path still gets the amount).
 */
const FUEL_CHARGE = /\bfuel\((?:[^,()]*,\s*)?(\d+)\s*\)/g;

/** Fuel of an unbounded run (ends a runaway translation rather than hanging). */
const MAX_FUEL = 50_000_000;
/** Runs with at most this many steps are checked under every fuel budget. */
const SWEEP_ALL = 400;
/** Budgets sampled for longer runs. */
const SWEEP_SAMPLES = 60;

interface Golden {
  name: string;
  watPath: string;
  jsPath: string;
  text: string;
  runs: { exp: string; args: unknown[] }[];
  osr: [number, number][];
  straight: string[];
}

function readGoldens(): Golden[] {
  const names = [...Deno.readDirSync(DIR)]
    .filter((e) => e.isFile && e.name.endsWith(".wat"))
    .map((e) => e.name.slice(0, -4))
    .sort();
  return names.map((name) => {
    const watPath = new URL(`${name}.wat`, DIR).pathname;
    const text = Deno.readTextFileSync(watPath);
    const g: Golden = {
      name,
      watPath,
      jsPath: new URL(`${name}.js`, DIR).pathname,
      text,
      runs: [],
      osr: [],
      straight: [],
    };
    for (const line of text.split("\n")) {
      const m = /^;;\s*(run|osr|straight):\s*(.*)$/.exec(line.trim());
      if (!m) continue;
      const toks = m[2].match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
      const first = toks[0] ?? "";
      if (m[1] === "run") {
        g.runs.push({ exp: JSON.parse(first), args: toks.slice(1).map(arg) });
      } else if (m[1] === "osr") {
        g.osr.push([Number(first), Number(toks[1])]);
      } else g.straight.push(JSON.parse(first));
    }
    return g;
  });
}

function arg(tok: string): unknown {
  if (/^-?\d+n$/.test(tok)) return BigInt(tok.slice(0, -1));
  const special: Record<string, number> = {
    nan: NaN,
    inf: Infinity,
    "-inf": -Infinity,
    "-0": -0,
  };
  if (tok in special) return special[tok];
  const v = Number(tok);
  if (Number.isNaN(v)) throw new Error(`bad run argument ${tok}`);
  return v;
}

const GOLDENS = readGoldens();

interface Built {
  bytes: Uint8Array;
  ir: ModuleIR;
  /** the golden text: every defined function's translation (and OSR entries) */
  text: string;
  /** per defined function (module index): its translation */
  funcs: Map<number, { src: string; blocks: number }>;
  /** the OSR entries' sources */
  osrSrcs: string[];
}

const built = new Map<string, Promise<Built>>();

function build(g: Golden): Promise<Built> {
  let p = built.get(g.name);
  if (p === undefined) {
    p = (async () => {
      const bytes = await wat(g.text, { filename: g.watPath, names: true });
      const ir = decodeModule(bytes);
      const funcs = new Map<number, { src: string; blocks: number }>();
      const osrSrcs: string[] = [];
      let text =
        `// Golden JS-tier translations of testdata/golden/${g.name}.wat ` +
        `(src/wasm/jit/translate.ts), checked by tests/wasm/jit_golden_test.ts.\n` +
        `// Regenerate after an intended change: UPDATE_GOLDEN=1 deno test -A tests/wasm/jit_golden_test.ts\n`;
      for (let f = ir.numImportedFuncs; f < ir.funcTypes.length; f++) {
        const t = translate(ir, f);
        assert.ok(t !== null, `${g.name}: function ${f} was not translated`);
        funcs.set(f, t);
        text += `\n// ==== function ${f}: translate(ir, ${f}) ` +
          `blocks=${t.blocks} tail=${t.tail} ====\n${t.src}`;
        for (const [of, ob] of g.osr) {
          if (of !== f) continue;
          const o = translate(ir, f, ob);
          assert.ok(o !== null, `${g.name}: no OSR entry ${f}@${ob}`);
          osrSrcs.push(o.src);
          text += `\n// ==== function ${f}: translate(ir, ${f}, ${ob}) ` +
            `(OSR entry at basic block ${ob}) blocks=${o.blocks} tail=${o.tail} ====\n${o.src}`;
        }
      }
      if (!text.endsWith("\n")) text += "\n";
      return { bytes, ir, text, funcs, osrSrcs };
    })();
    built.set(g.name, p);
  }
  return p;
}

/** A short unified diff around the first differing lines. */
function diffLines(
  expected: string,
  actual: string,
  context = 3,
  maxLines = 40,
): string {
  const a = expected.split("\n"), b = actual.split("\n");
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (
    suf < a.length - pre && suf < b.length - pre &&
    a[a.length - 1 - suf] === b[b.length - 1 - suf]
  ) suf++;
  const from = Math.max(0, pre - context);
  const aEnd = a.length - suf, bEnd = b.length - suf;
  const aTo = Math.min(a.length, aEnd + context);
  const bTo = Math.min(b.length, bEnd + context);
  const out = [
    `@@ -${from + 1},${aTo - from} +${from + 1},${bTo - from} @@ ` +
    `(first difference at line ${pre + 1})`,
  ];
  for (let i = from; i < pre; i++) out.push(`  ${a[i]}`);
  const minus = a.slice(pre, aEnd), plus = b.slice(pre, bEnd);
  const cap = (ls: string[], sign: string) => {
    for (const l of ls.slice(0, maxLines)) out.push(`${sign} ${l}`);
    if (ls.length > maxLines) {
      out.push(`${sign} ... (${ls.length - maxLines} more lines)`);
    }
  };
  cap(minus, "-");
  cap(plus, "+");
  for (let i = aEnd; i < aTo; i++) out.push(`  ${a[i]}`);
  return out.join("\n");
}

Deno.test("jit golden: diffLines shows the first differing lines with context", () => {
  const d = diffLines("a\nb\nc\nd\ne\n", "a\nb\nX\nd\ne\n", 1);
  assert.equal(
    d,
    "@@ -2,3 +2,3 @@ (first difference at line 3)\n  b\n- c\n+ X\n  d",
  );
});

Deno.test("jit golden: every .wat has its .js and no .js is left over", () => {
  const files = [...Deno.readDirSync(DIR)].map((e) => e.name);
  const wats = new Set(GOLDENS.map((g) => g.name));
  const stray = files.filter((f) =>
    f.endsWith(".js") && !wats.has(f.slice(0, -3))
  );
  if (UPDATE) {
    for (const f of stray) Deno.removeSync(new URL(f, DIR));
    return;
  }
  assert.deepEqual(stray, [], `stray goldens without a .wat; ${UPDATE_HINT}`);
  assert.ok(GOLDENS.length >= 6, "at least 6 golden modules");
});

for (const g of GOLDENS) {
  Deno.test(`jit golden ${g.name}: translation matches testdata/golden/${g.name}.js`, async () => {
    const { text } = await build(g);
    let expected: string | null = null;
    try {
      expected = Deno.readTextFileSync(g.jsPath);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    if (expected === text) return;
    if (UPDATE) {
      Deno.writeTextFileSync(g.jsPath, text);
      console.log(`updated testdata/golden/${g.name}.js`);
      return;
    }
    if (expected === null) {
      assert.fail(`testdata/golden/${g.name}.js is missing; ${UPDATE_HINT}`);
    }
    assert.fail(
      `the translation of testdata/golden/${g.name}.wat differs from ` +
        `testdata/golden/${g.name}.js (- golden, + now):\n` +
        `${diffLines(expected, text)}\n${UPDATE_HINT}`,
    );
  });

  Deno.test(`jit golden ${g.name}: fuel charges are the interpreter's basic blocks`, async () => {
    const { ir, funcs, osrSrcs } = await build(g);
    const cm = compileModule(ir);
    const cfs = funcsOf(cm);
    for (const [f, t] of funcs) {
      const cf = cfs[f - ir.numImportedFuncs];
      const interp = fuelOpsOf(cm, f).map((p) => cf.code[cf.start + p + 1]);
      const charged = [...t.src.matchAll(FUEL_CHARGE)].map((m) => +m[1]);
      assert.equal(
        t.blocks,
        interp.length,
        `${g.name} function ${f}: ${t.blocks} basic blocks translated, the interpreter has ${interp.length}`,
      );
      assert.deepEqual(
        charged,
        interp,
        `${g.name} function ${f}: fuel charges in the source (in order) ` +
          `differ from the interpreter's blocks (if only their spelling ` +
          `changed, adjust FUEL_CHARGE in this test)`,
      );
    }
    for (const src of osrSrcs) {
      // an OSR entry charges the same blocks (those before the entry guarded)
      const all = [...funcs.values()].map((t) =>
        [...t.src.matchAll(FUEL_CHARGE)].map((m) => +m[1]).join(",")
      );
      const charged = [...src.matchAll(FUEL_CHARGE)].map((m) => +m[1]);
      assert.ok(all.includes(charged.join(",")), "OSR entry's charges");
    }
  });

  Deno.test(`jit golden ${g.name}: both tiers agree on results, traps and stepsUsed under every fuel budget`, async () => {
    const b = await build(g);
    assert.ok(g.runs.length > 0, `${g.name}.wat has no ;; run: lines`);
    const wa = await porta();
    const pm = new wa.Module(b.bytes);
    const nm = new WebAssembly.Module(b.bytes as BufferSource);
    for (const run of g.runs) {
      const label = `${g.name}: ${JSON.stringify(run.exp)}(${
        run.args.map(String).join(", ")
      })`;
      const full = {
        interp: outcome(wa, pm, "interp", run, MAX_FUEL),
        js: outcome(wa, pm, "js", run, MAX_FUEL),
      };
      assert.deepEqual(full.js, full.interp, `${label}: js vs interp`);
      assert.ok(
        !/fuel exhausted/.test(full.interp.result),
        `${label}: ran out of ${MAX_FUEL} fuel`,
      );
      const native = outcome(null, nm, "native", run, 0);
      if (/^(RuntimeError|WebAssembly\.RuntimeError)/.test(native.result)) {
        assert.match(
          full.interp.result,
          /^RuntimeError/,
          `${label}: native traps`,
        );
      } else {
        assert.deepEqual(
          {
            result: full.interp.result,
            log: full.interp.log,
            mem: full.interp.mem,
          },
          { result: native.result, log: native.log, mem: native.mem },
          `${label}: porta vs native`,
        );
      }
      const steps = full.interp.steps;
      if (g.straight.includes(run.exp)) {
        const f = b.ir.exports.find((e) => e.kind === 0 && e.name === run.exp)!
          .index;
        const t = b.funcs.get(f)!;
        assert.equal(t.blocks, 1, `${label}: not one basic block`);
        const charged = [...t.src.matchAll(FUEL_CHARGE)].map((m) => +m[1]);
        assert.deepEqual(
          charged,
          [steps],
          `${label}: the one charge = stepsUsed`,
        );
      }
      for (const fuel of budgets(steps)) {
        const i = outcome(wa, pm, "interp", run, fuel);
        const j = outcome(wa, pm, "js", run, fuel);
        assert.deepEqual(j, i, `${label} with fuel ${fuel}: js vs interp`);
        if (fuel < steps) assert.match(i.result, /fuel exhausted/);
      }
    }
  });

  Deno.test(`jit golden ${g.name}: no name or data of the module in the source`, async () => {
    const { ir, funcs, osrSrcs } = await build(g);
    const secrets = moduleStrings(ir).filter((s) => s.length >= 4);
    assert.ok(secrets.length > 0, "the module has names");
    for (const src of [...[...funcs.values()].map((t) => t.src), ...osrSrcs]) {
      for (const s of secrets) {
        assert.ok(!src.includes(s), `${JSON.stringify(s)} is in the source`);
      }
      const bad = /[^\x20-\x7e\n]/.exec(src);
      assert.equal(bad, null, "the source is printable ASCII");
    }
  });
}

interface Outcome {
  result: string;
  steps: number;
  log: string;
  mem: string;
}

/** Runs one call on a fresh instance (tier "native": the host's WebAssembly). */
function outcome(
  wa: any,
  module: any,
  tier: string,
  run: { exp: string; args: unknown[] },
  fuel: number,
): Outcome {
  const log: unknown[][] = [];
  const imports: Record<string, Record<string, unknown>> = {};
  const API = wa ?? WebAssembly;
  for (const imp of API.Module.imports(module)) {
    if (imp.kind !== "function") continue;
    (imports[imp.module] ??= {})[imp.name] = (...args: unknown[]) => {
      log.push(args);
      return args[0];
    };
  }
  let inst: any;
  let result: string;
  try {
    inst = wa
      ? new wa.Instance(module, imports, { tier, fuel })
      : new WebAssembly.Instance(module, imports as WebAssembly.Imports);
    result = show(inst.exports[run.exp](...run.args));
  } catch (e) {
    const err = e as Error;
    const kind = err.constructor.name === "RuntimeError"
      ? "RuntimeError"
      : err.constructor.name;
    result = `${kind}: ${err.message}`;
  }
  let mem = "";
  if (inst) {
    for (const [k, v] of Object.entries(inst.exports)) {
      if (v instanceof (API.Memory as any)) {
        mem += `${k}:${
          hash(new Uint8Array((v as WebAssembly.Memory).buffer))
        } `;
      }
    }
  }
  return {
    result,
    steps: wa && inst ? wa.stepsUsed(inst) : 0,
    log: log.map((a) => a.map(show).join(",")).join(";"),
    mem,
  };
}

function show(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  if (typeof v === "bigint") return `${v}n`;
  if (Object.is(v, -0)) return "-0";
  return String(v);
}

function hash(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return `${b.length}/${(h >>> 0).toString(16)}`;
}

/** Fuel budgets to try: all up to SWEEP_ALL steps, else a sample with the edges. */
function budgets(steps: number): number[] {
  const s = new Set<number>();
  if (steps <= SWEEP_ALL) {
    for (let k = 0; k <= steps + 1; k++) s.add(k);
  } else {
    for (let k = 0; k <= 40; k++) s.add(k);
    for (let k = 1; k < SWEEP_SAMPLES; k++) {
      s.add(Math.floor((steps * k) / SWEEP_SAMPLES));
    }
    for (let k = steps - 20; k <= steps + 1; k++) s.add(k);
  }
  return [...s].filter((k) => k >= 0).sort((x, y) => x - y);
}

/** Names, custom-section names and data strings of a module (what must not leak). */
function moduleStrings(ir: ModuleIR): string[] {
  const out = new Set<string>();
  for (const e of ir.exports) out.add(e.name);
  for (const i of ir.imports) {
    out.add(i.module);
    out.add(i.name);
  }
  for (const c of ir.customs) {
    out.add(c.name);
    if (c.name === "name") { for (const n of nameSection(c.data)) out.add(n); }
  }
  const dec = new TextDecoder();
  for (const d of ir.datas) {
    for (const m of dec.decode(d.bytes).matchAll(/[\x20-\x7e]{4,}/g)) {
      out.add(m[0]);
    }
  }
  return [...out];
}

/** Every name in a `name` custom section (function, local and other name maps). */
function nameSection(data: Uint8Array): string[] {
  let p = 0;
  const u32 = () => {
    let v = 0, shift = 0, b: number;
    do {
      b = data[p++];
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return v;
  };
  const dec = new TextDecoder();
  const str = () => {
    const n = u32();
    const s = dec.decode(data.subarray(p, p + n));
    p += n;
    return s;
  };
  const names: string[] = [];
  const nameMap = () => {
    for (let n = u32(); n > 0; n--) {
      u32();
      names.push(str());
    }
  };
  while (p < data.length) {
    const id = data[p++];
    const size = u32();
    const end = p + size;
    if (id === 0) names.push(str());
    else if (id === 2 || id === 3) {
      for (let n = u32(); n > 0; n--) {
        u32();
        nameMap();
      }
    } else nameMap();
    p = end;
  }
  return names;
}
