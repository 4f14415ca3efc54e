/**
 * Porta's sandbox layer: capabilities and profiles, the import policy, the
 * Deno permission set of the guest worker, and the wall (`GuestWall`,
 * `GuestPool`) that runs guests inside it.
 *
 * @module
 */

export * from "./capabilities.ts";
export * from "./policy.ts";
export * from "./permissions.ts";
export * from "./wall.ts";
