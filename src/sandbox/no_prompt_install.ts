/**
 * Side-effect module: installs {@link installNoPrompt} on the worker's `Deno`
 * namespace when imported. `guest_worker.ts` imports it right after the
 * worker guard and before Porta's engine and WASI layer, so no permission
 * prompt can come from the guest worker.
 *
 * @module
 */

import { installNoPrompt } from "./no_prompt.ts";

installNoPrompt();
