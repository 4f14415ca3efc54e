/**
 * The agent manifest `<agent>.manifest.json` (JSONC: comments and trailing
 * commas allowed):
 *
 * ```jsonc
 * {
 *   "schema_version": "1.0",          // optional; any 1.x is read
 *   "name": "demo", "version": "1.0.0", "description": "…",
 *   "entry": "_start",                // export run for every call (default _start)
 *   "capabilities": ["io", "process"],
 *   "tools": [{ "name": "reverse", "description": "…",
 *               "inputSchema": { "type": "object" },
 *               "entry": "reverse" }],  // optional per-tool export (default: "entry")
 *   "resources": [{ "uri": "demo://readme", "name": "readme", "mimeType": "text/plain" }],
 *   "resourceTemplates": [{ "uriTemplate": "demo://notes/{id}", "name": "note" }],
 *   "prompts": [{ "name": "summarize", "arguments": [{ "name": "topic", "required": true }] }],
 *   "wasi_imports": ["fd_write", "fd_read", "proc_exit"],  // optional allowlist
 *   "abi": 2,                         // optional: the frame ABI of abi2.ts (default 1)
 *   "completions": true,              // optional: the agent implements `_complete`
 *   "allowed_hosts": ["api.example.com", "*.example.org"],  // porta/fetch (abi 2, "net")
 *   "allowed_methods": ["GET"],       // optional (default GET HEAD POST PUT PATCH DELETE)
 *   "headers": { "api.example.com": { "Authorization": "Bearer ${secret:API_TOKEN}" } }
 * }
 * ```
 *
 * Tools, resources, resource templates and prompts may list `icons`
 * (`[{ "src": "https://…" | "data:…", "mimeType"?, "sizes"?: ["48x48"],
 * "theme"?: "light" | "dark" }]`), passed through to MCP clients. A resource
 * template's `uriTemplate` is an RFC 6570 level 1-3 template
 * (`uri_template.ts`) starting with a scheme.
 *
 * This is the seed's manifest format: `schema_version` (major version 1,
 * {@link SCHEMA_VERSIONS}), `entry` (the export `run` and `serve` call
 * unless `--entry` overrides it), `wasi_imports` (when present, the module
 * may import no other WASI function: checked at load by `run`, `serve` and
 * `validate`).
 *
 * Validation errors name the field path (`tools[2].inputSchema: expected an
 * object`). Unknown fields are errors (they are usually typos), except keys
 * starting with `$` or `x-`.
 *
 * Manifests are untrusted input: a manifest file is at most
 * {@link MAX_MANIFEST_BYTES} (4 MiB; larger files are refused before they
 * are read); every tool's `inputSchema` is compiled once, here (see
 * `schema.ts`: an unknown `type`, a `pattern` the linear-time matcher cannot
 * run, a malformed checked keyword is an error naming its path); schemas,
 * `outputSchema` and `annotations` nest at most {@link MAX_SCHEMA_DEPTH}
 * levels.
 *
 * @module
 */

import { isPrintable, printable } from "./printable.ts";
import { parseJsonc } from "./jsonc.ts";
import {
  canonicalJson,
  compileSchema,
  jsonDepth,
  MAX_SCHEMA_DEPTH,
  SchemaError,
} from "./schema.ts";
import { parseUriTemplate, UriTemplateError } from "./uri_template.ts";
import { FORBIDDEN_HEADERS, isToken, secretRefs } from "./net.ts";
import { HostPatternError, parseHostPattern } from "../sandbox/net_policy.ts";
import { KNOWN_METHODS } from "../sandbox/net.ts";
import {
  CAPABILITIES,
  type Capability,
  isCapability,
  isWasiFunction,
  requiredCapabilities,
  WASI_MODULE,
} from "../sandbox/capabilities.ts";

/** A JSON Schema object (only `type: "object"` is checked). */
export type JsonSchema = Record<string, unknown>;

/** An icon of a tool, resource, resource template or prompt (MCP `Icon`). */
export interface IconSpec {
  /** An `https:` URL or a `data:` URI. */
  src: string;
  /** MIME type of the image. */
  mimeType?: string;
  /** Sizes (`"48x48"`, `"any"`). */
  sizes?: string[];
  /** The theme the icon is meant for. */
  theme?: "light" | "dark";
}

/** A tool the agent offers. */
export interface ToolSpec {
  /** Tool name (1-128 chars of `A-Za-z0-9_.-`). */
  name: string;
  /** Human-readable title. */
  title?: string;
  /** What the tool does. */
  description?: string;
  /** JSON Schema of the arguments (an object schema). */
  inputSchema: JsonSchema;
  /** JSON Schema of structured results, passed through to MCP clients. */
  outputSchema?: JsonSchema;
  /** MCP tool annotations, passed through. */
  annotations?: Record<string, unknown>;
  /** Export to run for this tool (default: the manifest's `entry`). */
  entry?: string;
  /** Icons, passed through to MCP clients. */
  icons?: IconSpec[];
  /**
   * MCP client capabilities the tool needs (`sampling`, `elicitation`,
   * `roots`, ...): the MCP layer refuses a call from a client that did not
   * declare them.
   */
  requiredClientCapabilities?: string[];
}

