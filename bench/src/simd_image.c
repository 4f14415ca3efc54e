/* SIMD: image and audio kernels written as plain loops that clang's auto-vectoriser turns into
 * WebAssembly SIMD (built with -O3 -msimd128): an RGBA box blur (u8 -> u16 sums -> u8), 8-bit
 * saturating mixes (i8x16.add_sat_u / sub_sat_u / avgr_u / min / max), a 16-bit audio FIR
 * filter and mix (i16x8 / i32x4 multiplies, saturating narrows), f32 gain and saxpy (f32x4), and
 * a byte histogram of the result. Prints checksums of every stage.
 * Usage: simd_image [scale]   (default 8) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W 256
#define H 128

static uint8_t img[H][W * 4], tmp[H][W * 4], out[H][W * 4], other[H][W * 4];
static uint16_t rowsum[W * 4];

#define SAMPLES 8192
#define TAPS 16
static int16_t audio[SAMPLES + TAPS], audio2[SAMPLES], filtered[SAMPLES];
static int16_t taps[TAPS];
static float fa[SAMPLES], fb[SAMPLES];

static uint32_t rng = 12345;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static uint32_t fnv(const uint8_t *p, size_t n, uint32_t h) {
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

/* 3x3 box blur of every channel: vertical sums in u16, then horizontal, divided by 9. */
static void blur(uint8_t (*src)[W * 4], uint8_t (*dst)[W * 4]) {
  for (int y = 0; y < H; y++) {
    const uint8_t *a = src[y > 0 ? y - 1 : 0], *b = src[y], *c = src[y < H - 1 ? y + 1 : H - 1];
    for (int x = 0; x < W * 4; x++) rowsum[x] = (uint16_t)(a[x] + b[x] + c[x]);
    uint8_t *d = dst[y];
    for (int x = 4; x < W * 4 - 4; x++) {
      uint32_t s = rowsum[x - 4] + rowsum[x] + rowsum[x + 4];
      d[x] = (uint8_t)((s * 7282u) >> 16); /* s / 9 */
    }
    for (int x = 0; x < 4; x++) {
      d[x] = b[x];
      d[W * 4 - 4 + x] = b[W * 4 - 4 + x];
    }
  }
}

/* Saturating 8-bit mixes of two images. */
static void mix(uint8_t *restrict d, const uint8_t *restrict a, const uint8_t *restrict b, int n,
                int mode) {
  switch (mode) {
  case 0:
    for (int i = 0; i < n; i++) {
      int s = a[i] + b[i];
      d[i] = (uint8_t)(s > 255 ? 255 : s);
    }
    break;
  case 1:
    for (int i = 0; i < n; i++) {
      int s = a[i] - b[i];
      d[i] = (uint8_t)(s < 0 ? 0 : s);
    }
    break;
  case 2:
    for (int i = 0; i < n; i++) d[i] = (uint8_t)((a[i] + b[i] + 1) >> 1);
    break;
  default:
    for (int i = 0; i < n; i++) d[i] = a[i] > b[i] ? a[i] : b[i];
  }
}

/* Brightness and contrast: (v - 128) * k / 256 + 128 + bias, clamped to 0..255. */
static void contrast(uint8_t *restrict d, const uint8_t *restrict a, int n, int k, int bias) {
  for (int i = 0; i < n; i++) {
    int v = ((a[i] - 128) * k >> 8) + 128 + bias;
    d[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
  }
}

/* 16-tap FIR filter on 16-bit samples (i32 accumulators), saturated back to 16 bits. */
static void fir(int16_t *restrict y, const int16_t *restrict x, int n) {
  for (int i = 0; i < n; i++) {
    int32_t acc = 0;
    for (int k = 0; k < TAPS; k++) acc += x[i + k] * taps[k];
    acc >>= 14;
    y[i] = (int16_t)(acc > 32767 ? 32767 : acc < -32768 ? -32768 : acc);
  }
}

/* Sum of all bytes (u8 -> u32 lanes). */
static uint32_t sum8(const uint8_t *p, int n) {
  uint32_t s = 0;
  for (int i = 0; i < n; i++) s += p[i];
  return s;
}

/* Dot product of 16-bit samples, wrapping modulo 2^32 (unsigned: no signed overflow). */
static int64_t dot16(const int16_t *restrict a, const int16_t *restrict b, int n) {
  uint32_t acc = 0;
  for (int i = 0; i < n; i++) acc += (uint32_t)(a[i] * b[i]);
  return (int32_t)acc;
}

static void saxpy(float *restrict y, const float *restrict x, float a, int n) {
  for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}

int main(int argc, char **argv) {
  int scale = argc > 1 ? atoi(argv[1]) : 8;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W * 4; x++) {
      img[y][x] = (uint8_t)next();
      other[y][x] = (uint8_t)((x * 3 + y * 5) ^ (next() >> 27));
    }
  for (int i = 0; i < SAMPLES + TAPS; i++) audio[i] = (int16_t)(next() >> 16);
  for (int i = 0; i < SAMPLES; i++) {
    audio2[i] = (int16_t)(next() >> 17);
    fa[i] = (float)(int32_t)(next() >> 8) / 65536.0f;
    fb[i] = (float)(int32_t)(next() >> 9) / 1024.0f;
  }
  for (int k = 0; k < TAPS; k++) taps[k] = (int16_t)(1024 + 97 * k - (k & 3) * 311);

  uint32_t h = 2166136261u;
  int64_t dots = 0;
  for (int round = 0; round < scale; round++) {
    blur(img, tmp);
    blur(tmp, out);
    mix(&tmp[0][0], &out[0][0], &other[0][0], H * W * 4, round & 3);
    contrast(&img[0][0], &tmp[0][0], H * W * 4, 200 + round * 7 % 100, round % 9 - 4);
    fir(filtered, audio, SAMPLES);
    dots += dot16(filtered, audio2, SAMPLES);
    for (int i = 0; i < SAMPLES; i++) audio[i + (round & 7)] ^= filtered[i] >> 3;
    saxpy(fb, fa, 0.5f + (float)round / 64.0f, SAMPLES);
    h = h * 16777619u + sum8(&img[0][0], H * W * 4);
  }
  h = fnv(&img[0][0], sizeof img, h);
  uint32_t hist[256] = {0};
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W * 4; x++) hist[img[y][x]]++;
  uint32_t hh = 0;
  for (int i = 0; i < 256; i++) hh = hh * 31 + hist[i];
  double fsum = 0;
  for (int i = 0; i < SAMPLES; i++) fsum += fb[i];
  printf("image hash %08x histogram %08x (zeros %u, 255s %u)\n", h, hh, hist[0], hist[255]);
  printf("audio fir %08x dot %lld\n", fnv((const uint8_t *)filtered, sizeof filtered, 2166136261u),
         (long long)dots);
  printf("saxpy sum %.6f first %.6f last %.6f\n", fsum, fb[0], fb[SAMPLES - 1]);
  return 0;
}
