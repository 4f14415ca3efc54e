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

// ---- SIMD (0xFD prefix) ----------------------------------------------------------------------

/**
 * Internal opcode of SIMD instruction `0xFD sub`: SIMD_BASE + sub. The compiled form carries
 * these immediates: memory ops `offset memidx`, lane memory ops `offset memidx lane`, lane ops
 * `lane`, `i8x16.shuffle` its 16 lane indices packed into 4 words (little-endian bytes); all
 * other SIMD ops none. `v128.const`, and `local.get/set/tee` of a v128, compile to the 64-bit
 * ops of the main table (a v128 takes two stack slots, low half first).
 */
export const SIMD_BASE = 0x300;
/** GLOBAL_GET128 idx: push a v128 global */
export const GLOBAL_GET128 = 0x400;
/** GLOBAL_SET128 idx: pop into a v128 global */
export const GLOBAL_SET128 = 0x401;
/** SELECT128: select between two v128 values */
export const SELECT128 = 0x402;

/** Shapes of SIMD instructions: operand and result types, and immediates. */
export const S_LOAD = 0, // memarg: [i32] -> [v128]; a = alignment (log2, the most allowed)
  S_STORE = 1, // memarg: [i32 v128] -> []; a = alignment
  S_CONST = 2, // 16 bytes: [] -> [v128]
  S_SHUFFLE = 3, // 16 lane indices (< 32): [v128 v128] -> [v128]
  S_SPLAT = 4, // [a] -> [v128]; a = scalar type
  S_EXTRACT = 5, // lane (< b): [v128] -> [a]
  S_REPLACE = 6, // lane (< b): [v128 a] -> [v128]
  S_UNARY = 7, // [v128] -> [v128]
  S_BINARY = 8, // [v128 v128] -> [v128]
  S_TERNARY = 9, // [v128 v128 v128] -> [v128]
  S_TEST = 10, // [v128] -> [i32]
  S_SHIFT = 11, // [v128 i32] -> [v128]
  S_LOAD_LANE = 12, // memarg, lane (< b): [i32 v128] -> [v128]; a = alignment
  S_STORE_LANE = 13; // memarg, lane (< b): [i32 v128] -> []; a = alignment

/**
 * One SIMD instruction: its text name, shape (S_*), and the shape's parameters `a`, `b` (see the
 * S_* constants). Scalar types use the binary codes (0x7f i32, 0x7e i64, 0x7d f32, 0x7c f64).
 */
export interface SimdOp {
  name: string;
  shape: number;
  a: number;
  b: number;
}

