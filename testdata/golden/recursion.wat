;; recursion: a call of the function itself goes through its FuncInst like any
;; call, past DS[1] frames through `deep` (the interpreter); with tail calls in
;; the body the callee's entry is the trampoline, so the tail calls a recursive
;; callee hands back run before it returns; memory views are refreshed after the
;; call (the callee grew the memory); the OSR entry calls the FuncInst too.
;; run: "fib" 0
;; run: "fib" 1
;; run: "fib" 12
;; run: "depth" 1500
;; run: "grow_down" 3
;; run: "mixed" 9 0
;; run: "mixed" 40 0
;; osr: 0 2
(module
  (memory 1 16)
  (func $fib_self (export "fib") (param $fib_n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $fib_n) (i32.const 2))
      (then (local.get $fib_n))
      (else
        (i32.add
          (call $fib_self (i32.sub (local.get $fib_n) (i32.const 1)))
          (call $fib_self (i32.sub (local.get $fib_n) (i32.const 2)))))))
  ;; deeper than the frames run as JavaScript (1000)
  (func $depth_self (export "depth") (param $depth_n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $depth_n))
      (then (i32.const 0))
      (else
        (i32.add (i32.const 1)
          (call $depth_self (i32.sub (local.get $depth_n) (i32.const 1)))))))
  ;; every level grows the memory by a page, then its caller stores in the last one
  (func $grow_down (export "grow_down") (param $grow_n i32) (result i32)
    (local $grow_at i32)
    (drop (memory.grow (i32.const 1)))
    (if (i32.eqz (local.get $grow_n)) (then (return (memory.size))))
    (drop (call $grow_down (i32.sub (local.get $grow_n) (i32.const 1))))
    (local.set $grow_at (i32.sub (i32.shl (memory.size) (i32.const 16)) (i32.const 4)))
    (i32.store (local.get $grow_at) (local.get $grow_n))
    (i32.add (memory.size) (i32.load (local.get $grow_at))))
  ;; odd n: a tail call of itself; even n: a call of itself (whose callee tail-calls)
  (func $mixed_self (export "mixed") (param $mix_n i32) (param $mix_acc i32) (result i32)
    (if (i32.eqz (local.get $mix_n)) (then (return (local.get $mix_acc))))
    (if (i32.and (local.get $mix_n) (i32.const 1))
      (then
        (return_call $mixed_self
          (i32.sub (local.get $mix_n) (i32.const 1))
          (i32.add (local.get $mix_acc) (local.get $mix_n)))))
    (i32.add (i32.const 1000)
      (call $mixed_self (i32.sub (local.get $mix_n) (i32.const 1)) (local.get $mix_acc)))))
