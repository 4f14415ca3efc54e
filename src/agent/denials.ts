/**
 * Denials that explain themselves: each WASI call the guest was refused for
 * want of a grant becomes ONE diagnostic line naming the function, the path
 * (escaped, length-capped) and the flag or capability that would allow it:
 *
 * ```
 * [porta] denied: path_open "/out/a.wav" (write): /out is read-only; grant it with --dir out:/out:rw
 * [porta] denied: random_get: needs capability "random" (not granted; try --profile worker)
 * ```
 *
 * At most one line per distinct cause (function, reason, capability or
 * preopen) per run or call, and at most {@link MAX_DENIAL_LINES} of them,
 * then one line saying how many more were not shown: a guest cannot flood
 * the log.
 *
 * @module
 */

import {
  CAPABILITIES,
  type Capability,
  isWasiFunction,
  type ProfileName,
  PROFILES,
} from "../sandbox/capabilities.ts";
import type { JobDenial } from "../sandbox/wall.ts";
import { denialKey } from "../sandbox/worker_core.ts";
import type { Preopen } from "../sandbox/permissions.ts";
import { printable } from "./printable.ts";

/** Distinct denial lines per run or call; the rest are counted in one line. */
export const MAX_DENIAL_LINES = 20;

/** Longest path quoted in a denial line (characters, before escaping). */
export const MAX_DENIAL_PATH_CHARS = 160;

/** One distinct denial, as reported with a call's result. */
export interface DenialReport {
  /** The WASI function. */
  fn: string;
  /**
   * What would allow it, in short: a capability (`random`, `fs.write`),
   * `rw` (the preopen lacks `:rw`), `outside`, `absolute` or `symlink`.
   */
  cause: string;
  /** The diagnostic line (`[porta] denied: ...`, no newline), escaped. */
  line: string;
}

/** What the formatter knows of the grants and the flags. */
export interface DenialContext {
  /** Granted capabilities. */
  grants: ReadonlySet<Capability>;
  /** `--profile`, when given. */
  profile?: string;
  /** The manifest's capabilities, when the agent has a manifest file. */
  manifestCapabilities?: readonly string[];
  /** The `--dir` preopens as requested (before narrowing by the grants). */
  dirs: readonly Preopen[];
}

const PROFILE_ORDER: readonly ProfileName[] = ["ai-agent", "worker", "full"];

/** How to get capability `c`: "try --profile P" or "add it to the manifest". */
export function capabilityHint(c: Capability, ctx: DenialContext): string {
  if (c === "net") {
    // the operator grants the network with hosts, not with a profile
    return ctx.manifestCapabilities !== undefined &&
        !ctx.manifestCapabilities.includes("net")
      ? 'add "net" to the manifest\'s capabilities and allow hosts with --allow-host'
      : "allow hosts with --allow-host";
  }
  const smallest = PROFILE_ORDER.find((p) => PROFILES[p].includes(c)) ??
    "full";
  const profile = (ctx.profile ?? "ai-agent") as ProfileName;
  const profileOk = Object.hasOwn(PROFILES, profile) &&
    PROFILES[profile].includes(c);
  if (
    ctx.manifestCapabilities !== undefined &&
    !ctx.manifestCapabilities.includes(c)
  ) {
    return `add "${c}" to the manifest's capabilities${
      profileOk ? "" : ` and use --profile ${smallest}`
    }`;
  }
  return `try --profile ${smallest}`;
}

function quotePath(path: string): string {
  const cut = path.length > MAX_DENIAL_PATH_CHARS
    ? path.slice(0, MAX_DENIAL_PATH_CHARS - 3) + "..."
    : path;
  return `"${printable(cut)}"`;
}

/** `HOST:GUEST` of a `--dir` option as the user would type it (`:` escaped). */
function dirSpec(d: Preopen): string {
  const host = d.hostPath.replaceAll(":", "\\:");
  return d.guestPath === d.hostPath ? host : `${host}:${d.guestPath}`;
}

/** The short cause and the explanation (after `fn "path": `) of a denial. */
function explain(
  d: JobDenial,
  ctx: DenialContext,
): { cause: string; why: string } {
  const root = d.preopen === undefined ? "" : printable(d.preopen);
  switch (d.reason) {
    case "capability": {
      if (d.capability === undefined) {
        return {
          cause: "unknown",
          why: "not a function Porta provides",
        };
      }
      return {
        cause: d.capability,
        why: `needs capability "${d.capability}" (not granted; ${
          capabilityHint(d.capability, ctx)
        })`,
      };
    }
    case "read-only": {
      const dir = ctx.dirs.find((p) => p.guestPath === d.preopen);
      const spec = dir
        ? printable(dirSpec(dir))
        : `HOST:${root === "" ? "GUEST" : root}`;
      const canWrite = ctx.grants.has("fs.write");
      const how = canWrite ? "" : ` (${capabilityHint("fs.write", ctx)})`;
      if (dir?.writable === true && !canWrite) {
        return {
          cause: "fs.write",
          why:
            `${root} is read-only: --dir ${spec}:rw needs the fs.write capability, not granted${how}`,
        };
      }
      return {
        cause: canWrite ? "rw" : "fs.write",
        why: `${
          root || "the directory"
        } is read-only; grant it with --dir ${spec}:rw${
          canWrite ? "" : ` and the fs.write capability${how}`
        }`,
      };
    }
    case "outside":
      return {
        cause: "outside",
        why: `outside every preopened directory (".." climbs above ${
          root || "the directory"
        }); the guest sees only --dir directories`,
      };
    case "absolute":
      return {
        cause: "absolute",
        why:
          `absolute path outside every preopened directory; the guest sees only --dir directories (--dir HOST:GUEST)`,
      };
    case "symlink":
      return {
        cause: "symlink",
        why: `a symlink leads outside ${
          root || "the directory"
        }; symlinks are followed only inside their preopened directory`,
      };
    default:
      return { cause: "denied", why: "not granted" };
  }
}

