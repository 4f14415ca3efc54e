;; Straight-line i32 arithmetic: one basic block, one fuel charge covering
;; every instruction (div_s may trap in the middle of it).
;; straight: "arith"
;; run: "arith" 7 3
;; run: "arith" -5 -2
;; run: "arith" 2147483647 -1
;; run: "arith" 9 0
(module
  (func $arith_straight_line (export "arith")
    (param $x_input i32) (param $y_input i32) (result i32)
    (local $t_scratch i32)
    (local.set $t_scratch
      (i32.xor
        (i32.add (i32.mul (local.get $x_input) (i32.const 3)) (local.get $y_input))
        (i32.rotl (i32.shr_s (local.get $x_input) (i32.const 1))
          (i32.and (local.get $y_input) (i32.const 31)))))
    (i32.add
      (i32.add
        (select (i32.clz (local.get $t_scratch)) (i32.popcnt (local.get $t_scratch))
          (i32.lt_s (local.get $x_input) (local.get $y_input)))
        (i32.extend8_s (i32.sub (local.get $t_scratch) (i32.const 200))))
      (i32.div_s (local.get $t_scratch) (i32.or (local.get $y_input) (i32.eqz (local.get $x_input)))))))
