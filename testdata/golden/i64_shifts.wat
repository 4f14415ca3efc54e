;; i64 arithmetic as pairs of 32-bit words: shifts, rotates, mul/div helpers,
;; comparisons, extension and wrapping.
;; run: "mix64" 5n 1099511627776n 13n
;; run: "mix64" -1n -9223372036854775808n 63n
;; run: "mix64" 81985529216486895n 3n 200n
;; run: "widen" -2
;; run: "widen" 2147483647
;; run: "divrem" 1000000000007n 97n
;; run: "divrem" -9223372036854775808n -1n
;; run: "divrem" 5n 0n
(module
  (func $mix_words (export "mix64") (param $a_word i64) (param $b_word i64) (param $s_amt i64)
    (result i64)
    (i64.add
      (i64.xor
        (i64.shl (local.get $a_word) (local.get $s_amt))
        (i64.shr_u (local.get $b_word) (i64.const 3)))
      (i64.sub
        (i64.rotl (i64.mul (local.get $a_word) (local.get $b_word)) (local.get $s_amt))
        (i64.shr_s (local.get $b_word) (local.get $s_amt)))))
  (func $widen_both (export "widen") (param $w_in i32) (result i64)
    (i64.add (i64.extend_i32_s (local.get $w_in))
      (i64.rotr (i64.extend_i32_u (local.get $w_in)) (i64.const 33))))
  (func $div_rem_cmp (export "divrem") (param $n_num i64) (param $d_den i64) (result i64)
    (i64.add
      (i64.add (i64.div_s (local.get $n_num) (local.get $d_den))
        (i64.rem_u (local.get $n_num) (local.get $d_den)))
      (i64.extend_i32_u
        (i32.add (i64.lt_s (local.get $n_num) (local.get $d_den))
          (i32.wrap_i64 (i64.popcnt (local.get $n_num))))))))
