/**
 * `porta call <agent.wasm> TOOL ['{json}']` (also `--resource URI` and
 * `--prompt NAME [--arg k=v ...] ['{json}']`): one tool call, resource read
 * or prompt, through the same path as `porta serve` (the MCP server's own
 * handling: argument checks against `inputSchema`, limits, conversion of the
 * guest's result, size bounds), without a client.
 *
 * Output: the text of the result on stdout (each text block; a resource's
 * blob decoded to bytes; a prompt's messages, prefixed with their role when
 * there are several), or with `--json` the whole MCP result object.
 * Diagnostics on stderr as in `serve`: the call's line
 * (`[porta] tool=NAME ... ok|error`), the guest's stderr (`[NAME] line`) and
 * one `[porta] denied: ...` line per distinct call refused for want of a
 * grant.
 *
 * ABI v2 agents' HTTP requests (`porta/fetch`) work as in `serve`, with the
 * same flags (`--allow-host`, `--allow-private-net`, `--net-max-requests`,
 * `--net-max-bytes`, `--net-timeout`); the call's line then says what the
 * call did on the network (`net=N net_bytes=B net_hosts=...`).
 *
 * Exit codes: 0 ok; 1 when the result has `isError` (or the resource or
 * prompt failed, or the agent cannot load); 2 for usage errors (unknown tool,
 * resource or prompt, bad JSON, arguments the server refuses); 130/143 on
 * SIGINT/SIGTERM. Flags and defaults as `serve` (`--timeout` 30s,
 * `--max-memory` 256MiB, `--max-output` 1MiB).
 *
 * @module
 */

import {
  AGENT_OPTIONS,
  ENGINE_OPTIONS,
  HELP_OPTION,
  LIMIT_OPTIONS,
  listFlag,
  NET_OPTIONS,
  type OptionTable,
  parseCommandArgs,
  resolveCommonFlags,
  stringFlag,
  UsageError,
} from "./flags.ts";
import { HELP } from "./help.ts";
import { VERSION } from "./version.ts";
import { errorLine, writeOut } from "./output.ts";
import { AsyncWriter } from "./async_writer.ts";
import { dirWarnings, SIGNAL_DRAIN_MS, untilAborted } from "./run.ts";
import { loadAgent, serveLimits } from "./serve.ts";
import { secretRedactor } from "../agent/agent.ts";
import { printable } from "../agent/printable.ts";
import { McpServer } from "../mcp/server.ts";
import { ErrorCode } from "../mcp/jsonrpc.ts";

const CALL_OPTIONS: OptionTable = {
  ...AGENT_OPTIONS,
  ...LIMIT_OPTIONS,
  ...ENGINE_OPTIONS,
  ...NET_OPTIONS,
  entry: { type: "string" },
  resource: { type: "string" },
  prompt: { type: "string" },
  arg: { type: "string", multiple: true },
  json: { type: "boolean" },
  ...HELP_OPTION,
};

const USAGE =
  "porta call <agent.wasm> TOOL ['{json}'] | --resource URI | --prompt NAME [--arg k=v] ['{json}']";

/** What to ask the agent: an MCP method and its params. */
interface Request {
  method: "tools/call" | "resources/read" | "prompts/get";
  params: Record<string, unknown>;
  label: string;
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new UsageError(`invalid JSON ${what}: ${why}`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new UsageError(`${what} must be a JSON object, e.g. '{"n": 3}'`);
  }
  return v as Record<string, unknown>;
}

/** The request described by the command line (usage errors: one line). */
function parseRequest(
  positionals: string[],
  values: Record<string, unknown>,
): { wasm: string; request: Request } {
  const resource = stringFlag(values as never, "resource");
  const prompt = stringFlag(values as never, "prompt");
  const argItems = listFlag(values as never, "arg");
  const [wasm, ...rest] = positionals;
  if (wasm === undefined) {
    throw new UsageError(`missing <agent.wasm> (usage: ${USAGE})`);
  }
  if (resource !== undefined && prompt !== undefined) {
    throw new UsageError("--resource and --prompt exclude each other");
  }
  if (argItems.length > 0 && prompt === undefined) {
    throw new UsageError(
      "--arg is for prompt arguments (--prompt NAME); give tool arguments as one JSON object",
    );
  }
  if (resource !== undefined) {
    if (rest.length > 0) {
      throw new UsageError(
        `--resource takes no other argument (usage: ${USAGE})`,
      );
    }
    return {
      wasm,
      request: {
        method: "resources/read",
        params: { uri: resource },
        label: `resource ${resource}`,
      },
    };
  }
  if (prompt !== undefined) {
    if (rest.length > 1) {
      throw new UsageError(`too many arguments (usage: ${USAGE})`);
    }
    // client-like names: a null-prototype object ("__proto__" is a name)
    const args: Record<string, unknown> = Object.create(null);
    if (rest.length === 1) {
      Object.assign(args, parseJsonObject(rest[0], "prompt arguments"));
    }
    for (const item of argItems) {
      const eq = item.indexOf("=");
      if (eq <= 0) {
        throw new UsageError(
          `invalid value for --arg: expected NAME=VALUE (got "${item}")`,
        );
      }
      args[item.slice(0, eq)] = item.slice(eq + 1);
    }
    return {
      wasm,
      request: {
        method: "prompts/get",
        params: { name: prompt, arguments: { ...args } },
        label: `prompt ${prompt}`,
      },
    };
  }
  const [tool, json, ...extra] = rest;
  if (tool === undefined) {
    throw new UsageError(
      `missing TOOL (usage: ${USAGE}; 'porta inspect' lists the tools)`,
    );
  }
  if (extra.length > 0) {
    throw new UsageError(
      `too many arguments: give the tool's arguments as one JSON object (usage: ${USAGE})`,
    );
  }
  const args = json === undefined ? {} : parseJsonObject(json, "arguments");
  return {
    wasm,
    request: {
      method: "tools/call",
      params: { name: tool, arguments: args },
      label: `tool ${tool}`,
    },
  };
}

