;; CLI test fixture: a module whose memory starts at 32 pages (2 MiB).
(module
  (memory (export "memory") 32)
  (func (export "_start")))
