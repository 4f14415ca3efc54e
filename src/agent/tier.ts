/**
 * The engine's execution tiers as the Agent and the command line accept
 * them (`--tier`, `AgentOptions.tier`); every guest instance is created
 * with the tier (`InstanceOptions.tier`, see `src/wasm/api.ts`):
 * - `interp`: every function runs in the interpreter;
 * - `js`: every function is translated to JavaScript before its first call;
 * - `auto` (the default): interpreted first, translated once hot.
 *
 * The tiers give identical results, traps and instruction counts.
 *
 * @module
 */

import type { Tier } from "../sandbox/wall.ts";

export type { Tier };

/** Every tier once (a tier added to the type fails to type-check here). */
const ALL: Record<Tier, true> = { interp: true, js: true, auto: true };

/** The tiers, in the order help and error messages list them. */
export const TIERS: readonly Tier[] = Object.keys(ALL) as Tier[];

/** The tier used when none is given. */
export const DEFAULT_TIER: Tier = "auto";

/** Whether `value` names a tier. */
export function isTier(value: unknown): value is Tier {
  return typeof value === "string" && Object.hasOwn(ALL, value);
}
