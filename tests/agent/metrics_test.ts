import { assertEquals } from "./asserts.ts";
import {
  formatCallLine,
  formatMs,
  formatRunSummary,
  MetricsCollector,
} from "../../src/agent/metrics.ts";

Deno.test("metrics: run summary, per-call line and serve summary", () => {
  assertEquals(formatMs(3.14159), "3.1ms");
  assertEquals(formatMs(12.6), "13ms");
  assertEquals(formatMs(-1), "0ms");
  assertEquals(
    formatRunSummary({
      steps: 1234,
      memoryPages: 2,
      restarts: 1,
      durationMs: 25.4,
    }),
    "[porta] steps=1234 memory=2 pages restarts=1 time=25ms",
  );
  const call = {
    tool: "fib",
    steps: 99,
    memoryPages: 3,
    isError: false,
    durationMs: 1.25,
  };
  assertEquals(
    formatCallLine(call),
    "[porta] tool=fib steps=99 memory=3 ok duration=1.3ms",
  );
  assertEquals(
    formatCallLine({ ...call, isError: true }),
    "[porta] tool=fib steps=99 memory=3 error duration=1.3ms",
  );
  const m = new MetricsCollector();
  m.record(call);
  m.record({ ...call, isError: true, memoryPages: 5, durationMs: 20 });
  assertEquals([m.calls, m.errors, m.steps, m.maxMemoryPages], [2, 1, 198, 5]);
  assertEquals(m.summary(), "[porta] calls=2 errors=1 steps=198 time=21ms");
});
