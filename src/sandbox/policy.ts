/**
 * Import policy: which imports a guest module may declare (checked when the
 * module loads, before any guest instruction runs) and the run-time guard
 * wrapped around every WASI function.
 *
 * @module
 */

import {
  type Capability,
  WASI_CAPABILITY,
  WASI_FD_WRITE_FUNCTIONS,
  WASI_MODULE,
} from "./capabilities.ts";

/** One import of a module, as `Module.imports()` describes it. */
export interface ImportDescriptor {
  /** Import module name, e.g. `wasi_snapshot_preview1`. */
  module: string;
  /** Field name, e.g. `fd_write`. */
  name: string;
  /** `function`, `memory`, `table`, `global` or `tag`. */
  kind: string;
}

/** An import the policy refuses. */
export interface DeniedImport {
  /** Import module name. */
  module: string;
  /** Field name. */
  name: string;
  /** The capability it needs, when it is a known WASI function. */
  capability?: Capability;
  /** Why it is refused, as one line fragment. */
  reason: string;
}

/** WASI errno `ENOTCAPABLE`: returned by a guarded function whose capability is missing. */
export const ENOTCAPABLE = 76;

/**
 * Check a module's imports against the granted capabilities. Returns every
 * refused import (empty = the module may load): a WASI function whose
 * capability is not granted, an unknown WASI function, a non-function WASI
 * import, or an import from any module other than `wasi_snapshot_preview1`
 * (Porta provides nothing else).
 */
export function checkImports(
  imports: Iterable<ImportDescriptor>,
  grants: ReadonlySet<Capability>,
): DeniedImport[] {
  const denied: DeniedImport[] = [];
  for (const imp of imports) {
    const { module, name, kind } = imp;
    if (module !== WASI_MODULE) {
      denied.push({
        module,
        name,
        reason:
          `unknown import module "${module}" (only ${WASI_MODULE} is provided)`,
      });
      continue;
    }
    if (!Object.hasOwn(WASI_CAPABILITY, name)) {
      denied.push({
        module,
        name,
        reason: `is not a ${WASI_MODULE} function`,
      });
      continue;
    }
    const capability = WASI_CAPABILITY[name];
    if (kind !== "function") {
      denied.push({
        module,
        name,
        capability,
        reason: `must be imported as a function, not a ${kind}`,
      });
      continue;
    }
    if (!grants.has(capability)) {
      denied.push({
        module,
        name,
        capability,
        reason: `needs capability "${capability}" (not granted)`,
      });
    }
  }
  return denied;
}

/**
 * Format denied imports, one line each, e.g.
 * `import wasi_snapshot_preview1.path_open needs capability "fs" (not granted)`.
 */
export function formatDenied(denied: readonly DeniedImport[]): string {
  return denied.map((d) => `import ${d.module}.${d.name} ${d.reason}`).join(
    "\n",
  );
}

/** Options of {@link guardImports}. */
export interface GuardOptions {
  /** Called with the function name and capability each time a call is refused. */
  onDenied?(name: string, capability: Capability | undefined): void;
}

/** A WASI host function. */
export type WasiFn = (...args: any[]) => any;

/**
 * Wrap every WASI function with a run-time capability check: a call whose
 * capability is not granted returns `ENOTCAPABLE` (76) without reaching the
 * WASI layer. fd-generic functions (`fd_read`, `fd_write`, `fd_seek`, ...) on
 * an fd other than stdio (0-2) also need `fs`, and the writing ones
 * (`fd_write`, `fd_sync`, `fd_datasync`) need `fs.write` there. `proc_exit`
 * always passes (ending the guest is never a privilege). Unknown functions are
 * refused with `ENOTCAPABLE` too (the import check already refuses modules
 * that import them).
 */
export function guardImports<T extends Record<string, WasiFn>>(
  wasiImports: T,
  grants: ReadonlySet<Capability>,
  options: GuardOptions = {},
): T {
  const out: Record<string, WasiFn> = {};
  for (const [name, fn] of Object.entries(wasiImports)) {
    const capability = Object.hasOwn(WASI_CAPABILITY, name)
      ? WASI_CAPABILITY[name]
      : undefined;
    const deny = (cap: Capability | undefined): number => {
      options.onDenied?.(name, cap);
      return ENOTCAPABLE;
    };
    if (name === "proc_exit") {
      out[name] = fn;
    } else if (capability === undefined) {
      out[name] = () => deny(undefined);
    } else if (!grants.has(capability)) {
      out[name] = () => deny(capability);
    } else if (capability === "io") {
      const writes = WASI_FD_WRITE_FUNCTIONS.has(name);
      const fsOk = grants.has("fs");
      const fsWriteOk = fsOk && grants.has("fs.write");
      out[name] = (fd: number, ...rest: unknown[]) => {
        if ((fd >>> 0) > 2) {
          if (!fsOk) return deny("fs");
          if (writes && !fsWriteOk) return deny("fs.write");
        }
        return fn(fd, ...rest);
      };
    } else {
      out[name] = fn;
    }
  }
  return out as T;
}
