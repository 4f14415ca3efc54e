/**
 * `porta inspect <agent.wasm> [--json] [--manifest PATH] [--profile NAME]
 * [--env/--env-file/--secret ...]`: shows the module's types, imports (with
 * the capability each needs), exports, memories, tables, globals, data,
 * element and custom sections, the manifest if found (with its network
 * section: `allowed_hosts`, `allowed_methods`, `headers` per host, a
 * `${secret:NAME}` reference shown as written, never resolved), the grants
 * and the guest environment. Secret values never appear: they are shown as
 * `[REDACTED]` and scrubbed from the whole output.
 *
 * Exit code 0; 1 when the module or the manifest is invalid.
 *
 * @module
 */

import { readModule } from "../agent/agent.ts";
import { secretRedactor } from "../agent/agent.ts";
import {
  findManifest,
  loadManifest,
  type Manifest,
  ManifestError,
} from "../agent/manifest.ts";
import {
  type Capability,
  CapabilityError,
  requiredCapabilities,
  resolveGrants,
  WASI_MODULE,
  wasiCapability,
} from "../sandbox/capabilities.ts";
import { guestEnvironment, manifestSecretNames } from "../agent/net.ts";
import { DEFAULT_ALLOWED_METHODS } from "../sandbox/net.ts";
import { describeModule, Module, type ModuleInfo } from "../wasm/mod.ts";
import {
  AGENT_OPTIONS,
  HELP_OPTION,
  invalidModule,
  parseAgentCommand,
  resolveCommonFlags,
  UsageError,
} from "./flags.ts";
import { printable, printableJson } from "../agent/printable.ts";
import { writeOut } from "./output.ts";

/** The data `porta inspect --json` prints. */
export interface InspectReport {
  /** The module path. */
  file: string;
  /** Module size in bytes. */
  size: number;
  /** The engine's description, imports extended with the capability each needs. */
  module: Omit<ModuleInfo, "imports"> & {
    imports: (ModuleInfo["imports"][number] & { capability: string | null })[];
  };
  /** Smallest capability set covering the WASI imports. */
  capabilitiesNeeded: Capability[];
  /** The manifest path, or null when none was found. */
  manifestPath: string | null;
  /** The manifest, or null. */
  manifest: Manifest | null;
  /** Manifest problems, when it is invalid. */
  manifestErrors?: string[];
  /** Capabilities granted with the given profile and manifest. */
  grants: Capability[];
  /**
   * The guest environment, secrets shown as `[REDACTED]` (without the
   * secrets the manifest's headers name: Porta keeps those).
   */
  environment: Record<string, string>;
}

function capabilityOf(module: string, name: string): string | null {
  if (module !== WASI_MODULE) return null;
  const cap = wasiCapability(name);
  // proc_exit needs no capability
  return cap === null ? "none" : cap ?? null;
}

function kib(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s + " " : s + " ".repeat(n - s.length);
}

