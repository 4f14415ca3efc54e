// Code injection: the JS tier turns wasm functions into JavaScript source, so
// nothing a module carries as text (import and export names, names in the
// `name` custom section, custom sections, data) may ever reach that source as
// code. These modules, built byte by byte, put quotes, backticks, `${`,
// comment openers and closers, line terminators (incl. U+2028/U+2029),
// `</script>` and ready-made JS statements (`"); globalThis.PWNED=1; ("`)
// everywhere a name or byte string can go; they must instantiate and run with
// the right results on every engine and tier, and leave globalThis.PWNED
// undefined.
import assert from "node:assert/strict";
import { wat } from "../helpers/wat.ts";
import { type Engine, testBoth } from "./_harness.ts";

/** The sentinel every payload tries to set. */
const SENTINEL = "PWNED";

/** Hostile strings: every one is a valid name (UTF-8, no lone surrogates). */
const EVIL: string[] = [
  `'`,
  `"`,
  `,`,
  "`",
  "${",
  "${globalThis.PWNED=1}",
  "`+(globalThis.PWNED=1)+`",
  "*/",
  "/*",
  "//",
  "*/ globalThis.PWNED=1; /*",
  "\n globalThis.PWNED=1; //",
  "\r\nglobalThis.PWNED=1;//",
  "\u2028globalThis.PWNED=1;//",
  "\u2029globalThis.PWNED=1;//",
  "</script><script>globalThis.PWNED=1</script>",
  `"); globalThis.PWNED=1; ("`,
  `'); globalThis.PWNED=1; ('`,
  "`); globalThis.PWNED=1; (`",
  `"]; globalThis.PWNED=1; x["`,
  // valid expressions once spliced into a "...", '...' or `...` literal, a
  // property access ["..."] or an object key {"...": ...}
  `" + (globalThis.PWNED=1) + "`,
  `' + (globalThis.PWNED=1) + '`,
  "` + (globalThis.PWNED=1) + `",
  `"] + (globalThis.PWNED=1) + x["`,
  `": (globalThis.PWNED=1), "x`,
  `\\"); globalThis.PWNED=1; //`,
  "\\",
  "\\u0022",
  "\0",
  "}}}}; globalThis.PWNED=1; {{{{",
  "function(){globalThis.PWNED=1}()",
  "\n//# sourceURL=evil.js\nglobalThis.PWNED=1",
  "-->globalThis.PWNED=1",
  "<!--globalThis.PWNED=1",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "prototype",
  "eval",
  "arguments",
  "this",
  "return",
  "env",
  "0",
  "-1",
  "1e3",
  "",
  "x".repeat(5000) + `"); globalThis.PWNED=1; ("`,
  "\u{1F600}\u00e9\u0301\ufeff\u200b",
];

/** Indices of a few payloads used in more places. */
const DQ = EVIL.indexOf(`"); globalThis.PWNED=1; ("`);
const SQ = EVIL.indexOf(`'); globalThis.PWNED=1; ('`);
const SCRIPT = EVIL.indexOf("</script><script>globalThis.PWNED=1</script>");
const NEWLINE = EVIL.indexOf("\n globalThis.PWNED=1; //");
const LS = EVIL.indexOf("\u2028globalThis.PWNED=1;//");
const BACKTICK = EVIL.indexOf("`");
assert.ok([DQ, SQ, SCRIPT, NEWLINE, LS, BACKTICK].every((i) => i >= 0));
assert.equal(new Set(EVIL).size, EVIL.length, "payloads are distinct");

// ---- a minimal module encoder ----

const utf8 = new TextEncoder();

function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function s32(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function name(s: string): number[] {
  const b = utf8.encode(s);
  return [...u32(b.length), ...b];
}

function vec(items: number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...u32(body.length), ...body];
}

function custom(sectionName: string, payload: number[]): number[] {
  return section(0, [...name(sectionName), ...payload]);
}

const I32 = 0x7f;

/**
 * The module: N imports `EVIL[k % n] / EVIL[(k + 1) % n]` of type (i32)->i32;
 * for each k a helper function (named EVIL[k] in the name section) that calls
 * import k and adds k, and an export named EVIL[k] that calls the helper;
 * an exported memory, global and table under hostile names; a data segment
 * made of every hostile string; hostile local names, module name, and custom
 * sections whose names and payloads are hostile strings.
 */
