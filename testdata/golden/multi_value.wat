;; Multi-value: a function with two results (the multi-value registers), a
;; block with parameters and results, br_if carrying two values, a loop with
;; a parameter.
;; run: "divmod" 17 5
;; run: "divmod" 1 0
;; run: "shuffle" 0 9n
;; run: "shuffle" 4 -9n
;; run: "quotsum" 100 7
;; run: "tri" 5
(module
  (func $div_mod (export "divmod") (param $n_v i32) (param $d_v i32) (result i32 i32)
    (i32.div_u (local.get $n_v) (local.get $d_v))
    (i32.rem_u (local.get $n_v) (local.get $d_v)))
  (func $shuffle_pair (export "shuffle") (param $a_v i32) (param $b_v i64) (result i64 i32)
    (local $tmp_32 i32) (local $tmp_64 i64)
    (local.get $a_v) (local.get $b_v)
    (block $swap_block (param i32 i64) (result i64 i32)
      (local.set $tmp_64)
      (local.set $tmp_32)
      (local.get $tmp_64)
      (local.get $tmp_32)
      (br_if $swap_block (local.get $a_v))
      (drop)
      (drop)
      (i64.const -1)
      (i32.const -1)))
  (func $quot_sum (export "quotsum") (param $n_v i32) (param $d_v i32) (result i32)
    (i32.add (call $div_mod (local.get $n_v) (local.get $d_v))))
  (func $triangle (export "tri") (param $n_v i32) (result i32)
    (local $acc_v i32)
    (local.get $n_v)
    (loop $tri_loop (param i32) (result i32)
      (local.set $acc_v (i32.add (local.get $acc_v)))
      (local.set $n_v (i32.sub (local.get $n_v) (i32.const 1)))
      (local.get $n_v)
      (br_if $tri_loop (local.get $n_v)))
    (i32.add (local.get $acc_v))))
