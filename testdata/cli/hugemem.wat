;; Serve test fixture: a command whose memory starts at 4097 pages, one page
;; above `porta serve`'s default memory cap (256 MiB = 4096 pages).
(module
  (memory (export "memory") 4097)
  (func (export "_start")))
