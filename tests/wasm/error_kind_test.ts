// RuntimeError.kind: every way a Porta instance stops says what stopped it
// ("trap", "fuel", "memory", "call-depth", "interrupted"), on both tiers, the
// messages unchanged; and the engine's instantiate(source, imports, options).
import assert from "node:assert/strict";
import * as engine from "../../src/wasm/mod.ts";
import { bytesOf, PORTA_TIERS, testPorta } from "./_harness.ts";

/** Runs `fn`, which must throw the engine's RuntimeError; returns [kind, message]. */
function caught(wa: any, fn: () => unknown): [string, string] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof wa.RuntimeError, `expected RuntimeError, got ${e}`);
    return [(e as { kind: string }).kind, (e as Error).message];
  }
  assert.fail("expected a RuntimeError");
}

async function inst(
  wa: any,
  src: string,
  options?: object,
  imports: object = {},
): Promise<any> {
  return new wa.Instance(new wa.Module(await bytesOf(src)), imports, options);
}

const TRAPS = `(module
  (type $v (func))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $nop)
  (func $nop)
  (func (export "unreachable") unreachable)
  (func (export "div0") (result i32) (i32.div_s (i32.const 1) (i32.const 0)))
  (func (export "ovf") (result i32)
    (i32.div_s (i32.const -2147483648) (i32.const -1)))
  (func (export "div0_64") (result i64) (i64.div_u (i64.const 1) (i64.const 0)))
  (func (export "rem0_64") (result i64) (i64.rem_s (i64.const 1) (i64.const 0)))
  (func (export "trunc") (result i32) (i32.trunc_f64_s (f64.const nan)))
  (func (export "trunc_ovf") (result i64) (i64.trunc_f64_u (f64.const -1)))
  (func (export "load") (result i32) (i32.load (i32.const 65535)))
  (func (export "store") (i64.store (i32.const 65530) (i64.const 0)))
  (func (export "fill")
    (memory.fill (i32.const 1) (i32.const 0) (i32.const 65536)))
  (func (export "undef") (call_indirect (type $v) (i32.const 7)))
  (func (export "uninit") (call_indirect (type $v) (i32.const 1)))
  (func (export "sig") (result i32) (call_indirect (result i32) (i32.const 0)))
  (func (export "table") (drop (table.get (i32.const 9)))))`;

const SPEC_TRAPS: [string, string][] = [
  ["unreachable", "unreachable"],
  ["div0", "integer divide by zero"],
  ["ovf", "integer overflow"],
  ["div0_64", "integer divide by zero"],
  ["rem0_64", "integer divide by zero"],
  ["trunc", "invalid conversion to integer"],
  ["trunc_ovf", "integer overflow"],
  ["load", "out of bounds memory access"],
  ["store", "out of bounds memory access"],
  ["fill", "out of bounds memory access"],
  ["undef", "undefined element"],
  ["uninit", "uninitialized element"],
  ["sig", "indirect call type mismatch"],
  ["table", "out of bounds table access"],
];

testPorta('kind "trap": the traps of the specification', async (wa) => {
  const i = await inst(wa, TRAPS);
  for (const [name, text] of SPEC_TRAPS) {
    const [kind, msg] = caught(wa, () => i.exports[name]());
    assert.deepEqual([kind, msg], ["trap", text], name);
  }
  // segments that do not fit, and a start function that traps
  for (
    const [src, text] of [
      [
        `(module (memory 1) (data (i32.const 65535) "ab"))`,
        "out of bounds memory access",
      ],
      [
        `(module (table 1 funcref) (elem (i32.const 1) $f) (func $f))`,
        "out of bounds table access",
      ],
      [`(module (func $s unreachable) (start $s))`, "unreachable"],
    ]
  ) {
    const m = new wa.Module(await bytesOf(src));
    assert.deepEqual(
      caught(wa, () => new wa.Instance(m, {})),
      ["trap", text],
    );
  }
});

testPorta(
  "RuntimeError: kind defaults to trap, the class is unchanged",
  (wa) => {
    const e = new wa.RuntimeError("boom");
    assert.deepEqual([e.kind, e.message, e.name], [
      "trap",
      "boom",
      "RuntimeError",
    ]);
    assert.ok(e instanceof Error);
    assert.equal(new wa.RuntimeError("x", "fuel").kind, "fuel");
  },
);

const LOOP = `(module
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "spin") (loop $l (br $l)))
  (func (export "calls") (loop $l (drop (call $id (i32.const 1))) (br $l)))
  (func $s (loop $l (br $l)))
  (func (export "one") (result i32) (i32.const 1)))`;

