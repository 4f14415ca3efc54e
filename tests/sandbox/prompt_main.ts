/**
 * Subprocess of tests/hostile/prompt_test.ts, run on a pseudo-terminal
 * (`script`) WITHOUT `--no-prompt`: a guest worker with narrowed permissions
 * (read/write on one directory) probes Deno APIs outside its grants through
 * the test hook of `noprompt_worker.ts`, under a 3 s job timeout. Prints the
 * probe lines, then `DONE <ms>`.
 *
 * Usage: prompt_main.ts <inside-dir> <outside-dir>
 */
import { GuestWall } from "../../src/sandbox/wall.ts";
import { PROFILES } from "../../src/sandbox/capabilities.ts";
import { HELLO } from "./guests.ts";

const [inside, outside] = Deno.args;
const t0 = performance.now();
const wall = await GuestWall.create(await HELLO, {
  grants: new Set(PROFILES.full),
  preopens: [{ guestPath: "/data", hostPath: inside, writable: true }],
  workerUrl: new URL("./noprompt_worker.ts", import.meta.url),
});
let out = "";
const r = await wall.run({
  args: [
    "__probe__",
    `read:${inside}/a.txt`,
    `read:${outside}/secret.txt`,
    `readdir:${outside}`,
    `write:${outside}/new.txt`,
    `symlink:a.txt=>${inside}/alias`,
    "env",
    "envval",
    "net",
    "run",
  ],
  env: {},
}, {
  onStdout: (b) => void (out += new TextDecoder().decode(b)),
  timeoutMs: 3000,
});
wall.terminate();
console.log(out.trimEnd());
console.log(`EXIT ${r.exitCode} ${r.trap ?? ""}`);
console.log(`DONE ${Math.round(performance.now() - t0)}`);
