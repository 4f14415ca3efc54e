/**
 * TEST-ONLY worker that accepts the module and then never answers a job (an
 * idle event loop, which `Worker.terminate()` does stop): it stands for a
 * worker whose guest ignores the cancellation flag, to test the grace period
 * after which the wall terminates and replaces the worker.
 */
const scope = self as unknown as {
  postMessage(m: unknown): void;
  onmessage: ((e: MessageEvent) => void) | null;
};
scope.onmessage = (e: MessageEvent) => {
  if (e.data?.t === "init") scope.postMessage({ t: "ready" });
};
