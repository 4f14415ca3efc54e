/**
 * Capabilities, profiles and the WASI-function -> capability table.
 *
 * Porta denies by default: a guest gets exactly the capabilities resolved by
 * {@link resolveGrants}. A `wasi_snapshot_preview1` import whose capability
 * is not granted still links, and every call to it is refused at run time
 * (`ENOTCAPABLE`; `environ_*` report an empty environment instead); it is
 * refused at load only in strict mode (see `policy.ts`).
 *
 * | capability | what it allows |
 * | --- | --- |
 * | `io` | stdin/stdout/stderr (fd 0-2): read, write, seek, close, fdstat |
 * | `fs` | the preopened directories: open, stat, readdir, read files |
 * | `fs.write` | create, write, truncate, rename, unlink, link, symlink, set times |
 * | `process` | argv, raise, sched_yield |
 * | `env` | the environment variables passed to the guest |
 * | `clock` | wall/monotonic/cpu clocks and sleeping (`poll_oneoff`) |
 * | `random` | `random_get` |
 * | `net` | HTTP requests through Porta (`porta/fetch`, ABI v2, to the hosts allowed by the manifest and `--allow-host`); `sock_*` (Porta has no sockets: they always fail, but still need `net`) |
 *
 * `proc_exit` needs no capability: every runtime lets a guest end its own
 * run (see {@link WASI_NO_CAPABILITY}).
 *
 * Profiles: `ai-agent` = io, process; `worker` = io, process, clock, random;
 * `full` = every capability. `--allow-host` adds `net` to whichever profile
 * bounds the manifest (see {@link GrantRequest.operatorGrants}): granting
 * hosts is granting the network.
 *
 * @module
 */

/** A capability name a guest may be granted. */
export type Capability =
  | "io"
  | "fs"
  | "fs.write"
  | "process"
  | "env"
  | "clock"
  | "random"
  | "net";

/** Every capability, in documentation order. */
export const CAPABILITIES: readonly Capability[] = Object.freeze([
  "io",
  "fs",
  "fs.write",
  "process",
  "env",
  "clock",
  "random",
  "net",
]);

/** A profile name accepted by `--profile`. */
export type ProfileName = "ai-agent" | "worker" | "full";

/** The capability set of each profile. */
export const PROFILES: Readonly<Record<ProfileName, readonly Capability[]>> =
  Object.freeze({
    "ai-agent": Object.freeze(["io", "process"] as Capability[]),
    "worker": Object.freeze(
      ["io", "process", "clock", "random"] as Capability[],
    ),
    "full": CAPABILITIES,
  });

/**
 * The capability each `wasi_snapshot_preview1` function needs to be called;
 * the functions that need none ({@link WASI_NO_CAPABILITY}: `proc_exit`) are
 * not in this table (use {@link isWasiFunction} / {@link wasiCapability} to
 * ask about any name).
 *
 * fd-generic functions (`fd_read`, `fd_write`, `fd_seek`, `fd_close`,
 * `fd_fdstat_get`, ...) need only `io` because they serve stdio; at run time
 * `guardImports` additionally requires `fs` for any fd other than 0-2 and
 * `fs.write` for writing to such an fd (see {@link WASI_FD_WRITE_FUNCTIONS}).
 */
export const WASI_CAPABILITY: Readonly<Record<string, Capability>> = Object
  .freeze({
    // process
    args_get: "process",
    args_sizes_get: "process",
    proc_raise: "process",
    sched_yield: "process",
    // env
    environ_get: "env",
    environ_sizes_get: "env",
    // clock
    clock_res_get: "clock",
    clock_time_get: "clock",
    poll_oneoff: "clock",
    // random
    random_get: "random",
    // io: fd-generic calls that stdio needs
    fd_read: "io",
    fd_write: "io",
    fd_close: "io",
    fd_seek: "io",
    fd_tell: "io",
    fd_fdstat_get: "io",
    fd_fdstat_set_flags: "io",
    fd_fdstat_set_rights: "io",
    fd_sync: "io",
    fd_datasync: "io",
    fd_advise: "io",
    // fs: read-only filesystem access
    fd_filestat_get: "fs",
    fd_pread: "fs",
    fd_prestat_get: "fs",
    fd_prestat_dir_name: "fs",
    fd_readdir: "fs",
    fd_renumber: "fs",
    path_open: "fs",
    path_filestat_get: "fs",
    path_readlink: "fs",
    // fs.write: anything that changes the filesystem
    fd_pwrite: "fs.write",
    fd_allocate: "fs.write",
    fd_filestat_set_size: "fs.write",
    fd_filestat_set_times: "fs.write",
    path_create_directory: "fs.write",
    path_filestat_set_times: "fs.write",
    path_link: "fs.write",
    path_remove_directory: "fs.write",
    path_rename: "fs.write",
    path_symlink: "fs.write",
    path_unlink_file: "fs.write",
    // net
    sock_accept: "net",
    sock_recv: "net",
    sock_send: "net",
    sock_shutdown: "net",
  });

/**
 * WASI functions that need no capability: `proc_exit` (a guest may always
 * end its own run; `proc_raise` still needs `process`).
 */
export const WASI_NO_CAPABILITY: ReadonlySet<string> = new Set(["proc_exit"]);

