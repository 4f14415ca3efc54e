/**
 * Hostile modules against the engine (issue #8, items 2, 3 and 11): the JS
 * API's implementation limits are CompileErrors naming the limit, found
 * before anything is allocated for them; validation stays linear; one memory
 * budget counts every memory and table of an instance; a module with a
 * million globals or functions costs megabytes, not gigabytes.
 *
 * The attacks that used to exhaust memory run in a child process (this file
 * run with `deno run ... engine_test.ts child <case>`), which reports its
 * peak RSS (VmHWM); each must stay under the bound stated in its test.
 */
import assert from "node:assert/strict";
import * as wasm from "../../src/wasm/mod.ts";

// ---- a tiny module builder ------------------------------------------------

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function concat(parts: (number[] | Uint8Array)[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function section(id: number, body: number[] | Uint8Array): Uint8Array {
  return concat([[id, ...uleb(body.length)], body]);
}

/** A vector of `n` copies of `item`, with its length prefix. */
function repeat(n: number, item: number[]): Uint8Array {
  const len = uleb(n);
  const out = new Uint8Array(len.length + n * item.length);
  out.set(len);
  for (let i = 0, o = len.length; i < n; i++, o += item.length) {
    out.set(item, o);
  }
  return out;
}

const HEADER = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
const I32 = 0x7f;
const VOID_TYPE = section(1, [1, 0x60, 0, 0]);

function mod(...sections: Uint8Array[]): Uint8Array {
  return concat([HEADER, ...sections]);
}

/** `n` functions of type 0, each with `locals` i32 locals and body `body`. */
function funcs(n: number, locals: number, body: number[] = []): Uint8Array[] {
  const decl = locals > 0 ? [1, ...uleb(locals), I32] : [0];
  const b = [...decl, ...body, 0x0b];
  return [
    section(3, repeat(n, [0])),
    section(10, repeat(n, [...uleb(b.length), ...b])),
  ];
}

/** A type with `np` i32 params and `nr` i32 results. */
function typeSection(np: number, nr: number): Uint8Array {
  return section(1, [
    1,
    0x60,
    ...uleb(np),
    ...new Array(np).fill(I32),
    ...uleb(nr),
    ...new Array(nr).fill(I32),
  ]);
}

function compileError(bytes: Uint8Array): string {
  try {
    new wasm.Module(bytes);
  } catch (e) {
    assert.ok(
      e instanceof wasm.CompileError,
      `expected CompileError, got ${e}`,
    );
    return (e as Error).message;
  }
  assert.fail("expected a CompileError");
}

function runtimeError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(
      e instanceof wasm.RuntimeError,
      `expected RuntimeError, got ${e}`,
    );
    return (e as Error).message;
  }
  assert.fail("expected a RuntimeError");
}

// ---- the attacks run in a child process -------------------------------------

/** 60 tables of 10M elements each (a 400-byte module). */
function sixtyTables(): Uint8Array {
  return mod(section(4, repeat(60, [0x70, 0x00, ...uleb(10_000_000)])));
}

/**
 * `nblocks` nested blocks of type 0 (`np` i32 params and results) inside one
 * function that pushes the params first.
 */
function paramBlocks(np: number, nblocks: number): Uint8Array {
  const push = new Array(np).fill([0x41, 0]).flat();
  const body = [
    0,
    ...push,
    ...new Array(nblocks).fill([0x02, 0x00]).flat(),
    ...new Array(nblocks).fill(0x0b),
    ...new Array(np).fill(0x1a),
    0x0b,
  ];
  return mod(
    // type 0: [np x i32] -> [np x i32]; type 1: [] -> []
    section(
      1,
      concat([
        [2, 0x60],
        uleb(np),
        new Array(np).fill(I32),
        uleb(np),
        new Array(np).fill(I32),
        [0x60, 0, 0],
      ]),
    ),
    section(3, [1, 1]),
    section(10, [1, ...uleb(body.length), ...body]),
  );
}

const CASES: Record<string, () => unknown> = {
  // refused at instantiation, before any table is allocated
  tables() {
    const m = new wasm.Module(sixtyTables());
    const budget = runtimeError(() =>
      new wasm.Instance(m, {}, { maxMemoryPages: 4096 })
    );
    const unbudgeted = runtimeError(() => new wasm.Instance(m, {}));
    return { budget, unbudgeted };
  },
  locals() {
    const bytes = mod(VOID_TYPE, ...funcs(30_000, 49_999));
    const t0 = performance.now();
    const m = new wasm.Module(bytes);
    const compileMs = performance.now() - t0;
    const i = new wasm.Instance(m, {});
    return { size: bytes.length, compileMs, instance: !!i };
  },
  globals() {
    const bytes = mod(
      section(6, repeat(1_000_000, [I32, 0x00, 0x41, 0x07, 0x0b])),
      section(7, [1, 1, 0x67, 3, ...uleb(999_999)]),
    );
    const i = new wasm.Instance(new wasm.Module(bytes), {});
    return { size: bytes.length, last: (i.exports.g as wasm.Global).value };
  },
  functions() {
    const [fsec, code] = funcs(1_000_000, 0);
    const bytes = mod(
      VOID_TYPE,
      fsec,
      section(7, [1, 1, 0x66, 0, ...uleb(999_999)]),
      code,
    );
    const i = new wasm.Instance(new wasm.Module(bytes), {});
    (i.exports.f as () => void)();
    return { size: bytes.length };
  },
};

