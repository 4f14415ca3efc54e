/**
 * `porta build` (being implemented).
 *
 * @module
 */

import { CliError } from "./flags.ts";

/** Implements `porta build`; returns the exit code. */
export function buildCommand(_argv: string[]): Promise<number> {
  return Promise.reject(new CliError("'porta build' is not implemented yet"));
}
