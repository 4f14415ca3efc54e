/**
 * TEST-ONLY worker: installs the production guard, accepts the module, then
 * throws an uncaught error (asynchronously, outside any handler) as soon as a
 * job arrives — or at init when the module bytes are empty.
 */
import "../../src/sandbox/worker_guard.ts";

const scope = self as unknown as {
  postMessage(m: unknown): void;
  onmessage: ((e: MessageEvent) => void) | null;
};
scope.onmessage = (e: MessageEvent) => {
  if (e.data?.t === "init" && e.data.wasm.byteLength > 0) {
    scope.postMessage({ t: "ready" });
    return;
  }
  setTimeout(() => {
    throw new Error("boom in the worker\n    at somewhere (file.ts:1:1)");
  });
};
