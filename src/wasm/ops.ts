/**
 * Internal opcodes of the pre-decoded (compiled) code. Numeric wasm opcodes 0x45..0xC4 and
 * memory opcodes 0x28..0x40 keep their wasm numbers; 0xFC-prefixed saturating truncations map
 * to SAT_BASE + subopcode; everything else is listed here.
 *
 * Stack slots are 8 bytes; all stack offsets in immediates are in Int32Array units (2 per slot),
 * relative to the frame pointer.
 * @module
 */

/** unreachable: trap */
export const UNREACHABLE = 0x00;
/** saturating truncations: SAT_BASE + 0..7 */
export const SAT_BASE = 0xe0;
/** FUEL n: charge n instructions (start of a basic block) */
export const FUEL = 0x100;
/** JMP target */
export const JMP = 0x101;
/** BR target destH arity: move `arity` slots down to fp+destH, jump */
export const BR = 0x102;
/** BR_R target destH arity: like BR, also moves reference slots */
export const BR_R = 0x103;
/** BR_IF target: pop i32, jump if non-zero (no values to move) */
export const BR_IF = 0x104;
/** BR_IF_COPY target destH arity ref: pop i32, if non-zero move values and jump */
export const BR_IF_COPY = 0x105;
/** IF target: pop i32, jump to target when zero */
export const IF = 0x106;
/** BR_TABLE n ref (target destH arity)*(n+1) */
export const BR_TABLE = 0x107;
/** RETURN arity ref */
export const RETURN = 0x108;
/** CALL funcidx */
export const CALL = 0x109;
/** CALL_INDIRECT typeidx tableidx */
export const CALL_INDIRECT = 0x10a;
/** RETURN_CALL funcidx */
export const RETURN_CALL = 0x10b;
/** RETURN_CALL_INDIRECT typeidx tableidx */
export const RETURN_CALL_INDIRECT = 0x10c;
/** DROP */
export const DROP = 0x10d;
/** SELECT (64-bit numeric) */
export const SELECT = 0x10e;
/** SELECT_R (references) */
export const SELECT_R = 0x10f;
/** LOCAL_GET32 off */
export const LOCAL_GET32 = 0x110;
/** LOCAL_GET64 off */
export const LOCAL_GET64 = 0x111;
/** LOCAL_GET_R off */
export const LOCAL_GET_R = 0x112;
/** LOCAL_SET32 off */
export const LOCAL_SET32 = 0x113;
/** LOCAL_SET64 off */
export const LOCAL_SET64 = 0x114;
/** LOCAL_SET_R off */
export const LOCAL_SET_R = 0x115;
/** LOCAL_TEE32 off */
export const LOCAL_TEE32 = 0x116;
/** LOCAL_TEE64 off */
export const LOCAL_TEE64 = 0x117;
/** LOCAL_TEE_R off */
export const LOCAL_TEE_R = 0x118;
/** GLOBAL_GET idx */
export const GLOBAL_GET = 0x119;
/** GLOBAL_SET idx */
export const GLOBAL_SET = 0x11a;
/** GLOBAL_GET_R idx */
export const GLOBAL_GET_R = 0x11b;
/** GLOBAL_SET_R idx */
export const GLOBAL_SET_R = 0x11c;
/** CONST32 value (i32 and f32 bits) */
export const CONST32 = 0x11d;
/** CONST64 lo hi (i64 and f64 bits) */
export const CONST64 = 0x11e;
/** MEM_N wasmop offset memidx: load/store on a memory other than 0 */
export const MEM_N = 0x11f;
/** REF_NULL */
export const REF_NULL = 0x120;
/** REF_IS_NULL */
export const REF_IS_NULL = 0x121;
/** REF_FUNC funcidx */
export const REF_FUNC = 0x122;
/** TABLE_GET t */
export const TABLE_GET = 0x123;
/** TABLE_SET t */
export const TABLE_SET = 0x124;
/** TABLE_SIZE t */
export const TABLE_SIZE = 0x125;
/** TABLE_GROW t */
export const TABLE_GROW = 0x126;
/** TABLE_FILL t */
export const TABLE_FILL = 0x127;
/** TABLE_COPY dst src */
export const TABLE_COPY = 0x128;
/** TABLE_INIT elem table */
export const TABLE_INIT = 0x129;
/** ELEM_DROP elem */
export const ELEM_DROP = 0x12a;
/** MEMORY_INIT data mem */
export const MEMORY_INIT = 0x12b;
/** DATA_DROP data */
export const DATA_DROP = 0x12c;
/** MEMORY_COPY dst src */
export const MEMORY_COPY = 0x12d;
/** MEMORY_FILL mem */
export const MEMORY_FILL = 0x12e;
/** MEMORY_SIZE mem */
export const MEMORY_SIZE = 0x3f;
/** MEMORY_GROW mem */
export const MEMORY_GROW = 0x40;

