/**
 * Subprocess used by cancel_test.ts: a guest reading the inherited stdin
 * (which stays open and silent) times out; one JSON line reports it. Then the
 * same worker runs the guest again, which gets the input the test writes only
 * after that line (none of it was lost to the cancelled job), and a second
 * JSON line reports the echo. The process must then exit by itself.
 */
import { GuestWall } from "../../src/sandbox/wall.ts";
import { ECHO } from "./guests.ts";

const wall = await GuestWall.create(await ECHO, {
  grants: new Set(["io", "process"]),
  preopens: [],
});
const job = { args: ["echo"], env: {}, stdin: "inherit" as const };
const first = await wall.run(job, { timeoutMs: 300 });
console.log(JSON.stringify({ exitCode: first.exitCode, trap: first.trap }));
let out = "";
const second = await wall.run(job, {
  onStdout: (b) => out += new TextDecoder().decode(b),
});
console.log(
  JSON.stringify({ exitCode: second.exitCode, out, restarts: wall.restarts }),
);
wall.terminate();
