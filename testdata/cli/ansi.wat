;; CLI test fixture: names with control characters (terminal/log injection
;; attempts). Porta must print them escaped, never raw.
(module
  (import "wasi_snapshot_preview1" "fd_write\1b[31mEVIL"
    (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "tool\n[porta] fake line"))
  (func (export "_start\1b]0;pwned\07")))
