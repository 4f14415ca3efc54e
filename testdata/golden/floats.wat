;; f32 (kept as raw bits) and f64 operations, conversions, reinterpretation
;; and a NaN-producing path.
;; run: "f32ops" 2.5 -4
;; run: "f32ops" nan 1
;; run: "f32ops" -0 inf
;; run: "f64ops" 10 3
;; run: "f64ops" -1 0
;; run: "f64ops" nan -inf
;; run: "convert" 3.75
;; run: "convert" -1e300
;; run: "convert" nan
;; run: "trunc_checked_u" 4294967295.5
;; run: "trunc_checked_u" -1.5
(module
  (func $f32_ops (export "f32ops") (param $x_f f32) (param $y_f f32) (result f32)
    (f32.add
      (f32.mul (local.get $x_f) (f32.copysign (f32.const 1.5) (local.get $y_f)))
      (f32.min (f32.sqrt (f32.abs (local.get $x_f)))
        (f32.nearest (f32.neg (f32.ceil (local.get $y_f)))))))
  (func $f64_ops (export "f64ops") (param $x_d f64) (param $y_d f64) (result f64)
    (f64.add
      (f64.max (f64.div (local.get $x_d) (local.get $y_d)) (f64.floor (local.get $y_d)))
      (f64.promote_f32 (f32.demote_f64 (f64.trunc (local.get $x_d))))))
  (func $convert_bits (export "convert") (param $v_d f64) (result i32)
    (i32.add
      (i32.trunc_sat_f64_s (local.get $v_d))
      (i32.add
        (i32.reinterpret_f32 (f32.demote_f64 (local.get $v_d)))
        (f64.lt (local.get $v_d) (f64.convert_i32_u (i32.const -1))))))
  (func $trunc_checked (export "trunc_checked_u") (param $v_d f64) (result i32)
    (i32.trunc_f64_u (local.get $v_d))))
