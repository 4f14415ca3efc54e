// The "auto" tier (the engine's default) starts every function in the
// interpreter and translates it once it is hot (HOT_CALLS calls, or a loop
// still running when an execution slice ends: OSR). Functions that change
// tier mid-run must give the interpreter's results, traps and stepsUsed.
import assert from "node:assert/strict";
import { bytesOf, porta } from "./_harness.ts";

const SRC = `(module
  (memory 1)
  (global $acc (mut i64) (i64.const 0))
  ;; a loop long enough to outlast several execution slices (2^17 steps)
  (func (export "spin") (param i32) (result i64) (local i64)
    (block $d (loop $l
      (br_if $d (i32.eqz (local.get 0)))
      (local.set 1 (i64.add (i64.mul (local.get 1) (i64.const 6364136223846793005))
        (i64.extend_i32_u (local.get 0))))
      (i64.store (i32.and (i32.mul (local.get 0) (i32.const 8)) (i32.const 0xfff8))
        (local.get 1))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br $l)))
    (local.get 1))
  ;; a small function called often enough to become hot
  (func (export "mix") (param i64 f64) (result i64)
    (global.set $acc (i64.xor (global.get $acc)
      (i64.add (local.get 0) (i64.trunc_sat_f64_s (f64.mul (local.get 1) (f64.const 1.5))))))
    (i64.rotl (global.get $acc) (i64.const 13)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "sum") (result i64) (local i32 i64)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get 0) (i32.const 65536)))
      (local.set 1 (i64.add (local.get 1) (i64.load8_u (local.get 0))))
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (br $l)))
    (local.get 1)))`;

/** Runs the same call sequence on tiers interp and auto; results and stepsUsed must agree after every call. */
async function compare(fuel: number | undefined): Promise<string[]> {
  const wa = await porta();
  const m = new wa.Module(await bytesOf(SRC));
  const opts = (tier: string) => fuel === undefined ? { tier } : { tier, fuel };
  const interp = new wa.Instance(m, {}, opts("interp"));
  const auto = new wa.Instance(m, {}, opts("auto"));
  const calls: [string, unknown[]][] = [
    ["spin", [300_000]],
    ...Array.from(
      { length: 2500 },
      (_, k): [string, unknown[]] => ["mix", [BigInt(k) * 7919n, k / 3]],
    ),
    ["fib", [22]],
    ["fib", [23]],
    ["sum", []],
    ["spin", [50_000]],
  ];
  const problems: string[] = [];
  const run = (i: any, name: string, args: unknown[]): string => {
    try {
      return String(i.exports[name](...args));
    } catch (e) {
      return `${(e as Error).constructor.name}: ${(e as Error).message}`;
    }
  };
  let trapped = false;
  for (const [name, args] of calls) {
    const a = run(interp, name, args), b = run(auto, name, args);
    if (a.includes("fuel exhausted")) trapped = true;
    const sa = wa.stepsUsed(interp), sb = wa.stepsUsed(auto);
    if (a !== b || sa !== sb) {
      problems.push(
        `${name}(${
          args.join(", ")
        }): interp ${a} (stepsUsed ${sa}), auto ${b} (stepsUsed ${sb})`,
      );
      break;
    }
  }
  if (fuel !== undefined && !trapped) {
    problems.push(`fuel ${fuel} never ran out`);
  }
  if (fuel === undefined && wa.stepsUsed(interp) < 9_000_000) {
    problems.push(`only ${wa.stepsUsed(interp)} steps ran`);
  }
  return problems;
}

Deno.test("tier auto: functions that turn hot mid-run agree with the interpreter (results, stepsUsed)", async () => {
  assert.deepEqual(await compare(undefined), []);
});

Deno.test("tier auto: fuel running out in translated code stops at the same step", async () => {
  // the calls need about 6.60M (spin), 0.03M (mix), 0.52M + 0.83M (fib),
  // 0.92M (sum) and 1.10M (spin) steps: budgets that end inside each of them
  for (
    const fuel of [
      200_000,
      3_000_000,
      6_615_000,
      6_900_000,
      7_500_000,
      8_500_000,
      9_500_000,
    ]
  ) {
    assert.deepEqual(await compare(fuel), [], `fuel ${fuel}`);
  }
});

// A frame that goes on in translated code (OSR) may call a function still run by the
// interpreter, through an adapter: a nested interpreter activation, whose slice ends (the saved
// place of a yielding run, RS_* in exec.ts) overwrite the place of the OSR'd frame. Once the
// translated frame returned, the engine used to read that place to return to its caller: it
// went on in a frame that was not there (the race test's guest trapped out of bounds).
const OSR_THEN_INTERP = `(module
  ;; n steps of a loop: outlasts an execution slice (2^17 steps) when n is large
  (func $spin (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  ;; the same loop inline: slices end in it twice, so its frame goes on in translated code,
  ;; then a call of spin (not translated yet: it runs in the interpreter, where a slice ends)
  (func $osr (export "first") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (local.set $i (local.get $n))
    (loop $l
      (local.set $s (i32.xor (local.get $s) (local.get $i)))
      (br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
    (i32.add (local.get $s) (call $spin (local.get $n))))
  ;; the OSR'd frame is not the activation's first: it returns into an interpreter frame
  (func (export "nested") (param $n i32) (result i32)
    (i32.mul (call $osr (local.get $n)) (i32.const 3)))
  ;; recursion: the first frame goes on by OSR, the deeper ones are translated,
  ;; the deepest calls spin
  (func $rec (export "recursive") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (local.set $i (i32.const 300000))
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $n))))
      (br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.add (local.get $s) (call $spin (i32.const 300000))))
      (else (i32.xor (local.get $s) (call $rec (i32.sub (local.get $n) (i32.const 1)))))))
  ;; the callee is entered by OSR too: outer spins (two slice ends in it: translated, then
  ;; entered by OSR), then calls inner, still interpreted (through an adapter), whose loop
  ;; outlasts a slice: the nested run enters inner by OSR; outer's OSR entry must then still
  ;; return to its own caller, not to a frame of the nested run
  (func $inner (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 31)) (local.get 0)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1))
  (func $outer (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.xor (i32.mul (local.get 1) (i32.const 7)) (local.get 0)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (i32.add (local.get 1) (call $inner (i32.const 200000))))
  (func (export "nested_osr") (param $n i32) (result i32)
    (i32.add (call $outer (local.get $n)) (i32.const 1))))`;

Deno.test("tier auto: a frame entered by OSR returns to its caller after a callee run by the interpreter ended a slice", async () => {
  const wa = await porta();
  const m = new wa.Module(await bytesOf(OSR_THEN_INTERP));
  const problems: string[] = [];
  const calls: [string, number][] = [
    ["first", 300_000],
    ["first", 1_000_000],
    ["nested", 300_000],
    ["nested", 1_000_000],
    ["recursive", 4],
    ["nested_osr", 150_000],
  ];
  for (const [name, n] of calls) {
    const out: string[] = [];
    for (const tier of ["interp", "auto", "js"]) {
      // a fresh instance: nothing translated yet
      const i = new wa.Instance(m, {}, { tier });
      let r: string;
      try {
        r = String(i.exports[name](n));
      } catch (e) {
        r = `${(e as Error).constructor.name}: ${(e as Error).message}`;
      }
      out.push(`${r} (stepsUsed ${wa.stepsUsed(i)})`);
    }
    if (out[0] !== out[1] || out[0] !== out[2]) {
      problems.push(
        `${name}(${n}): interp ${out[0]}, auto ${out[1]}, js ${out[2]}`,
      );
    }
  }
  assert.deepEqual(problems, []);
});
