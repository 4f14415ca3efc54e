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

import { Agent, secretRedactor } from "../agent/agent.ts";
import { formatRunSummary } from "../agent/metrics.ts";
import { printable } from "../agent/printable.ts";
import {
  AGENT_OPTIONS,
  type DirSpec,
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
  try {
    writeAllSync(
      Deno.stderr,
      encoder.encode(text.endsWith("\n") ? text : text + "\n"),
    );
  } catch {
    // stderr closed: nothing more to say
  }
}

/** Exit code when stdout was closed by the reader (like a process killed by SIGPIPE). */
export const EXIT_BROKEN_PIPE = 141;

/**
 * Passes guest stderr through line by line with secret values replaced by
 * `[REDACTED]` (a line longer than 64 KiB is flushed in pieces). Without
 * secrets the bytes pass through untouched, as they arrive.
 */
export class LineRedactor {
  #redact: (t: string) => string;
  #sink: (b: Uint8Array) => void;
  #passthrough: boolean;
  #pending = "";
  #decoder = new TextDecoder();

  /** Creates a redactor for `secrets` writing to `sink`. */
  constructor(secrets: Record<string, string>, sink: (b: Uint8Array) => void) {
    this.#redact = secretRedactor(secrets);
    this.#sink = sink;
    this.#passthrough = !Object.values(secrets).some((v) => v !== "");
  }

  /** Accepts a chunk of guest output. */
  write(b: Uint8Array): void {
    if (this.#passthrough) return this.#sink(b);
    this.#pending += this.#decoder.decode(b, { stream: true });
    const nl = this.#pending.lastIndexOf("\n");
    if (nl >= 0) {
      this.#emit(this.#pending.slice(0, nl + 1));
      this.#pending = this.#pending.slice(nl + 1);
    }
    if (this.#pending.length > 65536) {
      this.#emit(this.#pending);
      this.#pending = "";
    }
  }

  /** Writes whatever is buffered. */
  flush(): void {
    if (this.#passthrough) return;
    this.#pending += this.#decoder.decode();
    if (this.#pending !== "") this.#emit(this.#pending);
    this.#pending = "";
  }

  #emit(text: string): void {
    this.#sink(encoder.encode(this.#redact(text)));
  }
}

/** Warnings for `--dir` options the grants make useless or read-only. */
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
  if (!grants.has("fs.write") && dirs.some((d) => d.writable)) {
    return [
      "[porta] warning: --dir ...:rw is read-only: the fs.write capability is not granted",
    ];
  }
  return [];
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
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) {
      // A second Ctrl-C leaves at once, whatever the guest is doing.
      stderrLine("porta: interrupted");
      Deno.exit(130);
    }
    interrupted = true;
    abort.abort();
  };
  const stderr = new LineRedactor(flags.secrets, (b) => {
    try {
      writeAllSync(Deno.stderr, b);
    } catch {
      // stderr closed: drop guest diagnostics
    }
  });
  let stdoutClosed = false;
  let stdoutError: string | undefined;
  const onStdout = (b: Uint8Array) => {
    if (stdoutClosed) return;
    try {
      writeAllSync(Deno.stdout, b);
    } catch (e) {
      // The reader went away (e.g. `porta run ... | head`): stop the guest
      // quietly. Any other failure (disk full, I/O error) is reported.
      stdoutClosed = true;
      if (!(e instanceof Deno.errors.BrokenPipe)) {
        stdoutError = e instanceof Error ? e.message : String(e);
      }
      abort.abort();
    }
  };
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onSigint);
    listening = true;
  } catch {
    // signals unavailable (e.g. some platforms): Ctrl-C then ends the process
  }
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
    });
  } catch (e) {
    if (listening) Deno.removeSignalListener("SIGINT", onSigint);
    throw e;
  }
  for (const line of dirWarnings(flags.dirs, agent.grants)) stderrLine(line);
  if (interrupted) {
    // Ctrl-C while loading: nothing ran.
    if (listening) Deno.removeSignalListener("SIGINT", onSigint);
    await agent.close();
    stderrLine("porta: interrupted");
    return 130;
  }
  try {
    const result = await agent.run({
      args: [...extra, ...rest],
      entry: flags.entry,
      restart: flags.restart,
      signal: abort.signal,
      onStdout,
      onStderr: (b) => stderr.write(b),
      onRestart: (n, prev) => {
        stderr.flush();
        const why = prev.trap !== undefined
          ? prev.trap.split("\n")[0]
          : `exit code ${prev.exitCode}`;
        stderrLine(printable(
          `[porta] restarting (${n}/${flags.restart.maxRestarts}) after ${why}`,
        ));
      },
    });
    stderr.flush();
    if (stdoutError !== undefined) {
      stderrLine(errorLine(`cannot write stdout: ${stdoutError}`));
      stderrLine(formatRunSummary(result));
      return 1;
    }
    if (stdoutClosed) {
      stderrLine(formatRunSummary(result));
      return EXIT_BROKEN_PIPE;
    }
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