/** Renders the human-readable report. */
export function renderInspect(r: InspectReport): string {
  const m = r.module;
  const out: string[] = [];
  const section = (title: string, count: number) =>
    out.push(`${title} (${count}):`);
  out.push(`module: ${r.file} (${r.size} bytes)`);
  out.push(
    `functions: ${m.functionCount} (${m.importedFunctionCount} imported), code ${
      kib(m.codeSize)
    }, start function: ${m.startFunction ?? "none"}`,
  );
  section("types", m.types.length);
  m.types.forEach((t, i) => out.push(`  [${i}] ${t}`));
  section("imports", m.imports.length);
  const iw =
    Math.max(0, ...m.imports.map((i) => i.module.length + i.name.length + 1)) +
    2;
  const tw = Math.max(0, ...m.imports.map((i) => i.type.length)) + 2;
  for (const i of m.imports) {
    const cap = i.capability === null
      ? (i.module === WASI_MODULE
        ? "unknown WASI function"
        : "not provided by Porta")
      : `needs ${i.capability}`;
    out.push(
      `  ${pad(`${i.module}.${i.name}`, iw)}${pad(i.kind, 9)}${
        pad(i.type, tw)
      }${cap}`,
    );
  }
  section("exports", m.exports.length);
  const ew = Math.max(0, ...m.exports.map((e) => e.name.length)) + 2;
  for (const e of m.exports) {
    out.push(`  ${pad(e.name, ew)}${pad(e.kind, 9)}${e.type}`);
  }
  section("memories", m.memories.length);
  m.memories.forEach((x, i) =>
    out.push(
      `  [${i}] ${x.min}..${x.max ?? ""} pages${
        x.imported ? " (imported)" : ""
      }`,
    )
  );
  section("tables", m.tables.length);
  m.tables.forEach((x, i) =>
    out.push(
      `  [${i}] ${x.element} ${x.min}..${x.max ?? ""}${
        x.imported ? " (imported)" : ""
      }`,
    )
  );
  section("globals", m.globals.length);
  m.globals.forEach((x, i) =>
    out.push(
      `  [${i}] ${x.mutable ? "mut " : ""}${x.type}${
        x.imported ? " (imported)" : ""
      }`,
    )
  );
  section("data segments", m.dataSegments.length);
  m.dataSegments.forEach((x, i) =>
    out.push(`  [${i}] ${x.mode} memory ${x.memory}, ${x.size} bytes`)
  );
  section("element segments", m.elementSegments.length);
  m.elementSegments.forEach((x, i) =>
    out.push(`  [${i}] ${x.mode} table ${x.table}, ${x.size} items`)
  );
  section("custom sections", m.customSections.length);
  m.customSections.forEach((x) => out.push(`  ${x.name} (${x.size} bytes)`));
  out.push(
    `capabilities needed: ${
      r.capabilitiesNeeded.length ? r.capabilitiesNeeded.join(", ") : "(none)"
    }`,
  );
  if (r.manifestErrors) {
    out.push(`manifest: ${r.manifestPath} is INVALID`);
    for (const e of r.manifestErrors) out.push(`  ${e}`);
  } else if (r.manifest === null) {
    out.push("manifest: (none found)");
  } else {
    const mf = r.manifest;
    out.push(`manifest: ${r.manifestPath}`);
    out.push(`  name: ${mf.name}`);
    out.push(`  version: ${mf.version}`);
    if (mf.description !== undefined) {
      out.push(`  description: ${mf.description}`);
    }
    out.push(`  entry: ${mf.entry ?? "_start"}`);
    out.push(`  abi: ${mf.abi ?? 1}`);
    out.push(`  capabilities: ${mf.capabilities.join(", ") || "(none)"}`);
    out.push(`  tools (${mf.tools.length}):`);
    for (const t of mf.tools) {
      const needs = t.requiredClientCapabilities?.length
        ? ` [needs ${t.requiredClientCapabilities.join(", ")}]`
        : "";
      out.push(
        `    ${t.name}${t.description ? ` - ${t.description}` : ""}${
          t.entry ? ` [entry ${t.entry}]` : ""
        }${needs}`,
      );
    }
    out.push(`  resources (${mf.resources.length}):`);
    for (const x of mf.resources) {
      out.push(`    ${x.uri} ${x.name}${x.mimeType ? ` (${x.mimeType})` : ""}`);
    }
    const templates = mf.resourceTemplates ?? [];
    if (templates.length > 0) {
      out.push(`  resource templates (${templates.length}):`);
      for (const x of templates) {
        out.push(
          `    ${x.uriTemplate} ${x.name}${
            x.mimeType ? ` (${x.mimeType})` : ""
          }`,
        );
      }
    }
    if (mf.completions) out.push("  completions: yes (pseudo-tool _complete)");
    out.push(`  prompts (${mf.prompts.length}):`);
    for (const p of mf.prompts) {
      const args = (p.arguments ?? []).map((a) =>
        a.required ? a.name : `${a.name}?`
      );
      out.push(
        `    ${p.name}(${args.join(", ")})${
          p.description ? ` - ${p.description}` : ""
        }`,
      );
    }
    if (mf.wasi_imports?.length) {
      out.push(`  wasi_imports: ${mf.wasi_imports.join(", ")}`);
    }
    out.push(...networkLines(mf));
  }
  out.push(`grants: ${r.grants.length ? r.grants.join(", ") : "(nothing)"}`);
  const env = Object.entries(r.environment);
  out.push(`environment (${env.length}):`);
  for (const [k, v] of env) out.push(`  ${k}=${v}`);
  // names come from the module and the manifest: never raw control bytes
  return out.map(printable).join("\n") + "\n";
}

