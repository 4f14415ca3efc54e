/**
 * Restart policies for `porta run --restart no|on-failure|always`.
 *
 * - `no` (default): the guest runs once.
 * - `on-failure`: the guest is restarted (in a fresh instance) when it exits
 *   with a non-zero code, traps or hits a limit; a clean exit 0 stops.
 * - `always`: the guest is restarted after every exit, clean or not.
 *
 * Restarts are always bounded by `maxRestarts` (default
 * {@link DEFAULT_MAX_RESTARTS}); cancellation (Ctrl-C / abort signal) and
 * timeouts never trigger a restart.
 *
 * @module
 */

/** Names of the restart modes. */
export type RestartMode = "no" | "on-failure" | "always";

/** All restart mode names, in help order. */
export const RESTART_MODES: readonly RestartMode[] = [
  "no",
  "on-failure",
  "always",
];

/** Default upper bound on restarts when a restarting mode is chosen. */
export const DEFAULT_MAX_RESTARTS = 3;

/** A restart policy: the mode plus the bound on restarts. */
export interface RestartPolicy {
  /** When to restart. */
  mode: RestartMode;
  /** Maximum number of restarts (not counting the first run). */
  maxRestarts: number;
}

/** The policy used when none is given: run once. */
export const NO_RESTART: RestartPolicy = { mode: "no", maxRestarts: 0 };

/** Parses a restart mode name; throws a one-line `Error` for anything else. */
export function parseRestartMode(value: string): RestartMode {
  if ((RESTART_MODES as readonly string[]).includes(value)) {
    return value as RestartMode;
  }
  throw new Error(
    `invalid restart mode "${value}" (expected ${RESTART_MODES.join(", ")})`,
  );
}

/** Outcome of one attempt, as far as the restart decision is concerned. */
export interface AttemptOutcome {
  /** The guest exit code, or null when it did not exit normally. */
  exitCode: number | null;
  /** True when the attempt was cancelled or timed out (never restarted). */
  cancelled: boolean;
}

/**
 * Decides whether another attempt should run after `outcome`, given that
 * `restartsSoFar` restarts already happened.
 */
export function shouldRestart(
  policy: RestartPolicy,
  outcome: AttemptOutcome,
  restartsSoFar: number,
): boolean {
  if (outcome.cancelled) return false;
  if (restartsSoFar >= policy.maxRestarts) return false;
  switch (policy.mode) {
    case "no":
      return false;
    case "always":
      return true;
    case "on-failure":
      return outcome.exitCode !== 0;
  }
}
