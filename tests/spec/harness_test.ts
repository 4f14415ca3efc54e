import assert from "node:assert/strict";
import { wat } from "../helpers/wat.ts";
import { nativeEngine, portaEngine } from "./engines.ts";
import { runSpecFile } from "./harness.ts";
import { HostRefs, matchValue, parseArg } from "./values.ts";
import { isSimdFile } from "./runner.ts";

const refs = new HostRefs();

Deno.test("values: NaN patterns and exact bits", () => {
  const f32 = (bits: number) => ({ type: "f32", bits: BigInt(bits) });
  const canon = { type: "f32", value: "nan:canonical" };
  const arith = { type: "f32", value: "nan:arithmetic" };
  assert.equal(matchValue(canon, f32(0x7fc00000), refs), null);
  assert.equal(matchValue(canon, f32(0xffc00000), refs), null);
  assert.notEqual(matchValue(canon, f32(0x7fc00001), refs), null);
  assert.equal(matchValue(arith, f32(0x7fc00001), refs), null);
  assert.notEqual(matchValue(arith, f32(0x7f800001), refs), null);
  assert.notEqual(matchValue(arith, f32(0x7f800000), refs), null);
  assert.equal(
    matchValue(
      { type: "f32", value: String(0x7fa00000) },
      f32(0x7fa00000),
      refs,
    ),
    null,
  );
  assert.notEqual(
    matchValue(
      { type: "f32", value: String(0x7fa00000) },
      f32(0x7fe00000),
      refs,
    ),
    null,
  );
  const f64c = { type: "f64", value: "nan:canonical" };
  assert.equal(
    matchValue(f64c, { type: "f64", bits: 0xfff8000000000000n }, refs),
    null,
  );
  assert.notEqual(
    matchValue(f64c, { type: "f64", bits: 0x7ff4000000000000n }, refs),
    null,
  );
  // type must match, not only bits
  assert.notEqual(
    matchValue({ type: "i32", value: "1" }, { type: "f32", bits: 1n }, refs),
    null,
  );
});

Deno.test("values: i32/i64 arguments wrap to unsigned bits", () => {
  assert.deepEqual(parseArg({ type: "i32", value: "4294967295" }, refs), {
    type: "i32",
    bits: 0xffffffffn,
  });
  assert.deepEqual(
    parseArg({ type: "i64", value: "18446744073709551615" }, refs),
    {
      type: "i64",
      bits: 0xffffffffffffffffn,
    },
  );
});

Deno.test("values: v128 lanes with per-lane NaN patterns", () => {
  const arg = parseArg({
    type: "v128",
    lane_type: "i16",
    value: ["1", "2", "3", "4", "5", "6", "7", "65535"],
  }, refs);
  assert.equal(arg.bits, 0xffff_0007_0006_0005_0004_0003_0002_0001n);
  const exp = {
    type: "v128",
    lane_type: "f32",
    value: ["nan:canonical", "0", "1065353216", "nan:arithmetic"],
  };
  const good = {
    type: "v128",
    bits: (0x7fc00001n << 96n) | (0x3f800000n << 64n) | 0x7fc00000n,
  };
  assert.equal(matchValue(exp, good, refs), null);
  assert.notEqual(
    matchValue(exp, { type: "v128", bits: good.bits | (1n << 32n) }, refs),
    null,
  );
});

Deno.test("values: externref identity and null", () => {
  const a = parseArg({ type: "externref", value: "7" }, refs);
  assert.equal(matchValue({ type: "externref", value: "7" }, a, refs), null);
  assert.notEqual(matchValue({ type: "externref", value: "8" }, a, refs), null);
  assert.notEqual(
    matchValue({ type: "externref", value: "null" }, a, refs),
    null,
  );
  assert.equal(
    matchValue({ type: "funcref", value: "null" }, {
      type: "funcref",
      ref: null,
    }, refs),
    null,
  );
  assert.equal(
    matchValue({ type: "funcref" }, { type: "funcref", ref: () => 0 }, refs),
    null,
  );
});

