// Control flow and calls: blocks, loops, if, br/br_if/br_table, multi-value,
// return, select, unreachable, call, call_indirect (incl. type mismatch),
// return_call / return_call_indirect (deep tail recursion).
import assert from "node:assert/strict";
import { cases, checkRows, instantiate, testBoth, trap } from "./_harness.ts";

cases(
  "blocks, loops, if/else, br_if, br_table",
  `(module
    (func (export "if") (param i32) (result i32)
      (if (result i32) (local.get 0) (then (i32.const 10)) (else (i32.const 20))))
    (func (export "if-no-else") (param i32) (result i32) (local i32)
      (i32.const 5) (local.set 1)
      (if (local.get 0) (then (local.set 1 (i32.const 7))))
      (local.get 1))
    (func (export "br-out") (result i32)
      (block (result i32) (i32.const 1) (br 0) (drop) (i32.const 2)))
    (func (export "br_if") (param i32) (result i32)
      (block (result i32) (i32.const 100) (local.get 0) (br_if 0) (drop) (i32.const 200)))
    (func (export "sum") (param i32) (result i32) (local i32)
      (block $done (loop $l
        (br_if $done (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $l)))
      (local.get 1))
    (func (export "br_table") (param i32) (result i32)
      (block $d (block $c (block $b (block $a
        (br_table $a $b $c $d (local.get 0)))
        (return (i32.const 10)))
        (return (i32.const 11)))
        (return (i32.const 12)))
      (i32.const 13))
    (func (export "br_table-value") (param i32) (result i32)
      (block $x (result i32) (block $y (result i32)
        (br_table $x $y $x (i32.const 50) (local.get 0)))
        (i32.const 1) (i32.add))
      )
    (func (export "nested-br") (result i32)
      (block $outer (result i32)
        (block $inner (result i32)
          (loop (result i32) (i32.const 9) (br $outer)))))
    (func (export "loop-param") (result i32) (local i32)
      (i32.const 0)
      (loop $l (param i32) (result i32)
        (i32.const 1) (i32.add) (local.tee 0)
        (br_if $l (i32.lt_u (local.get 0) (i32.const 5)))))
    (func (export "select") (param i32) (result i32)
      (select (i32.const 1) (i32.const 2) (local.get 0)))
    (func (export "select-typed") (param i32) (result i64)
      (select (result i64) (i64.const 1) (i64.const 2) (local.get 0)))
    (func (export "unreachable") (result i32) unreachable)
    (func (export "return-early") (param i32) (result i32)
      (if (local.get 0) (then (return (i32.const 1))))
      (i32.const 2))
    (func (export "stack-unwind") (result i32)
      (block (result i32) (i32.const 1) (i32.const 2) (i32.const 3) (br 0))))`,
  [
    ["if", [1], 10],
    ["if", [0], 20],
    ["if", [-5], 10],
    ["if-no-else", [0], 5],
    ["if-no-else", [1], 7],
    ["br-out", [], 1],
    ["br_if", [1], 100],
    ["br_if", [0], 200],
    ["sum", [100], 5050],
    ["sum", [0], 0],
    ["br_table", [0], 10],
    ["br_table", [1], 11],
    ["br_table", [2], 12],
    ["br_table", [3], 13],
    ["br_table", [4], 13],
    ["br_table", [-1], 13],
    ["br_table-value", [0], 50],
    ["br_table-value", [1], 51],
    ["br_table-value", [2], 50],
    ["br_table-value", [99], 50],
    ["nested-br", [], 9],
    ["loop-param", [], 5],
    ["select", [1], 1],
    ["select", [0], 2],
    ["select-typed", [0], 2n],
    ["unreachable", [], trap("unreachable")],
    ["return-early", [1], 1],
    ["return-early", [0], 2],
    ["stack-unwind", [], 3],
  ],
);

cases(
  "multi-value blocks and functions",
  `(module
    (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
    (func (export "swap") (param i32 i32) (result i32 i32) (call $swap (local.get 0) (local.get 1)))
    (func (export "mixed") (result i32 i64 f32 f64)
      (i32.const 1) (i64.const 2) (f32.const 3.5) (f64.const 4.25))
    (func (export "block-params") (result i32)
      (i32.const 3) (i32.const 4)
      (block (param i32 i32) (result i32) (i32.sub)))
    (func (export "if-params") (param i32) (result i32 i32)
      (i32.const 10) (i32.const 20) (local.get 0)
      (if (param i32 i32) (result i32 i32)
        (then (i32.add) (i32.const 1))
        (else (i32.sub) (i32.const 2))))
    (func (export "br-multi") (result i32 i32)
      (block (result i32 i32) (i32.const 7) (i32.const 8) (br 0)))
    (func (export "br_table-multi") (param i32) (result i32 i64)
      (block $a (result i32 i64)
        (block $b (result i32 i64)
          (i32.const 1) (i64.const 2) (local.get 0) (br_table $a $b))
        (drop) (drop) (i32.const 3) (i64.const 4))))`,
  [
    ["swap", [1, 2], [2, 1]],
    ["mixed", [], [1, 2n, 3.5, 4.25]],
    ["block-params", [], -1],
    ["if-params", [1], [30, 1]],
    ["if-params", [0], [-10, 2]],
    ["br-multi", [], [7, 8]],
    ["br_table-multi", [0], [1, 2n]],
    ["br_table-multi", [1], [3, 4n]],
  ],
);

