/**
 * The `porta` command dispatcher: `run | serve | call | build | inspect |
 * validate | help | version`. Every user error is one line on stderr
 * (`porta: error: ...`), exit code 2 for usage errors and 1 for runtime
 * errors; never a stack trace.
 *
 * @module
 */

import { AgentError, secretRedactor } from "../agent/agent.ts";
import { CliError, UsageError } from "./flags.ts";
import { COMMANDS, HELP } from "./help.ts";
import { VERSION } from "./version.ts";
import { runCommand } from "./run.ts";
import { serveCommand } from "./serve.ts";
import { callCommand } from "./call.ts";
import { inspectCommand } from "./inspect.ts";
import { validateCommand } from "./validate.ts";
import { buildCommand } from "./build.ts";
import { errorLine, writeErr, writeOut } from "./output.ts";
import { workerOptionsMissing } from "./unstable.ts";

/** A command implementation: arguments after the command name -> exit code. */
export type Command = (argv: string[]) => Promise<number>;

const TABLE: Record<string, Command> = {
  run: runCommand,
  serve: (argv) => serveCommand(argv),
  call: callCommand,
  inspect: inspectCommand,
  validate: validateCommand,
  build: buildCommand,
};

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return d[a.length][b.length];
}

function unknownCommand(name: string): UsageError {
  if (/\.wasm$/i.test(name)) {
    return new UsageError(
      `unknown command "${name}" (did you mean 'porta run ${name}'? see 'porta help')`,
    );
  }
  const close = COMMANDS.filter((c) => distance(c, name) <= 2);
  const hint = close.length > 0
    ? ` (did you mean '${close[0]}'? see 'porta help')`
    : " (see 'porta help' for the list of commands)";
  return new UsageError(`unknown command "${name}"${hint}`);
}

function wantsHelp(argv: string[]): boolean {
  const cut = argv.indexOf("--");
  const head = cut < 0 ? argv : argv.slice(0, cut);
  return head.includes("--help") || head.includes("-h");
}

async function dispatch(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    await writeErr(HELP[""] + "\n");
    return 2;
  }
  if (first === "--help" || first === "-h") {
    await writeOut(HELP[""] + "\n");
    return 0;
  }
  if (first === "--version" || first === "-V" || first === "version") {
    if (first === "version" && rest.length > 0 && !wantsHelp(rest)) {
      throw new UsageError("'porta version' takes no arguments");
    }
    if (first === "version" && wantsHelp(rest)) {
      await writeOut(HELP.version + "\n");
      return 0;
    }
    await writeOut(`porta ${VERSION}\n`);
    return 0;
  }
  if (first === "help") {
    const topic = rest.find((a) => a !== "--help" && a !== "-h");
    if (rest.length > 1) {
      throw new UsageError("'porta help' takes at most one command");
    }
    if (topic === undefined) {
      await writeOut(HELP[""] + "\n");
      return 0;
    }
    if (!(topic in HELP) || topic === "") throw unknownCommand(topic);
    await writeOut(HELP[topic] + "\n");
    return 0;
  }
  if (first.startsWith("-")) {
    throw new UsageError(
      `unknown option ${first} (options go after the command; see 'porta help')`,
    );
  }
  const command = TABLE[first];
  if (!command) throw unknownCommand(first);
  if (first !== "serve" && wantsHelp(rest)) {
    await writeOut(HELP[first] + "\n");
    return 0;
  }
  if (
    (first === "run" || first === "serve" || first === "call") &&
    workerOptionsMissing()
  ) {
    throw new CliError(
      `Deno must run porta with --unstable-worker-options (e.g. deno run -A --unstable-worker-options cli.ts ${first} ...)`,
    );
  }
  return await command(rest);
}

/**
 * Runs porta with `argv` (without the program name) and returns the exit
 * code. Never throws: errors are reported as one line on stderr.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    if (e instanceof Deno.errors.BrokenPipe) return 141; // reader went away (`| head`)
    // Secret values never appear in Porta's messages, whichever flag,
    // path or value an error line quotes.
    const redact = secretRedactor(secretsInArgv(argv));
    const line = (m: string) => errorLine(redact(m));
    if (e instanceof UsageError) {
      await writeErr(line(e.message));
      return 2;
    }
    if (e instanceof CliError) {
      await writeErr(line(e.message));
      return e.exitCode;
    }
    if (e instanceof AgentError) {
      await writeErr(e.lines.map(line).join(""));
      return 1;
    }
    const msg = e instanceof Error ? e.message : String(e);
    await writeErr(line(msg));
    return 1;
  }
}

/**
 * The values given with `--secret KEY=VALUE` / `--secret=KEY=VALUE` before
 * `--` (a value without `=` counts as a whole), whether or not the rest of
 * the command line is valid.
 */
export function secretsInArgv(argv: string[]): Record<string, string> {
  const cut = argv.indexOf("--");
  const head = cut < 0 ? argv : argv.slice(0, cut);
  const out: Record<string, string> = {};
  let n = 0;
  for (let i = 0; i < head.length; i++) {
    let item: string | undefined;
    if (head[i] === "--secret") item = head[++i];
    else if (head[i].startsWith("--secret=")) item = head[i].slice(9);
    if (item === undefined || item === "") continue;
    const eq = item.indexOf("=");
    out[`s${n++}`] = eq < 0 ? item : item.slice(eq + 1);
  }
  return out;
}