Deno.test("runner: SIMD files are recognised", () => {
  assert.ok(isSimdFile("/x/simd_i8x16_arith/simd_i8x16_arith.json"));
  assert.ok(!isSimdFile("/x/i32/i32.json"));
});

/** Writes a small wast2json-style script and returns its path. */
async function writeScript(dir: string): Promise<string> {
  const files: Record<string, string> = {
    "t.0.wasm": `(module $M
      (import "spectest" "global_i32" (global $g i32))
      (import "spectest" "print_i32" (func $print (param i32)))
      (global (export "g") i32 (global.get $g))
      (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
      (func (export "two") (result i64 f64) i64.const -1 f64.const 2.5)
      (func (export "div") (param i32) (result i32) i32.const 1 local.get 0 i32.div_u)
      (func $r (export "rec") call $r)
      (func (export "ext") (param externref) (result externref) local.get 0)
      (func (export "p") i32.const 1 call $print))`,
    "t.1.wasm": `(module (func (export "f") (result i32) i32.const 5))`,
    "t.2.wasm": `(module (import "M" "add" (func (param i32 i32) (result i32)))
      (func (export "call") (result i32) i32.const 2 i32.const 3 call 0))`,
    "t.4.wasm": `(module (import "nowhere" "f" (func)))`,
    "t.5.wasm": `(module (func unreachable) (start 0))`,
  };
  for (const [name, src] of Object.entries(files)) {
    await Deno.writeFile(`${dir}/${name}`, await wat(src));
  }
  await Deno.writeFile(
    `${dir}/t.3.wasm`,
    new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]),
  );
  const i32 = (v: number) => ({ type: "i32", value: String(v >>> 0) });
  const commands = [
    { type: "module", line: 1, name: "$M", filename: "t.0.wasm" },
    { type: "register", line: 2, name: "$M", as: "M" },
    {
      type: "assert_return",
      line: 3,
      action: { type: "invoke", field: "add", args: [i32(-1), i32(2)] },
      expected: [i32(1)],
    },
    {
      type: "assert_return",
      line: 4,
      action: { type: "invoke", field: "two", args: [] },
      expected: [{ type: "i64", value: "18446744073709551615" }, {
        type: "f64",
        value: "4612811918334230528",
      }],
    },
    {
      type: "assert_return",
      line: 5,
      action: { type: "get", field: "g" },
      expected: [i32(666)],
    },
    {
      type: "assert_trap",
      line: 6,
      action: { type: "invoke", field: "div", args: [i32(0)] },
      text: "integer divide by zero",
    },
    {
      type: "assert_exhaustion",
      line: 7,
      action: { type: "invoke", field: "rec", args: [] },
      text: "call stack exhausted",
    },
    {
      type: "assert_return",
      line: 8,
      action: {
        type: "invoke",
        field: "ext",
        args: [{ type: "externref", value: "3" }],
      },
      expected: [{ type: "externref", value: "3" }],
    },
    {
      type: "action",
      line: 9,
      action: { type: "invoke", field: "p", args: [] },
    },
    { type: "module", line: 10, filename: "t.1.wasm" },
    // deliberately wrong expectation: must be reported as a failure
    {
      type: "assert_return",
      line: 11,
      action: { type: "invoke", field: "f", args: [] },
      expected: [i32(6)],
    },
    {
      type: "assert_return",
      line: 12,
      action: {
        type: "invoke",
        module: "$M",
        field: "add",
        args: [i32(1), i32(1)],
      },
      expected: [i32(2)],
    },
    { type: "module", line: 13, filename: "t.2.wasm" },
    {
      type: "assert_return",
      line: 14,
      action: { type: "invoke", field: "call", args: [] },
      expected: [i32(5)],
    },
    {
      type: "assert_malformed",
      line: 15,
      filename: "t.3.wasm",
      text: "unknown binary version",
      module_type: "binary",
    },
    {
      type: "assert_malformed",
      line: 16,
      filename: "t.99.wat",
      text: "unexpected token",
      module_type: "text",
    },
    {
      type: "assert_unlinkable",
      line: 17,
      filename: "t.4.wasm",
      text: "unknown import",
      module_type: "binary",
    },
    {
      type: "assert_uninstantiable",
      line: 18,
      filename: "t.5.wasm",
      text: "unreachable",
      module_type: "binary",
    },
    // wrong: this module is valid, so assert_invalid must fail
    {
      type: "assert_invalid",
      line: 19,
      filename: "t.1.wasm",
      text: "type mismatch",
      module_type: "binary",
    },
    // crash inside one assertion (missing export) must not stop the file
    {
      type: "assert_return",
      line: 20,
      action: { type: "invoke", field: "missing", args: [] },
      expected: [],
    },
    {
      type: "assert_trap",
      line: 21,
      action: { type: "invoke", module: "$M", field: "div", args: [i32(0)] },
      text: "integer divide by zero",
    },
  ];
  const path = `${dir}/t.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({ source_filename: "t.wast", commands }),
  );
  return path;
}

// [porta] runs every instance on the interpreter, [porta-js] on the JS tier.
const ENGINES = [
  ["native", undefined],
  ["porta", "interp"],
  ["porta-js", "js"],
] as const;

for (const [name, tier] of ENGINES) {
  Deno.test(`harness: runs a script and reports exactly the wrong assertions [${name}]`, async () => {
    const engine = tier === undefined
      ? nativeEngine()
      : await portaEngine({ tier });
    const dir = await Deno.makeTempDir();
    try {
      const path = await writeScript(dir);
      const r = runSpecFile(path, engine);
      assert.equal(r.notApplicable, 1);
      assert.deepEqual(
        r.failures.map((f) => f.split(":")[0]),
        ["line 11", "line 19", "line 20"],
        r.failures.join("\n"),
      );
      assert.match(r.failures[0], /expected i32:6, got i32:5/);
      assert.equal(r.failed, 3);
      assert.equal(r.passed, 16); // 21 commands - register - text - 3 failures
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("portaEngine passes its tier to every instance it creates", async () => {
  const bytes = await wat(
    `(module (func (export "f") (result i32) (i32.const 7)))`,
  );
  for (const tier of ["interp", "js", "auto"]) {
    const engine = await portaEngine({ tier });
    assert.equal(engine.name, `porta (tier ${tier})`);
    const inst = engine.instantiate(engine.compile(bytes), {});
    assert.deepEqual(engine.invoke(inst, "f", []), [{ type: "i32", bits: 7n }]);
  }
  // an unknown tier reaches the Instance constructor, which rejects it
  const bad = await portaEngine({ tier: "turbo" });
  assert.throws(
    () => bad.instantiate(bad.compile(bytes), {}),
    RangeError,
  );
});

Deno.test("runner CLI: per-file lines, SIMD files run and counted, summary line last, exit code", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/good`);
    await Deno.mkdir(`${dir}/bad`);
    await Deno.mkdir(`${dir}/simd_x`);
    await Deno.writeFile(
      `${dir}/good/m.wasm`,
      await wat(`(module (func (export "f") (result i32) (i32.const 7)))`),
    );
    await Deno.copyFile(`${dir}/good/m.wasm`, `${dir}/bad/m.wasm`);
    const script = (want: string) =>
      JSON.stringify({
        commands: [
          { type: "module", line: 1, filename: "m.wasm" },
          {
            type: "assert_return",
            line: 2,
            action: { type: "invoke", field: "f", args: [] },
            expected: [{ type: "i32", value: want }],
          },
        ],
      });
    await Deno.writeTextFile(`${dir}/good/good.json`, script("7"));
    await Deno.writeTextFile(`${dir}/bad/bad.json`, script("8"));
    // a SIMD script runs like any other (native: v128 crosses through a thunk module)
    await Deno.writeFile(
      `${dir}/simd_x/m.wasm`,
      await wat(
        `(module (func (export "f") (param v128) (result v128)
           (i32x4.add (local.get 0) (v128.const i32x4 1 2 3 -1))))`,
      ),
    );
    await Deno.writeTextFile(
      `${dir}/simd_x/simd_x.json`,
      JSON.stringify({
        commands: [
          { type: "module", line: 1, filename: "m.wasm" },
          {
            type: "assert_return",
            line: 2,
            action: {
              type: "invoke",
              field: "f",
              args: [{
                type: "v128",
                lane_type: "i32",
                value: ["1", "2", "3", "4"],
              }],
            },
            expected: [{
              type: "v128",
              lane_type: "i32",
              value: ["2", "4", "6", "3"],
            }],
          },
        ],
      }),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("./runner.ts", import.meta.url).pathname,
        dir,
        "--engine=native",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    const lines = text.trim().split("\n");
    assert.equal(out.code, 1, text);
    assert.ok(lines.includes("ok   good/good.json  2 passed"), text);
    assert.ok(lines.includes("FAIL bad/bad.json  1 passed, 1 failed"), text);
    assert.ok(
      lines.some((l) =>
        /line 2: assert_return f\(\): expected i32:8, got i32:7/.test(l)
      ),
      text,
    );
    assert.ok(lines.includes("ok   simd_x/simd_x.json  2 passed"), text);
    assert.ok(
      lines.includes("SIMD files (simd_*): 1 run, 0 with failures"),
      text,
    );
    assert.equal(lines.at(-1), "5 passed, 1 failed");

    await Deno.remove(`${dir}/bad`, { recursive: true });
    const ok = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("./runner.ts", import.meta.url).pathname,
        dir,
        "--engine=native",
      ],
      stdout: "piped",
    }).output();
    assert.equal(ok.code, 0);
    assert.equal(
      new TextDecoder().decode(ok.stdout).trim().split("\n").at(-1),
      "4 passed, 0 failed",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runner CLI: --tier runs every instance on that tier, and rejects unknown tiers", async () => {
  const dir = await Deno.makeTempDir();
  const runner = new URL("./runner.ts", import.meta.url).pathname;
  const run = async (...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", runner, dir, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return {
      code: out.code,
      lines: dec.decode(out.stdout).trim().split("\n"),
      err: dec.decode(out.stderr),
    };
  };
  try {
    await Deno.mkdir(`${dir}/m`);
    await Deno.writeFile(
      `${dir}/m/m.wasm`,
      await wat(`(module (func (export "f") (param i32) (result i32)
        (i32.div_s (i32.const 7) (local.get 0))))`),
    );
    const invoke = (x: string) => ({
      type: "invoke",
      field: "f",
      args: [{ type: "i32", value: x }],
    });
    await Deno.writeTextFile(
      `${dir}/m/m.json`,
      JSON.stringify({
        commands: [
          { type: "module", line: 1, filename: "m.wasm" },
          {
            type: "assert_return",
            line: 2,
            action: invoke("2"),
            expected: [{ type: "i32", value: "3" }],
          },
          {
            type: "assert_trap",
            line: 3,
            action: invoke("0"),
            text: "integer divide by zero",
          },
        ],
      }),
    );
    for (const tier of ["interp", "js", "auto"]) {
      const r = await run(`--tier=${tier}`);
      assert.equal(r.code, 0, r.lines.join("\n") + r.err);
      assert.ok(
        r.lines.includes(
          `engine porta (tier ${tier}): 1 files run, 0 with failures`,
        ),
        r.lines.join("\n"),
      );
      assert.equal(r.lines.at(-1), "3 passed, 0 failed");
    }
    const plain = await run();
    assert.ok(
      plain.lines.includes("engine porta: 1 files run, 0 with failures"),
    );
    const bad = await run("--tier=turbo");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /unknown tier "turbo"/);
    const native = await run("--engine=native", "--tier=js");
    assert.equal(native.code, 2);
    assert.match(native.err, /--tier applies to --engine=porta only/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