/** i32 binary ops that have fused variants (index = position in this list). */
export const FUSE_OPS: number[] = [
  0x46,
  0x47,
  0x48,
  0x49,
  0x4a,
  0x4b,
  0x4c,
  0x4d,
  0x4e,
  0x4f,
  0x6a,
  0x6b,
  0x6c,
  0x71,
  0x72,
  0x73,
  0x74,
  0x75,
  0x76,
  0x77,
  0x78,
];
/** op with its right operand read from a local: FUSE_L + index, immediate: local offset */
export const FUSE_L = 0x140;
/** op with a constant right operand: FUSE_K + index, immediate: the constant */
export const FUSE_K = 0x160;
/** compare + br_if: BRC + index (0..9), immediate: target; BRC + 10 is eqz + br_if */
export const BRC = 0x180;
/** compare with local + br_if: BRC_L + index, immediates: local offset, target */
export const BRC_L = 0x190;
/** compare with constant + br_if: BRC_K + index, immediates: constant, target */
export const BRC_K = 0x1a0;
/** GET2_32 x y: two i32 local.gets */
export const GET2_32 = 0x1b0;
/** LG_ADDK x k: local.get x; i32.const k; i32.add */
export const LG_ADDK = 0x1b1;
/** SET_GET32 x y: local.set x; local.get y */
export const SET_GET32 = 0x1b2;
/** LG_LOAD32 x off: local.get x; i32.load off (memory 0) */
export const LG_LOAD32 = 0x1b3;
/** FUEL_LG n x: FUEL n; local.get x (i32) */
export const FUEL_LG = 0x1b4;
/** i64 binary ops with fused variants (index = position in this list) */
export const FUSE64_OPS: number[] = [
  0x7c,
  0x7d,
  0x7e,
  0x83,
  0x84,
  0x85,
  0x86,
  0x87,
  0x88,
  0x89,
  0x8a,
];
/** i64 op with right operand from a local: FUSE64_L + index, immediate: local offset */
export const FUSE64_L = 0x1c0;
/** i64 op with constant right operand: FUSE64_K + index, immediates: lo, hi */
export const FUSE64_K = 0x1d0;
/** i32 op on a local and a constant, pushing the result: FUSE_LK + index; immediates: local, k */
export const FUSE_LK = 0x1e0;
/** i32 op on two locals, pushing the result: FUSE_LL + index; immediates: local a, local b */
export const FUSE_LL = 0x200;
/** compare local with constant + br_if: BRC_LK + index; immediates: local, k, target */
export const BRC_LK = 0x220;
/** compare two locals + br_if: BRC_LL + index; immediates: local a, local b, target */
export const BRC_LL = 0x230;
/** Instructions per execution slice: run() yields to its caller between slices. */
export const SLICE = 1 << 17;
/** f64 add/sub/mul/div with the right operand from a local: F64_L + (op - 0xa0); immediate: local */
export const F64_L = 0x240;