/** True when `name` is a `wasi_snapshot_preview1` function Porta provides. */
export function isWasiFunction(name: string): boolean {
  return Object.hasOwn(WASI_CAPABILITY, name) || WASI_NO_CAPABILITY.has(name);
}

/**
 * The capability a `wasi_snapshot_preview1` function needs: a capability,
 * `null` when it needs none (`proc_exit`), `undefined` when `name` is not a
 * WASI function.
 */
export function wasiCapability(name: string): Capability | null | undefined {
  if (Object.hasOwn(WASI_CAPABILITY, name)) return WASI_CAPABILITY[name];
  return WASI_NO_CAPABILITY.has(name) ? null : undefined;
}

/**
 * fd-generic WASI functions that modify the file behind the fd: on an fd
 * other than stdio (0-2) they need `fs.write` at run time.
 */
export const WASI_FD_WRITE_FUNCTIONS: ReadonlySet<string> = new Set([
  "fd_write",
  "fd_sync",
  "fd_datasync",
]);

/** The WASI module name Porta implements. */
export const WASI_MODULE = "wasi_snapshot_preview1";

/** Error for a bad capability or profile name; its message is one line. */
export class CapabilityError extends Error {
  /** Create the error with a one-line message. */
  constructor(message: string) {
    super(message);
    this.name = "CapabilityError";
  }
}

/** True when `name` is a known capability. */
export function isCapability(name: string): name is Capability {
  return (CAPABILITIES as readonly string[]).includes(name);
}

/** True when `name` is a known profile. */
export function isProfile(name: string): name is ProfileName {
  return Object.hasOwn(PROFILES, name);
}

/**
 * Parse a list of capability names (entries may themselves be
 * comma-separated, as in `--cap io,fs`). Throws {@link CapabilityError} with
 * one line naming the first unknown capability.
 */
export function parseCapabilities(
  list: readonly string[] | string,
): Set<Capability> {
  const items = typeof list === "string" ? [list] : list;
  const out = new Set<Capability>();
  for (const item of items) {
    for (const raw of item.split(",")) {
      const name = raw.trim();
      if (name === "") continue;
      if (!isCapability(name)) {
        throw new CapabilityError(
          `unknown capability "${name}" (known: ${CAPABILITIES.join(", ")})`,
        );
      }
      out.add(name);
    }
  }
  return out;
}

/** The capability set of a profile; throws {@link CapabilityError} for an unknown name. */
export function profileCapabilities(name: string): Set<Capability> {
  if (!isProfile(name)) {
    throw new CapabilityError(
      `unknown profile "${name}" (known: ${Object.keys(PROFILES).join(", ")})`,
    );
  }
  return new Set(PROFILES[name]);
}

/** The profile that bounds a manifest when no profile is given. */
export const DEFAULT_PROFILE: ProfileName = "ai-agent";

/** Inputs of {@link resolveGrants}. */
export interface GrantRequest {
  /** The operator's `--profile`, if any. */
  profile?: string;
  /** The capabilities the agent's manifest asks for, if it has a manifest. */
  manifestCapabilities?: readonly string[];
  /**
   * Capabilities the operator grants with other flags, added to the
   * profile's (`net` when `--allow-host` is given): still narrowed by the
   * manifest, and nothing without a profile or a manifest.
   */
  operatorGrants?: readonly Capability[];
}

/**
 * Resolve the capabilities a guest is granted. Deny by default:
 *
 * - profile and manifest: the manifest's capabilities narrowed by the profile
 *   (intersection) — an agent never gets more than the operator allows, nor
 *   more than it asked for;
 * - profile only: the profile's capabilities;
 * - manifest only: the manifest's capabilities narrowed by
 *   {@link DEFAULT_PROFILE} (`ai-agent`): an agent cannot grant itself `fs`,
 *   `net`, ... without the operator choosing a wider profile;
 * - neither: nothing at all (no capability, so only import-free guests load).
 *
 * `operatorGrants` widen the profile's bound (the operator's `--allow-host`
 * grants `net`); the manifest still narrows them.
 *
 * Throws {@link CapabilityError} (one line) for unknown names.
 */
export function resolveGrants(req: GrantRequest = {}): Set<Capability> {
  const hasProfile = req.profile !== undefined;
  const hasManifest = req.manifestCapabilities !== undefined;
  if (!hasProfile && !hasManifest) return new Set();
  const bound = profileCapabilities(req.profile ?? DEFAULT_PROFILE);
  for (const c of req.operatorGrants ?? []) {
    if (isCapability(c)) bound.add(c);
  }
  if (!hasManifest) return bound;
  const asked = parseCapabilities(req.manifestCapabilities!);
  return new Set(CAPABILITIES.filter((c) => asked.has(c) && bound.has(c)));
}

/**
 * The smallest capability set covering the given WASI import names (e.g. for
 * deriving a manifest), in documentation order. Unknown names and functions
 * that need no capability (`proc_exit`) add nothing.
 */
export function requiredCapabilities(
  wasiFunctionNames: Iterable<string>,
): Capability[] {
  const need = new Set<Capability>();
  for (const name of wasiFunctionNames) {
    if (Object.hasOwn(WASI_CAPABILITY, name)) need.add(WASI_CAPABILITY[name]);
  }
  return CAPABILITIES.filter((c) => need.has(c));
}
