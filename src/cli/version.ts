/**
 * The version of porta, read from deno.json.
 *
 * @module
 */

import denoConfig from "../../deno.json" with { type: "json" };

/** Porta's version string (from deno.json). */
export const VERSION: string = denoConfig.version;

/** Package name (from deno.json). */
export const PACKAGE_NAME: string = denoConfig.name;
