import assert from "node:assert/strict";
import {
  collectingSink,
  Errno,
  Wasi,
  WASI_FUNCTIONS,
  WasiMissingMemory,
} from "../../src/wasi/mod.ts";
import { wat } from "../helpers/wat.ts";
import { direct, testBoth } from "./_helpers.ts";

Deno.test("imports expose every wasi_snapshot_preview1 function", () => {
  const w = new Wasi();
  const names = Object.keys(w.imports.wasi_snapshot_preview1).sort();
  assert.equal(names.length, 46);
  assert.deepEqual(names, [...WASI_FUNCTIONS].sort());
  for (const n of names) {
    assert.equal(typeof w.imports.wasi_snapshot_preview1[n], "function", n);
  }
});

Deno.test("host functions never throw without a bound instance (FAULT)", () => {
  const w = new Wasi();
  assert.equal(w.imports.wasi_snapshot_preview1.args_sizes_get(0, 4), 21);
});

Deno.test("start() needs _start; initialize() calls _initialize when present", () => {
  const w = new Wasi();
  assert.throws(() => w.start({ exports: {} }), /does not export a _start/);
  let called = 0;
  w.initialize({ exports: { _initialize: () => called++ } });
  w.initialize({ exports: {} });
  assert.equal(called, 1);
});

Deno.test("a missing preopen is a one-line error at construction", () => {
  assert.throws(
    () =>
      new Wasi({ preopens: [{ guestPath: "/x", hostPath: "/no/such/dir" }] }),
    { message: "preopen directory not found: /no/such/dir" },
  );
});

testBoth(
  "reactor fixture: initialize() runs constructors, exports then work",
  (e) => {
    const bytes = Deno.readFileSync(
      new URL("../../testdata/wasi/reactor.wasm", import.meta.url),
    );
    const out = collectingSink();
    const wasi = new Wasi({ env: { START: "99" }, stdout: out.sink });
    const inst = new e.wa.Instance(new e.wa.Module(bytes), wasi.imports);
    wasi.initialize(inst);
    assert.equal(inst.exports.greet(), 100);
    assert.equal(inst.exports.greet(), 101);
    assert.equal(
      out.text(),
      "hello from reactor 100\nhello from reactor 101\n",
    );
  },
);

Deno.test("terminal: false reports stdio as filetype unknown (isatty() is false)", () => {
  const filetypes = (opts: ConstructorParameters<typeof Wasi>[0]) => {
    const d = direct(opts);
    return [0, 1, 2].map((fd) => {
      assert.equal(d.fns.fd_fdstat_get(fd, 0), Errno.SUCCESS);
      const viaFdstat = d.view.getUint8(0);
      assert.equal(d.fns.fd_filestat_get(fd, 100), Errno.SUCCESS);
      assert.equal(d.view.getUint8(100 + 16), viaFdstat); // filestat filetype
      return viaFdstat;
    });
  };
  assert.deepEqual(filetypes({}), [2, 2, 2]); // character devices (default)
  assert.deepEqual(filetypes({ terminal: true }), [2, 2, 2]);
  assert.deepEqual(filetypes({ terminal: false }), [0, 0, 0]);
  assert.deepEqual(filetypes({ terminal: { stdout: false } }), [2, 0, 2]);
  assert.deepEqual(
    filetypes({ terminal: { stdin: false, stderr: false } }),
    [0, 2, 0],
  );
});

Deno.test("a stdio option that is not a function is a clear TypeError", () => {
  const sink = collectingSink();
  assert.throws(
    () => new Wasi({ stdout: sink as any }),
    /^TypeError: WasiOptions\.stdout must be a function/,
  );
  assert.throws(
    () => new Wasi({ stdin: "text" as any }),
    /WasiOptions\.stdin must be a function/,
  );
  new Wasi({ stdout: sink.sink, stdin: undefined }); // accepted
});

testBoth(
  'a guest without a "memory" export gets a clear error, not EFAULT',
  async (e) => {
    const bytes = await wat(`(module
    (import "wasi_snapshot_preview1" "fd_write"
      (func $w (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "mem") 1)
    (func (export "_start")
      (call $exit (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`);
    const wasi = new Wasi({ stdout: collectingSink().sink });
    const inst = new e.wa.Instance(new e.wa.Module(bytes), wasi.imports);
    assert.throws(
      () => wasi.start(inst),
      (err: Error) =>
        err instanceof WasiMissingMemory &&
        err.message ===
          'the module imports WASI functions but exports no memory named "memory"',
    );
    // Calls that need no memory still work; an unbound Wasi still says FAULT.
    const exitOnly = await wat(`(module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (func (export "_start") (call $exit (i32.const 7))))`);
    const w2 = new Wasi();
    const i2 = new e.wa.Instance(new e.wa.Module(exitOnly), w2.imports);
    assert.equal(w2.start(i2), 7);
  },
);