/** A resource the agent can read. */
export interface ResourceSpec {
  /** Resource URI (must have a scheme, e.g. `demo://readme`). */
  uri: string;
  /** Short name. */
  name: string;
  /** Human-readable title. */
  title?: string;
  /** Description. */
  description?: string;
  /** MIME type of the content. */
  mimeType?: string;
  /** Icons, passed through to MCP clients. */
  icons?: IconSpec[];
}

/**
 * A family of resources the agent can read, named by an RFC 6570 URI
 * template (levels 1-3, see `uri_template.ts`): `resources/read` of a URI
 * that matches it calls `_resource_read` with the template and its values.
 */
export interface ResourceTemplateSpec {
  /** The URI template, e.g. `notes://{id}` (starts with a scheme). */
  uriTemplate: string;
  /** Short name. */
  name: string;
  /** Human-readable title. */
  title?: string;
  /** Description. */
  description?: string;
  /** MIME type of every matching resource. */
  mimeType?: string;
  /** Icons, passed through to MCP clients. */
  icons?: IconSpec[];
}

/** One argument of a prompt. */
export interface PromptArgument {
  /** Argument name. */
  name: string;
  /** Description. */
  description?: string;
  /** Whether the argument must be given. */
  required?: boolean;
}

/** A prompt template the agent provides. */
export interface PromptSpec {
  /** Prompt name. */
  name: string;
  /** Human-readable title. */
  title?: string;
  /** Description. */
  description?: string;
  /** Arguments. */
  arguments?: PromptArgument[];
  /** Icons, passed through to MCP clients. */
  icons?: IconSpec[];
}

/**
 * A validated manifest. `capabilities`, `tools`, `resources` and `prompts`
 * are always present (possibly empty); `wasi_imports`, `abi`,
 * `resourceTemplates` and `completions` only when the manifest gives them.
 */
export interface Manifest {
  /** Format version (`"1.0"`, any `"1.x"`), when the manifest gives one. */
  schema_version?: string;
  /** Agent name. */
  name: string;
  /** Agent version. */
  version: string;
  /** Description (used as MCP instructions). */
  description?: string;
  /** Export run for every call (default `_start`). */
  entry?: string;
  /** Capabilities the agent asks for. */
  capabilities: Capability[];
  /** Tools. */
  tools: ToolSpec[];
  /** Resources. */
  resources: ResourceSpec[];
  /** Prompts. */
  prompts: PromptSpec[];
  /** Resource templates, when the manifest lists them. */
  resourceTemplates?: ResourceTemplateSpec[];
  /**
   * The agent ABI: `1` (the default, `abi.ts`) or `2` (frames on stdout and
   * requests to the client, `abi2.ts`), when the manifest says.
   */
  abi?: 1 | 2;
  /**
   * True when the agent implements the pseudo-tool `_complete`
   * (`completion/complete`), when the manifest says.
   */
  completions?: boolean;
  /**
   * WASI functions the agent may import, when the manifest lists them: an
   * allowlist (a module importing any other WASI function is refused at
   * load). Absent: no such list.
   */
  wasi_imports?: string[];
  /**
   * Hosts the agent may request with `porta/fetch` (ABI v2, the `net`
   * capability), when the manifest lists them: host patterns (`api.example.com`,
   * `*.example.org`, `localhost:8080`, `[::1]:8443`; see
   * `src/sandbox/net_policy.ts`), normalized. The operator's `--allow-host`
   * narrows them (a URL must match both).
   */
  allowed_hosts?: string[];
  /**
   * Methods `porta/fetch` may use (upper case; a subset of GET, HEAD, POST,
   * PUT, PATCH, DELETE, OPTIONS), when the manifest lists them. Default:
   * GET, HEAD, POST, PUT, PATCH, DELETE.
   */
  allowed_methods?: string[];
  /**
   * Headers Porta adds to the agent's requests, per host pattern (each key
   * one of {@link Manifest.allowed_hosts}, normalized): `{"api.example.com":
   * {"Authorization": "Bearer ${secret:API_TOKEN}"}}`. A value may name
   * the operator's `--secret NAME=VALUE` as `${secret:NAME}`; the guest
   * never sees it (see `src/agent/net.ts`).
   */
  headers?: Record<string, Record<string, string>>;
}

/** The `schema_version` majors this Porta reads, as shown in errors. */
export const SCHEMA_VERSIONS = "1.x";

/** The `schema_version` that `porta build` writes. */
export const SCHEMA_VERSION = "1.0";

/** A manifest that does not parse or validate; `issues` lists every problem. */
export class ManifestError extends Error {
  /** Every problem found, each `path: reason`. */
  readonly issues: string[];
  /** The manifest file, when known. */
  readonly file?: string;
  /** Creates the error; the message is one line (first issue + count). */
  constructor(issues: string[], file?: string) {
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    super(
      `${file ? `${file}: ` : ""}${issues[0] ?? "invalid manifest"}${more}`,
    );
    this.name = "ManifestError";
    this.issues = issues;
    this.file = file;
  }
}