const SIMD_LIST: [number, string, number, number?, number?][] = [
  [0x00, "v128.load", S_LOAD, 4],
  [0x01, "v128.load8x8_s", S_LOAD, 3],
  [0x02, "v128.load8x8_u", S_LOAD, 3],
  [0x03, "v128.load16x4_s", S_LOAD, 3],
  [0x04, "v128.load16x4_u", S_LOAD, 3],
  [0x05, "v128.load32x2_s", S_LOAD, 3],
  [0x06, "v128.load32x2_u", S_LOAD, 3],
  [0x07, "v128.load8_splat", S_LOAD, 0],
  [0x08, "v128.load16_splat", S_LOAD, 1],
  [0x09, "v128.load32_splat", S_LOAD, 2],
  [0x0a, "v128.load64_splat", S_LOAD, 3],
  [0x0b, "v128.store", S_STORE, 4],
  [0x0c, "v128.const", S_CONST],
  [0x0d, "i8x16.shuffle", S_SHUFFLE],
  [0x0e, "i8x16.swizzle", S_BINARY],
  [0x0f, "i8x16.splat", S_SPLAT, 0x7f],
  [0x10, "i16x8.splat", S_SPLAT, 0x7f],
  [0x11, "i32x4.splat", S_SPLAT, 0x7f],
  [0x12, "i64x2.splat", S_SPLAT, 0x7e],
  [0x13, "f32x4.splat", S_SPLAT, 0x7d],
  [0x14, "f64x2.splat", S_SPLAT, 0x7c],
  [0x15, "i8x16.extract_lane_s", S_EXTRACT, 0x7f, 16],
  [0x16, "i8x16.extract_lane_u", S_EXTRACT, 0x7f, 16],
  [0x17, "i8x16.replace_lane", S_REPLACE, 0x7f, 16],
  [0x18, "i16x8.extract_lane_s", S_EXTRACT, 0x7f, 8],
  [0x19, "i16x8.extract_lane_u", S_EXTRACT, 0x7f, 8],
  [0x1a, "i16x8.replace_lane", S_REPLACE, 0x7f, 8],
  [0x1b, "i32x4.extract_lane", S_EXTRACT, 0x7f, 4],
  [0x1c, "i32x4.replace_lane", S_REPLACE, 0x7f, 4],
  [0x1d, "i64x2.extract_lane", S_EXTRACT, 0x7e, 2],
  [0x1e, "i64x2.replace_lane", S_REPLACE, 0x7e, 2],
  [0x1f, "f32x4.extract_lane", S_EXTRACT, 0x7d, 4],
  [0x20, "f32x4.replace_lane", S_REPLACE, 0x7d, 4],
  [0x21, "f64x2.extract_lane", S_EXTRACT, 0x7c, 2],
  [0x22, "f64x2.replace_lane", S_REPLACE, 0x7c, 2],
  [0x23, "i8x16.eq", S_BINARY],
  [0x24, "i8x16.ne", S_BINARY],
  [0x25, "i8x16.lt_s", S_BINARY],
  [0x26, "i8x16.lt_u", S_BINARY],
  [0x27, "i8x16.gt_s", S_BINARY],
  [0x28, "i8x16.gt_u", S_BINARY],
  [0x29, "i8x16.le_s", S_BINARY],
  [0x2a, "i8x16.le_u", S_BINARY],
  [0x2b, "i8x16.ge_s", S_BINARY],
  [0x2c, "i8x16.ge_u", S_BINARY],
  [0x2d, "i16x8.eq", S_BINARY],
  [0x2e, "i16x8.ne", S_BINARY],
  [0x2f, "i16x8.lt_s", S_BINARY],
  [0x30, "i16x8.lt_u", S_BINARY],
  [0x31, "i16x8.gt_s", S_BINARY],
  [0x32, "i16x8.gt_u", S_BINARY],
  [0x33, "i16x8.le_s", S_BINARY],
  [0x34, "i16x8.le_u", S_BINARY],
  [0x35, "i16x8.ge_s", S_BINARY],
  [0x36, "i16x8.ge_u", S_BINARY],
  [0x37, "i32x4.eq", S_BINARY],
  [0x38, "i32x4.ne", S_BINARY],
  [0x39, "i32x4.lt_s", S_BINARY],
  [0x3a, "i32x4.lt_u", S_BINARY],
  [0x3b, "i32x4.gt_s", S_BINARY],
  [0x3c, "i32x4.gt_u", S_BINARY],
  [0x3d, "i32x4.le_s", S_BINARY],
  [0x3e, "i32x4.le_u", S_BINARY],
  [0x3f, "i32x4.ge_s", S_BINARY],
  [0x40, "i32x4.ge_u", S_BINARY],
  [0x41, "f32x4.eq", S_BINARY],
  [0x42, "f32x4.ne", S_BINARY],
  [0x43, "f32x4.lt", S_BINARY],
  [0x44, "f32x4.gt", S_BINARY],
  [0x45, "f32x4.le", S_BINARY],
  [0x46, "f32x4.ge", S_BINARY],
  [0x47, "f64x2.eq", S_BINARY],
  [0x48, "f64x2.ne", S_BINARY],
  [0x49, "f64x2.lt", S_BINARY],
  [0x4a, "f64x2.gt", S_BINARY],
  [0x4b, "f64x2.le", S_BINARY],
  [0x4c, "f64x2.ge", S_BINARY],
  [0x4d, "v128.not", S_UNARY],
  [0x4e, "v128.and", S_BINARY],
  [0x4f, "v128.andnot", S_BINARY],
  [0x50, "v128.or", S_BINARY],
  [0x51, "v128.xor", S_BINARY],
  [0x52, "v128.bitselect", S_TERNARY],
  [0x53, "v128.any_true", S_TEST],
  [0x54, "v128.load8_lane", S_LOAD_LANE, 0, 16],
  [0x55, "v128.load16_lane", S_LOAD_LANE, 1, 8],
  [0x56, "v128.load32_lane", S_LOAD_LANE, 2, 4],
  [0x57, "v128.load64_lane", S_LOAD_LANE, 3, 2],
  [0x58, "v128.store8_lane", S_STORE_LANE, 0, 16],
  [0x59, "v128.store16_lane", S_STORE_LANE, 1, 8],
  [0x5a, "v128.store32_lane", S_STORE_LANE, 2, 4],
  [0x5b, "v128.store64_lane", S_STORE_LANE, 3, 2],
  [0x5c, "v128.load32_zero", S_LOAD, 2],
  [0x5d, "v128.load64_zero", S_LOAD, 3],
  [0x5e, "f32x4.demote_f64x2_zero", S_UNARY],
  [0x5f, "f64x2.promote_low_f32x4", S_UNARY],
  [0x60, "i8x16.abs", S_UNARY],
  [0x61, "i8x16.neg", S_UNARY],
  [0x62, "i8x16.popcnt", S_UNARY],
  [0x63, "i8x16.all_true", S_TEST],
  [0x64, "i8x16.bitmask", S_TEST],
  [0x65, "i8x16.narrow_i16x8_s", S_BINARY],
  [0x66, "i8x16.narrow_i16x8_u", S_BINARY],
  [0x67, "f32x4.ceil", S_UNARY],
  [0x68, "f32x4.floor", S_UNARY],
  [0x69, "f32x4.trunc", S_UNARY],
  [0x6a, "f32x4.nearest", S_UNARY],
  [0x6b, "i8x16.shl", S_SHIFT],
  [0x6c, "i8x16.shr_s", S_SHIFT],
  [0x6d, "i8x16.shr_u", S_SHIFT],
  [0x6e, "i8x16.add", S_BINARY],
  [0x6f, "i8x16.add_sat_s", S_BINARY],
  [0x70, "i8x16.add_sat_u", S_BINARY],
  [0x71, "i8x16.sub", S_BINARY],
  [0x72, "i8x16.sub_sat_s", S_BINARY],
  [0x73, "i8x16.sub_sat_u", S_BINARY],
  [0x74, "f64x2.ceil", S_UNARY],
  [0x75, "f64x2.floor", S_UNARY],
  [0x76, "i8x16.min_s", S_BINARY],
  [0x77, "i8x16.min_u", S_BINARY],
  [0x78, "i8x16.max_s", S_BINARY],
  [0x79, "i8x16.max_u", S_BINARY],
  [0x7a, "f64x2.trunc", S_UNARY],
  [0x7b, "i8x16.avgr_u", S_BINARY],
  [0x7c, "i16x8.extadd_pairwise_i8x16_s", S_UNARY],
  [0x7d, "i16x8.extadd_pairwise_i8x16_u", S_UNARY],
  [0x7e, "i32x4.extadd_pairwise_i16x8_s", S_UNARY],
  [0x7f, "i32x4.extadd_pairwise_i16x8_u", S_UNARY],
  [0x80, "i16x8.abs", S_UNARY],
  [0x81, "i16x8.neg", S_UNARY],
  [0x82, "i16x8.q15mulr_sat_s", S_BINARY],
  [0x83, "i16x8.all_true", S_TEST],
  [0x84, "i16x8.bitmask", S_TEST],
  [0x85, "i16x8.narrow_i32x4_s", S_BINARY],
  [0x86, "i16x8.narrow_i32x4_u", S_BINARY],
  [0x87, "i16x8.extend_low_i8x16_s", S_UNARY],
  [0x88, "i16x8.extend_high_i8x16_s", S_UNARY],
  [0x89, "i16x8.extend_low_i8x16_u", S_UNARY],
  [0x8a, "i16x8.extend_high_i8x16_u", S_UNARY],
  [0x8b, "i16x8.shl", S_SHIFT],
  [0x8c, "i16x8.shr_s", S_SHIFT],
  [0x8d, "i16x8.shr_u", S_SHIFT],
  [0x8e, "i16x8.add", S_BINARY],
  [0x8f, "i16x8.add_sat_s", S_BINARY],
  [0x90, "i16x8.add_sat_u", S_BINARY],
  [0x91, "i16x8.sub", S_BINARY],
  [0x92, "i16x8.sub_sat_s", S_BINARY],
  [0x93, "i16x8.sub_sat_u", S_BINARY],
  [0x94, "f64x2.nearest", S_UNARY],
  [0x95, "i16x8.mul", S_BINARY],
  [0x96, "i16x8.min_s", S_BINARY],
  [0x97, "i16x8.min_u", S_BINARY],
  [0x98, "i16x8.max_s", S_BINARY],
  [0x99, "i16x8.max_u", S_BINARY],
  [0x9b, "i16x8.avgr_u", S_BINARY],
  [0x9c, "i16x8.extmul_low_i8x16_s", S_BINARY],
  [0x9d, "i16x8.extmul_high_i8x16_s", S_BINARY],
  [0x9e, "i16x8.extmul_low_i8x16_u", S_BINARY],
  [0x9f, "i16x8.extmul_high_i8x16_u", S_BINARY],
  [0xa0, "i32x4.abs", S_UNARY],
  [0xa1, "i32x4.neg", S_UNARY],
  [0xa3, "i32x4.all_true", S_TEST],
  [0xa4, "i32x4.bitmask", S_TEST],
  [0xa7, "i32x4.extend_low_i16x8_s", S_UNARY],
  [0xa8, "i32x4.extend_high_i16x8_s", S_UNARY],
  [0xa9, "i32x4.extend_low_i16x8_u", S_UNARY],
  [0xaa, "i32x4.extend_high_i16x8_u", S_UNARY],
  [0xab, "i32x4.shl", S_SHIFT],
  [0xac, "i32x4.shr_s", S_SHIFT],
  [0xad, "i32x4.shr_u", S_SHIFT],
  [0xae, "i32x4.add", S_BINARY],
  [0xb1, "i32x4.sub", S_BINARY],
  [0xb5, "i32x4.mul", S_BINARY],
  [0xb6, "i32x4.min_s", S_BINARY],
  [0xb7, "i32x4.min_u", S_BINARY],
  [0xb8, "i32x4.max_s", S_BINARY],
  [0xb9, "i32x4.max_u", S_BINARY],
  [0xba, "i32x4.dot_i16x8_s", S_BINARY],
  [0xbc, "i32x4.extmul_low_i16x8_s", S_BINARY],
  [0xbd, "i32x4.extmul_high_i16x8_s", S_BINARY],
  [0xbe, "i32x4.extmul_low_i16x8_u", S_BINARY],
  [0xbf, "i32x4.extmul_high_i16x8_u", S_BINARY],
  [0xc0, "i64x2.abs", S_UNARY],
  [0xc1, "i64x2.neg", S_UNARY],
  [0xc3, "i64x2.all_true", S_TEST],
  [0xc4, "i64x2.bitmask", S_TEST],
  [0xc7, "i64x2.extend_low_i32x4_s", S_UNARY],
  [0xc8, "i64x2.extend_high_i32x4_s", S_UNARY],
  [0xc9, "i64x2.extend_low_i32x4_u", S_UNARY],
  [0xca, "i64x2.extend_high_i32x4_u", S_UNARY],
  [0xcb, "i64x2.shl", S_SHIFT],
  [0xcc, "i64x2.shr_s", S_SHIFT],
  [0xcd, "i64x2.shr_u", S_SHIFT],
  [0xce, "i64x2.add", S_BINARY],
  [0xd1, "i64x2.sub", S_BINARY],
  [0xd5, "i64x2.mul", S_BINARY],
  [0xd6, "i64x2.eq", S_BINARY],
  [0xd7, "i64x2.ne", S_BINARY],
  [0xd8, "i64x2.lt_s", S_BINARY],
  [0xd9, "i64x2.gt_s", S_BINARY],
  [0xda, "i64x2.le_s", S_BINARY],
  [0xdb, "i64x2.ge_s", S_BINARY],
  [0xdc, "i64x2.extmul_low_i32x4_s", S_BINARY],
  [0xdd, "i64x2.extmul_high_i32x4_s", S_BINARY],
  [0xde, "i64x2.extmul_low_i32x4_u", S_BINARY],
  [0xdf, "i64x2.extmul_high_i32x4_u", S_BINARY],
  [0xe0, "f32x4.abs", S_UNARY],
  [0xe1, "f32x4.neg", S_UNARY],
  [0xe3, "f32x4.sqrt", S_UNARY],
  [0xe4, "f32x4.add", S_BINARY],
  [0xe5, "f32x4.sub", S_BINARY],
  [0xe6, "f32x4.mul", S_BINARY],
  [0xe7, "f32x4.div", S_BINARY],
  [0xe8, "f32x4.min", S_BINARY],
  [0xe9, "f32x4.max", S_BINARY],
  [0xea, "f32x4.pmin", S_BINARY],
  [0xeb, "f32x4.pmax", S_BINARY],
  [0xec, "f64x2.abs", S_UNARY],
  [0xed, "f64x2.neg", S_UNARY],
  [0xef, "f64x2.sqrt", S_UNARY],
  [0xf0, "f64x2.add", S_BINARY],
  [0xf1, "f64x2.sub", S_BINARY],
  [0xf2, "f64x2.mul", S_BINARY],
  [0xf3, "f64x2.div", S_BINARY],
  [0xf4, "f64x2.min", S_BINARY],
  [0xf5, "f64x2.max", S_BINARY],
  [0xf6, "f64x2.pmin", S_BINARY],
  [0xf7, "f64x2.pmax", S_BINARY],
  [0xf8, "i32x4.trunc_sat_f32x4_s", S_UNARY],
  [0xf9, "i32x4.trunc_sat_f32x4_u", S_UNARY],
  [0xfa, "f32x4.convert_i32x4_s", S_UNARY],
  [0xfb, "f32x4.convert_i32x4_u", S_UNARY],
  [0xfc, "i32x4.trunc_sat_f64x2_s_zero", S_UNARY],
  [0xfd, "i32x4.trunc_sat_f64x2_u_zero", S_UNARY],
  [0xfe, "f64x2.convert_low_i32x4_s", S_UNARY],
  [0xff, "f64x2.convert_low_i32x4_u", S_UNARY],
];

/**
 * The SIMD instruction table, indexed by the 0xFD sub-opcode (null: no such instruction): the
 * validator reads the types and immediates from it, and the tests check every entry against
 * the interpreter (`tests/wasm/simd_ops_test.ts`).
 */
export const SIMD_OPS: (SimdOp | null)[] = new Array(256).fill(null);
for (const [sub, name, shape, a, b] of SIMD_LIST) {
  SIMD_OPS[sub] = { name, shape, a: a ?? 0, b: b ?? 0 };
}
