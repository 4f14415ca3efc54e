/**
 * `porta run <agent.wasm> [options] [-- guest args]`: runs a WASI agent with
 * stdout/stderr streaming through; the guest's exit code becomes Porta's.
 *
 * Exit codes: the guest's exit code; 1 when the guest traps, hits a limit or
 * times out (one `porta: error:` line says why); 2 for usage errors; 130 when
 * interrupted with Ctrl-C (SIGINT), 143 on SIGTERM (the guest is stopped, its
 * worker discarded); 141 when stdout was closed by its reader.
 *
 * Output: guest stdout and stderr are written asynchronously (never
 * `writeSync`), in order, with secrets redacted by the Agent. A reader that
 * stops reading slows the guest (its writes wait, see `RunOptions.onStdout`),
 * never the process: Ctrl-C and SIGTERM still end it at once. After a signal,
 * output still queued gets {@link SIGNAL_DRAIN_MS} to be written, then the
 * process exits without it; a second Ctrl-C exits at once.
 *
 * @module
 */

import { Agent } from "../agent/agent.ts";
import { formatRunSummary } from "../agent/metrics.ts";
import { printable } from "../agent/printable.ts";
import {
  AGENT_OPTIONS,
  type DirSpec,
  ENGINE_OPTIONS,
  HELP_OPTION,
  LIMIT_OPTIONS,
  type OptionTable,
  parseCommandArgs,
  resolveCommonFlags,
  RUN_OPTIONS,
  UsageError,
} from "./flags.ts";
import { errorLine } from "./output.ts";
import { AsyncWriter } from "./async_writer.ts";
import {
  effectivePreopens,
  type Preopen,
  shadowedReadOnly,
} from "../sandbox/permissions.ts";
import type { Capability } from "../sandbox/capabilities.ts";

const OPTIONS: OptionTable = {
  ...AGENT_OPTIONS,
  "step-limit": LIMIT_OPTIONS["step-limit"],
  "max-memory": LIMIT_OPTIONS["max-memory"],
  timeout: LIMIT_OPTIONS.timeout,
  ...ENGINE_OPTIONS,
  ...RUN_OPTIONS,
  ...HELP_OPTION,
};

/** Exit code when stdout was closed by the reader (like a process killed by SIGPIPE). */
export const EXIT_BROKEN_PIPE = 141;

/**
 * After SIGINT or SIGTERM, how long output still queued may take to be
 * written before `porta run` exits anyway (a reader that stopped reading
 * must not keep the process alive): 250 ms.
 */
export const SIGNAL_DRAIN_MS = 250;

/**
 * Warnings about `--dir` grants that do not do what they say: the fs
 * capability is missing (every --dir is ignored), `:rw` without `fs.write`
 * (read-only), or a read-only directory inside a writable one (the guest can
 * change it through the writable one).
 */
export function dirWarnings(
  dirs: readonly DirSpec[],
  grants: ReadonlySet<string>,
): string[] {
  if (dirs.length === 0) return [];
  if (!grants.has("fs")) {
    return [
      "[porta] warning: --dir is ignored: the fs capability is not granted (see --profile)",
    ];
  }
  const out: string[] = [];
  if (!grants.has("fs.write") && dirs.some((d) => d.writable)) {
    out.push(
      "[porta] warning: --dir ...:rw is read-only: the fs.write capability is not granted",
    );
  }
  let effective: Preopen[];
  try {
    effective = effectivePreopens(dirs, grants as ReadonlySet<Capability>);
  } catch {
    return out; // a missing directory was already reported at load
  }
  for (const [ro, rw] of shadowedReadOnly(effective)) {
    out.push(printable(
      `[porta] warning: --dir ${ro.guestPath} is read-only but lies inside the writable ${rw.guestPath}: the guest can change it through ${rw.guestPath}`,
    ));
  }
  return out;
}