/** Largest manifest accepted, in bytes (UTF-8): 4 MiB. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

function sizeText(bytes: number): string {
  return bytes % (1024 * 1024) === 0
    ? `${bytes / (1024 * 1024)} MiB`
    : bytes % 1024 === 0
    ? `${bytes / 1024} KiB`
    : `${bytes} bytes`;
}

function tooLarge(size: number | string, limit: number): string {
  return `manifest too large: ${size} bytes (limit ${sizeText(limit)})`;
}

/** Names reserved for the resource/prompt/completion pseudo-tools of the ABI. */
export const RESERVED_TOOL_NAMES: ReadonlySet<string> = new Set([
  "_resource_read",
  "_prompt_get",
  "_complete",
]);

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** True when `name` is a valid tool name: 1-128 of `A-Z a-z 0-9 _ . -`. */
export function isToolName(name: string): boolean {
  return TOOL_NAME.test(name);
}

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

class Checker {
  issues: string[] = [];
  fail(path: string, why: string): void {
    this.issues.push(`${path}: ${why}`);
  }
  fields(o: Obj, path: string, known: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (known.includes(k) || k.startsWith("$") || k.startsWith("x-")) {
        continue;
      }
      const close = known.find((c) => similar(c, k));
      const at = path === "" ? k : `${path}.${k}`;
      this.fail(
        at,
        `unknown field${close ? ` (did you mean "${close}"?)` : ""}`,
      );
    }
  }
  str(
    o: Obj,
    key: string,
    path: string,
    required: boolean,
  ): string | undefined {
    const v = o[key];
    const at = path === "" ? key : `${path}.${key}`;
    if (v === undefined) {
      if (required) this.fail(at, "required field is missing");
      return undefined;
    }
    if (typeof v !== "string") {
      this.fail(at, `expected a string, got ${typeName(v)}`);
      return undefined;
    }
    if (required && v.trim() === "") {
      this.fail(at, "must not be empty");
      return undefined;
    }
    // names, versions, URIs... are printed in diagnostics: no control
    // characters (descriptions may span lines)
    if (key !== "description" && !isPrintable(v)) {
      this.fail(at, `must not contain control characters: "${printable(v)}"`);
      return undefined;
    }
    return v;
  }
  /** The `icons` of `o` (undefined when absent); each checked. */
  icons(o: Obj, path: string): IconSpec[] | undefined {
    if (o.icons === undefined) return undefined;
    const out: IconSpec[] = [];
    this.arr(o, "icons", path).forEach((v, i) => {
      const at = `${path === "" ? "" : `${path}.`}icons[${i}]`;
      if (!isObj(v)) {
        return this.fail(at, `expected an object, got ${typeName(v)}`);
      }
      this.fields(v, at, ["src", "mimeType", "sizes", "theme"]);
      const src = this.str(v, "src", at, true);
      if (src !== undefined && !isIconSource(src)) {
        this.fail(
          `${at}.src`,
          `expected an https: URL or a data: URI, got "${
            clip(printable(src))
          }"`,
        );
      }
      const icon: IconSpec = { src: src ?? "" };
      const mime = this.str(v, "mimeType", at, false);
      if (mime !== undefined) icon.mimeType = mime;
      if (v.sizes !== undefined) {
        const sizes: string[] = [];
        this.arr(v, "sizes", at).forEach((z, j) => {
          if (typeof z !== "string") {
            return this.fail(
              `${at}.sizes[${j}]`,
              `expected a string, got ${typeName(z)}`,
            );
          }
          if (!/^(any|[0-9]{1,5}x[0-9]{1,5})$/.test(z)) {
            return this.fail(
              `${at}.sizes[${j}]`,
              `expected "WxH" (e.g. "48x48") or "any", got "${
                clip(printable(z))
              }"`,
            );
          }
          sizes.push(z);
        });
        icon.sizes = sizes;
      }
      if (v.theme !== undefined) {
        if (v.theme !== "light" && v.theme !== "dark") {
          this.fail(
            `${at}.theme`,
            `expected "light" or "dark", got ${
              typeof v.theme === "string"
                ? `"${clip(printable(v.theme))}"`
                : typeName(v.theme)
            }`,
          );
        } else icon.theme = v.theme;
      }
      out.push(icon);
    });
    return out;
  }
  arr(o: Obj, key: string, path: string): unknown[] {
    const v = o[key];
    const at = path === "" ? key : `${path}.${key}`;
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.fail(at, `expected an array, got ${typeName(v)}`);
      return [];
    }
    return v;
  }
}

/** True for an `https:` URL or a `data:` URI (`data:[type][;base64],...`). */
function isIconSource(src: string): boolean {
  if (/^data:[^,\s]*,/i.test(src)) return true;
  if (!/^https:\/\//i.test(src)) return false;
  try {
    return new URL(src).protocol === "https:";
  } catch {
    return false;
  }
}

function clip(s: string, n = 80): string {
  return s.length <= n ? s : `${s.slice(0, n)}…`;
}

function similar(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la === lb || la.replace(/[_-]/g, "") === lb.replace(/[_-]/g, "")) {
    return true;
  }
  // One edit or two adjacent swaps away.
  let i = 0;
  while (i < la.length && la[i] === lb[i]) i++;
  const restA = la.slice(i);
  const restB = lb.slice(i);
  return restA.slice(1) === restB || restB.slice(1) === restA ||
    restA.slice(1) === restB.slice(1) ||
    (restA.length > 1 && restA[0] === restB[1] && restA[1] === restB[0] &&
      restA.slice(2) === restB.slice(2));
}

