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
export { DEFAULT_TIER, isTier, type Tier, TIERS } from "./tier.ts";
export {
  type CallLimits,
  DEFAULT_MAX_OUTPUT_BYTES,
  mergeLimits,
  WASM_PAGE_BYTES,
} from "./limits.ts";
export {
  deriveManifest,
  findManifest,
  type IconSpec,
  type JsonSchema,
  loadManifest,
  type Manifest,
  ManifestError,
  manifestPathFor,
  type ModuleShape,
  parseManifest,
  type PromptArgument,
  type PromptSpec,
  type ResourceSpec,
  type ResourceTemplateSpec,
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
  FETCH_METHOD,
  NET_FAILED,
  NET_INVALID,
  NET_REFUSED,
  type NetOptions,
  type NetStats,
} from "./net.ts";
export {
  type CallMetrics,
  formatCallLine,
  formatMs,
  formatNetFields,
  formatRunSummary,
  MetricsCollector,
  type RunMetrics,
} from "./metrics.ts";
export {
  type DecodedResponse,
  decodeResponse,
  encodeRequest,
  PROMPT_GET_TOOL,
  RESOURCE_READ_TOOL,
} from "./abi.ts";
export {
  COMPLETE_TOOL,
  DEFAULT_MAX_REQUESTS,
  encodeAnswer,
  FRAME_KEYS,
  FrameError,
  type GuestFrame,
  LOG_LEVELS,
  type LogLevel,
  type ParsedFrame,
  parseFrame,
  type RequestAnswer,
  RequestRefused,
} from "./abi2.ts";
export type { Capability } from "../sandbox/capabilities.ts";
export type { Preopen } from "../sandbox/permissions.ts";
export type {
  Job,
  JobDenial,
  JobLimits,
  JobResult,
  OutputAck,
  RunIO,
  StdinSource,
} from "../sandbox/wall.ts";
export type {
  AgentRuntime,
  GuestJob,
  GuestJobResult,
  GuestRunIO,
  GuestRunner,
  RunnerOptions,
} from "./runtime.ts";