function hostileModule(): { bytes: Uint8Array; data: Uint8Array } {
  const n = EVIL.length;
  const types = vec([
    [0x60, ...vec([[I32]]), ...vec([[I32]])], // 0: (i32) -> i32
    [0x60, ...vec([]), ...vec([[I32]])], // 1: () -> i32
  ]);
  const imports = vec(
    EVIL.map((_, k) => [
      ...name(EVIL[k]),
      ...name(EVIL[(k + 1) % n]),
      0x00,
      ...u32(0),
    ]),
  );
  // functions: n helpers (index n + k), n exported wrappers (2n + k), one data sum (3n)
  const funcs = vec([
    ...EVIL.map(() => u32(0)),
    ...EVIL.map(() => u32(0)),
    u32(1),
  ]);
  const table = vec([[0x70, 0x00, ...u32(1)]]);
  const memory = vec([[0x00, ...u32(1)]]);
  const global = vec([[I32, 0x01, 0x41, ...s32(-7), 0x0b]]);
  const exportNames = [...EVIL];
  const extra = (s: string) => `${s} (other)`;
  const exports = vec([
    ...EVIL.map((s, k) => [...name(s), 0x00, ...u32(2 * n + k)]),
    [...name(extra(EVIL[DQ])), 0x02, ...u32(0)],
    [...name(extra(EVIL[SCRIPT])), 0x03, ...u32(0)],
    [...name(extra(EVIL[NEWLINE])), 0x01, ...u32(0)],
    [...name(extra(EVIL[BACKTICK])), 0x00, ...u32(3 * n)],
  ]);
  exportNames.push(
    extra(EVIL[DQ]),
    extra(EVIL[SCRIPT]),
    extra(EVIL[NEWLINE]),
    extra(EVIL[BACKTICK]),
  );
  assert.equal(new Set(exportNames).size, exportNames.length);
  const data = utf8.encode(EVIL.join("\u0000"));
  const body = (locals: number[][], code: number[]) => {
    const b = [...vec(locals), ...code, 0x0b];
    return [...u32(b.length), ...b];
  };
  const code = vec([
    // helper k: local.get 0, call import k, i32.const k, i32.add
    ...EVIL.map((_, k) =>
      body([[1, I32]], [0x20, 0, 0x10, ...u32(k), 0x41, ...s32(k), 0x6a])
    ),
    // export k: local.get 0, call helper k
    ...EVIL.map((_, k) => body([], [0x20, 0, 0x10, ...u32(n + k)])),
    // sum of all data bytes: loop over [0, data.length)
    body([[2, I32]], [
      ...[0x02, 0x40, 0x03, 0x40], // block loop
      ...[0x20, 0, 0x41, ...s32(data.length), 0x4e, 0x0d, 1], // i >= len: br_if 1
      ...[0x20, 1, 0x20, 0, 0x2d, 0, 0, 0x6a, 0x21, 1], // sum += load8_u(i)
      ...[0x20, 0, 0x41, 1, 0x6a, 0x21, 0, 0x0c, 0], // i++, br 0
      ...[0x0b, 0x0b, 0x20, 1],
    ]),
  ]);
  const dataSec = vec([[0x00, 0x41, 0x00, 0x0b, ...u32(data.length), ...data]]);
  const nameAssoc = (pairs: [number, string][]) =>
    vec(pairs.map(([i, s]) => [...u32(i), ...name(s)]));
  const nameSec = [
    // module name
    ...[0x00, ...u32(name(EVIL[DQ]).length), ...name(EVIL[DQ])],
    // function names: imports, helpers and wrappers all hostile
    ...(() => {
      const m = nameAssoc([
        ...EVIL.map((s, k): [number, string] => [k, s]),
        ...EVIL.map((s, k): [number, string] => [n + k, s]),
        ...EVIL.map((s, k): [number, string] => [2 * n + k, `${s}\u2028`]),
        [3 * n, EVIL[SQ]],
      ]);
      return [0x01, ...u32(m.length), ...m];
    })(),
    // local names of the helpers
    ...(() => {
      const m = vec(
        EVIL.map((s, k) => [
          ...u32(n + k),
          ...nameAssoc([[0, s], [1, EVIL[(k + 3) % n]]]),
        ]),
      );
      return [0x02, ...u32(m.length), ...m];
    })(),
  ];
  const bytes = new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...custom(EVIL[DQ], [...utf8.encode(EVIL[LS])]),
    ...section(1, types),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(4, table),
    ...section(5, memory),
    ...section(6, global),
    ...section(7, exports),
    ...custom("sourceMappingURL", name(`data:,${EVIL[DQ]}`)),
    ...section(10, code),
    ...section(11, dataSec),
    ...custom("name", nameSec),
    ...EVIL.map((s, k) => custom(s, [...utf8.encode(EVIL[(k + 1) % n])]))
      .flat(),
  ]);
  return { bytes, data };
}

