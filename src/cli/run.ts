/**
 * `porta run <agent.wasm> [options] [-- guest args]`: runs a WASI agent with
 * stdout/stderr streaming through; the guest's exit code becomes Porta's.
 *
 * Exit codes: the guest's exit code; 1 when the guest traps, hits a limit or
 * times out (one `porta: error:` line says why); 2 for usage errors; 130 when
 * interrupted with Ctrl-C (the guest is stopped, its worker discarded).
 *
 * @module
 */

import { Agent } from "../agent/agent.ts";
import { formatRunSummary } from "../agent/metrics.ts";
import {
  AGENT_OPTIONS,
  HELP_OPTION,
  LIMIT_OPTIONS,
  type OptionTable,
  parseCommandArgs,
  resolveCommonFlags,
  RUN_OPTIONS,
  UsageError,
} from "./flags.ts";
import { errorLine } from "./output.ts";

const OPTIONS: OptionTable = {
  ...AGENT_OPTIONS,
  "step-limit": LIMIT_OPTIONS["step-limit"],
  "max-memory": LIMIT_OPTIONS["max-memory"],
  timeout: LIMIT_OPTIONS.timeout,
  ...RUN_OPTIONS,
  ...HELP_OPTION,
};

const encoder = new TextEncoder();

function writeAllSync(
  w: { writeSync(p: Uint8Array): number },
  b: Uint8Array,
): void {
  let off = 0;
  while (off < b.length) off += w.writeSync(b.subarray(off));
}

function stderrLine(text: string): void {
  writeAllSync(
    Deno.stderr,
    encoder.encode(text.endsWith("\n") ? text : text + "\n"),
  );
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
  const agent = await Agent.load(wasm, {
    manifestPath: flags.manifestPath,
    profile: flags.profile,
    env: flags.env,
    secrets: flags.secrets,
    dirs: flags.dirs,
    limits: flags.limits,
    poolSize: 1,
  });
  const abort = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    abort.abort();
  };
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onSigint);
    listening = true;
  } catch {
    // signals unavailable (e.g. some platforms): Ctrl-C then ends the process
  }
  try {
    const result = await agent.run({
      args: [...extra, ...rest],
      entry: flags.entry,
      restart: flags.restart,
      signal: abort.signal,
      onStdout: (b) => writeAllSync(Deno.stdout, b),
      onStderr: (b) => writeAllSync(Deno.stderr, b),
      onRestart: (n, prev) => {
        const why = prev.trap !== undefined
          ? prev.trap.split("\n")[0]
          : `exit code ${prev.exitCode}`;
        stderrLine(
          `[porta] restarting (${n}/${flags.restart.maxRestarts}) after ${why}`,
        );
      },
    });
    if (interrupted || result.cancelled) {
      stderrLine("porta: interrupted");
      stderrLine(formatRunSummary(result));
      return 130;
    }
    if (result.error !== undefined) stderrLine(errorLine(result.error));
    stderrLine(formatRunSummary(result));
    return result.exitCode ?? 1;
  } finally {
    if (listening) Deno.removeSignalListener("SIGINT", onSigint);
    await agent.close();
  }
}
