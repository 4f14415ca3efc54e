/**
 * Child process of worker_guard_test.ts: an uncaught error inside a guarded
 * worker, at init and during a job, must surface as one line each.
 */
import { GuestWall } from "../../src/sandbox/wall.ts";

const workerUrl = new URL("./fatal_worker.ts", import.meta.url);
try {
  await GuestWall.create(new Uint8Array(0), {
    grants: new Set(),
    preopens: [],
    workerUrl,
  });
  console.log("init: no error");
} catch (e) {
  console.log(`init: ${(e as Error).message}`);
}
const wall = await GuestWall.create(new Uint8Array(1), {
  grants: new Set(),
  preopens: [],
  workerUrl,
});
const r = await wall.run({ args: [], env: {} });
console.log(`job: ${r.trap}`);
wall.terminate();