testPorta(
  'kind "fuel": fuel runs out in a loop, at a call, at entry',
  async (wa) => {
    for (
      const [name, fuel] of [["spin", 1000], ["calls", 1000], ["spin", 300_000]]
    ) {
      const i = await inst(wa, LOOP, { fuel });
      assert.deepEqual(caught(wa, () => i.exports[name]()), [
        "fuel",
        `fuel exhausted: step limit of ${fuel} instructions reached`,
      ]);
      // the budget is spent: the next call traps at its first instruction
      assert.equal(caught(wa, () => i.exports.one())[0], "fuel");
    }
    // in the start function
    const start = LOOP.replace(/\)$/, " (start $s))");
    const m = new wa.Module(await bytesOf(start));
    assert.equal(
      caught(wa, () => new wa.Instance(m, {}, { fuel: 50 }))[0],
      "fuel",
    );
  },
);

const REC = `(module
  (import "env" "up" (func $up (param i32) (result i32)))
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1)
        (call $rec (i32.sub (local.get 0) (i32.const 1)))))))
  (func $wide (export "wide") (param i32) (result i32)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (call $wide (local.get 0)))
  (func (export "down") (param i32) (result i32)
    (i32.add (i32.const 1) (call $up (local.get 0)))))`;

async function recursive(wa: any, options?: object): Promise<any> {
  const box: { i?: any } = {};
  box.i = await inst(wa, REC, options, {
    env: { up: (n: number) => box.i.exports.down(n + 1) },
  });
  return box.i;
}

testPorta(
  'kind "call-depth": maxCallDepth, the default depth, the value stack, host re-entry',
  async (wa) => {
    const limited = await recursive(wa, { maxCallDepth: 200 });
    assert.equal(limited.exports.rec(150), 150);
    assert.deepEqual(caught(wa, () => limited.exports.rec(500)), [
      "call-depth",
      "call stack exhausted",
    ]);
    const i = await recursive(wa);
    assert.deepEqual(caught(wa, () => i.exports.rec(10_000_000)), [
      "call-depth",
      "call stack exhausted",
    ]);
    // frames of 33 slots and no frame limit to speak of: the value stack ends first
    const wide = await recursive(wa, { maxCallDepth: 1_000_000 });
    assert.deepEqual(caught(wa, () => wide.exports.wide(0)), [
      "call-depth",
      "call stack exhausted",
    ]);
    // guest -> host -> guest ... : nested host calls or the host's own stack
    const [kind, msg] = caught(wa, () => i.exports.down(0));
    assert.equal(kind, "call-depth");
    assert.match(msg, /^call stack exhausted: /);
    assert.equal(i.exports.rec(10), 10, "instance usable after exhaustion");
  },
);

testPorta(
  'kind "call-depth": the host\'s JS stack overflowing under a call',
  async (wa) => {
    const i = await recursive(wa);
    // call rec(40) at every depth of a JS recursion that ran out of stack: near
    // the bottom, the JS stack overflows inside the engine's call
    const kinds = new Set<string>();
    let converted = 0;
    const dive = (): void => {
      try {
        dive();
      } catch {
        // the bottom
      }
      try {
        i.exports.rec(40);
      } catch (e) {
        if (e instanceof wa.RuntimeError) {
          const { kind, message } = e as { kind: string; message: string };
          kinds.add(`${kind}: ${message}`);
          converted++;
        } else if (!(e instanceof RangeError)) throw e;
      }
    };
    dive();
    assert.ok(converted > 0, "no overflow was converted");
    for (const k of kinds) {
      assert.match(k, /^call-depth: call stack exhausted/);
    }
    assert.equal(i.exports.rec(10), 10);
  },
);

testPorta(
  'kind "memory": the memory budget refuses the instance',
  async (wa) => {
    const five = new wa.Module(await bytesOf(`(module (memory 5))`));
    assert.deepEqual(
      caught(wa, () => new wa.Instance(five, {}, { maxMemoryPages: 4 })),
      [
        "memory",
        "memory limit exceeded: initial size of 5 pages (1 memories of 5 pages, 0 tables of 0 elements) is above maxMemoryPages 4",
      ],
    );
    assert.equal(
      caught(wa, () => new wa.Instance(five, {}, { maxMemoryBytes: 65536 }))[0],
      "memory",
    );
    // no budget: the tables of an instance are still bounded (JS heap)
    const tables = new wa.Module(
      await bytesOf(`(module (table 6000000 funcref) (table 6000000 funcref))`),
    );
    const [kind, msg] = caught(wa, () => new wa.Instance(tables, {}));
    assert.equal(kind, "memory");
    assert.match(msg, /allowed without a memory budget/);
    // memory.grow past the budget is -1, not an error
    const grow = await inst(
      wa,
      `(module (memory 1) (func (export "g") (result i32) (memory.grow (i32.const 1))))`,
      { maxMemoryPages: 1 },
    );
    assert.equal(grow.exports.g(), -1);
  },
);

