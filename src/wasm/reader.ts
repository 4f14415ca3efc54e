/**
 * Binary reader: LEB128 and primitive decoding with offset-bearing CompileErrors.
 * @module
 */
import { CompileError } from "./errors.ts";

/** Formats an offset-bearing compile error message. */
export function compileError(offset: number, reason: string): CompileError {
  return new CompileError(`offset 0x${offset.toString(16)}: ${reason}`);
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A cursor over module bytes. */
export class Reader {
  /** The bytes being read. */
  readonly bytes: Uint8Array;
  /** Current position. */
  pos: number;
  /** End (exclusive) of the readable range. */
  end: number;
  /** High word produced by readI64 (low word is the return value). */
  hi = 0;

  /** Creates a reader over bytes[pos, end). */
  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  /** Throws a CompileError at the current position. */
  fail(reason: string, at: number = this.pos): never {
    throw compileError(at, reason);
  }

  /** True when no bytes are left. */
  eof(): boolean {
    return this.pos >= this.end;
  }

  /** Reads one byte. */
  u8(): number {
    if (this.pos >= this.end) {
      this.fail(
        this.end < this.bytes.length
          ? "unexpected end of section or function"
          : "unexpected end",
      );
    }
    return this.bytes[this.pos++];
  }

  /** Reads an unsigned LEB128 32-bit integer. */
  u32(): number {
    let result = 0, shift = 0, b: number;
    const start = this.pos;
    for (let i = 0;; i++) {
      b = this.u8();
      if (i === 4) {
        if (b & 0x80) this.fail("integer representation too long", start);
        if (b & 0x70) this.fail("integer too large", start);
        result += (b & 0x7f) * 2 ** shift;
        return result;
      }
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) return result;
    }
  }

  /** Reads a signed LEB128 32-bit integer. */
  i32(): number {
    let result = 0, shift = 0, b: number;
    const start = this.pos;
    for (let i = 0;; i++) {
      b = this.u8();
      if (i === 4) {
        if (b & 0x80) this.fail("integer representation too long", start);
        // bits 3..6 must be sign extension of bit 3 (value bit 31)
        const top = b & 0x78;
        if (top !== 0 && top !== 0x78) this.fail("integer too large", start);
        result |= (b & 0x7f) << shift;
        return result | 0;
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) {
        if (b & 0x40) result |= -1 << shift;
        return result | 0;
      }
    }
  }

  /** Reads a signed LEB128 33-bit integer (block types); returns a JS number. */
  s33(): number {
    let result = 0, mul = 1, b: number;
    const start = this.pos;
    for (let i = 0;; i++) {
      b = this.u8();
      if (i === 4) {
        if (b & 0x80) this.fail("integer representation too long", start);
        const top = b & 0x70;
        if (top !== 0 && top !== 0x70) this.fail("integer too large", start);
        result += (b & 0x7f) * mul;
        mul *= 128;
        if (b & 0x40) result -= mul;
        return result;
      }
      result += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) {
        if (b & 0x40) result -= mul;
        return result;
      }
    }
  }

  /** Reads a signed LEB128 64-bit integer; returns the low word, sets `hi`. */
  i64(): number {
    let lo = 0, hi = 0, shift = 0, b = 0;
    const start = this.pos;
    for (let i = 0;; i++) {
      b = this.u8();
      const v = b & 0x7f;
      if (i === 9) {
        if (b & 0x80) this.fail("integer representation too long", start);
        // only bit 0 is a value bit (bit 63); the rest must be its sign extension
        if (v !== 0 && v !== 0x7f) this.fail("integer too large", start);
        hi |= v << 31;
        this.hi = hi | 0;
        return lo | 0;
      }
      if (shift < 28) lo |= v << shift;
      else if (shift === 28) {
        lo |= v << 28;
        hi |= v >>> 4;
      } else hi |= v << (shift - 32);
      shift += 7;
      if (!(b & 0x80)) {
        if (b & 0x40) {
          if (shift < 32) {
            lo |= -1 << shift;
            hi = -1;
          } else if (shift < 64) hi |= -1 << (shift - 32);
        }
        this.hi = hi | 0;
        return lo | 0;
      }
    }
  }

  /** Reads an i64 as a bigint. */
  i64big(): bigint {
    const lo = this.i64();
    return BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(lo >>> 0));
  }

  /** Reads 4 raw bytes little-endian as an int32 (f32 bit pattern). */
  f32bits(): number {
    if (this.pos + 4 > this.end) {
      this.pos = this.end;
      this.fail("unexpected end");
    }
    const b = this.bytes, p = this.pos;
    this.pos += 4;
    return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
  }

  /** Reads 8 raw bytes (f64 bit pattern); returns the low word, sets `hi`. */
  f64bits(): number {
    const lo = this.f32bits();
    this.hi = this.f32bits();
    return lo;
  }

  /** Reads a length-prefixed byte vector. */
  byteVec(): Uint8Array {
    const n = this.u32();
    if (this.pos + n > this.end) {
      this.fail("unexpected end of section or function");
    }
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads a UTF-8 name. */
  name(): string {
    const start = this.pos;
    const n = this.u32();
    if (this.pos + n > this.end) this.fail("length out of bounds", start);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    try {
      return utf8.decode(b);
    } catch {
      return this.fail("malformed UTF-8 encoding", start);
    }
  }
}
