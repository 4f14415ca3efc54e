/**
 * Subprocess used by wall_inherit_test.ts: runs the ECHO guest in a wall with
 * `stdin: "inherit"`, so the guest worker reads this process's stdin, and
 * copies guest stdout to this process's stdout. Exits with the guest's code.
 */
import { GuestWall } from "../../src/sandbox/wall.ts";
import { ECHO } from "./guests.ts";

const wall = await GuestWall.create(await ECHO, {
  grants: new Set(["io", "process"]),
  preopens: [],
  workerUrl: new URL("./reference_worker.ts", import.meta.url),
});
const r = await wall.run({ args: ["echo", "x"], env: {}, stdin: "inherit" }, {
  onStdout: (b) => Deno.stdout.writeSync(b),
});
wall.terminate();
Deno.exit(r.exitCode ?? 99);
