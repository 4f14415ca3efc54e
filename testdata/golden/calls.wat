;; call and call_indirect (fuel flushed around calls, the frame count, the
;; signature check), a host import, and hostile names that must never reach
;; the generated source.
;; run: "apply\"op" 0 5 3
;; run: "apply\"op" 1 5 3
;; run: "apply\"op" 2 5 3
;; run: "apply\"op" 3 5 3
;; run: "apply\"op" 9 5 3
;; run: "twice</script>" 21
(module
  (type $binary_sig (func (param i32 i32) (result i32)))
  (import "env`${x}" "host\"log*/" (func $host_log_sink (param i32)))
  (table 4 funcref)
  (elem (i32.const 0) $add_pair $sub_pair $unary_negate)
  (func $add_pair (type $binary_sig) (i32.add (local.get 0) (local.get 1)))
  (func $sub_pair (type $binary_sig) (i32.sub (local.get 0) (local.get 1)))
  (func $unary_negate (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))
  (func $apply_op (export "apply\"op")
    (param $op_index i32) (param $arg_a i32) (param $arg_b i32) (result i32)
    (call $host_log_sink (local.get $op_index))
    (call_indirect (type $binary_sig)
      (local.get $arg_a) (local.get $arg_b) (local.get $op_index)))
  (func $twice_it (export "twice</script>") (param i32) (result i32)
    (call $add_pair (local.get 0) (call $unary_negate (call $unary_negate (local.get 0))))))
