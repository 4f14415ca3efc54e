/**
 * `porta validate <agent.wasm> [--manifest PATH] [--profile NAME]`: checks
 * every import against the granted capabilities (each is `ok` or `DENIED`),
 * the manifest (syntax, fields, entries) and prints PASS or FAIL; exit code 0
 * only on PASS (1 on FAIL, 2 on usage errors).
 *
 * Imports missing from a non-empty manifest `wasi_imports` list are reported
 * as warnings (they do not fail validation).
 *
 * @module
 */

import { readModule } from "../agent/agent.ts";
import { defaultRuntime } from "../agent/default_runtime.ts";
import {
  findManifest,
  loadManifest,
  type Manifest,
  ManifestError,
  type ModuleShape,
} from "../agent/manifest.ts";
import type { AgentRuntime } from "../agent/runtime.ts";
import {
  type Capability,
  resolveGrants,
  WASI_CAPABILITY,
  WASI_MODULE,
} from "../sandbox/capabilities.ts";
import { checkImports } from "../sandbox/policy.ts";
import {
  HELP_OPTION,
  parseAgentCommand,
  stringFlag,
  UsageError,
} from "./flags.ts";
import { printable } from "../agent/printable.ts";
import { writeOut } from "./output.ts";

/** Result of {@link validateAgent}. */
export interface ValidationReport {
  /** One line per check, ready to print. */
  lines: string[];
  /** True when nothing failed. */
  pass: boolean;
  /** Granted capabilities. */
  grants: Capability[];
}

/** Validates a module and its manifest; never throws for agent problems. */
export async function validateAgent(
  wasmPath: string,
  opts: { manifestPath?: string; profile?: string; runtime?: AgentRuntime } =
    {},
): Promise<ValidationReport> {
  const lines: string[] = [];
  let pass = true;
  const bytes = await readModule(wasmPath);
  let shape: ModuleShape;
  try {
    shape = (opts.runtime ?? defaultRuntime).describe(bytes);
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    return { lines: [`FAIL    module: ${msg}`], pass: false, grants: [] };
  }
  lines.push(
    `ok      module: valid WebAssembly (${shape.imports.length} imports, ${shape.exports.length} exports)`,
  );
  let manifest: Manifest | undefined;
  let manifestPath: string | undefined;
  try {
    manifestPath = findManifest(wasmPath, opts.manifestPath);
    if (manifestPath !== undefined) {
      manifest = await loadManifest(manifestPath);
      lines.push(`ok      manifest: ${manifestPath}`);
    } else {
      lines.push(
        `note    manifest: none (${
          wasmPath.replace(/\.wasm$/i, "")
        }.manifest.json not found)`,
      );
    }
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    pass = false;
    for (const issue of e.issues) {
      lines.push(`FAIL    manifest ${e.file ?? ""}: ${issue}`);
    }
  }
  let grants: Set<Capability>;
  try {
    grants = resolveGrants({
      profile: opts.profile,
      manifestCapabilities: manifest?.capabilities,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const profileText = opts.profile ??
    (manifest ? "ai-agent (default bound)" : "none");
  lines.push(
    `note    grants: ${
      grants.size ? [...grants].join(", ") : "(nothing)"
    } [profile ${profileText}${manifest ? ", manifest" : ""}]`,
  );
  const denied = new Map(
    checkImports(shape.imports, grants).map((
      d,
    ) => [`${d.module}.${d.name}`, d]),
  );
  const declared = new Set(manifest?.wasi_imports ?? []);
  for (const imp of shape.imports) {
    const key = `${imp.module}.${imp.name}`;
    const d = denied.get(key);
    const cap =
      imp.module === WASI_MODULE && Object.hasOwn(WASI_CAPABILITY, imp.name)
        ? WASI_CAPABILITY[imp.name]
        : undefined;
    if (d) {
      pass = false;
      lines.push(`DENIED  ${key}: ${d.reason}`);
    } else {
      lines.push(`ok      ${key} (${cap})`);
    }
    if (
      manifest && declared.size > 0 && imp.module === WASI_MODULE &&
      !declared.has(imp.name)
    ) {
      lines.push(`warning ${key} is not listed in the manifest's wasi_imports`);
    }
  }
  // WASI passes everything through the exported "memory": without it every
  // call that reads or writes guest memory fails at run time
  if (
    shape.imports.some((i) => i.module === WASI_MODULE) &&
    !shape.exports.some((e) => e.name === "memory" && e.kind === "memory")
  ) {
    lines.push(
      'warning the module imports WASI functions but exports no "memory": WASI calls that use guest memory will fail',
    );
  }
  if (manifest) {
    const funcs = new Set(
      shape.exports.filter((e) => e.kind === "function").map((e) => e.name),
    );
    const entry = manifest.entry ?? "_start";
    if (
      manifest.tools.some((t) => t.entry === undefined) && !funcs.has(entry)
    ) {
      pass = false;
      lines.push(`FAIL    entry "${entry}" is not an exported function`);
    }
    for (const t of manifest.tools) {
      if (t.entry !== undefined && !funcs.has(t.entry)) {
        pass = false;
        lines.push(
          `FAIL    tool "${t.name}": entry "${t.entry}" is not an exported function`,
        );
      }
    }
  }
  lines.push(pass ? "PASS" : "FAIL");
  return { lines, pass, grants: [...grants] };
}

/** Implements `porta validate`; returns the exit code (0 only on PASS). */
export async function validateCommand(argv: string[]): Promise<number> {
  const { values, wasm } = parseAgentCommand("validate", argv, {
    manifest: { type: "string" },
    profile: { type: "string" },
    ...HELP_OPTION,
  }, "porta validate <agent.wasm> [--profile NAME] [--manifest PATH]");
  const report = await validateAgent(wasm, {
    manifestPath: stringFlag(values, "manifest"),
    profile: stringFlag(values, "profile"),
  });
  await writeOut(report.lines.map(printable).join("\n") + "\n");
  return report.pass ? 0 : 1;
}
