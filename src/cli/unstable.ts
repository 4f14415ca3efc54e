/**
 * Porta's sandbox narrows each guest worker's permissions, which Deno 2.9
 * allows only with `--unstable-worker-options`; without it Deno ends the
 * process (exit 70) with its own message the moment the worker is created.
 * This check finds the common case first and lets `porta` say so in one line.
 *
 * @module
 */

import { parseJsonc } from "../agent/jsonc.ts";

/**
 * True only when it is certain that `--unstable-worker-options` is off: a
 * `deno run` whose command line lacks the flag and whose configuration file
 * (none with `--no-config`, `--config PATH`, or the `deno.json(c)` Deno finds
 * from the main module's directory up, or from the working directory for a
 * remote main module) does not list `"worker-options"` under
 * `"unstable"`. Anything it cannot tell (compiled binary, no /proc, an
 * unreadable config) counts as enabled.
 */
export function workerOptionsMissing(): boolean {
  const build = Deno.build as { standalone?: boolean };
  if (build.standalone !== false) return false;
  let args: string[];
  try {
    args = Deno.readTextFileSync("/proc/self/cmdline").split("\0");
  } catch {
    return false;
  }
  if (
    args.some((a) => a === "--unstable-worker-options" || a === "--unstable")
  ) {
    return false;
  }
  if (args.includes("--no-config")) return true;
  let config: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--config" || a === "-c") config = args[i + 1];
    else if (a.startsWith("--config=")) config = a.slice(9);
  }
  try {
    if (config === undefined) config = findConfig(configSearchStart());
    if (config === undefined) return true;
    const json = parseJsonc(Deno.readTextFileSync(config)) as {
      unstable?: unknown;
    };
    return !(Array.isArray(json?.unstable) &&
      json.unstable.includes("worker-options"));
  } catch {
    return false;
  }
}

function configSearchStart(): string {
  const main = new URL(Deno.mainModule);
  if (main.protocol !== "file:") return Deno.cwd();
  return decodeURIComponent(main.pathname).replace(/\/[^/]*$/, "") || "/";
}

function findConfig(dir: string): string | undefined {
  for (let d = dir;;) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      try {
        if (Deno.statSync(`${d}/${name}`).isFile) return `${d}/${name}`;
      } catch {
        // not here
      }
    }
    const up = d.replace(/\/[^/]*$/, "");
    if (up === d || up === "") return undefined;
    d = up;
  }
}