interface ChildResult {
  result: Record<string, unknown>;
  peakMiB: number;
  ms: number;
}

async function child(name: string): Promise<ChildResult> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "child", name],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `child ${name} failed (${out.code}): ${stderr}`);
  const r = JSON.parse(new TextDecoder().decode(out.stdout));
  return { ...r, ms: performance.now() - t0 };
}

if (import.meta.main && Deno.args[0] === "child") {
  const result = CASES[Deno.args[1]]();
  const status = Deno.readTextFileSync("/proc/self/status");
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  console.log(JSON.stringify({ result, peakMiB: Math.round(hwm) }));
}

// ---- item 2: implementation limits -----------------------------------------

Deno.test("limits: 100,001 tables is a CompileError naming the limit", () => {
  const msg = compileError(
    mod(section(4, repeat(100_001, [0x70, 0x00, 0x00]))),
  );
  assert.match(
    msg,
    /too many tables: 100001 > 100000 \(implementation limit\)/,
  );
});

Deno.test("limits: the counts of the JS API, each refused at its vector length", () => {
  // each count is checked before its entries are read: no entries needed
  const cases: [string, Uint8Array, RegExp][] = [
    ["types", section(1, uleb(1_000_001)), /too many types: 1000001 > 1000000/],
    [
      "functions",
      section(3, uleb(1_000_001)),
      /too many functions: 1000001 > 1000000/,
    ],
    [
      "imports",
      section(2, uleb(1_000_001)),
      /too many imports: 1000001 > 1000000/,
    ],
    [
      "exports",
      section(7, uleb(1_000_001)),
      /too many exports: 1000001 > 1000000/,
    ],
    [
      "globals",
      section(6, uleb(1_000_001)),
      /too many globals: 1000001 > 1000000/,
    ],
    [
      "data",
      section(11, uleb(100_001)),
      /too many data segments: 100001 > 100000/,
    ],
    [
      "data count",
      section(12, uleb(100_001)),
      /too many data segments: 100001 > 100000/,
    ],
    [
      "element segments",
      section(9, uleb(10_000_001)),
      /too many element segments: 10000001 > 10000000/,
    ],
    [
      "memories",
      section(5, repeat(101, [0, 0])),
      /too many memories: 101 > 100/,
    ],
    [
      "table size",
      section(4, [1, 0x70, 0, ...uleb(10_000_001)]),
      /table too large: 10000001 > 10000000/,
    ],
  ];
  for (const [what, s, re] of cases) {
    const msg = compileError(mod(s));
    assert.match(msg, re, what);
    assert.match(msg, /^offset 0x[0-9a-f]+: .*\(implementation limit\)$/, what);
  }
});

Deno.test("limits: params and results over 1,000 are CompileErrors", () => {
  assert.match(
    compileError(mod(typeSection(1001, 0))),
    /too many parameters: 1001 > 1000/,
  );
  assert.match(
    compileError(mod(typeSection(0, 1001))),
    /too many results: 1001 > 1000/,
  );
  new wasm.Module(mod(typeSection(1000, 1000)));
});

Deno.test("limits: more than 50,000 locals (params included) is a CompileError", () => {
  assert.match(
    compileError(mod(VOID_TYPE, ...funcs(1, 50_001))),
    /too many locals: 50001 > 50000 \(implementation limit\)/,
  );
  // params count: 1,000 params + 49,001 locals
  const withParams = mod(typeSection(1000, 0), ...funcs(1, 49_001));
  assert.match(compileError(withParams), /too many locals: 50001 > 50000/);
  new wasm.Module(mod(VOID_TYPE, ...funcs(1, 50_000)));
});

Deno.test("limits: run-length locals adding up past 2^32 fail at the group that crosses the limit", () => {
  // two groups of 2^32-1 locals: refused at the first, nothing expanded
  const body = [
    2,
    0xff,
    0xff,
    0xff,
    0xff,
    0x0f,
    I32,
    0xff,
    0xff,
    0xff,
    0xff,
    0x0f,
    I32,
    0x0b,
  ];
  const msg = compileError(
    mod(VOID_TYPE, section(3, [1, 0]), section(10, [1, body.length, ...body])),
  );
  assert.match(msg, /too many locals: 4294967295 > 50000/);
});

