;; SIMD: a v128 is four i32 words per operand slot and local; v128 params and
;; results (a v128 result comes back in the multi-value registers, here also
;; with an i32 next to it), a v128 global, a typed select and a block result
;; of type v128, a loop over memory (loads and stores, inline lane operations,
;; v128 locals), instructions left to simd.ts (simdOp through the scratch:
;; saturating adds, i64x2, f64x2, bitmask, load32_splat), and an out-of-bounds
;; store that must write nothing.
;; run: "sum_lanes" 0 4
;; run: "sum_lanes" 20 3
;; run: "mix" 7 -3
;; run: "mix" 0 65535
;; run: "pick" 1 5
;; run: "pick" 0 5
;; run: "half" 9
;; run: "oob" 65530
;; run: "oob" 65520
;; osr: 2 2
(module
  (memory $simd_memory (export "mem") 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\f0\f1\f2\f3 simd-marker-zq */ ${alert(1)}")
  (global $acc_vector (mut v128) (v128.const i32x4 0 0 0 0))
  (func $mix_lanes (param $x_vec v128) (param $y_vec v128) (result v128)
    (i16x8.add_sat_s
      (i32x4.add (local.get $x_vec) (local.get $y_vec))
      (i8x16.shuffle 0 1 16 17 4 5 20 21 8 9 24 25 31 13 28 2
        (local.get $x_vec) (local.get $y_vec))))
  (func $split_pair (param $v_vec v128) (result v128 i32)
    (local.get $v_vec)
    (i32x4.extract_lane 3 (local.get $v_vec)))
  ;; the i32 lanes of n vectors from address a, summed in a v128 local
  (func $sum_lanes (export "sum_lanes") (param $addr_p i32) (param $count_p i32) (result i32)
    (local $total_vec v128)
    (global.set $acc_vector (v128.const i32x4 0 0 0 0))
    (block $done_block
      (loop $sum_loop
        (br_if $done_block (i32.eqz (local.get $count_p)))
        (local.set $total_vec
          (i32x4.add (local.get $total_vec) (v128.load offset=1 (local.get $addr_p))))
        (local.set $addr_p (i32.add (local.get $addr_p) (i32.const 4)))
        (local.set $count_p (i32.sub (local.get $count_p) (i32.const 1)))
        (br $sum_loop)))
    (global.set $acc_vector (local.get $total_vec))
    (v128.store offset=64 (i32.const 0) (global.get $acc_vector))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $total_vec))
        (i32x4.extract_lane 1 (local.get $total_vec)))
      (i32.add (i32x4.extract_lane 2 (local.get $total_vec))
        (i32x4.extract_lane 3 (local.get $total_vec)))))
  (func $mix (export "mix") (param $a_p i32) (param $b_p i32) (result i32)
    (local $r_vec v128) (local $lane_v i32)
    (call $split_pair
      (call $mix_lanes (i32x4.splat (local.get $a_p)) (i16x8.splat (local.get $b_p))))
    (local.set $lane_v)
    (local.set $r_vec)
    (v128.store offset=96 (i32.const 0) (local.get $r_vec))
    (i32.add (local.get $lane_v) (i8x16.bitmask (local.get $r_vec))))
  (func $pick (export "pick") (param $c_p i32) (param $v_p i32) (result i32)
    (block $pick_block (result v128)
      (select (result v128)
        (i32x4.splat (local.get $v_p)) (v128.const i64x2 7 -1) (local.get $c_p))
      (br_if $pick_block (local.get $c_p))
      (i64x2.neg))
    (i64x2.extract_lane 1)
    (i32.wrap_i64))
  (func $half (export "half") (param $n_p i32) (result f64)
    (f64x2.extract_lane 0
      (f64x2.add (f64x2.splat (f64.convert_i32_s (local.get $n_p)))
        (v128.const f64x2 0.5 -2))))
  (func $oob (export "oob") (param $addr_p i32) (result i32)
    (v128.store (local.get $addr_p) (v128.const i32x4 1 2 3 4))
    (i32x4.extract_lane 0 (v128.load32_splat (local.get $addr_p)))))
