/**
 * Issue #9, item 6: `porta serve` answers `initialize` before its guest
 * workers are warm. Workers start in the background, one at a time (creating
 * a Deno worker blocks the main thread), so the answer never waits for them;
 * the first call waits only for one worker; a worker that fails to start
 * fails the calls it gets with one line. Ordering, not timing, is asserted
 * (the measured times are in the README: `bench/serve_startup.ts`).
 */
import assert from "node:assert/strict";
import { GuestPool } from "../../src/sandbox/wall.ts";
import type { Capability } from "../../src/sandbox/capabilities.ts";
import { HELLO } from "../sandbox/guests.ts";
import { measureOnce } from "../../bench/serve_startup.ts";
import { DEMO } from "./e2e_helpers.ts";

const IO = new Set<Capability>(["io"]);

Deno.test("startup: porta serve answers initialize before its workers are ready, then a call", async () => {
  const r = await measureOnce(DEMO);
  assert.ok(Number.isFinite(r.initMs), "no answer to initialize");
  assert.ok(Number.isFinite(r.callMs), "no answer to the first call");
  // the answer came first; the 4 workers (default --concurrency) later
  assert.deepEqual(r.order, ["initialize", "call", "workers ready"]);
  console.log(
    `  initialize ${r.initMs.toFixed(0)} ms, first call ${
      r.callMs.toFixed(0)
    } ms, workers ready ${r.warmMs?.toFixed(0)} ms after spawn`,
  );
});

Deno.test("startup: a background pool returns before any worker is ready; the first job waits for one only", async () => {
  const events: string[] = [];
  const pool = await GuestPool.create(await HELLO, {
    grants: IO,
    preopens: [],
    size: 3,
    background: true,
    onWarm: (ready, size) => events.push(`warm ${ready}/${size}`),
  });
  try {
    events.push("created");
    let out = "";
    const r = await pool.run({ args: ["hello"], env: {} }, {
      onStdout: (b) => void (out += new TextDecoder().decode(b)),
    });
    events.push("job done");
    assert.equal(r.exitCode, 0);
    assert.equal(out, "hello\n");
    assert.equal(pool.size, 3);
    // workers 2 and 3 start only after worker 1 is ready: still warming
    assert.deepEqual(events, ["created", "job done"]);
    const end = Date.now() + 20_000;
    while (events.length < 3 && Date.now() < end) {
      await new Promise((res) => setTimeout(res, 20));
    }
    assert.deepEqual(events, ["created", "job done", "warm 3/3"]);
  } finally {
    await pool.close();
  }
});

Deno.test("startup: a worker that fails to start in the background fails its calls with one line", async () => {
  let warm = "";
  const pool = await GuestPool.create(await HELLO, {
    grants: IO,
    preopens: [],
    size: 1,
    background: true,
    workerUrl: new URL("../sandbox/no_such_worker.ts", import.meta.url),
    onWarm: (ready, size) => warm = `${ready}/${size}`,
  });
  try {
    await assert.rejects(
      pool.run({ args: ["hello"], env: {} }),
      (e: Error) =>
        /^guest worker failed: /.test(e.message) && !e.message.includes("\n"),
    );
    assert.equal(warm, "0/1");
  } finally {
    await pool.close();
  }
});

Deno.test("startup: a bad --dir still fails at once in the background", async () => {
  await assert.rejects(
    GuestPool.create(await HELLO, {
      grants: new Set<Capability>(["io", "fs"]),
      preopens: [{ guestPath: "/d", hostPath: "/no/such/porta/dir" }],
      background: true,
    }),
    /no\/such\/porta\/dir/,
  );
});
