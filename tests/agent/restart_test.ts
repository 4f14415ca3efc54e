import { assertEquals, assertThrows } from "./asserts.ts";
import { parseRestartMode, shouldRestart } from "../../src/agent/restart.ts";

Deno.test("restart: modes and bounds", () => {
  const fail = { exitCode: 1, cancelled: false };
  const clean = { exitCode: 0, cancelled: false };
  const trap = { exitCode: null, cancelled: false };
  const onf = { mode: "on-failure" as const, maxRestarts: 2 };
  assertEquals(shouldRestart(onf, fail, 0), true);
  assertEquals(shouldRestart(onf, trap, 1), true);
  assertEquals(shouldRestart(onf, fail, 2), false);
  assertEquals(shouldRestart(onf, clean, 0), false);
  const always = { mode: "always" as const, maxRestarts: 1 };
  assertEquals(shouldRestart(always, clean, 0), true);
  assertEquals(shouldRestart(always, clean, 1), false);
  assertEquals(
    shouldRestart(always, { exitCode: 1, cancelled: true }, 0),
    false,
  );
  assertEquals(shouldRestart({ mode: "no", maxRestarts: 9 }, fail, 0), false);
  assertEquals(parseRestartMode("always"), "always");
  assertThrows(
    () => parseRestartMode("sometimes"),
    /invalid restart mode "sometimes"/,
  );
});