function assertNotPwned(where: string): void {
  const g = globalThis as Record<string, unknown>;
  const v = g[SENTINEL];
  delete g[SENTINEL]; // so that one failure does not fail the tests after it
  assert.equal(v, undefined, `${where}: a hostile string ran as code`);
}

/** Import object: import k is `x => x * 100 + k`, under its hostile module and field names. */
function hostileImports(): Record<string, Record<string, unknown>> {
  const n = EVIL.length;
  const imports: Record<string, Record<string, unknown>> = Object.create(null);
  EVIL.forEach((_, k) => {
    const mod = EVIL[k], field = EVIL[(k + 1) % n];
    imports[mod] ??= Object.create(null);
    // a module/field pair that repeats keeps the first function (both engines agree)
    imports[mod][field] ??= (x: number) => x * 100 + k;
  });
  return imports;
}

/** The function each (module, field) pair resolves to: the index k that first defined it. */
function importIndex(k: number): number {
  const n = EVIL.length;
  for (let j = 0; j < k; j++) {
    if (EVIL[j] === EVIL[k] && EVIL[(j + 1) % n] === EVIL[(k + 1) % n]) {
      return j;
    }
  }
  return k;
}

function check(e: Engine): void {
  assertNotPwned("before");
  const { bytes, data } = hostileModule();
  assert.ok(e.wa.validate(bytes), "the hostile module is valid");
  const mod = new e.wa.Module(bytes);
  // names come back exactly as written
  const n = EVIL.length;
  assert.deepEqual(
    e.wa.Module.imports(mod).map((i: any) => [i.module, i.name, i.kind]),
    EVIL.map((s, k) => [s, EVIL[(k + 1) % n], "function"]),
  );
  const exported = e.wa.Module.exports(mod).map((x: any) => x.name);
  assert.deepEqual(exported.slice(0, n), EVIL);
  for (let k = 0; k < n; k++) {
    const cs = e.wa.Module.customSections(mod, EVIL[k]);
    const want = utf8.encode(EVIL[(k + 1) % n]);
    // EVIL[DQ] also names the first custom section (another payload)
    const hit = cs.find((b: ArrayBuffer) =>
      new Uint8Array(b).length === want.length &&
      new Uint8Array(b).every((v, i) => v === want[i])
    );
    assert.ok(hit, `custom section ${JSON.stringify(EVIL[k])}`);
  }
  const inst = new e.wa.Instance(mod, hostileImports());
  assertNotPwned("after instantiation");
  const x = inst.exports;
  for (let k = 0; k < n; k++) {
    const f = x[EVIL[k]];
    assert.equal(typeof f, "function", `export ${JSON.stringify(EVIL[k])}`);
    assert.equal(
      f(3),
      300 + importIndex(k) + k,
      `export ${JSON.stringify(EVIL[k])}(3)`,
    );
    assert.equal(f(-1), -100 + importIndex(k) + k);
    // exported functions are named by their function index, never by a string of the module
    assert.equal(f.name, String(2 * n + k));
  }
  assertNotPwned("after the calls");
  // the exports object has exactly the module's names as own properties
  assert.equal(Object.getPrototypeOf(x), null);
  assert.deepEqual(
    Object.getOwnPropertyNames(x).sort(),
    [...exported].sort(),
  );
  const mem = x[`${EVIL[DQ]} (other)`];
  assert.ok(mem instanceof e.wa.Memory);
  assert.deepEqual(
    new Uint8Array(mem.buffer, 0, data.length),
    data,
    "data segment bytes",
  );
  const sum = data.reduce((a, b) => a + b, 0);
  assert.equal(x[`${EVIL[BACKTICK]} (other)`](), sum);
  assert.equal(x[`${EVIL[SCRIPT]} (other)`].value, -7);
  assert.ok(x[`${EVIL[NEWLINE]} (other)`] instanceof e.wa.Table);
  assertNotPwned("at the end");
}

