/**
 * `porta build <agent.wasm> [-o PATH] [--name NAME] [--force]`: derives a
 * manifest from the module (see `deriveManifest`: the seed's format, with
 * `schema_version` "1.0", `entry` and `wasi_imports`) and writes it to
 * `<agent>.manifest.json` beside the wasm (or PATH). An existing file is
 * only replaced with `--force`.
 *
 * What `build` writes always loads: exports whose names are not valid tool
 * names and imports that are not WASI functions are left out (one
 * `porta: warning:` line each on stderr, names escaped), a name derived from
 * the file name has its control characters replaced by `_`, and the text is
 * checked with the manifest loader before it is written.
 *
 * @module
 */

import { readModule } from "../agent/agent.ts";
import { defaultRuntime } from "../agent/default_runtime.ts";
import {
  deriveManifest,
  isInternalExport,
  isToolName,
  ManifestError,
  manifestPathFor,
  type ModuleShape,
  parseManifest,
} from "../agent/manifest.ts";
import { isPrintable, printable } from "../agent/printable.ts";
import { isWasiFunction, WASI_MODULE } from "../sandbox/capabilities.ts";
import {
  CliError,
  HELP_OPTION,
  invalidModule,
  parseAgentCommand,
  stringFlag,
  UsageError,
} from "./flags.ts";
import { writeErr, writeOut } from "./output.ts";

/** At most this many "skipped" warnings are printed; the rest are counted. */
const MAX_WARNINGS = 20;

/** A name for a warning line: escaped, and cut after 100 characters. */
function shown(name: string): string {
  return printable(
    name.length > 100
      ? `${name.slice(0, 100)}... (${name.length} chars)`
      : name,
  );
}

/**
 * What `deriveManifest` would leave out of `shape` or write invalid, one
 * line each (names escaped): function exports that are not valid tool
 * names, and `wasi_snapshot_preview1` imports that are not WASI functions.
 */
export function buildWarnings(shape: ModuleShape): string[] {
  const out: string[] = [];
  for (const e of shape.exports) {
    if (e.kind !== "function" || isInternalExport(e.name)) continue;
    if (!isToolName(e.name)) {
      out.push(
        `skipped export "${
          shown(e.name)
        }": not a valid tool name (use 1-128 of A-Z a-z 0-9 _ . -)`,
      );
    }
  }
  for (const i of shape.imports) {
    if (
      i.module === WASI_MODULE && i.kind === "function" &&
      !isWasiFunction(i.name)
    ) {
      out.push(
        `import ${WASI_MODULE}.${
          shown(i.name)
        } is not a WASI function: left out of wasi_imports (the agent will not load)`,
      );
    }
  }
  return out;
}

/**
 * The agent name derived from a wasm path: the file name without `.wasm`,
 * with every character {@link printable} would escape replaced by `_` (the
 * manifest loader refuses control characters in names).
 */
export function agentNameFromPath(wasm: string): string {
  return [...stemOf(wasm)].map((c) => isPrintable(c) ? c : "_").join("");
}

/** The file name of `wasm` without its directory and `.wasm`. */
function stemOf(wasm: string): string {
  const base = wasm.slice(
    Math.max(wasm.lastIndexOf("/"), wasm.lastIndexOf("\\")) + 1,
  );
  return base.replace(/\.wasm$/i, "");
}

/** Implements `porta build`; returns the exit code. */
export async function buildCommand(argv: string[]): Promise<number> {
  const { values, wasm } = parseAgentCommand("build", argv, {
    output: { type: "string", short: "o" },
    name: { type: "string" },
    force: { type: "boolean" },
    ...HELP_OPTION,
  }, "porta build <agent.wasm> [-o PATH]");
  const given = stringFlag(values, "name");
  if (given !== undefined && given.trim() === "") {
    throw new UsageError("--name must not be empty");
  }
  if (given !== undefined && !isPrintable(given)) {
    throw new UsageError(
      `--name must not contain control characters: "${printable(given)}"`,
    );
  }
  const bytes = await readModule(wasm);
  let shape: ModuleShape;
  try {
    shape = defaultRuntime.describe(bytes);
  } catch (e) {
    throw invalidModule(wasm, e);
  }
  const name = given ?? agentNameFromPath(wasm);
  if (name.trim() === "") {
    throw new UsageError(
      `cannot derive an agent name from ${wasm} (give one with --name)`,
    );
  }
  // the seed's format: schema_version, entry, wasi_imports (WASI functions
  // only: deriveManifest leaves out names that can never link)
  const manifest = deriveManifest(shape, name);
  const out = stringFlag(values, "output") ?? manifestPathFor(wasm);
  const text = JSON.stringify(manifest, null, 2) + "\n";
  // never write what the loader (validate, run, serve) would refuse
  try {
    parseManifest(text, out);
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    throw new CliError(
      `cannot derive a valid manifest: ${e.issues[0] ?? e.message}`,
    );
  }
  const warnings = buildWarnings(shape);
  if (given === undefined && name !== stemOf(wasm)) {
    warnings.unshift(
      `agent name "${name}": control characters of the file name replaced by "_" (use --name)`,
    );
  }
  const isDir = async (): Promise<boolean> => {
    try {
      return (await Deno.stat(out)).isDirectory;
    } catch {
      return false;
    }
  };
  if (await isDir()) {
    throw new CliError(`${out}: is a directory (give a file path with -o)`);
  }
  try {
    await Deno.writeTextFile(out, text, { createNew: values.force !== true });
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) {
      throw new CliError(`${out} already exists (use --force to overwrite)`);
    }
    if (e instanceof Deno.errors.NotFound) {
      throw new CliError(`${out}: no such directory`);
    }
    if (e instanceof Deno.errors.IsADirectory || await isDir()) {
      throw new CliError(`${out}: is a directory (give a file path with -o)`);
    }
    throw new CliError(`${out}: cannot write the file`);
  }
  const lines = warnings.slice(0, MAX_WARNINGS);
  if (warnings.length > lines.length) {
    lines.push(`${warnings.length - lines.length} more warning(s) not shown`);
  }
  if (lines.length > 0) {
    await writeErr(
      lines.map((w) => `porta: warning: ${printable(w)}\n`).join(""),
    );
  }
  await writeOut(
    `wrote ${printable(out)}: ${manifest.tools.length} tool(s), capabilities [${
      manifest.capabilities.join(", ")
    }], ${manifest.wasi_imports?.length ?? 0} WASI import(s)\n`,
  );
  return 0;
}
