;; block/loop/br_if: a fuel charge at the start of every basic block (loop
;; heads, after each br_if, after the end of a block). Also the OSR entry of
;; $sum_down at its loop head (basic block 1).
;; osr: 0 1
;; run: "sum" 0
;; run: "sum" 1
;; run: "sum" 10
;; run: "bits" 0
;; run: "bits" 255
;; run: "bits" -1
(module
  (func $sum_down (export "sum") (param $n_count i32) (result i32)
    (local $acc_total i32)
    (block $done_label
      (loop $next_label
        (br_if $done_label (i32.eqz (local.get $n_count)))
        (local.set $acc_total (i32.add (local.get $acc_total) (local.get $n_count)))
        (local.set $n_count (i32.sub (local.get $n_count) (i32.const 1)))
        (br $next_label)))
    (local.get $acc_total))
  (func $count_bits (export "bits") (param $v_bits i32) (result i32)
    (local $c_ones i32)
    (block $zero_label (result i32)
      (drop (br_if $zero_label (i32.const -1) (i32.eqz (local.get $v_bits))))
      (loop $more_label
        (nop)
        (local.set $c_ones
          (i32.add (local.get $c_ones) (i32.and (local.get $v_bits) (i32.const 1))))
        (local.set $v_bits (i32.shr_u (local.get $v_bits) (i32.const 1)))
        (br_if $more_label (local.get $v_bits)))
      (local.get $c_ones))))