/**
 * The manifest's network section (`porta/fetch`): `allowed_hosts`,
 * `allowed_methods` and the `headers` per host, values as written: a
 * `${secret:NAME}` reference is shown, never resolved; the secrets they
 * name are listed (kept by Porta, not in the guest's environment).
 */
function networkLines(mf: Manifest): string[] {
  const hosts = mf.allowed_hosts ?? [];
  if (hosts.length === 0) {
    return ["  network (porta/fetch): none (no allowed_hosts)"];
  }
  const out = ["  network (porta/fetch):"];
  out.push(`    allowed_hosts (${hosts.length}): ${hosts.join(", ")}`);
  out.push(
    `    allowed_methods: ${
      mf.allowed_methods !== undefined
        ? mf.allowed_methods.join(", ")
        : `${DEFAULT_ALLOWED_METHODS.join(", ")} (default)`
    }`,
  );
  const headers = Object.entries(mf.headers ?? {});
  out.push(
    `    headers (${headers.length} ${
      headers.length === 1 ? "host" : "hosts"
    }):`,
  );
  for (const [pattern, pairs] of headers) {
    out.push(`      ${pattern}:`);
    for (const [name, value] of Object.entries(pairs)) {
      out.push(`        ${name}: ${value}`);
    }
  }
  const secrets = [...manifestSecretNames(mf)];
  if (secrets.length > 0) {
    out.push(
      `    secrets the headers name: ${
        secrets.join(", ")
      } (from --secret; added by Porta to requests, never given to the guest)`,
    );
  }
  return out;
}

/** Implements `porta inspect`; returns the exit code. */
export async function inspectCommand(argv: string[]): Promise<number> {
  const { values, wasm: file } = parseAgentCommand("inspect", argv, {
    ...AGENT_OPTIONS,
    json: { type: "boolean" },
    ...HELP_OPTION,
  }, "porta inspect <agent.wasm> [--json]");
  const flags = resolveCommonFlags(values);
  // the text report escapes each line before redaction: a secret value
  // is also looked for in its escaped form
  const redact = secretRedactor({
    ...flags.secrets,
    ...Object.fromEntries(
      Object.entries(flags.secrets).map(([k, v]) => [`${k}\0`, printable(v)]),
    ),
  });
  const bytes = await readModule(file);
  let info: ModuleInfo;
  try {
    info = describeModule(new Module(bytes as BufferSource));
  } catch (e) {
    throw invalidModule(file, e);
  }
  let manifest: Manifest | null = null;
  let manifestPath: string | undefined;
  let manifestErrors: string[] | undefined;
  try {
    manifestPath = findManifest(file, flags.manifestPath);
    if (manifestPath !== undefined) manifest = await loadManifest(manifestPath);
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    manifestPath = e.file ?? manifestPath;
    manifestErrors = e.issues;
  }
  let grants: Capability[];
  try {
    grants = [
      ...resolveGrants({
        profile: flags.profile,
        manifestCapabilities: manifest?.capabilities,
      }),
    ];
  } catch (e) {
    if (e instanceof CapabilityError) throw new UsageError(e.message);
    throw e;
  }
  // as Agent.load gives it: the secrets the manifest's headers name are
  // Porta's, not the guest's
  const environment = guestEnvironment(
    flags.env,
    Object.fromEntries(
      Object.keys(flags.secrets).map((k) => [k, "[REDACTED]"]),
    ),
    manifest ?? {},
  );
  const report: InspectReport = {
    file,
    size: bytes.length,
    module: {
      ...info,
      imports: info.imports.map((i) => ({
        ...i,
        capability: capabilityOf(i.module, i.name),
      })),
    },
    capabilitiesNeeded: requiredCapabilities(
      info.imports.filter((i) => i.module === WASI_MODULE).map((i) => i.name),
    ),
    manifestPath: manifestPath ?? null,
    manifest,
    grants,
    environment,
  };
  if (manifestErrors) report.manifestErrors = manifestErrors;
  // names come from the module, the manifest and the command line: JSON
  // escapes what JSON.stringify leaves raw (C1, DEL, bidi controls), and
  // the text report escapes every line
  const text = values.json === true
    ? printableJson(redact(JSON.stringify(report, null, 2))) + "\n"
    : redact(renderInspect(report));
  await writeOut(text);
  return manifestErrors ? 1 : 0;
}
