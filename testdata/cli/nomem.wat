;; CLI test fixture: imports WASI but exports its memory as "mem", not "memory".
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "mem") 1)
  (func (export "_start")))
