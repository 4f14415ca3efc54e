/**
 * `porta build <agent.wasm> [-o PATH] [--name NAME] [--force]`: derives a
 * manifest from the module (see `deriveManifest`) and writes it to
 * `<agent>.manifest.json` beside the wasm (or PATH). An existing file is
 * only replaced with `--force`.
 *
 * @module
 */

import { readModule } from "../agent/agent.ts";
import { defaultRuntime } from "../agent/default_runtime.ts";
import { deriveManifest, manifestPathFor } from "../agent/manifest.ts";
import {
  CliError,
  HELP_OPTION,
  invalidModule,
  parseAgentCommand,
  stringFlag,
  UsageError,
} from "./flags.ts";
import { writeOut } from "./output.ts";

/** Implements `porta build`; returns the exit code. */
export async function buildCommand(argv: string[]): Promise<number> {
  const { values, wasm } = parseAgentCommand("build", argv, {
    output: { type: "string", short: "o" },
    name: { type: "string" },
    force: { type: "boolean" },
    ...HELP_OPTION,
  }, "porta build <agent.wasm> [-o PATH]");
  const bytes = await readModule(wasm);
  let shape;
  try {
    shape = defaultRuntime.describe(bytes);
  } catch (e) {
    throw invalidModule(wasm, e);
  }
  const base = wasm.slice(
    Math.max(wasm.lastIndexOf("/"), wasm.lastIndexOf("\\")) + 1,
  );
  const name = stringFlag(values, "name") ?? base.replace(/\.wasm$/i, "");
  if (name.trim() === "") throw new UsageError("--name must not be empty");
  const manifest = deriveManifest(shape, name);
  const out = stringFlag(values, "output") ?? manifestPathFor(wasm);
  const text = JSON.stringify(manifest, null, 2) + "\n";
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
  await writeOut(
    `wrote ${out}: ${manifest.tools.length} tool(s), capabilities [${
      manifest.capabilities.join(", ")
    }], ${manifest.wasi_imports.length} WASI import(s)\n`,
  );
  return 0;
}
