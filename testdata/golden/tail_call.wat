;; return_call and return_call_indirect: the body hands the callee to the
;; trampoline of the outer entry, so a long chain of tail calls does not grow
;; the JS stack.
;; run: "countdown" 0 0
;; run: "countdown" 10 0
;; run: "countdown" 20000 0
;; run: "via_table" 6
;; run: "ping64" 4n
(module
  (type $two_i32 (func (param i32 i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $countdown_acc)
  (func $countdown_acc (export "countdown") (param $n_left i32) (param $acc_sum i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n_left))
      (then (local.get $acc_sum))
      (else
        (return_call $countdown_acc
          (i32.sub (local.get $n_left) (i32.const 1))
          (i32.add (local.get $acc_sum) (local.get $n_left))))))
  (func $via_table (export "via_table") (param $n_left i32) (result i32)
    (return_call_indirect (type $two_i32) (local.get $n_left) (i32.const 1) (i32.const 0)))
  (func $pong_64 (param $w_64 i64) (result i64)
    (i64.mul (local.get $w_64) (i64.const 3)))
  (func $ping_64 (export "ping64") (param $w_64 i64) (result i64)
    (return_call $pong_64 (i64.add (local.get $w_64) (i64.const 4294967296)))))
