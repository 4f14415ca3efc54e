/**
 * Subprocess for cpu_test.ts: runs one hostile guest in a GuestPool with a
 * 300 ms timeout, waits 1 s, then measures this process's CPU time (all
 * threads, from /proc/self/stat) over the next second and prints one JSON
 * line `{trap, cpuMs}`.
 */
import { GuestPool } from "../../src/sandbox/wall.ts";
import type { Capability } from "../../src/sandbox/capabilities.ts";
import { GUESTS } from "./cpu_guests.ts";

function cpuMs(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 (1-based), in clock ticks (100 Hz)
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const name = Deno.args[0] as keyof typeof GUESTS;
const guest = GUESTS[name];
const dir = Deno.makeTempDirSync({ prefix: "porta-cpu-" });
const pool = await GuestPool.create(await guest.wasm, {
  grants: new Set<Capability>(guest.grants),
  preopens: [{ hostPath: dir, guestPath: "/d", writable: true }],
  size: 1,
});
const r = await pool.run({ args: ["g"], env: {} }, { timeoutMs: 300 });
await new Promise((res) => setTimeout(res, 1000));
const c0 = cpuMs();
await new Promise((res) => setTimeout(res, 1000));
const used = cpuMs() - c0;
console.log(JSON.stringify({ trap: r.trap, cpuMs: used }));
await pool.close();
Deno.removeSync(dir, { recursive: true });
