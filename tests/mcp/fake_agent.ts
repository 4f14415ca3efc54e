/**
 * A fake agent for unit tests of the MCP server: tools implemented in
 * TypeScript, honouring the abort signal like the real Agent.
 */
import type {
  CallOptions,
  McpAgent,
  McpManifest,
  ToolResult,
} from "../../src/mcp/server.ts";

/** Builds a ToolResult. */
export function result(text: string, isError = false, steps = 10): ToolResult {
  return {
    text,
    isError,
    steps,
    memoryPages: 1,
    durationMs: 5000, // above any real elapsed time: lines are deterministic
    exitCode: isError ? 1 : 0,
    error: isError ? text : undefined,
  };
}

/** Fake agent: echo, fail, stderr, slow (until aborted), and many tools for paging. */
export class FakeAgent implements McpAgent {
  readonly manifest: McpManifest;
  readonly calls: { name: string; args: unknown; options?: CallOptions }[] = [];
  running = 0;
  maxRunning = 0;

  constructor(extraTools = 0) {
    const tools = [
      {
        name: "echo",
        description: "echo text",
        inputSchema: {
          type: "object",
          properties: { text: { type: "string" } },
          required: ["text"],
        },
      },
      { name: "fail", inputSchema: { type: "object" } },
      { name: "stderr", inputSchema: { type: "object" } },
      { name: "slow", inputSchema: { type: "object" } },
      { name: "hang", inputSchema: { type: "object" } },
      { name: "throws", inputSchema: { type: "object" } },
      { name: "rich", inputSchema: { type: "object" } },
      { name: "notrich", inputSchema: { type: "object" } },
      {
        name: "json",
        title: "JSON tool",
        inputSchema: { type: "object" },
        outputSchema: { type: "object" },
        annotations: { readOnlyHint: true },
      },
      { name: "stopped", inputSchema: { type: "object" } },
      { name: "flood", inputSchema: { type: "object" } },
    ];
    for (let i = 0; i < extraTools; i++) {
      tools.push({ name: `t${i}`, inputSchema: { type: "object" } });
    }
    this.manifest = {
      name: "fake",
      version: "1.2.3",
      description: "A fake agent.",
      tools,
      resources: [
        { uri: "fake://readme", name: "readme" },
        {
          uri: "fake://broken",
          name: "broken",
          mimeType: "text/markdown",
        },
        { uri: "fake://image", name: "image", mimeType: "image/png" },
        {
          uri: "fake://badblob",
          name: "badblob",
          mimeType: "application/octet-stream",
        },
      ],
      prompts: [
        {
          name: "plain",
          arguments: [{ name: "topic", required: true }],
        },
        { name: "structured", description: "structured prompt" },
      ],
    };
  }

  async callTool(
    name: string,
    args: unknown,
    o?: CallOptions,
  ): Promise<ToolResult> {
    this.calls.push({ name, args, options: o });
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      switch (name) {
        case "echo":
          return result((args as { text: string }).text);
        case "fail":
          return result("it failed", true);
        case "stderr":
          o?.onStderr?.("line one\nline ");
          o?.onStderr?.("two\npartial");
          return result("done");
        case "slow":
          await new Promise((r) => setTimeout(r, 30));
          return result("slow done");
        case "flood":
          for (let i = 1; i <= 1500; i++) o?.onStderr?.(`flood ${i}\n`);
          return result("flooded");
        case "stopped": {
          // a guest stopped from outside may report no duration at all
          await new Promise((r) => setTimeout(r, 40));
          const r = result("timeout after 40 ms", true);
          r.durationMs = 0;
          return r;
        }
        case "hang":
          return await new Promise<ToolResult>((resolve) => {
            o?.signal?.addEventListener("abort", () => {
              const r = result("cancelled", true);
              r.error = "cancelled";
              resolve(r);
            });
          });
        case "rich":
          return result(JSON.stringify({
            content: [
              { type: "text", text: "t" },
              { type: "image", data: "AAAA", mimeType: "image/png" },
            ],
          }));
        case "notrich":
          return result(JSON.stringify({
            content: [{ type: "text", text: "t" }],
            extra: 1,
          }));
        case "json":
          return result('{"a":1}');
        case "throws":
          throw new Error("boom\nsecond line");
        default: {
          const e = new Error(`unknown tool ${name}`);
          e.name = "UnknownToolError";
          throw e;
        }
      }
    } finally {
      this.running--;
    }
  }

  readResource(uri: string, _o?: CallOptions): Promise<ToolResult> {
    if (uri === "fake://image") return Promise.resolve(result("iVBO\nRw=="));
    if (uri === "fake://badblob") return Promise.resolve(result("not base64!"));
    if (uri === "fake://broken") {
      return Promise.resolve(result("trap: unreachable", true));
    }
    return Promise.resolve(result(`contents of ${uri}`));
  }

  getPrompt(
    name: string,
    args: Record<string, string>,
    _o?: CallOptions,
  ): Promise<ToolResult> {
    if (name === "structured") {
      return Promise.resolve(result(JSON.stringify({
        description: "from guest",
        messages: [
          { role: "user", content: "hello" },
          { role: "assistant", content: { type: "text", text: "hi" } },
        ],
      })));
    }
    return Promise.resolve(result(`Write about ${args.topic}`));
  }
}
