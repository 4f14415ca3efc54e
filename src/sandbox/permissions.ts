/**
 * The Deno permission set of the guest worker (the outer wall).
 *
 * The guest worker runs only Porta's interpreter and WASI layer; the guest
 * never executes JavaScript. These permissions are a second wall behind the
 * WASI layer: even if a WASI bug let a path escape a preopen, Deno itself
 * refuses any file outside the granted preopens (`NotCapable`), and refuses
 * to create any symlink (Deno requires unrestricted read+write for that, so
 * guests cannot create symlinks at all). Limitation: Deno checks path
 * strings, so a symlink that already exists inside a preopen and points
 * outside is followed by Deno; only the WASI resolver stops that case.
 *
 * - `read`: the real paths of the preopened host directories, only with `fs`;
 * - `write`: the real paths of the writable preopens, only with `fs.write`;
 * - `net`, `env`, `run`, `ffi`, `sys`, `import`: always `false` (agents'
 * HTTP requests run in a separate net worker, see
 * {@link netWorkerPermissions}).
 *
 * The worker's own modules (file:, https: or embedded by `deno compile`) load
 * without any read or import permission: Deno's module loader does not check
 * the worker's permissions for its static module graph, so the worker never
 * gets read access to Porta's own source directory.
 *
 * @module
 */

import type { Capability } from "./capabilities.ts";
import type { Preopen } from "../wasi/mod.ts";

/** A host directory made visible to the guest: `src/wasi`'s `Preopen` (`writable` needs `fs.write` too). */
export type { Preopen };

/** The `deno.permissions` object of a worker (subset Porta sets). */
export interface WorkerPermissions {
  /** Readable host paths, or false. */
  read: string[] | false;
  /** Writable host paths, or false. */
  write: string[] | false;
  /** Network access: always false. */
  net: false;
  /** Environment variables: always false (the guest's env is passed explicitly). */
  env: false;
  /** Subprocesses: always false. */
  run: false;
  /** Foreign functions: always false. */
  ffi: false;
  /** System information: always false. */
  sys: false;
  /** Dynamic imports of remote code: always false. */
  import: false;
}

/** Error for a preopen that cannot be granted; its message is one line. */
export class PreopenError extends Error {
  /** Create the error with a one-line message. */
  constructor(message: string) {
    super(message);
    this.name = "PreopenError";
  }
}

/**
 * The preopens the guest actually gets under `grants`: none without `fs`;
 * every one read-only without `fs.write`; host paths replaced by their real
 * paths (so the WASI layer and Deno's permission check agree on one path).
 * Throws {@link PreopenError} (one line) when a host directory is missing or
 * not a directory.
 */
export function effectivePreopens(
  preopens: readonly Preopen[],
  grants: ReadonlySet<Capability>,
): Preopen[] {
  if (!grants.has("fs")) return [];
  const canWrite = grants.has("fs.write");
  return preopens.map((p) => {
    let real: string;
    try {
      real = Deno.realPathSync(p.hostPath);
      if (!Deno.statSync(real).isDirectory) {
        throw new PreopenError(`--dir ${p.hostPath}: not a directory`);
      }
    } catch (e) {
      if (e instanceof PreopenError) throw e;
      const why = e instanceof Deno.errors.NotFound
        ? "no such directory"
        : e instanceof Error
        ? e.message.split("\n")[0]
        : String(e);
      throw new PreopenError(`--dir ${p.hostPath}: ${why}`);
    }
    return {
      guestPath: p.guestPath,
      hostPath: real,
      writable: canWrite && p.writable === true,
    };
  });
}

/**
 * Read-only preopens that lie inside (or are) a writable one, for
 * already-effective preopens (real host paths): the guest can change them
 * through the writable one, whatever the read-only grant says. Each pair is
 * `[readOnly, writable]`; callers warn about them.
 */
export function shadowedReadOnly(
  preopens: readonly Preopen[],
): [Preopen, Preopen][] {
  const out: [Preopen, Preopen][] = [];
  for (const ro of preopens) {
    if (ro.writable) continue;
    const rw = preopens.find((w) =>
      w.writable &&
      (ro.hostPath === w.hostPath || w.hostPath === "/" ||
        ro.hostPath.startsWith(w.hostPath + "/"))
    );
    if (rw) out.push([ro, rw]);
  }
  return out;
}

/**
 * The Deno permissions of the guest worker for already-effective preopens
 * (see {@link effectivePreopens}): read on every preopen, write on the
 * writable ones, nothing else.
 */
export function workerPermissions(
  preopens: readonly Preopen[],
  grants: ReadonlySet<Capability>,
): WorkerPermissions {
  const fs = grants.has("fs");
  const read = fs ? [...new Set(preopens.map((p) => p.hostPath))] : [];
  const write = fs && grants.has("fs.write")
    ? [...new Set(preopens.filter((p) => p.writable).map((p) => p.hostPath))]
    : [];
  return {
    read: read.length > 0 ? read : false,
    write: write.length > 0 ? write : false,
    net: false,
    env: false,
    run: false,
    ffi: false,
    sys: false,
    import: false,
  };
}

/** The `deno.permissions` object of the net worker (see `net_worker.ts`). */
export interface NetWorkerPermissions {
  /** Hosts the worker may reach (`host:port`, `*.domain:port`), or false. */
  net: string[] | false;
  /** Always false. */
  read: false;
  /** Always false. */
  write: false;
  /** Always false. */
  env: false;
  /** Always false. */
  run: false;
  /** Always false. */
  ffi: false;
  /** Always false. */
  sys: false;
  /** Always false. */
  import: false;
}

/**
 * The Deno permissions of the net worker: `net` for exactly `hosts` (the
 * effective allowed hosts and Porta's loopback proxy), nothing else.
 */
export function netWorkerPermissions(
  hosts: readonly string[],
): NetWorkerPermissions {
  return {
    net: hosts.length > 0 ? [...new Set(hosts)] : false,
    read: false,
    write: false,
    env: false,
    run: false,
    ffi: false,
    sys: false,
    import: false,
  };
}
