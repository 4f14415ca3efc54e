/**
 * `porta inspect` (being implemented).
 *
 * @module
 */

import { CliError } from "./flags.ts";

/** Implements `porta inspect`; returns the exit code. */
export function inspectCommand(_argv: string[]): Promise<number> {
  return Promise.reject(new CliError("'porta inspect' is not implemented yet"));
}
