;; Memory loads and stores (offsets, widths, sign extension, i64 and f64),
;; memory.size/grow (views refreshed) and bulk fill/copy; a data segment whose
;; bytes must never reach the generated source.
;; run: "roundtrip" 0 305419896
;; run: "roundtrip" 100 -2
;; run: "roundtrip" 65530 1
;; run: "wide" 8 -5n
;; run: "wide" 65530 1n
;; run: "mem_grow_by" 1
;; run: "mem_grow_by" 5
;; run: "fillcopy" 32 7
(module
  (memory $main_memory (export "mem") 1 3)
  (data (i32.const 200) "data-marker-zq: </script> ${alert(1)} */")
  (func $store_load (export "roundtrip") (param $addr_p i32) (param $v_p i32) (result i32)
    (i32.store offset=4 (local.get $addr_p) (local.get $v_p))
    (i32.store8 offset=9 (local.get $addr_p) (local.get $v_p))
    (i32.add
      (i32.add (i32.load8_u offset=4 (local.get $addr_p)) (i32.load16_s offset=6 (local.get $addr_p)))
      (i32.load8_s offset=9 (local.get $addr_p))))
  (func $wide_access (export "wide") (param $addr_p i32) (param $v_w i64) (result i64)
    (i64.store (local.get $addr_p) (local.get $v_w))
    (f64.store offset=8 (i32.and (local.get $addr_p) (i32.const 0xfff0))
      (f64.convert_i64_s (local.get $v_w)))
    (i64.add (i64.load32_s (local.get $addr_p))
      (i64.trunc_f64_s (f64.load offset=8 (i32.and (local.get $addr_p) (i32.const 0xfff0))))))
  (func $grow_mem (export "mem_grow_by") (param $pages_p i32) (result i32)
    (local $old_size i32)
    (local.set $old_size (memory.grow (local.get $pages_p)))
    (i32.store (i32.const 0) (memory.size))
    (i32.add (i32.mul (local.get $old_size) (i32.const 100)) (i32.load (i32.const 0))))
  (func $fill_copy (export "fillcopy") (param $dst_p i32) (param $byte_p i32) (result i32)
    (memory.fill (local.get $dst_p) (local.get $byte_p) (i32.const 8))
    (memory.copy (i32.add (local.get $dst_p) (i32.const 4)) (i32.const 200) (i32.const 6))
    (i32.load offset=4 (local.get $dst_p))))
