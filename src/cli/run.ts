/**
 * `porta run` (being implemented).
 *
 * @module
 */

import { CliError } from "./flags.ts";

/** Implements `porta run`; returns the exit code. */
export function runCommand(_argv: string[]): Promise<number> {
  return Promise.reject(new CliError("'porta run' is not implemented yet"));
}
