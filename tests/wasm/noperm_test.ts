// The engine must run inside a Deno worker that has no permissions at all
// (the sandbox runs guests that way): no env, read, net, sys or hrtime access.
import assert from "node:assert/strict";
import { wat } from "../helpers/wat.ts";

Deno.test("engine runs in a worker with permissions: none [porta]", async () => {
  const bytes = await wat(`(module (memory 1)
    (func (export "run") (param i32) (result i32) (local i32)
      (block $d (loop $l (br_if $d (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (local.get 0)))
        (i32.store (i32.const 0) (local.get 1))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br $l)))
      (i32.load (i32.const 0))))`);
  const worker = new Worker(
    new URL("./_noperm_worker.ts", import.meta.url).href,
    {
      type: "module",
      deno: { permissions: "none" },
    } as WorkerOptions,
  );
  try {
    const reply = await new Promise<any>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(`worker failed: ${e.message}`));
      };
      worker.postMessage(bytes);
    });
    assert.deepEqual(reply.error, undefined, reply.error);
    assert.equal(reply.ok, 55);
    assert.ok(reply.steps > 0);
  } finally {
    worker.terminate();
  }
});