testBoth("hostile names, custom sections and data never run as code", check);

testBoth(
  "hostile names: a second instance, and a call through a trap, stay inert",
  (e) => {
    // translate and run twice (a cache of translations must not mix modules up)
    check(e);
    check(e);
    // a trap inside a function named by the name section
    const n = EVIL.length;
    const { bytes } = hostileModule();
    const imports = hostileImports();
    imports[EVIL[0]][EVIL[1]] = () => {
      throw new Error(`host says ${EVIL[DQ]}`);
    };
    const inst = new e.wa.Instance(new e.wa.Module(bytes), imports);
    assert.throws(
      () => inst.exports[EVIL[0]](1),
      (err: Error) => err.message === `host says ${EVIL[DQ]}`,
    );
    assert.equal(inst.exports[EVIL[2]](1), 100 + importIndex(2) + 2);
    assert.equal(n, EVIL.length);
    assertNotPwned("after a host exception");
  },
);

testBoth(
  "a malformed name section is ignored, as the spec requires",
  (e) => {
    const { bytes } = hostileModule();
    // a name section whose function-name subsection claims more bytes than it has
    const broken = [
      ...custom("name", [0x01, ...u32(200), 0x05, 0x00, ...name(EVIL[DQ])]),
      // and one whose names are not UTF-8
      ...custom("name", [0x01, 0x05, 0x01, 0x00, 0x02, 0xff, 0xfe]),
    ];
    const withBroken = new Uint8Array([...bytes, ...broken]);
    assert.ok(e.wa.validate(withBroken));
    const inst = new e.wa.Instance(
      new e.wa.Module(withBroken),
      hostileImports(),
    );
    assert.equal(inst.exports[EVIL[5]](2), 200 + importIndex(5) + 5);
    assertNotPwned("broken name section");
  },
);

/** A WAT string literal of `s` with every UTF-8 byte hex-escaped. */
function watString(s: string): string {
  return `"${
    [...utf8.encode(s)].map((b) => `\\${b.toString(16).padStart(2, "0")}`)
      .join("")
  }"`;
}

testBoth(
  "hostile names on imported memories, globals and tables, and in a start function's module (WAT)",
  async (e) => {
    const q = watString;
    const src = `(module
      (import ${q(EVIL[SCRIPT])} ${q(EVIL[BACKTICK])} (memory 1))
      (import ${q(EVIL[DQ])} ${q("${")} (global $g i32))
      (import ${q("*/")} ${q("//")} (table 2 funcref))
      (import ${q(EVIL[SQ])} ${q(EVIL[LS])} (func $log (param i32)))
      (global $seen (mut i32) (i32.const 0))
      (data (i32.const 8) ${q(EVIL.join(""))})
      (func $start (global.set $seen (i32.add (global.get $g) (i32.load8_u (i32.const 8))))
        (call $log (global.get $seen)))
      (start $start)
      (func (export ${q(EVIL[NEWLINE])}) (result i32)
        (i32.add (global.get $seen) (table.size 0))))`;
    const bytes = await wat(src);
    const mem = new e.wa.Memory({ initial: 1 });
    const logged: number[] = [];
    const imports: Record<string, Record<string, unknown>> = {
      [EVIL[SCRIPT]]: { [EVIL[BACKTICK]]: mem },
      [EVIL[DQ]]: { "${": new e.wa.Global({ value: "i32" }, 1000) },
      "*/": {
        "//": new e.wa.Table({ initial: 2, element: "anyfunc" }),
      },
      [EVIL[SQ]]: { [EVIL[LS]]: (x: number) => logged.push(x) },
    };
    const inst = new e.wa.Instance(new e.wa.Module(bytes), imports);
    const first = utf8.encode(EVIL.join(""))[0];
    assert.deepEqual(logged, [1000 + first]);
    assert.equal(inst.exports[EVIL[NEWLINE]](), 1000 + first + 2);
    assert.equal(new Uint8Array(mem.buffer)[8], first);
    assertNotPwned("imported memory, global and table");
  },
);
