/**
 * Test helper: a fake AgentRuntime whose runner decodes the ABI request from
 * stdin and answers with a scripted handler (no WebAssembly involved), so the
 * Agent's ABI mapping can be tested in isolation.
 */
import type {
  AgentRuntime,
  GuestJob,
  GuestJobResult,
  GuestRunIO,
} from "../../src/agent/runtime.ts";
import type { ModuleShape } from "../../src/agent/manifest.ts";

export interface FakeReply {
  stdout?: string | Uint8Array;
  stderr?: string[];
  exitCode?: number | null;
  trap?: string;
  limit?: "fuel" | "memory" | "call-depth";
  steps?: number;
  memoryPages?: number;
  /** The sandbox's structured fields of `JobResult`, passed through when set. */
  stopped?: GuestJobResult["stopped"];
  phase?: GuestJobResult["phase"];
  initialPages?: number;
  engineLimit?: GuestJobResult["engineLimit"];
}

export interface FakeLog {
  jobs: GuestJob[];
  requests: unknown[];
  runnerOptions: unknown[];
  closed: number;
}

export function fakeRuntime(
  handler: (
    req: any,
    job: GuestJob,
    io: GuestRunIO,
  ) => FakeReply | Promise<FakeReply>,
  shape: ModuleShape = {
    imports: [{
      module: "wasi_snapshot_preview1",
      name: "fd_write",
      kind: "function",
    }],
    exports: [{ name: "_start", kind: "function" }, {
      name: "memory",
      kind: "memory",
    }],
  },
): { runtime: AgentRuntime; log: FakeLog } {
  const log: FakeLog = { jobs: [], requests: [], runnerOptions: [], closed: 0 };
  const runtime: AgentRuntime = {
    describe(bytes) {
      if (bytes[8] === 0xff) {
        throw new Error("offset 0x8: bad section id\nsecond line");
      }
      return shape;
    },
    createRunner(_bytes, opts) {
      log.runnerOptions.push(opts);
      return Promise.resolve({
        async run(job: GuestJob, io: GuestRunIO = {}): Promise<GuestJobResult> {
          log.jobs.push(job);
          let req: unknown = undefined;
          if (job.stdin instanceof Uint8Array && job.stdin.length >= 4) {
            const len = new DataView(job.stdin.buffer, job.stdin.byteOffset)
              .getUint32(0, true);
            if (len !== job.stdin.length - 4) {
              throw new Error("bad length prefix");
            }
            req = JSON.parse(new TextDecoder().decode(job.stdin.subarray(4)));
          }
          log.requests.push(req);
          const r = await handler(req, job, io);
          for (const s of r.stderr ?? []) {
            io.onStderr?.(new TextEncoder().encode(s));
          }
          if (r.stdout !== undefined) {
            io.onStdout?.(
              typeof r.stdout === "string"
                ? new TextEncoder().encode(r.stdout)
                : r.stdout,
            );
          }
          return {
            exitCode: r.exitCode === undefined ? 0 : r.exitCode,
            trap: r.trap,
            limit: r.limit,
            steps: r.steps ?? 10,
            memoryPages: r.memoryPages ?? 1,
            durationMs: 1,
            ...(r.stopped !== undefined ? { stopped: r.stopped } : {}),
            ...(r.phase !== undefined ? { phase: r.phase } : {}),
            ...(r.initialPages !== undefined
              ? { initialPages: r.initialPages }
              : {}),
            ...(r.engineLimit !== undefined
              ? { engineLimit: r.engineLimit }
              : {}),
          };
        },
        close() {
          log.closed++;
          return Promise.resolve();
        },
      });
    },
  };
  return { runtime, log };
}

/** Writes a fake module (valid header) and optional manifest into a temp dir. */
export async function fakeAgentFiles(
  manifest?: unknown,
  opts: { invalid?: boolean } = {},
): Promise<{ dir: string; wasm: string }> {
  const dir = await Deno.makeTempDir({ prefix: "porta-agent-test-" });
  const wasm = `${dir}/agent.wasm`;
  const bytes = new Uint8Array([
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    opts.invalid ? 0xff : 0,
  ]);
  await Deno.writeFile(wasm, bytes);
  if (manifest !== undefined) {
    await Deno.writeTextFile(
      `${dir}/agent.manifest.json`,
      typeof manifest === "string" ? manifest : JSON.stringify(manifest),
    );
  }
  return { dir, wasm };
}
