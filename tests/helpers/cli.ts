/**
 * Spawning the Porta CLI from tests: one child `deno run ... cli.ts`
 * process, its whole stdout and stderr collected as text.
 */

/** The repository root (ends with `/`). */
export const ROOT: string = new URL("../../", import.meta.url).pathname;

/** The path of the CLI entry point, `<ROOT>cli.ts`. */
export const CLI: string = `${ROOT}cli.ts`;

/** What a finished `porta` child process left behind. */
export interface PortaOutput {
  /** The exit code. */
  code: number;
  /** Everything written to stdout, decoded as UTF-8. */
  stdout: string;
  /** Everything written to stderr, decoded as UTF-8. */
  stderr: string;
}

/** Options of {@link runPorta}. */
export interface RunPortaOptions {
  /** Written to the child's stdin, which is then closed; without it stdin is `"null"`. */
  stdin?: string | Uint8Array;
  /** Extra environment variables, added to the inherited environment (after `NO_COLOR`). */
  env?: Record<string, string>;
  /** The child's working directory; the repository root by default. */
  cwd?: string;
  /** Pass `--no-prompt` to Deno (default true). */
  noPrompt?: boolean;
  /** Set `NO_COLOR=1` in the child's environment (default true). */
  noColor?: boolean;
}

/**
 * Runs `deno run -A --unstable-worker-options [--no-prompt] <ROOT>cli.ts
 * ...args` to the end and returns its exit code, stdout and stderr. The
 * child inherits this process's environment plus `NO_COLOR=1` (unless
 * `noColor` is false) and `opts.env`.
 */
export async function runPorta(
  args: string[],
  opts: RunPortaOptions = {},
): Promise<PortaOutput> {
  const env = {
    ...(opts.noColor === false ? {} : { NO_COLOR: "1" }),
    ...(opts.env ?? {}),
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-worker-options",
      ...(opts.noPrompt === false ? [] : ["--no-prompt"]),
      CLI,
      ...args,
    ],
    cwd: opts.cwd ?? ROOT,
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env,
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(
      typeof opts.stdin === "string"
        ? new TextEncoder().encode(opts.stdin)
        : opts.stdin,
    );
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}