const CALLS = `(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table 4 funcref)
  (elem (i32.const 0) $double $nop $fac)
  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $nop (type $v))
  (func $fac (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func (export "fac") (param i64) (result i64) (call $fac (local.get 0)))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 1) (local.get 0)))
  (func $even (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $odd (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1))))))
  (func (export "even") (param i64) (result i32) (call $even (local.get 0)))
  (func $count (export "count") (param i32 i64) (result i64)
    (if (result i64) (i32.eqz (local.get 0)) (then (local.get 1))
      (else (return_call $count (i32.sub (local.get 0) (i32.const 1))
        (i64.add (local.get 1) (i64.const 1))))))
  (type $cnt (func (param i32 i64) (result i64)))
  (table $t2 funcref (elem $count_ind))
  (func $count_ind (param i32 i64) (result i64)
    (if (result i64) (i32.eqz (local.get 0)) (then (local.get 1))
      (else (return_call_indirect $t2 (type $cnt) (i32.sub (local.get 0) (i32.const 1))
        (i64.add (local.get 1) (i64.const 2)) (i32.const 0)))))
  (func (export "count_ind") (param i32) (result i64) (call $count_ind (local.get 0) (i64.const 0)))
  (func $deep (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "deep") (param i32) (result i32) (call $deep (local.get 0)))
  (func $inf (export "infinite") (call $inf)))`;

cases("calls, call_indirect, tail calls", CALLS, [
  ["fac", [0n], 1n],
  ["fac", [20n], 2432902008176640000n],
  ["fac", [25n], 7034535277573963776n],
  ["indirect", [0, 21], 42],
  ["indirect", [1, 0], trap("indirect call type mismatch")],
  ["indirect", [3, 0], trap("uninitialized element")],
  ["indirect", [4, 0], trap("undefined element")],
  ["indirect", [-1, 0], trap("undefined element")],
  ["even", [10n], 1],
  ["even", [7n], 0],
  ["deep", [1000], 1000],
]);

testBoth(
  "return_call: 1e6 tail-recursive iterations do not exhaust the stack",
  async (e) => {
    const inst = await instantiate(e, CALLS);
    checkRows(e, inst.exports, [
      ["count", [1_000_000, 0n], 1_000_000n],
      ["even", [1_000_001n], 0],
      ["count_ind", [1_000_000], 2_000_000n],
    ]);
  },
);

testBoth(
  "unbounded recursion is a trap (call stack exhausted), not a host crash",
  async (e) => {
    const inst = await instantiate(e, CALLS);
    let err: unknown;
    try {
      inst.exports.infinite();
    } catch (x) {
      err = x;
    }
    if (e.name === "native") {
      if (!(err instanceof RangeError)) {
        throw new Error(`native: expected RangeError, got ${err}`);
      }
    } else {
      if (!(err instanceof e.wa.RuntimeError)) {
        throw new Error(`expected RuntimeError, got ${err}`);
      }
      if (!/call stack exhausted/.test((err as Error).message)) {
        throw new Error(
          `message should say "call stack exhausted": ${
            (err as Error).message
          }`,
        );
      }
      // the instance is still usable afterwards
      if (inst.exports.deep(10) !== 10) {
        throw new Error("instance unusable after exhaustion");
      }
    }
  },
);

testBoth(
  "tail calls into host imports and through tables holding imports",
  async (e) => {
    const seen: number[] = [];
    const inst = await instantiate(
      e,
      `(module
      (import "env" "h" (func $h (param i32) (result i32)))
      (type $t (func (param i32) (result i32)))
      (table 3 funcref) (elem (i32.const 0) $h $dbl $nop)
      (func $dbl (type $t) (i32.mul (local.get 0) (i32.const 2)))
      (func $nop)
      (func (export "direct") (param i32) (result i32) (return_call $h (local.get 0)))
      (func (export "indirect") (param i32 i32) (result i32)
        (return_call_indirect (type $t) (local.get 0) (local.get 1))))`,
      { env: { h: (x: number) => (seen.push(x), x + 100) } },
    );
    checkRows(e, inst.exports, [
      ["direct", [1], 101],
      ["indirect", [2, 0], 102],
      ["indirect", [3, 1], 6],
      ["indirect", [3, 2], trap("indirect call type mismatch")],
      ["indirect", [3, 3], trap("undefined element")],
    ]);
    assert.deepEqual(seen, [1, 2]);
  },
);

