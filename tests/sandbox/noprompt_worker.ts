/**
 * TEST-ONLY guest worker: the reference worker (`reference_worker.ts`, with
 * its `__probe__` hook that calls Deno APIs from inside the worker) with
 * Porta's no-prompt layer installed first, as `guest_worker.ts` does. Used to
 * prove that no Deno call made inside the guest worker can bring up Deno's
 * permission prompt, even on a terminal.
 */
import "../../src/sandbox/no_prompt_install.ts";
import "./reference_worker.ts";
