// Porta resource limits: fuel (exact via stepsUsed), maxMemoryPages,
// maxCallDepth, and exhaustion across host re-entry. Porta-only behaviour.
import assert from "node:assert/strict";
import { bytesOf, testPorta } from "./_harness.ts";

const LOOP = `(module
  (memory 1)
  (func (export "loop") (param i32) (result i32) (local i32)
    (block $d (loop $l
      (br_if $d (i32.eqz (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (i32.const 3)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br $l)))
    (local.get 1))
  (func (export "straight") (result i32) (i32.add (i32.const 1) (i32.const 2)))
  (func (export "spin") (loop $l (br $l)))
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;

async function inst(wa: any, options?: object, src = LOOP): Promise<any> {
  return new wa.Instance(new wa.Module(await bytesOf(src)), {}, options);
}

function trapMessage(fn: () => unknown, wa: any): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof wa.RuntimeError, `expected RuntimeError, got ${e}`);
    return (e as Error).message;
  }
  assert.fail("expected a RuntimeError");
}

// Porta's documented cost model (src/wasm/exec.ts): every instruction costs 1,
// except the structural markers block, loop, else and end, which cost 0.

testPorta(
  "stepsUsed starts at 0 and counts each instruction once",
  async (wa) => {
    const i = await inst(wa);
    assert.equal(wa.stepsUsed(i), 0);
    i.exports.straight(); // i32.const, i32.const, i32.add (end is free)
    assert.equal(wa.stepsUsed(i), 3);
    i.exports.straight();
    assert.equal(wa.stepsUsed(i), 6);
  },
);

testPorta(
  "stepsUsed: one loop iteration is exactly 12 instructions",
  async (wa) => {
    // per iteration: local.get, i32.eqz, br_if, local.get, i32.const, i32.add,
    // local.set, local.get, i32.const, i32.sub, local.set, br
    const steps = async (n: number): Promise<number> => {
      const i = await inst(wa);
      assert.equal(i.exports.loop(n), 3 * n);
      return wa.stepsUsed(i);
    };
    const s0 = await steps(0),
      s1 = await steps(1),
      s2 = await steps(2),
      s100 = await steps(100);
    // n = 0: local.get, i32.eqz, br_if (taken), local.get 1
    assert.equal(s0, 4);
    assert.equal(s1 - s0, 12);
    assert.equal(s2 - s1, 12);
    assert.equal(s100, s0 + 100 * 12);
  },
);

testPorta(
  "stepsUsed counts fusable sequences and calls instruction by instruction",
  async (wa) => {
    const group = "(local.set 0 (i32.add (local.get 0) (i32.const 1)))";
    const src = (n: number) =>
      `(module (func $id (param i32) (result i32) (local.get 0))
      (func (export "f") (param i32) (result i32)
        ${group.repeat(n)}
        (if (i32.lt_s (local.get 0) (i32.const 100)) (then (local.set 0 (call $id (local.get 0)))))
        (local.get 0)))`;
    const run = async (n: number): Promise<number> => {
      const i = await inst(wa, undefined, src(n));
      assert.equal(i.exports.f(0), n);
      return wa.stepsUsed(i);
    };
    const base = await run(0);
    // local.get, i32.const, i32.lt_s, if, local.get, call, [local.get], local.set, local.get
    assert.equal(base, 9);
    assert.equal(await run(10), base + 40);
  },
);

testPorta(
  "fuel is exact: exactly enough fuel completes, one less traps",
  async (wa) => {
    const probe = await inst(wa);
    probe.exports.loop(37);
    const need = wa.stepsUsed(probe);
    const ok = await inst(wa, { fuel: need });
    assert.equal(ok.exports.loop(37), 111);
    assert.equal(wa.stepsUsed(ok), need);
    const short = await inst(wa, { fuel: need - 1 });
    const msg = trapMessage(() => short.exports.loop(37), wa);
    assert.match(msg, /fuel/);
    assert.match(msg, new RegExp(String(need - 1)));
  },
);

testPorta("fuel is a lifetime budget across calls", async (wa) => {
  const probe = await inst(wa);
  probe.exports.loop(5);
  const one = wa.stepsUsed(probe);
  const i = await inst(wa, { fuel: 2 * one });
  i.exports.loop(5);
  i.exports.loop(5);
  trapMessage(() => i.exports.loop(5), wa);
});

testPorta("an infinite loop stops with fuel exhausted", async (wa) => {
  const i = await inst(wa, { fuel: 100_000 });
  const msg = trapMessage(() => i.exports.spin(), wa);
  assert.match(msg, /fuel exhausted/);
  assert.match(msg, /100000/);
});

testPorta("maxMemoryPages: grow returns -1 past the limit", async (wa) => {
  const i = await inst(wa, { maxMemoryPages: 3 });
  assert.equal(i.exports.grow(2), 1);
  assert.equal(i.exports.grow(1), -1);
  assert.equal(i.exports.grow(0), 3);
});

testPorta(
  "maxMemoryPages: initial size past the limit fails instantiation",
  async (wa) => {
    const bytes = await bytesOf(`(module (memory 5))`);
    const msg = trapMessage(
      () => new wa.Instance(new wa.Module(bytes), {}, { maxMemoryPages: 4 }),
      wa,
    );
    assert.match(msg, /4/);
  },
);

testPorta("maxCallDepth: recursion deeper than the limit traps", async (wa) => {
  const i = await inst(wa, { maxCallDepth: 200 });
  assert.equal(i.exports.rec(150), 150);
  const msg = trapMessage(() => i.exports.rec(500), wa);
  assert.match(msg, /call stack exhausted/);
  assert.equal(i.exports.rec(10), 10, "instance usable after exhaustion");
});

testPorta(
  "default call depth: deep recursion is a RuntimeError, never a RangeError",
  async (wa) => {
    const i = await inst(wa);
    const msg = trapMessage(() => i.exports.rec(10_000_000), wa);
    assert.match(msg, /call stack exhausted/);
  },
);

testPorta("exhaustion across host re-entry is a RuntimeError", async (wa) => {
  const src = `(module (import "env" "up" (func $up (param i32) (result i32)))
    (func (export "down") (param i32) (result i32)
      (i32.add (i32.const 1) (call $up (local.get 0)))))`;
  const box: { i?: any } = {};
  box.i = new wa.Instance(new wa.Module(await bytesOf(src)), {
    env: { up: (n: number) => box.i.exports.down(n + 1) },
  });
  trapMessage(() => box.i.exports.down(0), wa);
});

testPorta(
  "fuel sweep: every budget below the need traps, stepsUsed then equals the budget",
  async (wa) => {
    const probe = await inst(wa);
    probe.exports.loop(5);
    const need = wa.stepsUsed(probe);
    for (let fuel = 0; fuel <= need; fuel++) {
      const i = await inst(wa, { fuel });
      let trapped = false;
      try {
        assert.equal(i.exports.loop(5), 15);
      } catch (e) {
        assert.ok(e instanceof wa.RuntimeError, String(e));
        trapped = true;
      }
      assert.equal(trapped, fuel < need, `fuel ${fuel} of ${need}`);
      assert.equal(
        wa.stepsUsed(i),
        trapped ? fuel : need,
        `stepsUsed with fuel ${fuel}`,
      );
    }
  },
);

testPorta(
  "interrupt: a raised flag stops a running loop with RuntimeError('interrupted')",
  async (wa) => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const src = `(module (import "env" "tick" (func $tick))
    (func (export "spin") (call $tick) (loop $l (br $l)))
    (func (export "one") (result i32) (i32.const 1)))`;
    const i = new wa.Instance(new wa.Module(await bytesOf(src)), {
      env: { tick: () => Atomics.store(flag, 0, 1) },
    }, { interrupt: flag });
    const msg = trapMessage(() => i.exports.spin(), wa);
    assert.match(msg, /interrupted/);
    assert.ok(
      wa.stepsUsed(i) <= 2 ** 17 + 1000,
      `stopped after ${wa.stepsUsed(i)} steps`,
    );
    // still raised: the next export call traps at entry
    assert.match(trapMessage(() => i.exports.one(), wa), /interrupted/);
    Atomics.store(flag, 0, 0);
    assert.equal(i.exports.one(), 1);
  },
);

/** Instantiates `src` with `options` and returns [instance, steps of calling export `f` with args]. */
async function stepsOf(
  wa: any,
  src: string,
  args: unknown[] = [],
  options?: object,
  imports: object = {},
): Promise<[unknown, number]> {
  const i = new wa.Instance(
    new wa.Module(await bytesOf(src)),
    imports,
    options,
  );
  const r = i.exports.f(...args);
  return [r, wa.stepsUsed(i)];
}

testPorta(
  "fuel: nop costs 1: fuel N runs a function of N nops, N-1 traps with stepsUsed N-1",
  async (wa) => {
    // 140000: one basic block larger than an execution slice (2^17)
    for (const n of [1, 2, 3, 17, 1000, 140_000]) {
      const src = `(module (func (export "f") ${"nop ".repeat(n)}))`;
      const bytes = await bytesOf(src);
      const [, free] = await stepsOf(wa, src);
      assert.equal(free, n, `${n} nops without a limit`);
      const ok = new wa.Instance(new wa.Module(bytes), {}, { fuel: n });
      ok.exports.f();
      assert.equal(wa.stepsUsed(ok), n, `${n} nops with fuel ${n}`);
      const short = new wa.Instance(new wa.Module(bytes), {}, { fuel: n - 1 });
      assert.match(trapMessage(() => short.exports.f(), wa), /fuel exhausted/);
      assert.equal(wa.stepsUsed(short), n - 1, `${n} nops with fuel ${n - 1}`);
      // the budget is spent: every later call traps too
      assert.match(trapMessage(() => short.exports.f(), wa), /fuel exhausted/);
      assert.equal(wa.stepsUsed(short), n - 1);
    }
  },
);

testPorta(
  "fuel: an empty function costs 0 and runs with fuel 0",
  async (wa) => {
    const [r, steps] = await stepsOf(wa, `(module (func (export "f")))`, [], {
      fuel: 0,
    });
    assert.equal(r, undefined);
    assert.equal(steps, 0);
    const [, one] = await stepsOf(
      wa,
      `(module (func (export "f") (result i32) (i32.const 1)))`,
      [],
      { fuel: 1 },
    );
    assert.equal(one, 1);
  },
);

testPorta("fuel: block, loop, else and end cost 0", async (wa) => {
  const nest = (open: string, depth: number, inner: string) =>
    `${`(${open} `.repeat(depth)}${inner}${")".repeat(depth)}`;
  const cases: [string, string, unknown[], number][] = [
    ["empty blocks", `(func (export "f") ${nest("block", 50, "")})`, [], 0],
    ["empty loops", `(func (export "f") ${nest("loop", 50, "")})`, [], 0],
    [
      "nop in 50 blocks",
      `(func (export "f") ${nest("block", 50, "nop")})`,
      [],
      1,
    ],
    [
      "nop in 50 loops",
      `(func (export "f") ${nest("loop", 50, "nop")})`,
      [],
      1,
    ],
    [
      "blocks with results",
      `(func (export "f") (result i32) (block (result i32) (block (result i32) (i32.const 4))))`,
      [],
      1,
    ],
    // if = 1 (+ local.get 1); then/else arms: nop = 1 each; else/end free
    [
      "if, then arm",
      `(func (export "f") (param i32) (if (local.get 0) (then nop nop) (else nop)))`,
      [1],
      4,
    ],
    [
      "if, else arm",
      `(func (export "f") (param i32) (if (local.get 0) (then nop nop) (else nop)))`,
      [0],
      3,
    ],
    [
      "if without else, not taken",
      `(func (export "f") (param i32) (if (local.get 0) (then nop nop)))`,
      [0],
      2,
    ],
  ];
  for (const [what, func, args, want] of cases) {
    const [, steps] = await stepsOf(wa, `(module ${func})`, args);
    assert.equal(steps, want, what);
    if (want > 0) {
      const i = new wa.Instance(
        new wa.Module(await bytesOf(`(module ${func})`)),
        {},
        { fuel: want - 1 },
      );
      assert.match(
        trapMessage(() => i.exports.f(...args), wa),
        /fuel exhausted/,
        what,
      );
    }
  }
});

testPorta(
  "stepsUsed: exact costs of calls, branches, return, select, memory and host calls",
  async (wa) => {
    const host = { env: { h: (x: number) => x + 1 } };
    const cases: [string, string, unknown[], number, unknown][] = [
      // call 1 + callee's nop 1
      ["call", `(func $g nop) (func (export "f") (call $g))`, [], 2, undefined],
      // two i32.const + call_indirect + callee (local.get, i32.const, i32.add)
      [
        "call_indirect",
        `(type $t (func (param i32) (result i32))) (table 1 funcref) (elem (i32.const 0) $g)
        (func $g (type $t) (i32.add (local.get 0) (i32.const 1)))
        (func (export "f") (result i32) (call_indirect (type $t) (i32.const 41) (i32.const 0)))`,
        [],
        6,
        42,
      ],
      // local.get 1 + call of a host function 1 (the host runs for free)
      [
        "host call",
        `(import "env" "h" (func $h (param i32) (result i32)))
        (func (export "f") (param i32) (result i32) (call $h (local.get 0)))`,
        [6],
        2,
        7,
      ],
      // return_call 1 + i32.const 1 + callee 1
      [
        "return_call",
        `(func $g (param i32) (result i32) (local.get 0))
        (func (export "f") (result i32) (return_call $g (i32.const 3)))`,
        [],
        3,
        3,
      ],
      // i32.const 1 + return 1; the code after return never runs
      [
        "return",
        `(func (export "f") (result i32) (return (i32.const 1)) (drop (i32.const 2)) (i32.const 3))`,
        [],
        2,
        1,
      ],
      // local.get + br_table + i32.const (arm 1)
      [
        "br_table",
        `(func (export "f") (param i32) (result i32)
          (block $a (block $b (br_table $a $b (local.get 0))) (return (i32.const 10)))
          (i32.const 20))`,
        [0],
        3,
        20,
      ],
      // 3 operands + select + drop... : i32.const x3, select, i32.const, drop
      [
        "select, drop",
        `(func (export "f") (result i32) (drop (i32.const 9))
          (select (i32.const 1) (i32.const 2) (i32.const 0)))`,
        [],
        6,
        2,
      ],
      // per iteration: local.get, i32.const, i32.sub, local.tee, br_if = 5
      [
        "loop of 10 iterations",
        `(func (export "f") (param i32) (loop $l
          (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))`,
        [10],
        50,
        undefined,
      ],
      // memory.size, memory.grow, and a 64 KiB memory.fill each cost 1 (+ operands)
      [
        "memory.size, memory.grow, memory.fill",
        `(memory 1)
        (func (export "f") (result i32)
          (memory.fill (i32.const 0) (i32.const 7) (i32.const 65536))
          (drop (memory.grow (i32.const 1)))
          (memory.size))`,
        [],
        8,
        2,
      ],
      // loads and stores: address + value operands + the access
      [
        "load, store",
        `(memory 1)
        (func (export "f") (result i64)
          (i64.store offset=8 (i32.const 0) (i64.const 5))
          (i64.load offset=8 (i32.const 0)))`,
        [],
        5,
        5n,
      ],
      // global.get, i32.const, i32.add, global.set, global.get
      [
        "globals",
        `(global $g (mut i32) (i32.const 1))
        (func (export "f") (result i32)
          (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))`,
        [],
        5,
        2,
      ],
    ];
    for (const [what, body, args, want, result] of cases) {
      const src = `(module ${body})`;
      const [r, steps] = await stepsOf(wa, src, args, undefined, host);
      assert.equal(r, result, `${what}: result`);
      assert.equal(steps, want, `${what}: stepsUsed`);
      // exactly enough fuel completes, one less traps with stepsUsed = the limit
      const [, exact] = await stepsOf(wa, src, args, { fuel: want }, host);
      assert.equal(exact, want, `${what}: with fuel ${want}`);
      const i = new wa.Instance(new wa.Module(await bytesOf(src)), host, {
        fuel: want - 1,
      });
      assert.match(
        trapMessage(() => i.exports.f(...args), wa),
        /fuel exhausted/,
        what,
      );
      assert.equal(wa.stepsUsed(i), want - 1, `${what}: with fuel ${want - 1}`);
    }
  },
);
