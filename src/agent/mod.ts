/**
 * The Agent layer: manifest, instance lifecycle, tool-call ABI, restart
 * policies and metrics.
 *
 * @module
 */

export {
  Agent,
  AgentError,
  type AgentOptions,
  type CallOptions,
  type RunOptions,
  type RunResult,
  secretRedactor,
  type ToolResult,
  UnknownToolError,
} from "./agent.ts";
export {
  type CallLimits,
  DEFAULT_MAX_OUTPUT_BYTES,
  mergeLimits,
  WASM_PAGE_BYTES,
} from "./limits.ts";
export {
  deriveManifest,
  findManifest,
  loadManifest,
  type Manifest,
  ManifestError,
  manifestPathFor,
  parseManifest,
  type PromptSpec,
  type ResourceSpec,
  type ToolSpec,
  validateManifest,
} from "./manifest.ts";
export {
  DEFAULT_MAX_RESTARTS,
  parseRestartMode,
  type RestartMode,
  type RestartPolicy,
} from "./restart.ts";
export {
  type CallMetrics,
  formatCallLine,
  formatMs,
  formatRunSummary,
  MetricsCollector,
  type RunMetrics,
} from "./metrics.ts";
export { decodeResponse, encodeRequest } from "./abi.ts";
