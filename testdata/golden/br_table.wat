;; br_table: one switch, cases grouped by target, the default last; a
;; br_table carrying a value out of a block with a result.
;; run: "dispatch" 0
;; run: "dispatch" 1
;; run: "dispatch" 2
;; run: "dispatch" 3
;; run: "dispatch" 4
;; run: "dispatch" -1
;; run: "pick" 0
;; run: "pick" 1
;; run: "pick" 7
(module
  (func $dispatch_table (export "dispatch") (param $k_case i32) (result i32)
    (block $out_d
      (block $case_c
        (block $case_b
          (block $case_a
            (br_table $case_a $case_b $case_c $case_a $out_d (local.get $k_case)))
          (return (i32.const 10)))
        (return (i32.const 20)))
      (return (i32.const 30)))
    (i32.const 99))
  (func $pick_value (export "pick") (param $k_case i32) (result i32)
    (block $outer_v (result i32)
      (i32.add
        (block $inner_v (result i32)
          (br_table $outer_v $inner_v $outer_v (i32.const 5) (local.get $k_case)))
        (i32.const 100)))))