/** Longest path or preopen name accepted from the guest worker (characters). */
export const MAX_DENIAL_FIELD_CHARS = 512;

/** Distinct unlisted denials remembered for deduplication (the rest are counted). */
const MAX_REMEMBERED_DENIALS = 1024;

const REASONS: ReadonlySet<string> = new Set([
  "capability",
  "absolute",
  "outside",
  "symlink",
  "read-only",
]);

/** A denial from the (untrusted) worker, checked; undefined when malformed. */
function sanitizeDenial(
  d: JobDenial,
  redact: (t: string) => string,
): JobDenial | undefined {
  if (
    typeof d !== "object" || d === null || typeof d.fn !== "string" ||
    !isWasiFunction(d.fn) || typeof d.reason !== "string" ||
    !REASONS.has(d.reason)
  ) return undefined;
  if (
    d.capability !== undefined &&
    !(CAPABILITIES as readonly unknown[]).includes(d.capability)
  ) return undefined;
  // WASI paths are at most 4,096 bytes: redacted whole, then cut
  const field = (v: unknown) =>
    typeof v === "string"
      ? redact(v.slice(0, 8192)).slice(0, MAX_DENIAL_FIELD_CHARS)
      : undefined;
  const out: JobDenial = { fn: d.fn, reason: d.reason };
  if (d.capability !== undefined) out.capability = d.capability;
  const path = field(d.path);
  if (path !== undefined) out.path = path;
  const preopen = field(d.preopen);
  if (preopen !== undefined) out.preopen = preopen;
  return out;
}

/** Formats one denial as its diagnostic line (no newline). */
export function formatDenial(d: JobDenial, ctx: DenialContext): DenialReport {
  const { cause, why } = explain(d, ctx);
  const fn = printable(d.fn);
  const target = d.path === undefined ? "" : ` ${quotePath(d.path)}`;
  const access = d.fn === "path_open" && d.reason === "read-only"
    ? " (write)"
    : "";
  return { fn, cause, line: `[porta] denied: ${fn}${target}${access}: ${why}` };
}

/**
 * The denials of one run or call: deduplicated by function, reason and
 * capability or preopen; the first {@link MAX_DENIAL_LINES} are formatted
 * (and passed to `emit` as they come), later distinct ones only counted.
 */
export class DenialLog {
  readonly #ctx: DenialContext;
  readonly #emit: ((r: DenialReport) => void) | undefined;
  readonly #seen = new Set<string>();
  readonly #more = new Set<string>();
  #extra = 0;
  /** The reported denials, in order. */
  readonly reports: DenialReport[] = [];

  readonly #redact: (t: string) => string;

  /**
   * Creates an empty log; `emit` receives each new line, `redact` sees each
   * raw path before it is cut and escaped.
   */
  constructor(
    ctx: DenialContext,
    emit?: (r: DenialReport) => void,
    redact: (t: string) => string = (t) => t,
  ) {
    this.#ctx = ctx;
    this.#emit = emit;
    this.#redact = redact;
  }

  /**
   * Records one denial from the sandbox. The message comes from the guest
   * worker, which is not trusted: anything that is not a known function,
   * reason or capability is dropped, and paths are passed through `redact`
   * (secrets are looked for in the raw text, before it is cut and escaped)
   * and cut to {@link MAX_DENIAL_FIELD_CHARS}.
   */
  add(denial: JobDenial): void {
    const d = sanitizeDenial(denial, this.#redact);
    if (d === undefined) return;
    const key = denialKey(d);
    if (this.#seen.has(key)) return;
    if (this.#seen.size >= MAX_DENIAL_LINES) {
      // distinct keys are remembered up to a bound, then only counted
      if (!this.#more.has(key)) {
        if (this.#more.size < MAX_REMEMBERED_DENIALS) this.#more.add(key);
        this.#extra++;
      }
      return;
    }
    this.#seen.add(key);
    const r = formatDenial(d, this.#ctx);
    this.reports.push(r);
    this.#emit?.(r);
  }

  /** Adds denials the sandbox only counted (`JobResult.deniedMore`). */
  addUncounted(n: number | undefined): void {
    if (typeof n === "number" && n > 0) this.#extra += n;
  }

  /** Distinct denials beyond the listed ones. */
  get more(): number {
    return this.#extra;
  }

  /** The closing line when some denials were not listed, else undefined. */
  moreLine(): string | undefined {
    if (this.#extra === 0) return undefined;
    return `[porta] denied: ${this.#extra} more distinct denial(s) not shown (at most ${MAX_DENIAL_LINES} are listed)`;
  }

  /** `fn:cause,...` for a diagnostic line (`denied=...`), or "" when none. */
  summary(): string {
    if (this.reports.length === 0 && this.#extra === 0) return "";
    const parts = this.reports.map((r) => `${r.fn}:${r.cause}`);
    if (this.#extra > 0) parts.push(`+${this.#extra}`);
    return parts.join(",");
  }
}
