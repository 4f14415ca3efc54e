/**
 * The tool-call ABI of Porta agents.
 *
 * Request (guest stdin): a 4-byte little-endian length followed by that many
 * bytes of UTF-8 JSON `{"tool": NAME, "arguments": ARGS}`. Resources and
 * prompts use the pseudo-tools `_resource_read` (`{"uri"}`) and `_prompt_get`
 * (`{"prompt", "arguments"}`).
 *
 * Response (guest stdout): `{"ok": V}` is a successful result (the text is V
 * itself when V is a string, else `JSON.stringify(V)`); `{"err": V}` is an
 * error result; any other output is a successful text result as is.
 *
 * This is ABI v1, the default. An agent whose manifest says `"abi": 2`
 * speaks in frames instead (logs, progress, requests to the client, a final
 * result object): see `abi2.ts`.
 *
 * @module
 */

import { jsonNestingExceeds } from "./json_depth.ts";

/** Pseudo-tool name used by `resources/read`. */
export const RESOURCE_READ_TOOL = "_resource_read";
/** Pseudo-tool name used by `prompts/get`. */
export const PROMPT_GET_TOOL = "_prompt_get";

const encoder = new TextEncoder();

/** Encodes a tool request as the guest's stdin bytes. */
export function encodeRequest(tool: string, args: unknown): Uint8Array {
  const json = encoder.encode(
    JSON.stringify({ tool, arguments: args === undefined ? {} : args }),
  );
  const out = new Uint8Array(4 + json.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  return out;
}

/** The decoded stdout of a tool call. */
export interface DecodedResponse {
  /** Result text. */
  text: string;
  /** True for an `{"err": V}` envelope. */
  isError: boolean;
  /** Which form the output had. */
  kind: "ok" | "err" | "raw";
}

/**
 * The text of the envelope's value: a string as is, else its JSON. A value
 * `JSON.stringify` cannot write (nested thousands of levels, which it parsed)
 * keeps its own JSON text from the envelope.
 */
function valueText(v: unknown, envelope: string): string {
  if (typeof v === "string") return v;
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s;
  } catch {
    return ownValueText(envelope);
  }
}

/** VALUE of `{"ok": VALUE}` as written (the key holds no ":", not even escaped). */
function ownValueText(envelope: string): string {
  return envelope.slice(envelope.indexOf(":") + 1, envelope.lastIndexOf("}"))
    .trim();
}

/**
 * Deepest guest JSON Porta parses on its main thread (V8 parses deeper
 * nesting slowly); deeper output keeps its own text.
 */
export const MAX_GUEST_JSON_DEPTH = 1024;

const ENVELOPE_START = /^\{\s*"(ok|err)"\s*:/;

/** Decodes a guest's stdout text per the ABI. */
export function decodeResponse(stdout: string): DecodedResponse {
  const trimmed = stdout.trim();
  if (
    trimmed.startsWith("{") &&
    jsonNestingExceeds(trimmed, MAX_GUEST_JSON_DEPTH)
  ) {
    // too deep to parse on the main thread: an envelope keeps its value's
    // own JSON text, anything else is raw text
    const m = ENVELOPE_START.exec(trimmed);
    if (m && trimmed.endsWith("}")) {
      const kind = m[1] as "ok" | "err";
      return { text: ownValueText(trimmed), isError: kind === "err", kind };
    }
    return { text: stdout, isError: false, kind: "raw" };
  }
  if (trimmed.startsWith("{")) {
    try {
      const v = JSON.parse(trimmed);
      if (typeof v === "object" && v !== null && !Array.isArray(v)) {
        const keys = Object.keys(v);
        if (keys.length === 1 && keys[0] === "ok") {
          return { text: valueText(v.ok, trimmed), isError: false, kind: "ok" };
        }
        if (keys.length === 1 && keys[0] === "err") {
          return {
            text: valueText(v.err, trimmed),
            isError: true,
            kind: "err",
          };
        }
      }
    } catch {
      // not JSON: raw text
    }
  }
  return { text: stdout, isError: false, kind: "raw" };
}
