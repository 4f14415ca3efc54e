import { assertEquals } from "../agent/asserts.ts";
import { dirWarnings } from "../../src/cli/run.ts";

Deno.test("run: --dir warnings when the grants make it useless or read-only", () => {
  const ro = { hostPath: "/tmp", guestPath: "/t", writable: false };
  const rw = { ...ro, writable: true };
  assertEquals(dirWarnings([], new Set()), []);
  assertEquals(dirWarnings([ro], new Set(["io"])), [
    "[porta] warning: --dir is ignored: the fs capability is not granted (see --profile)",
  ]);
  assertEquals(dirWarnings([rw], new Set(["fs"])), [
    "[porta] warning: --dir ...:rw is read-only: the fs.write capability is not granted",
  ]);
  assertEquals(dirWarnings([ro], new Set(["fs"])), []);
  assertEquals(dirWarnings([rw], new Set(["fs", "fs.write"])), []);
});