testPorta('kind "interrupted": at entry, in a loop, at calls', async (wa) => {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const src = `(module (import "env" "tick" (func $tick))
    (func $id (param i32) (result i32) (local.get 0))
    (func (export "spin") (call $tick) (loop $l (br $l)))
    (func (export "calls") (call $tick)
      (loop $l (drop (call $id (i32.const 1))) (br $l)))
    (func (export "one") (result i32) (i32.const 1)))`;
  const i = await inst(wa, src, { interrupt: flag }, {
    env: { tick: () => Atomics.store(flag, 0, 1) },
  });
  for (const name of ["spin", "calls", "one"]) {
    assert.deepEqual(caught(wa, () => i.exports[name]()), [
      "interrupted",
      "interrupted",
    ], name);
  }
  Atomics.store(flag, 0, 0);
  assert.equal(i.exports.one(), 1);
  // fuel and an interrupt: the flag wins over fuel that is left
  const f = await inst(wa, src, { interrupt: flag, fuel: 10_000_000 }, {
    env: { tick: () => Atomics.store(flag, 0, 1) },
  });
  assert.equal(caught(wa, () => f.exports.calls())[0], "interrupted");
});

testPorta(
  'kind "interrupted": loops of slow operations (bulk memory and tables, BigInt division) poll the flag',
  async (wa) => {
    // far fewer instructions than a slice, but each one slow: without their own polls these loops
    // would run to the end (seconds) with the flag set; `done` counts the finished iterations
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const src =
      `(module (import "env" "raise" (func $raise)) (memory 128) (table 100000 funcref)
      (global $done (export "done") (mut i32) (i32.const 0))
      (func (export "fill") (param i32)
        (call $raise)
        (loop $l
          (memory.fill (i32.const 0) (local.get 0) (i32.const 4194304))
          (global.set $done (i32.add (global.get $done) (i32.const 1)))
          (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
      (func (export "copy") (param i32)
        (call $raise)
        (loop $l
          (memory.copy (i32.const 0) (i32.const 4194304) (i32.const 4194304))
          (global.set $done (i32.add (global.get $done) (i32.const 1)))
          (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
      (func (export "table") (param i32)
        (call $raise)
        (loop $l
          (table.fill (i32.const 0) (ref.null func) (i32.const 100000))
          (global.set $done (i32.add (global.get $done) (i32.const 1)))
          (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
      (func (export "div") (param i32) (local i64)
        (call $raise)
        (local.set 1 (i64.const 0x7fffffffffff1234))
        (loop $l
          (local.set 1 (i64.add (local.get 1) (i64.div_s (i64.const 0x7123456789abcdef)
            (i64.or (local.get 1) (i64.const 0x100000000000)))))
          (global.set $done (i32.add (global.get $done) (i32.const 1)))
          (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))`;
    const i = await inst(wa, src, { interrupt: flag, fuel: 1e15 }, {
      env: { raise: () => Atomics.store(flag, 0, 1) },
    });
    // polls come after 16 MB of bulk memory work, 8,192 table elements, 2,048 BigInt divisions
    for (
      const [name, n, most] of [["fill", 300, 5], ["copy", 300, 5], [
        "table",
        300,
        7,
      ], ["div", 50000, 2100]] as const
    ) {
      i.exports.done.value = 0;
      Atomics.store(flag, 0, 0);
      assert.equal(
        caught(wa, () => i.exports[name](n))[0],
        "interrupted",
        name,
      );
      const done = i.exports.done.value;
      assert.ok(done <= most, `${name}: ${done} iterations after the flag`);
    }
  },
);

for (const { tier, tag } of PORTA_TIERS) {
  Deno.test(`instantiate(source, imports, options) passes the options to the Instance [${tag}]`, async () => {
    const bytes = await bytesOf(
      `(module (memory 2) (func (export "spin") (loop $l (br $l))))`,
    );
    const { module, instance } = await engine.instantiate(bytes, {}, {
      fuel: 100,
      tier,
    });
    assert.ok(module instanceof engine.Module);
    const spin = (i: engine.Instance) => (i.exports.spin as () => void)();
    assert.deepEqual(caught(engine, () => spin(instance)), [
      "fuel",
      "fuel exhausted: step limit of 100 instructions reached",
    ]);
    assert.equal(engine.stepsUsed(instance), 100);
    const again = await engine.instantiate(module, {}, { fuel: 7, tier });
    assert.ok(again instanceof engine.Instance);
    assert.equal(caught(engine, () => spin(again))[0], "fuel");
    assert.equal(engine.stepsUsed(again), 7);
    // refusals reject, with their kind
    for (const source of [bytes, module]) {
      await assert.rejects(
        engine.instantiate(source as Uint8Array, {}, {
          maxMemoryPages: 1,
          tier,
        }),
        (e: unknown) => e instanceof engine.RuntimeError && e.kind === "memory",
      );
      await assert.rejects(
        engine.instantiate(source as Uint8Array, {}, {
          tier: "fast" as engine.Tier,
        }),
        RangeError,
      );
    }
    // without options: no limits, as before
    const plain = await engine.instantiate(module, {});
    assert.equal(engine.stepsUsed(plain), 0);
  });
}

Deno.test("RuntimeErrorKind is exported as a type", () => {
  const kinds: engine.RuntimeErrorKind[] = [
    "trap",
    "fuel",
    "memory",
    "call-depth",
    "interrupted",
  ];
  for (const k of kinds) assert.equal(new engine.RuntimeError("m", k).kind, k);
});