testBoth(
  "call_indirect through a shared table: structural type equality across modules",
  async (e) => {
    const a = await instantiate(
      e,
      `(module (type (func)) (type $t (func (param i64) (result i64)))
      (table (export "tab") 2 funcref) (elem (i32.const 0) $inc $other)
      (func $inc (type $t) (i64.add (local.get 0) (i64.const 1)))
      (func $other (param i32) (result i32) (local.get 0)))`,
    );
    const b = await instantiate(
      e,
      `(module (import "a" "tab" (table 2 funcref))
      (type $x (func (param f32)))
      (type $same (func (param i64) (result i64)))
      (func (export "call") (param i64 i32) (result i64)
        (call_indirect (type $same) (local.get 0) (local.get 1))))`,
      { a: a.exports },
    );
    checkRows(e, b.exports, [
      ["call", [41n, 0], 42n],
      ["call", [1n, 1], trap("indirect call type mismatch")],
    ]);
  },
);

// Handlers the compiler uses only for some stack shapes: a branch that must
// move its values down past other operands (BR_IF_COPY, BR_R), and the
// reference forms of local.set/tee, global.get/set and select.
cases(
  "value-carrying branches over extra operands; references through locals, globals, select",
  `(module
    (global $g (mut externref) (ref.null extern))
    (global $fg (mut funcref) (ref.null func))
    (func $five (result i32) (i32.const 5))
    (elem declare func $five)
    (func (export "br_if_copy") (param i32 i32) (result i32)
      (block $b (result i32) (i32.const 100)
        (br_if $b (i32.add (local.get 0) (i32.const 1)) (local.get 1))
        (drop) (i32.const 7) (i32.add)))
    (func (export "br_if_copy64") (param i64 i32) (result i64)
      (block $b (result i64) (i64.const 100)
        (br_if $b (i64.add (local.get 0) (i64.const 1)) (local.get 1))
        (drop) (i64.const 7) (i64.add)))
    (func (export "br_if_copy2") (param f64 i32) (result i32 f64)
      (block $b (result i32 f64) (i32.const 3)
        (br_if $b (i32.const 4) (local.get 0) (local.get 1))
        (drop) (drop) (drop) (i32.const 2) (f64.const 1.5)))
    (func (export "br_if_ref") (param externref i32) (result externref)
      (block $b (result externref) (ref.null extern)
        (br_if $b (local.get 0) (local.get 1)) (drop)))
    (func (export "br_ref") (param externref) (result externref)
      (block $b (result externref) (i32.const 9) (br $b (local.get 0))))
    (func (export "local_ref") (param externref) (result externref) (local $r externref)
      (local.set $r (local.get 0)) (local.get $r))
    (func (export "tee_ref") (param externref) (result externref) (local $r externref)
      (drop (local.tee $r (local.get 0))) (local.get $r))
    (func (export "global_ref") (param externref) (result externref)
      (global.set $g (local.get 0)) (global.get $g))
    (func (export "global_funcref") (result i32)
      (global.set $fg (ref.func $five)) (ref.is_null (global.get $fg)))
    (func (export "select_ref") (param externref externref i32) (result externref)
      (select (result externref) (local.get 0) (local.get 1) (local.get 2))))`,
  [
    ["br_if_copy", [5, 1], 6],
    ["br_if_copy", [5, 0], 107],
    ["br_if_copy64", [0x1_00000005n, 1], 0x1_00000006n],
    ["br_if_copy64", [-1n, 1], 0n],
    ["br_if_copy64", [-2n, 1], -1n],
    ["br_if_copy64", [-1n, 0], 107n],
    ["br_if_copy2", [-2.5, 1], [4, -2.5]],
    ["br_if_copy2", [1e300, 1], [4, 1e300]],
    ["br_if_copy2", [2.5, 0], [2, 1.5]],
    ["br_if_ref", ["q", 1], "q"],
    ["br_if_ref", ["q", 0], null],
    ["br_ref", ["z"], "z"],
    ["local_ref", ["a"], "a"],
    ["local_ref", [null], null],
    ["tee_ref", ["b"], "b"],
    ["global_ref", ["c"], "c"],
    ["global_ref", [null], null],
    ["global_funcref", [], 0],
    ["select_ref", ["x", "y", 1], "x"],
    ["select_ref", ["x", "y", 0], "y"],
  ],
);
