/**
 * `porta validate <agent.wasm> [--manifest PATH] [--profile NAME]
 * [--strict-imports]`: checks the module, the manifest (syntax, fields,
 * `schema_version`, entries) and every import against the granted
 * capabilities, and prints PASS or FAIL; exit code 0 only on PASS (1 on FAIL,
 * 2 on usage errors).
 *
 * PASS means `run` and `serve` would load the agent with the same flags (the
 * rule of `checkImports` in `src/sandbox/policy.ts`). Each import is listed
 * with the capability it needs: `ok` (granted, or needs none), `note ... not
 * granted, denied at run time` (it links; every call is refused, `environ_*`
 * report an empty environment, `fd_prestat_*` no preopened directory), or
 * `DENIED` (refused at load: FAIL): another
 * import module, an unknown WASI function, a WASI function missing from the
 * manifest's `wasi_imports`, or, with `--strict-imports` (or with neither a
 * profile nor a manifest: nothing is granted), one whose capability is not
 * granted. Names the manifest's `wasi_imports` lists but the module does not
 * import are warnings.
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
  WASI_MODULE,
  wasiCapability,
} from "../sandbox/capabilities.ts";
import { checkImports, EMPTY_WHEN_NOT_GRANTED } from "../sandbox/policy.ts";
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
  opts: {
    manifestPath?: string;
    profile?: string;
    runtime?: AgentRuntime;
    strictImports?: boolean;
  } = {},
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
  // the same rule as Agent.load (run, serve)
  const strict = opts.strictImports === true ||
    (opts.profile === undefined && manifestPath === undefined);
  const allowlist = manifest?.wasi_imports;
  const denied = new Map(
    checkImports(shape.imports, grants, {
      strict,
      ...(allowlist !== undefined ? { allowlist } : {}),
    }).map((d) => [`${d.module}.${d.name}`, d]),
  );
  let atRunTime = 0;
  for (const imp of shape.imports) {
    const key = `${imp.module}.${imp.name}`;
    const d = denied.get(key);
    const cap = imp.module === WASI_MODULE
      ? wasiCapability(imp.name)
      : undefined;
    if (d) {
      pass = false;
      lines.push(`DENIED  ${key}: ${d.reason}`);
    } else if (cap === null) {
      lines.push(`ok      ${key} (needs no capability)`);
    } else if (cap !== undefined && !grants.has(cap)) {
      atRunTime++;
      lines.push(
        `note    ${key} (${cap}): not granted, ${
          EMPTY_WHEN_NOT_GRANTED.has(imp.name)
            ? cap === "env"
              ? "an empty environment at run time"
              : "no preopened directory at run time"
            : "denied at run time (ENOTCAPABLE)"
        }`,
      );
    } else {
      lines.push(`ok      ${key} (${cap})`);
    }
  }
  if (allowlist !== undefined) {
    const imported = new Set(
      shape.imports.filter((i) => i.module === WASI_MODULE).map((i) => i.name),
    );
    for (const name of allowlist) {
      if (!imported.has(name)) {
        lines.push(
          `warning wasi_imports lists ${name}, which the module does not import`,
        );
      }
    }
  }
  if (atRunTime > 0) {
    lines.push(
      `note    ${atRunTime} import(s) not granted: the module loads and they answer as above at run time (--strict-imports refuses it instead)`,
    );
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
    "strict-imports": { type: "boolean" },
    ...HELP_OPTION,
  }, "porta validate <agent.wasm> [--profile NAME] [--manifest PATH]");
  const report = await validateAgent(wasm, {
    manifestPath: stringFlag(values, "manifest"),
    profile: stringFlag(values, "profile"),
    strictImports: values["strict-imports"] === true,
  });
  await writeOut(report.lines.map(printable).join("\n") + "\n");
  return report.pass ? 0 : 1;
}