/**
 * Validates a parsed manifest value. Throws {@link ManifestError} listing
 * every problem, each naming its field path.
 */
export function validateManifest(value: unknown, file?: string): Manifest {
  const c = new Checker();
  if (!isObj(value)) {
    throw new ManifestError([
      `(root): expected an object, got ${typeName(value)}`,
    ], file);
  }
  c.fields(value, "", [
    "schema_version",
    "name",
    "version",
    "description",
    "entry",
    "capabilities",
    "tools",
    "resources",
    "prompts",
    "resourceTemplates",
    "wasi_imports",
    "abi",
    "completions",
    "allowed_hosts",
    "allowed_methods",
    "headers",
  ]);
  let schemaVersion: string | undefined;
  if (value.schema_version !== undefined) {
    const v = value.schema_version;
    if (typeof v !== "string") {
      c.fail(
        "schema_version",
        `expected a string such as "1.0", got ${typeName(v)}`,
      );
    } else if (!/^1(\.[0-9]+){0,2}$/.test(v)) {
      const major = /^([0-9]+)(\.[0-9]+){0,2}$/.exec(v);
      c.fail(
        "schema_version",
        `${major ? "unsupported" : "invalid"} version "${
          clip(printable(v))
        }": this Porta reads schema_version ${SCHEMA_VERSIONS} ("1.0", "1.1", ...)`,
      );
    } else schemaVersion = v;
  }
  const name = c.str(value, "name", "", true) ?? "";
  const version = c.str(value, "version", "", true) ?? "";
  const description = c.str(value, "description", "", false);
  const entry = c.str(value, "entry", "", false);
  if (entry !== undefined && entry === "") c.fail("entry", "must not be empty");
  let abi: 1 | 2 | undefined;
  if (value.abi !== undefined) {
    if (value.abi === 1 || value.abi === 2) abi = value.abi;
    else {
      c.fail(
        "abi",
        `expected 1 or 2, got ${
          typeof value.abi === "number" || typeof value.abi === "string"
            ? clip(printable(JSON.stringify(value.abi)))
            : typeName(value.abi)
        }`,
      );
    }
  }
  let completions: boolean | undefined;
  if (value.completions !== undefined) {
    if (typeof value.completions !== "boolean") {
      c.fail(
        "completions",
        `expected a boolean, got ${typeName(value.completions)}`,
      );
    } else completions = value.completions;
  }

  const capabilities: Capability[] = [];
  c.arr(value, "capabilities", "").forEach((cap, i) => {
    const at = `capabilities[${i}]`;
    if (typeof cap !== "string") {
      return c.fail(at, `expected a string, got ${typeName(cap)}`);
    }
    if (!isCapability(cap)) {
      return c.fail(
        at,
        `unknown capability "${clip(printable(cap))}" (known: ${
          CAPABILITIES.join(", ")
        })`,
      );
    }
    if (capabilities.includes(cap)) {
      return c.fail(at, `duplicate capability "${cap}"`);
    }
    capabilities.push(cap);
  });

  const tools: ToolSpec[] = [];
  const toolIndex = new Map<string, number>();
  c.arr(value, "tools", "").forEach((t, i) => {
    const at = `tools[${i}]`;
    if (!isObj(t)) return c.fail(at, `expected an object, got ${typeName(t)}`);
    c.fields(t, at, [
      "name",
      "title",
      "description",
      "inputSchema",
      "outputSchema",
      "annotations",
      "entry",
      "icons",
      "requiredClientCapabilities",
    ]);
    const tname = c.str(t, "name", at, true);
    if (tname !== undefined) {
      if (!TOOL_NAME.test(tname)) {
        c.fail(
          `${at}.name`,
          `invalid tool name "${
            printable(tname)
          }" (use 1-128 of A-Z a-z 0-9 _ . -)`,
        );
      } else if (RESERVED_TOOL_NAMES.has(tname)) {
        c.fail(`${at}.name`, `"${tname}" is reserved`);
      } else if (toolIndex.has(tname)) {
        c.fail(
          `${at}.name`,
          `duplicate tool name "${tname}" (also tools[${
            toolIndex.get(tname)
          }])`,
        );
      } else toolIndex.set(tname, i);
    }
    const title = c.str(t, "title", at, false);
    const desc = c.str(t, "description", at, false);
    const tentry = c.str(t, "entry", at, false);
    let inputSchema: JsonSchema = { type: "object" };
    if (t.inputSchema !== undefined) {
      if (!isObj(t.inputSchema)) {
        c.fail(
          `${at}.inputSchema`,
          `expected an object, got ${typeName(t.inputSchema)}`,
        );
      } else {
        if (
          t.inputSchema.type !== undefined && t.inputSchema.type !== "object"
        ) {
          c.fail(
            `${at}.inputSchema.type`,
            `expected "object", got ${
              clip(printable(canonicalJson(t.inputSchema.type, 80) ?? "…"))
            }`,
          );
        } else {
          inputSchema = { type: "object", ...t.inputSchema };
          try {
            compileSchema(inputSchema, `${at}.inputSchema`);
          } catch (e) {
            if (!(e instanceof SchemaError)) throw e;
            c.issues.push(...e.issues);
          }
        }
      }
    }
    let outputSchema: JsonSchema | undefined;
    if (t.outputSchema !== undefined) {
      if (!isObj(t.outputSchema)) {
        c.fail(
          `${at}.outputSchema`,
          `expected an object, got ${typeName(t.outputSchema)}`,
        );
      } else if (
        jsonDepth(t.outputSchema, MAX_SCHEMA_DEPTH) > MAX_SCHEMA_DEPTH
      ) {
        c.fail(
          `${at}.outputSchema`,
          `nested more than ${MAX_SCHEMA_DEPTH} levels deep`,
        );
      } else outputSchema = t.outputSchema;
    }
    let annotations: Obj | undefined;
    if (t.annotations !== undefined) {
      if (!isObj(t.annotations)) {
        c.fail(
          `${at}.annotations`,
          `expected an object, got ${typeName(t.annotations)}`,
        );
      } else if (
        jsonDepth(t.annotations, MAX_SCHEMA_DEPTH) > MAX_SCHEMA_DEPTH
      ) {
        c.fail(
          `${at}.annotations`,
          `nested more than ${MAX_SCHEMA_DEPTH} levels deep`,
        );
      } else annotations = t.annotations;
    }
    const tool: ToolSpec = { name: tname ?? "", inputSchema };
    if (title !== undefined) tool.title = title;
    if (desc !== undefined) tool.description = desc;
    if (outputSchema) tool.outputSchema = outputSchema;
    if (annotations) tool.annotations = annotations;
    if (tentry !== undefined) tool.entry = tentry;
    const ticons = c.icons(t, at);
    if (ticons !== undefined) tool.icons = ticons;
    if (t.requiredClientCapabilities !== undefined) {
      const caps: string[] = [];
      c.arr(t, "requiredClientCapabilities", at).forEach((v, j) => {
        const cat = `${at}.requiredClientCapabilities[${j}]`;
        if (
          typeof v !== "string" || !/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(v)
        ) {
          return c.fail(
            cat,
            typeof v === "string"
              ? `invalid capability name "${clip(printable(v))}"`
              : `expected a string, got ${typeName(v)}`,
          );
        }
        if (caps.includes(v)) {
          return c.fail(cat, `duplicate capability "${v}"`);
        }
        caps.push(v);
      });
      tool.requiredClientCapabilities = caps;
    }
    tools.push(tool);
  });

  const resources: ResourceSpec[] = [];
  const uris = new Map<string, number>();
  c.arr(value, "resources", "").forEach((r, i) => {
    const at = `resources[${i}]`;
    if (!isObj(r)) return c.fail(at, `expected an object, got ${typeName(r)}`);
    c.fields(r, at, [
      "uri",
      "name",
      "title",
      "description",
      "mimeType",
      "icons",
    ]);
    const uri = c.str(r, "uri", at, true);
    if (uri !== undefined) {
      if (!URI.test(uri)) {
        c.fail(
          `${at}.uri`,
          `invalid URI "${clip(printable(uri))}" (expected scheme:...)`,
        );
      } else if (uris.has(uri)) {
        c.fail(
          `${at}.uri`,
          `duplicate resource URI "${uri}" (also resources[${uris.get(uri)}])`,
        );
      } else uris.set(uri, i);
    }
    const rname = c.str(r, "name", at, true);
    const res: ResourceSpec = { uri: uri ?? "", name: rname ?? "" };
    const title = c.str(r, "title", at, false);
    const desc = c.str(r, "description", at, false);
    const mime = c.str(r, "mimeType", at, false);
    if (title !== undefined) res.title = title;
    if (desc !== undefined) res.description = desc;
    if (mime !== undefined) res.mimeType = mime;
    const ricons = c.icons(r, at);
    if (ricons !== undefined) res.icons = ricons;
    resources.push(res);
  });

  const resourceTemplates: ResourceTemplateSpec[] = [];
  const listsTemplates = value.resourceTemplates !== undefined;
  const templateIndex = new Map<string, number>();
  c.arr(value, "resourceTemplates", "").forEach((r, i) => {
    const at = `resourceTemplates[${i}]`;
    if (!isObj(r)) return c.fail(at, `expected an object, got ${typeName(r)}`);
    c.fields(r, at, [
      "uriTemplate",
      "name",
      "title",
      "description",
      "mimeType",
      "icons",
    ]);
    const text = c.str(r, "uriTemplate", at, true);
    if (text !== undefined) {
      let ok = true;
      try {
        parseUriTemplate(text);
      } catch (e) {
        if (!(e instanceof UriTemplateError)) throw e;
        ok = false;
        c.fail(
          `${at}.uriTemplate`,
          `invalid URI template "${clip(printable(text))}": ${
            clip(printable(e.message), 160)
          }`,
        );
      }
      if (ok && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(text)) {
        c.fail(
          `${at}.uriTemplate`,
          `invalid URI template "${
            clip(printable(text))
          }" (expected scheme:... before any expression)`,
        );
      } else if (ok && templateIndex.has(text)) {
        c.fail(
          `${at}.uriTemplate`,
          `duplicate URI template "${
            clip(printable(text))
          }" (also ${`resourceTemplates[${templateIndex.get(text)}]`})`,
        );
      } else if (ok) templateIndex.set(text, i);
    }
    const tname = c.str(r, "name", at, true);
    const tpl: ResourceTemplateSpec = {
      uriTemplate: text ?? "",
      name: tname ?? "",
    };
    const title = c.str(r, "title", at, false);
    const desc = c.str(r, "description", at, false);
    const mime = c.str(r, "mimeType", at, false);
    if (title !== undefined) tpl.title = title;
    if (desc !== undefined) tpl.description = desc;
    if (mime !== undefined) tpl.mimeType = mime;
    const ticons = c.icons(r, at);
    if (ticons !== undefined) tpl.icons = ticons;
    resourceTemplates.push(tpl);
  });

  const prompts: PromptSpec[] = [];
  const promptIndex = new Map<string, number>();
  c.arr(value, "prompts", "").forEach((p, i) => {
    const at = `prompts[${i}]`;
    if (!isObj(p)) return c.fail(at, `expected an object, got ${typeName(p)}`);
    c.fields(p, at, ["name", "title", "description", "arguments", "icons"]);
    const pname = c.str(p, "name", at, true);
    if (pname !== undefined) {
      if (promptIndex.has(pname)) {
        c.fail(
          `${at}.name`,
          `duplicate prompt name "${pname}" (also prompts[${
            promptIndex.get(pname)
          }])`,
        );
      } else promptIndex.set(pname, i);
    }
    const prompt: PromptSpec = { name: pname ?? "" };
    const title = c.str(p, "title", at, false);
    const desc = c.str(p, "description", at, false);
    if (title !== undefined) prompt.title = title;
    if (desc !== undefined) prompt.description = desc;
    const picons = c.icons(p, at);
    if (picons !== undefined) prompt.icons = picons;
    if (p.arguments !== undefined) {
      const args: PromptArgument[] = [];
      const seen = new Set<string>();
      c.arr(p, "arguments", at).forEach((a, j) => {
        const aat = `${at}.arguments[${j}]`;
        if (!isObj(a)) {
          return c.fail(aat, `expected an object, got ${typeName(a)}`);
        }
        c.fields(a, aat, ["name", "description", "required"]);
        const aname = c.str(a, "name", aat, true);
        if (aname !== undefined) {
          if (seen.has(aname)) {
            c.fail(`${aat}.name`, `duplicate argument name "${aname}"`);
          }
          seen.add(aname);
        }
        const arg: PromptArgument = { name: aname ?? "" };
        const adesc = c.str(a, "description", aat, false);
        if (adesc !== undefined) arg.description = adesc;
        if (a.required !== undefined) {
          if (typeof a.required !== "boolean") {
            c.fail(
              `${aat}.required`,
              `expected a boolean, got ${typeName(a.required)}`,
            );
          } else arg.required = a.required;
        }
        args.push(arg);
      });
      prompt.arguments = args;
    }
    prompts.push(prompt);
  });

  const wasi_imports: string[] = [];
  const listsImports = value.wasi_imports !== undefined;
  c.arr(value, "wasi_imports", "").forEach((w, i) => {
    const at = `wasi_imports[${i}]`;
    if (typeof w !== "string") {
      return c.fail(at, `expected a string, got ${typeName(w)}`);
    }
    if (!isWasiFunction(w)) {
      return c.fail(
        at,
        `unknown ${WASI_MODULE} function "${clip(printable(w))}"`,
      );
    }
    if (!wasi_imports.includes(w)) wasi_imports.push(w);
  });

  // the network of ABI v2 agents (porta/fetch, src/agent/net.ts)
  let allowedHosts: string[] | undefined;
  if (value.allowed_hosts !== undefined) {
    const hosts: string[] = [];
    allowedHosts = hosts;
    c.arr(value, "allowed_hosts", "").forEach((h, i) => {
      const at = `allowed_hosts[${i}]`;
      if (typeof h !== "string") {
        return c.fail(at, `expected a string, got ${typeName(h)}`);
      }
      try {
        const p = parseHostPattern(h);
        if (hosts.includes(p.text)) {
          return c.fail(at, `duplicate host pattern "${clip(printable(h))}"`);
        }
        hosts.push(p.text);
      } catch (e) {
        if (!(e instanceof HostPatternError)) throw e;
        c.fail(at, printable(e.message));
      }
    });
    if (Array.isArray(value.allowed_hosts)) {
      if (abi !== 2) {
        c.fail(
          "allowed_hosts",
          'needs "abi": 2 (agents make requests with porta/fetch request frames)',
        );
      }
      if (!capabilities.includes("net")) {
        c.fail("allowed_hosts", 'needs "net" in capabilities');
      }
    }
  }
  let allowedMethods: string[] | undefined;
  if (value.allowed_methods !== undefined) {
    const methods: string[] = [];
    allowedMethods = methods;
    c.arr(value, "allowed_methods", "").forEach((v, i) => {
      const at = `allowed_methods[${i}]`;
      const up = typeof v === "string" ? v.toUpperCase() : "";
      if (!KNOWN_METHODS.includes(up)) {
        return c.fail(
          at,
          `expected one of ${KNOWN_METHODS.join(", ")}, got ${
            typeof v === "string" ? `"${clip(printable(v))}"` : typeName(v)
          }`,
        );
      }
      if (!methods.includes(up)) methods.push(up);
    });
  }
  let headers: Record<string, Record<string, string>> | undefined;
  if (value.headers !== undefined) {
    if (!isObj(value.headers)) {
      c.fail("headers", `expected an object, got ${typeName(value.headers)}`);
    } else {
      headers = {};
      for (const [key, hs] of Object.entries(value.headers)) {
        const at = `headers[${JSON.stringify(clip(printable(key)))}]`;
        let norm: string | undefined;
        try {
          norm = parseHostPattern(key).text;
        } catch (e) {
          if (!(e instanceof HostPatternError)) throw e;
          c.fail(at, printable(e.message));
          continue;
        }
        if (!(allowedHosts ?? []).includes(norm)) {
          c.fail(
            at,
            "not one of allowed_hosts (headers are declared per allowed host pattern)",
          );
          continue;
        }
        if (!isObj(hs)) {
          c.fail(
            at,
            `expected an object {"Header-Name": "value"}, got ${typeName(hs)}`,
          );
          continue;
        }
        const out: Record<string, string> = {};
        for (const [name, v] of Object.entries(hs)) {
          const hat = `${at}[${JSON.stringify(clip(printable(name)))}]`;
          if (!isToken(name) || name.length > 256) {
            c.fail(hat, "the header name is not a token");
            continue;
          }
          if (FORBIDDEN_HEADERS.has(name.toLowerCase())) {
            c.fail(hat, `"${name.toLowerCase()}" is set by Porta`);
            continue;
          }
          if (typeof v !== "string") {
            c.fail(hat, `expected a string, got ${typeName(v)}`);
            continue;
          }
          if (/[\r\n\0]/.test(v)) {
            c.fail(hat, "must not contain CR, LF or NUL");
            continue;
          }
          const refs = secretRefs(v);
          if (!Array.isArray(refs)) {
            c.fail(hat, refs);
            continue;
          }
          Object.defineProperty(out, name, {
            value: v,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        Object.defineProperty(headers, norm, {
          value: out,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
  }

  if (c.issues.length > 0) throw new ManifestError(c.issues, file);
  const m: Manifest = {
    name,
    version,
    capabilities,
    tools,
    resources,
    prompts,
  };
  if (schemaVersion !== undefined) m.schema_version = schemaVersion;
  if (description !== undefined) m.description = description;
  if (entry !== undefined) m.entry = entry;
  if (listsImports) m.wasi_imports = wasi_imports;
  if (listsTemplates) m.resourceTemplates = resourceTemplates;
  if (abi !== undefined) m.abi = abi;
  if (completions !== undefined) m.completions = completions;
  if (allowedHosts !== undefined) m.allowed_hosts = allowedHosts;
  if (allowedMethods !== undefined) m.allowed_methods = allowedMethods;
  if (headers !== undefined) m.headers = headers;
  return m;
}

/**
 * Parses and validates manifest text (JSONC). Throws {@link ManifestError},
 * also for a text over `maxBytes` (default {@link MAX_MANIFEST_BYTES}) of
 * UTF-8.
 */
export function parseManifest(
  text: string,
  file?: string,
  maxBytes: number = MAX_MANIFEST_BYTES,
): Manifest {
  // a UTF-16 code unit is at least one UTF-8 byte
  if (text.length > maxBytes) {
    throw new ManifestError(
      [tooLarge(`more than ${maxBytes}`, maxBytes)],
      file,
    );
  }
  const bytes = utf8Length(text);
  if (bytes > maxBytes) {
    throw new ManifestError([tooLarge(bytes, maxBytes)], file);
  }
  let value: unknown;
  try {
    value = parseJsonc(text);
  } catch (e) {
    const err = e as { message: string; line?: number; column?: number };
    const where = err.line
      ? `line ${err.line}, column ${err.column}`
      : "syntax";
    throw new ManifestError([`${where}: ${err.message}`], file);
  }
  return validateManifest(value, file);
}

function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2; // 4 bytes for 2 code units
        i++;
      } else n += 2;
    } else n += 2;
  }
  return n;
}

/**
 * Reads, parses and validates a manifest file. Throws {@link ManifestError};
 * a file over `maxBytes` (default {@link MAX_MANIFEST_BYTES}) is refused
 * from its size, and never more than `maxBytes + 1` bytes are read.
 */
export async function loadManifest(
  path: string,
  maxBytes: number = MAX_MANIFEST_BYTES,
): Promise<Manifest> {
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(path, maxBytes);
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    const why = e instanceof Deno.errors.NotFound
      ? "no such file"
      : "cannot read the file";
    throw new ManifestError([why], path);
  }
  return parseManifest(new TextDecoder().decode(bytes), path, maxBytes);
}

/** Reads at most `maxBytes` of a file; more is a {@link ManifestError}. */
async function readBounded(
  path: string,
  maxBytes: number,
): Promise<Uint8Array> {
  using file = await Deno.open(path, { read: true });
  const info = await file.stat();
  if (info.size > maxBytes) {
    throw new ManifestError([tooLarge(info.size, maxBytes)], path);
  }
  // the size may be 0 (a FIFO, /proc) or grow while reading: read up to
  // one byte past the limit, never more
  let buf = new Uint8Array(
    Math.min(maxBytes + 1, Math.max(info.size, 4096) + 1),
  );
  let n = 0;
  for (;;) {
    if (n === buf.length) {
      if (buf.length > maxBytes) {
        throw new ManifestError(
          [tooLarge(`more than ${maxBytes}`, maxBytes)],
          path,
        );
      }
      const bigger = new Uint8Array(Math.min(maxBytes + 1, buf.length * 2));
      bigger.set(buf);
      buf = bigger;
    }
    const r = await file.read(buf.subarray(n));
    if (r === null) break;
    n += r;
  }
  return buf.subarray(0, n);
}

/** The conventional manifest path of a module: `foo.wasm` -> `foo.manifest.json`. */
export function manifestPathFor(wasmPath: string): string {
  const slash = Math.max(wasmPath.lastIndexOf("/"), wasmPath.lastIndexOf("\\"));
  const dir = wasmPath.slice(0, slash + 1);
  const base = wasmPath.slice(slash + 1);
  const stem = base.toLowerCase().endsWith(".wasm") ? base.slice(0, -5) : base;
  return `${dir}${stem}.manifest.json`;
}

/**
 * Finds the manifest of a module: the explicit path if given (it must exist,
 * else {@link ManifestError}), else `<agent>.manifest.json` beside the wasm
 * if that exists, else `undefined`.
 */
export function findManifest(
  wasmPath: string,
  explicit?: string,
): string | undefined {
  if (explicit !== undefined) {
    try {
      if (!Deno.statSync(explicit).isFile) {
        throw new ManifestError(["not a file"], explicit);
      }
    } catch (e) {
      if (e instanceof ManifestError) throw e;
      throw new ManifestError(["no such file"], explicit);
    }
    return explicit;
  }
  const beside = manifestPathFor(wasmPath);
  try {
    return Deno.statSync(beside).isFile ? beside : undefined;
  } catch {
    return undefined;
  }
}

/** The part of a module description `deriveManifest` needs (engine `describeModule` or `Module.imports/exports`). */
export interface ModuleShape {
  /** Imports of the module. */
  imports: readonly { module: string; name: string; kind: string }[];
  /**
   * Exports of the module; `type` (when the runtime knows it) is the
   * function type in text form, e.g. `(i32, i64) -> (i32)`.
   */
  exports: readonly { name: string; kind: string; type?: string }[];
}

/** Exports that are never tools (WASI/toolchain entry points and internals). */
export function isInternalExport(name: string): boolean {
  return name === "_start" || name === "_initialize" || name.startsWith("_") ||
    name.startsWith("cabi_") || name === "memory" || name === "main";
}

/** Turns an arbitrary string into a valid tool name. */
export function toolNameFrom(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^_+|_+$/g, "")
    .slice(0, 128);
  return clean === "" ? "run" : clean;
}

/**
 * Derives a manifest from a module (for `porta build`), in the seed's
 * format and field order:
 * - `schema_version`: {@link SCHEMA_VERSION};
 * - `entry`: `_start` for a WASI command (omitted for a reactor, whose tools
 *   name their own entries);
 * - `wasi_imports`: the module's `wasi_snapshot_preview1` function imports
 *   that are WASI functions (others can never link and are left out);
 * - `capabilities`: the smallest set covering those imports;
 * - tools: every exported function that is not internal (see
 *   {@link isInternalExport}). In a WASI command (it exports `_start`) every
 *   call runs `_start` and the guest dispatches on the `"tool"` field of the
 *   ABI request; when such a module exports no other function, one tool named
 *   after the agent is derived. In a reactor (no `_start`) each tool gets
 *   `"entry": "<export>"` so that export runs for that tool (exports whose
 *   known type takes parameters cannot be entries and are skipped).
 *   Input schemas are the permissive `{"type": "object"}`: edit them.
 */
export function deriveManifest(info: ModuleShape, name: string): Manifest {
  const wasi = [
    ...new Set(
      info.imports.filter((i) =>
        i.module === WASI_MODULE && i.kind === "function" &&
        isWasiFunction(i.name)
      ).map((i) => i.name),
    ),
  ];
  const funcExports = info.exports.filter((e) => e.kind === "function");
  const funcs = funcExports.map((e) => e.name);
  const isCommand = funcs.includes("_start");
  // a reactor's tool entry runs with no arguments: exports known to take
  // parameters (library functions) are not tools
  const exported = funcExports.filter((e) =>
    !isInternalExport(e.name) && TOOL_NAME.test(e.name) &&
    (isCommand || e.type === undefined || e.type.startsWith("() "))
  ).map((e) => e.name);
  const tools: ToolSpec[] = exported.map((f) => {
    const t: ToolSpec = {
      name: f,
      description: `Exported function ${f}.`,
      inputSchema: { type: "object" },
    };
    if (!isCommand) t.entry = f;
    return t;
  });
  if (isCommand && tools.length === 0) {
    tools.push({
      name: toolNameFrom(name),
      description: `Runs ${name} (the request arrives on stdin).`,
      inputSchema: { type: "object" },
    });
  }
  return {
    schema_version: SCHEMA_VERSION,
    name,
    version: "0.1.0",
    description: `Agent ${name} (manifest derived by porta build).`,
    ...(isCommand ? { entry: "_start" } : {}),
    capabilities: requiredCapabilities(wasi),
    tools,
    resources: [],
    prompts: [],
    wasi_imports: wasi,
  };
}