const enc = new TextEncoder();

function b64bytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function withNewline(text: string): string {
  return text === "" || text.endsWith("\n") ? text : text + "\n";
}

/** What `porta call` prints on stdout for a result (without `--json`). */
export function renderResult(
  method: Request["method"],
  result: Record<string, unknown>,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  const block = (b: Record<string, unknown>): string => {
    switch (b.type) {
      case "text":
        return String(b.text);
      case "image":
      case "audio":
        return `[${b.type} ${String(b.mimeType)}, ${
          String(b.data).length
        } base64 characters; --json shows it]`;
      case "resource": {
        const r = (b.resource ?? {}) as Record<string, unknown>;
        return typeof r.text === "string"
          ? r.text
          : `[resource ${String(r.uri)}; --json shows it]`;
      }
      case "resource_link":
        return `[resource_link ${String(b.uri)}]`;
      default:
        return `[${String(b.type)} content; --json shows it]`;
    }
  };
  if (method === "tools/call") {
    const content = Array.isArray(result.content) ? result.content : [];
    for (const b of content) {
      out.push(enc.encode(withNewline(block(b as Record<string, unknown>))));
    }
  } else if (method === "resources/read") {
    const contents = Array.isArray(result.contents) ? result.contents : [];
    for (const c of contents as Record<string, unknown>[]) {
      if (typeof c.text === "string") out.push(enc.encode(c.text));
      else if (typeof c.blob === "string") out.push(b64bytes(c.blob));
    }
  } else {
    const messages = Array.isArray(result.messages) ? result.messages : [];
    for (const m of messages as Record<string, unknown>[]) {
      const text = block((m.content ?? {}) as Record<string, unknown>);
      out.push(
        enc.encode(
          withNewline(
            messages.length > 1 ? `[${String(m.role)}] ${text}` : text,
          ),
        ),
      );
    }
  }
  return out;
}

/** Implements `porta call`; returns the exit code. */
export async function callCommand(argv: string[]): Promise<number> {
  const { values, positionals, rest } = parseCommandArgs(
    "call",
    argv,
    CALL_OPTIONS,
  );
  if (values.help) {
    await writeOut(HELP.call + "\n");
    return 0;
  }
  if (rest.length > 0) {
    throw new UsageError(
      "'porta call' takes no guest arguments after '--' (see 'porta help call')",
    );
  }
  const { wasm, request } = parseRequest(positionals, values);
  const flags = resolveCommonFlags(values);
  const limits = serveLimits(flags.limits);
  const redact = secretRedactor(flags.secrets);
  const stderr = new AsyncWriter(Deno.stderr);
  const log = (line: string) =>
    void stderr.writeLossy(printable(redact(line)) + "\n");

  const agent = await loadAgent(wasm, flags, limits, { poolSize: 1 });
  for (const line of dirWarnings(flags.dirs, agent.grants)) log(line);

  const abort = new AbortController();
  let stopSignal: "SIGINT" | "SIGTERM" | undefined;
  const handlers: [Deno.Signal, () => void][] = [];
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    const h = () => {
      if (stopSignal !== undefined) {
        Deno.exit(stopSignal === "SIGTERM" ? 143 : 130);
      }
      stopSignal = sig;
      abort.abort(new Error(`stopped by ${sig}`));
    };
    try {
      Deno.addSignalListener(sig, h);
      handlers.push([sig, h]);
    } catch {
      // signals not supported on this platform
    }
  }
  const stdout = new AsyncWriter(Deno.stdout);
  try {
    const server = new McpServer(agent, {
      name: "porta",
      version: VERSION,
      limits,
      concurrency: 1,
      log,
      redact,
    });
    const response = await server.invoke(
      request.method,
      request.params,
      abort.signal,
    ) as {
      result?: Record<string, unknown>;
      error?: { code: number; message: string };
    };
    if (stopSignal !== undefined) {
      log("porta: interrupted");
      return stopSignal === "SIGTERM" ? 143 : 130;
    }
    if (response.error !== undefined) {
      const { code, message } = response.error;
      // refused before the guest ran: what the caller asked is wrong
      const usage = code === ErrorCode.InvalidParams ||
        code === ErrorCode.ResourceNotFound;
      log(errorLine(message).trimEnd());
      return usage ? 2 : 1;
    }
    const result = response.result ?? {};
    // a reader that never reads must not make Porta deaf to Ctrl-C/SIGTERM
    const write = (b: Uint8Array) =>
      untilAborted(stdout.write(b), abort.signal);
    if (values.json === true) {
      await write(enc.encode(JSON.stringify(result, null, 2) + "\n"));
    } else {
      for (const chunk of renderResult(request.method, result)) {
        if (stopSignal !== undefined) break;
        await write(chunk);
      }
    }
    if (stopSignal !== undefined) {
      log("porta: interrupted");
      return stopSignal === "SIGTERM" ? 143 : 130;
    }
    return result.isError === true ? 1 : 0;
  } finally {
    for (const [sig, h] of handlers) Deno.removeSignalListener(sig, h);
    await agent.close().catch(() => {});
    const limit = stopSignal !== undefined ? SIGNAL_DRAIN_MS : 5_000;
    await stdout.drain(limit);
    await stderr.drain(limit);
  }
}
