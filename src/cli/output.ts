/**
 * Output helpers of the CLI: complete writes to stdout/stderr and the
 * one-line error format `porta: error: ...`.
 *
 * @module
 */

import { printable } from "../agent/printable.ts";

const encoder = new TextEncoder();

/** Writes all of `data` to a Deno writer. */
export async function writeAll(
  w: { write(p: Uint8Array): Promise<number> },
  data: Uint8Array,
): Promise<void> {
  let off = 0;
  while (off < data.length) off += await w.write(data.subarray(off));
}

/** Writes text to stdout. */
export async function writeOut(text: string): Promise<void> {
  await writeAll(Deno.stdout, encoder.encode(text));
}

/** Writes text to stderr. */
export async function writeErr(text: string): Promise<void> {
  await writeAll(Deno.stderr, encoder.encode(text));
}

/**
 * Formats a one-line error (`porta: error: ...\n`); only the first line of
 * `message` is kept, with control characters escaped.
 */
export function errorLine(message: string): string {
  const first =
    message.split("\n").map((s) => s.trim()).find((s) => s !== "") ??
      "unknown error";
  return `porta: error: ${printable(first)}\n`;
}
