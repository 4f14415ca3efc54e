/**
 * `porta validate` (being implemented).
 *
 * @module
 */

import { CliError } from "./flags.ts";

/** Implements `porta validate`; returns the exit code. */
export function validateCommand(_argv: string[]): Promise<number> {
  return Promise.reject(
    new CliError("'porta validate' is not implemented yet"),
  );
}