/** Implements `porta run`; returns the exit code. */
export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals, rest } = parseCommandArgs("run", argv, OPTIONS);
  const [wasm, ...extra] = positionals;
  if (wasm === undefined) {
    throw new UsageError(
      "missing <agent.wasm> (usage: porta run <agent.wasm> [options] [-- guest args])",
    );
  }
  const flags = resolveCommonFlags(values);
  const abort = new AbortController();
  const stderr = new AsyncWriter(Deno.stderr);
  const stderrLine = (text: string): Promise<void> =>
    stderr.write(text.endsWith("\n") ? text : text + "\n");
  let stdoutClosed = false;
  let stdoutError: string | undefined;
  const stdout = new AsyncWriter(Deno.stdout, {
    onError: (e) => {
      // The reader went away (e.g. `porta run ... | head`): stop the guest
      // quietly. Any other failure (disk full, I/O error) is reported.
      stdoutClosed = true;
      if (!(e instanceof Deno.errors.BrokenPipe)) {
        stdoutError = e instanceof Error ? e.message : String(e);
      }
      abort.abort();
    },
  });
  /** The signal that stopped the run, if any. */
  let stoppedBy: "SIGINT" | "SIGTERM" | undefined;
  const onSignal = (sig: "SIGINT" | "SIGTERM") => {
    if (stoppedBy !== undefined) {
      // A second signal leaves at once, whatever the guest or a full pipe
      // is doing.
      Deno.exit(stoppedBy === "SIGTERM" ? 143 : 130);
    }
    stoppedBy = sig;
    abort.abort();
  };
  const onSigint = () => onSignal("SIGINT");
  const onSigterm = () => onSignal("SIGTERM");
  const listeners: [Deno.Signal, () => void][] = [];
  for (
    const [sig, fn] of [["SIGINT", onSigint], ["SIGTERM", onSigterm]] as [
      Deno.Signal,
      () => void,
    ][]
  ) {
    try {
      Deno.addSignalListener(sig, fn);
      listeners.push([sig, fn]);
    } catch {
      // signals unavailable (e.g. some platforms): the default action applies
    }
  }
  const unlisten = () => {
    for (const [sig, fn] of listeners.splice(0)) {
      Deno.removeSignalListener(sig, fn);
    }
  };
  const signalCode = () => stoppedBy === "SIGTERM" ? 143 : 130;
  /** Waits for queued output: without limit normally, briefly after a signal. */
  const drain = async () => {
    const limit = stoppedBy !== undefined ? SIGNAL_DRAIN_MS : undefined;
    const t0 = performance.now();
    await stdout.drain(limit);
    const left = limit === undefined
      ? undefined
      : Math.max(0, limit - (performance.now() - t0));
    await stderr.drain(left);
  };
  let agent: Agent;
  try {
    agent = await Agent.load(wasm, {
      manifestPath: flags.manifestPath,
      profile: flags.profile,
      env: flags.env,
      secrets: flags.secrets,
      dirs: flags.dirs,
      limits: flags.limits,
      poolSize: 1,
      strictImports: flags.strictImports,
      tier: flags.tier,
    });
  } catch (e) {
    unlisten();
    throw e;
  }
  for (const line of dirWarnings(flags.dirs, agent.grants)) stderrLine(line);
  if (stoppedBy !== undefined) {
    // Ctrl-C or SIGTERM while loading: nothing ran.
    unlisten();
    await agent.close();
    stderrLine("porta: interrupted");
    await drain();
    return signalCode();
  }
  try {
    const result = await agent.run({
      args: [...extra, ...rest],
      entry: flags.entry,
      restart: flags.restart,
      signal: abort.signal,
      // the promises carry backpressure to the guest
      onStdout: (b) => stdoutClosed ? undefined : stdout.write(b),
      onStderr: (b) => stderr.write(b),
      // one line per distinct call refused for want of a grant
      onDenied: (line) => void stderrLine(line),
      onRestart: (n, prev) => {
        const why = prev.trap !== undefined
          ? prev.trap.split("\n")[0]
          : `exit code ${prev.exitCode}`;
        stderrLine(printable(
          `[porta] restarting (${n}/${flags.restart.maxRestarts}) after ${why}`,
        ));
      },
    });
    // a reader that never reads must not make Porta deaf to Ctrl-C/SIGTERM
    if (stoppedBy === undefined) {
      await untilAborted(stdout.drain(), abort.signal);
    }
    if (stdoutError !== undefined) {
      stderrLine(errorLine(`cannot write stdout: ${stdoutError}`));
      stderrLine(formatRunSummary({ ...result, tier: flags.tier }));
      await drain();
      return 1;
    }
    if (stdoutClosed && stoppedBy === undefined) {
      stderrLine(formatRunSummary({ ...result, tier: flags.tier }));
      await drain();
      return EXIT_BROKEN_PIPE;
    }
    if (stoppedBy !== undefined || result.cancelled) {
      stderrLine("porta: interrupted");
      stderrLine(formatRunSummary({ ...result, tier: flags.tier }));
      await drain();
      return signalCode();
    }
    if (result.error !== undefined) stderrLine(errorLine(result.error));
    stderrLine(formatRunSummary({ ...result, tier: flags.tier }));
    await drain();
    return result.exitCode ?? 1;
  } finally {
    unlisten();
    await agent.close();
  }
}

/** Resolves when `p` settles or `signal` is aborted, whichever comes first. */
export function untilAborted(
  p: Promise<unknown>,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done);
    p.then(done, done);
  });
}
