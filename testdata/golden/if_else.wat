;; if/else with results (nested), an if without else, and fuel charges in
;; both arms.
;; run: "classify" -7
;; run: "classify" 0
;; run: "classify" 12
;; run: "absdiff" 3 10
;; run: "absdiff" 10 3
;; run: "maybe" 0
;; run: "maybe" 5
(module
  (func $classify_sign (export "classify") (param $v_in i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $v_in) (i32.const 0))
      (then (i32.const -1))
      (else
        (if (result i32) (i32.eqz (local.get $v_in))
          (then (i32.const 0))
          (else (i32.add (i32.const 1) (i32.const 0)))))))
  (func $abs_difference (export "absdiff") (param $p_a i32) (param $p_b i32) (result i32)
    (if (result i32) (i32.gt_u (local.get $p_a) (local.get $p_b))
      (then (i32.sub (local.get $p_a) (local.get $p_b)))
      (else (i32.sub (local.get $p_b) (local.get $p_a)))))
  (func $maybe_set (export "maybe") (param $flag_in i32) (result i32)
    (local $out_val i32)
    (local.set $out_val (i32.const 7))
    (if (local.get $flag_in)
      (then (local.set $out_val (i32.mul (local.get $flag_in) (i32.const 6)))))
    (local.get $out_val)))