Deno.test("limits: a function body over 7,654,321 bytes is a CompileError", () => {
  const n = 7_654_322;
  const body = new Uint8Array(n).fill(0x01); // nop ... (never read)
  const msg = compileError(
    mod(
      VOID_TYPE,
      section(3, [1, 0]),
      section(10, concat([[1], uleb(n), body])),
    ),
  );
  assert.match(msg, /function body too large: 7654322 > 7654321/);
});

Deno.test("limits: 30,000 functions x 49,999 locals compile in bounded memory", async () => {
  // was: the decoder expanded 1.5 billion locals (V8 fatal OOM, in the parent too)
  const r = await child("locals");
  assert.equal(r.result.instance, true);
  assert.ok(r.peakMiB < 300, `peak RSS ${r.peakMiB} MiB`);
});

Deno.test("validation: a 120,000-param type used by 20,000 blocks fails fast", () => {
  const t0 = performance.now();
  assert.match(
    compileError(paramBlocks(120_000, 20_000)),
    /too many parameters/,
  );
  assert.ok(performance.now() - t0 < 1000);
});

Deno.test("validation: a 1,000-param type used by 20,000 blocks validates quickly", () => {
  const bytes = paramBlocks(1000, 20_000);
  const t0 = performance.now();
  assert.equal(wasm.validate(bytes), true);
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `${ms} ms`);
});

Deno.test("validation: br_table over many labels with a deep stack stays linear", () => {
  // 20,000 values on the stack, a br_table with 100,000 labels: the old check
  // copied the whole stack once per label (2e9 copies)
  const n = 20_000, labels = 100_000;
  const body = [
    0,
    0x02,
    0x40, // block
    ...new Array(n).fill([0x41, 0]).flat(),
    0x41,
    0, // the index
    0x0e,
    ...uleb(labels),
    ...new Array(labels).fill(0),
    0,
    0x0b,
    0x0b,
  ];
  const bytes = mod(
    VOID_TYPE,
    section(3, [1, 0]),
    section(10, concat([[1], uleb(body.length), body])),
  );
  const t0 = performance.now();
  assert.equal(wasm.validate(bytes), true);
  assert.ok(performance.now() - t0 < 1000);
});

// ---- item 3: one budget for memories and tables ------------------------------

Deno.test("budget: 60 tables x 10M elements are refused at instantiation, no crash", async () => {
  // was: V8 fatal out-of-memory (exit 133), whatever --max-memory said
  const r = await child("tables");
  const { budget, unbudgeted } = r.result as Record<string, string>;
  assert.match(
    budget,
    /memory limit exceeded: initial size of 73243 pages .*60 tables of 600000000 elements.* above maxMemoryPages 4096/,
  );
  assert.match(
    unbudgeted,
    /tables of 600000000 elements in total exceed the 10000000 allowed without a memory budget/,
  );
  assert.ok(r.peakMiB < 150, `peak RSS ${r.peakMiB} MiB`);
});

