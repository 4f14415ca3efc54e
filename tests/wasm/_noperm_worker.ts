// Worker for noperm_test.ts: runs the engine with no Deno permissions at all.
import * as wa from "../../src/wasm/mod.ts";

const self = globalThis as unknown as {
  onmessage: (e: MessageEvent<Uint8Array>) => void;
  postMessage: (m: unknown) => void;
};
self.onmessage = (e: MessageEvent<Uint8Array>): void => {
  try {
    const inst = new wa.Instance(new wa.Module(e.data), {}, {
      fuel: 1_000_000,
    });
    const exports = inst.exports as Record<
      string,
      (...a: unknown[]) => unknown
    >;
    self.postMessage({ ok: exports.run(10), steps: wa.stepsUsed(inst) });
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
};
