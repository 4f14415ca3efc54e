/**
 * Installed first in every guest worker: an uncaught error or unhandled
 * promise rejection inside the worker is reported to the wall as one
 * `{ t: "fatal" }` message instead of Deno printing its own stack trace
 * (a `preventDefault()` on the parent's `error` event does not stop that;
 * only listeners inside the worker do). The wall then fails the running job
 * with one line and replaces the worker.
 *
 * @module
 */

/** The message a guarded worker posts when something escaped its job loop. */
export interface FatalReply {
  /** Discriminator. */
  t: "fatal";
  /** First line of the error's message. */
  message: string;
}

function firstLine(value: unknown): string {
  const text = value instanceof Error ? value.message : String(value);
  return text.split("\n")[0];
}

/** Installs the guard on a worker scope (`self` inside the worker). */
export function installWorkerGuard(scope: {
  addEventListener(
    type: "error" | "unhandledrejection",
    fn: (e: Event) => void,
  ): void;
  postMessage(m: FatalReply): void;
}): void {
  scope.addEventListener("error", (e: Event) => {
    e.preventDefault();
    const ev = e as ErrorEvent;
    scope.postMessage({
      t: "fatal",
      message: firstLine(ev.error ?? ev.message),
    });
  });
  scope.addEventListener("unhandledrejection", (e: Event) => {
    e.preventDefault();
    scope.postMessage({
      t: "fatal",
      message: firstLine((e as PromiseRejectionEvent).reason),
    });
  });
}

installWorkerGuard(self as unknown as Parameters<typeof installWorkerGuard>[0]);