Deno.test("budget: 24 memories of 256 MiB under a 256 MiB budget are refused (the sum counts)", () => {
  const m = new wasm.Module(mod(section(5, repeat(24, [0, ...uleb(4096)]))));
  const msg = runtimeError(() =>
    new wasm.Instance(m, {}, { maxMemoryPages: 4096 })
  );
  assert.match(msg, /initial size of 98304 pages \(24 memories/);
  // one fits
  const one = new wasm.Module(mod(section(5, [1, 0, ...uleb(4096)])));
  const i = new wasm.Instance(one, {}, { maxMemoryPages: 4096 });
  assert.equal(wasm.memoryBytes(i), 4096 * 65536);
});

/** Three memories of 1 page, a table of 1 element, and grow functions for each. */
const GROWER = mod(
  section(1, [1, 0x60, 1, I32, 1, I32]),
  section(3, [4, 0, 0, 0, 0]),
  section(4, [1, 0x70, 0, 1]),
  section(5, [3, 0, 1, 0, 1, 0, 1]),
  section(7, [
    5,
    2,
    0x6d,
    0x30,
    0,
    0, // m0
    2,
    0x6d,
    0x31,
    0,
    1,
    2,
    0x6d,
    0x32,
    0,
    2,
    1,
    0x74,
    0,
    3, // t: grows the table
    3,
    0x74,
    0x61,
    0x62,
    1,
    0, // tab
  ]),
  section(10, [
    4,
    6,
    0,
    0x20,
    0,
    0x40,
    0,
    0x0b,
    6,
    0,
    0x20,
    0,
    0x40,
    1,
    0x0b,
    6,
    0,
    0x20,
    0,
    0x40,
    2,
    0x0b,
    // table.grow 0 (ref.null func) (local.get 0)
    9,
    0,
    0xd0,
    0x70,
    0x20,
    0,
    0xfc,
    15,
    0,
    0x0b,
  ]),
);

Deno.test("budget: memory.grow across several memories returns -1 once the sum crosses it", () => {
  const i = new wasm.Instance(new wasm.Module(GROWER), {}, {
    maxMemoryPages: 10,
  });
  const e = i.exports as Record<string, (n: number) => number>;
  // 3 pages + 8 bytes (one table element) in use
  assert.equal(wasm.memoryBytes(i), 3 * 65536 + 8);
  assert.equal(e.m0(3), 1); // 6 pages
  assert.equal(e.m1(2), 1); // 8 pages
  assert.equal(e.m2(2), -1); // would be 10 pages + 8 bytes
  assert.equal(e.m2(1), 1); // 9 pages
  assert.equal(e.m0(1), -1);
  assert.equal(wasm.memoryBytes(i), 9 * 65536 + 8);
});

Deno.test("budget: table.grow counts 8 bytes an element and returns -1 past the budget", () => {
  const i = new wasm.Instance(new wasm.Module(GROWER), {}, {
    maxMemoryPages: 4,
  });
  const e = i.exports as Record<string, (n: number) => number>;
  // one page left: 65536 bytes = 8192 elements, one of them already used
  assert.equal(e.t(8191), 1);
  assert.equal(e.t(1), -1);
  assert.equal(e.m0(1), -1);
  assert.equal(wasm.memoryBytes(i), 4 * 65536);
  // through the JS API too
  assert.throws(() => (i.exports.tab as wasm.Table).grow(1), RangeError);
});

Deno.test("budget: imported memories and tables count in the importer's budget", () => {
  const mem = new wasm.Memory({ initial: 3 });
  const table = new wasm.Table({ element: "anyfunc", initial: 10 });
  const importer = mod(
    section(2, [
      2,
      1,
      0x65,
      1,
      0x6d,
      2,
      0,
      0, // "e" "m" memory 0..
      1,
      0x65,
      1,
      0x74,
      1,
      0x70,
      0,
      0, // "e" "t" table funcref 0..
    ]),
  );
  const m = new wasm.Module(importer);
  const msg = runtimeError(() =>
    new wasm.Instance(m, { e: { m: mem, t: table } }, { maxMemoryPages: 2 })
  );
  assert.match(msg, /memory limit exceeded/);
  const i = new wasm.Instance(m, { e: { m: mem, t: table } }, {
    maxMemoryPages: 4,
  });
  assert.equal(wasm.memoryBytes(i), 3 * 65536 + 80);
  assert.throws(() => mem.grow(1), RangeError); // the importer's budget is full
});

Deno.test("budget: the JS API refuses huge tables and memories with a RangeError", () => {
  assert.throws(
    () => new wasm.Table({ element: "anyfunc", initial: 10_000_001 }),
    RangeError,
  );
  assert.throws(() => new wasm.Memory({ initial: 65537 }), RangeError);
});

Deno.test("budget: a start function stopped by a limit still reports its steps", () => {
  // (start) loops forever; fuel stops it inside the constructor
  const bytes = mod(
    VOID_TYPE,
    section(3, [1, 0]),
    section(8, [0]),
    section(10, [1, 7, 0, 0x03, 0x40, 0x0c, 0, 0x0b, 0x0b]),
  );
  let seen: wasm.Instance | undefined;
  const msg = runtimeError(() =>
    new wasm.Instance(new wasm.Module(bytes), {}, {
      fuel: 5000,
      beforeStart: (i) => (seen = i),
    })
  );
  assert.match(msg, /fuel exhausted/);
  assert.ok(seen);
  assert.equal(wasm.stepsUsed(seen), 5000);
});

// ---- item 11: compact compiled form ------------------------------------------

Deno.test("compact: 1M globals (5 MB module) compile and instantiate under 400 MiB peak RSS", async () => {
  // was: 931 MiB in one process (serve: past 3 GB, parent plus workers)
  const r = await child("globals");
  assert.equal(r.result.last, 7);
  assert.ok(r.peakMiB < 400, `peak RSS ${r.peakMiB} MiB`);
});

Deno.test("compact: 1M empty functions compile and instantiate under 600 MiB peak RSS", async () => {
  // was: 914 MiB (and 1.5 GB for 2M, now over the functions limit)
  const r = await child("functions");
  assert.ok(r.peakMiB < 600, `peak RSS ${r.peakMiB} MiB`);
});
