/**
 * Import policy: which imports a guest module may declare (checked when the
 * module loads, before any guest instruction runs) and the run-time guard
 * wrapped around every WASI function.
 *
 * The rule (least privilege that real toolchains can live with): an import
 * that can never link (another module, an unknown WASI function, a
 * non-function) refuses the module at load; a WASI function whose capability
 * is not granted links, and every call to it is refused at run time
 * ({@link guardImports}), except `environ_sizes_get`/`environ_get`, which
 * without `env` report an empty environment, and `fd_prestat_get`/
 * `fd_prestat_dir_name`, which without `fs` report no preopened directory
 * ({@link emptyWhenNotGranted}).
 * Load-time refusal of ungranted or unlisted imports is opt-in:
 * {@link ImportCheckOptions}.
 *
 * @module
 */

import {
  type Capability,
  WASI_CAPABILITY,
  WASI_FD_WRITE_FUNCTIONS,
  WASI_MODULE,
  wasiCapability,
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

/** Options of {@link checkImports}: what is refused at load beyond imports that can never link. */
export interface ImportCheckOptions {
  /**
   * Refuse a WASI import whose capability is not granted (`--strict-imports`).
   * Default: such an import links and every call to it is refused at run
   * time by {@link guardImports} (`ENOTCAPABLE`; `environ_*` and
   * `fd_prestat_*` answer as an empty world, see {@link emptyWhenNotGranted}).
   */
  strict?: boolean;
  /**
   * The manifest's `wasi_imports`: when given, a WASI function import that is
   * not listed is refused (the seed's import validation).
   */
  allowlist?: readonly string[];
}

/**
 * Check a module's imports at load. Returns every refused import (empty =
 * the module may load), one entry per import: always an import from any
 * module other than `wasi_snapshot_preview1` (Porta provides nothing else),
 * an unknown WASI function or a non-function WASI import (none of them can
 * link); with `allowlist`, a WASI function not listed; with `strict`, a WASI
 * function whose capability is not granted.
 */
export function checkImports(
  imports: Iterable<ImportDescriptor>,
  grants: ReadonlySet<Capability>,
  options: ImportCheckOptions = {},
): DeniedImport[] {
  const denied: DeniedImport[] = [];
  const listed = options.allowlist ? new Set(options.allowlist) : undefined;
  // one entry per imported name, however often the module imports it
  const seen = new Set<string>();
  for (const imp of imports) {
    const { module, name, kind } = imp;
    const key = `${module}\0${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (module !== WASI_MODULE) {
      denied.push({
        module,
        name,
        reason:
          `unknown import module "${module}" (only ${WASI_MODULE} is provided)`,
      });
      continue;
    }
    const need = wasiCapability(name);
    if (need === undefined) {
      denied.push({
        module,
        name,
        reason: `is not a ${WASI_MODULE} function`,
      });
      continue;
    }
    const capability = need ?? undefined;
    if (kind !== "function") {
      denied.push({
        module,
        name,
        capability,
        reason: `must be imported as a function, not a ${kind}`,
      });
      continue;
    }
    if (listed !== undefined && !listed.has(name)) {
      denied.push({
        module,
        name,
        capability,
        reason: "is not listed in the manifest's wasi_imports",
      });
      continue;
    }
    if (
      options.strict === true && capability !== undefined &&
      !grants.has(capability)
    ) {
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

/**
 * WASI functions that, when their capability is not granted, answer as an
 * empty world would instead of `ENOTCAPABLE` (see
 * {@link emptyWhenNotGranted}): `environ_sizes_get`/`environ_get`
 * without `env` (no variables), `fd_prestat_get`/`fd_prestat_dir_name`
 * without `fs` (no preopened directory: `EBADF`, the answer that ends
 * wasi-libc's and Rust's preopen scan).
 */
export const EMPTY_WHEN_NOT_GRANTED: ReadonlyMap<string, Capability> = new Map<
  string,
  Capability
>([
  ["environ_get", "env"],
  ["environ_sizes_get", "env"],
  ["fd_prestat_get", "fs"],
  ["fd_prestat_dir_name", "fs"],
]);

/** The `environ_*` entries of {@link EMPTY_WHEN_NOT_GRANTED}. */
export const EMPTY_WITHOUT_ENV: ReadonlySet<string> = new Set([
  "environ_get",
  "environ_sizes_get",
]);

/**
 * Least privilege that real toolchains live with: without `env`,
 * `environ_sizes_get` and `environ_get` report an empty environment (0
 * variables, 0 bytes: success, revealing nothing); without `fs`,
 * `fd_prestat_get` and `fd_prestat_dir_name` report no preopened directory
 * (`EBADF`). Rust's std and wasi-libc call them at start-up, and an
 * `ENOTCAPABLE` there stops a guest that never reads a variable or a file
 * (wasi-libc exits with 71 when its preopen scan fails).
 *
 * Returns `guarded` (the output of {@link guardImports}) with those
 * functions, for each capability not granted, taken from `emptyWorld`,
 * which MUST be the functions of a WASI layer given an empty environment
 * unless `env` is granted and no preopens unless `fs` is granted (the guest
 * worker creates its WASI layer so). Kept apart from {@link guardImports}:
 * the only place where an ungranted function does not answer `ENOTCAPABLE`.
 */
export function emptyWhenNotGranted<T extends Record<string, WasiFn>>(
  guarded: T,
  emptyWorld: Readonly<Record<string, WasiFn>>,
  grants: ReadonlySet<Capability>,
): T {
  const out: Record<string, WasiFn> = { ...guarded };
  for (const [name, capability] of EMPTY_WHEN_NOT_GRANTED) {
    if (
      !grants.has(capability) && Object.hasOwn(guarded, name) &&
      Object.hasOwn(emptyWorld, name)
    ) {
      out[name] = emptyWorld[name];
    }
  }
  return out as T;
}
