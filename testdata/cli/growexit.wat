;; CLI test fixture: grows memory one page at a time until memory.grow
;; returns -1 (the --max-memory cap), then exits with the final page count
;; (mod 256) through proc_exit: hitting the cap is not an error by itself.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (block $done
      (loop $l
        (br_if $done
          (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $l)))
    (call $exit (i32.and (memory.size) (i32.const 255)))))
