/**
 * `porta validate <agent.wasm> [--manifest PATH] [--profile NAME]
 * [--strict-imports] [--allow-host PATTERN ...]`: checks the module, the
 * manifest (syntax, fields, `schema_version`, entries) and every import
 * against the granted capabilities, and prints PASS or FAIL; exit code 0
 * only on PASS (1 on FAIL, 2 on usage errors).
 *
 * The network flags of `serve` (`--allow-host --allow-private-net
 * --net-max-requests --net-max-bytes --net-timeout`, parsed by
 * `resolveNetFlags`, same usage errors) grant `net` as they do for `serve`,
 * and a `net:` line reports the effective grant: whether `net` is granted
 * and the hosts `porta/fetch` may reach (the manifest's `allowed_hosts` ∩
 * `--allow-host`, computed by `netGrant` of `src/agent/net.ts`, the code
 * `Agent.load` uses), with the per-call limits, and the `--secret` names the
 * manifest's headers need (a note: validate takes no secret values).
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
  manifestSecretNames,
  netGrant,
  netOperatorGrants,
  type NetOptions,
} from "../agent/net.ts";
import {
  type Capability,
  resolveGrants,
  WASI_MODULE,
  wasiCapability,
} from "../sandbox/capabilities.ts";
import { checkImports, EMPTY_WHEN_NOT_GRANTED } from "../sandbox/policy.ts";
import {
  HELP_OPTION,
  NET_OPTIONS,
  parseAgentCommand,
  resolveNetFlags,
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
    /** The network flags `serve` would get (see `resolveNetFlags`). */
    net?: NetOptions;
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
      // the same rule as Agent.load: granting hosts is granting the network
      operatorGrants: netOperatorGrants(opts.net),
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const operatorHosts = opts.net?.allowHosts ?? [];
  const profileText = opts.profile ??
    (manifest ? "ai-agent (default bound)" : "none");
  lines.push(
    `note    grants: ${
      grants.size ? [...grants].join(", ") : "(nothing)"
    } [profile ${profileText}${manifest ? ", manifest" : ""}${
      operatorHosts.length > 0 ? ", --allow-host" : ""
    }]`,
  );
  if (operatorHosts.length > 0 || manifest?.allowed_hosts?.length) {
    lines.push(...netLines(manifest, grants, opts.net ?? {}));
  }
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

/**
 * The network lines of a report: whether `net` is granted and the hosts
 * `porta/fetch` may reach (the manifest's `allowed_hosts` ∩ `--allow-host`,
 * computed by {@link netGrant} as `Agent.load` does), the per-call limits,
 * and the secrets the manifest's headers name (`serve` refuses to load
 * without them; validate takes no secret values).
 */
function netLines(
  manifest: Manifest | undefined,
  grants: Set<Capability>,
  net: NetOptions,
): string[] {
  const asked = manifest?.allowed_hosts ?? [];
  const given = net.allowHosts ?? [];
  const g = netGrant(manifest ?? {}, grants, net);
  const askedText = asked.length ? asked.join(", ") : "(none)";
  const givenText = given.length ? given.join(", ") : "(none)";
  if (!g.granted) {
    const why = given.length === 0
      ? "no --allow-host"
      : manifest === undefined && grants.size === 0
      ? "neither a profile nor a valid manifest: nothing is granted"
      : 'the manifest\'s capabilities do not list "net"';
    return [
      `note    net: not granted (${why}): every porta/fetch is refused [manifest allowed_hosts: ${askedText}; --allow-host: ${givenText}]`,
    ];
  }
  const out: string[] = [];
  if (g.hosts.length === 0) {
    out.push(
      `warning net: granted, but no host is in both the manifest's allowed_hosts (${askedText}) and --allow-host (${givenText}): every porta/fetch is refused`,
    );
  } else {
    const l = g.limits;
    out.push(
      `ok      net: granted, porta/fetch may reach ${
        g.hosts.join(", ")
      } [manifest allowed_hosts ∩ --allow-host]; per call: ${l.maxRequests} requests, ${
        size(l.maxBytes)
      } of responses, ${
        l.timeoutMs === 0
          ? "no network time limit"
          : `${duration(l.timeoutMs)} of network time`
      }; private addresses ${
        g.allowPrivateNet ? "allowed (--allow-private-net)" : "refused"
      }`,
    );
  }
  // checked by Agent.load whenever the network is open (net granted and an
  // --allow-host given)
  const secrets = manifest ? [...manifestSecretNames(manifest)] : [];
  if (secrets.length > 0) {
    out.push(
      `note    net: the manifest's headers name ${
        secrets.map((n) => `\${secret:${n}}`).join(", ")
      }: serve and call refuse to load without ${
        secrets.map((n) => `--secret ${n}=VALUE`).join(" ")
      }`,
    );
  }
  return out;
}

function size(n: number): string {
  return n % 1024 ** 2 === 0
    ? `${n / 1024 ** 2}MiB`
    : n % 1024 === 0
    ? `${n / 1024}KiB`
    : `${n} bytes`;
}

function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Implements `porta validate`; returns the exit code (0 only on PASS). */
export async function validateCommand(argv: string[]): Promise<number> {
  const { values, wasm } = parseAgentCommand("validate", argv, {
    manifest: { type: "string" },
    profile: { type: "string" },
    "strict-imports": { type: "boolean" },
    ...NET_OPTIONS,
    ...HELP_OPTION,
  }, "porta validate <agent.wasm> [--profile NAME] [--manifest PATH]");
  const net = resolveNetFlags(values);
  const report = await validateAgent(wasm, {
    manifestPath: stringFlag(values, "manifest"),
    profile: stringFlag(values, "profile"),
    strictImports: values["strict-imports"] === true,
    net,
  });
  await writeOut(report.lines.map(printable).join("\n") + "\n");
  return report.pass ? 0 : 1;
}
