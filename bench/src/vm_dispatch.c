/* call_indirect: a tiny stack-based bytecode VM whose opcodes are dispatched through a table
 * of function pointers (like an embedded scripting-language interpreter loop).
 * Usage: vm_dispatch [scale]   (default 8) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHR, OP_LT, OP_JZ, OP_JMP, OP_DUP, OP_POP, OP_MOD, OP_HALT };

typedef struct VM {
  int32_t stack[64];
  int32_t vars[8];
  int sp, pc;
  const int32_t *code;
  int running;
} VM;

typedef void (*OpFn)(VM *);

static void op_push(VM *v) { v->stack[v->sp++] = v->code[v->pc++]; }
static void op_load(VM *v) { v->stack[v->sp++] = v->vars[v->code[v->pc++]]; }
static void op_store(VM *v) { v->vars[v->code[v->pc++]] = v->stack[--v->sp]; }
static void op_add(VM *v) { v->sp--; v->stack[v->sp - 1] += v->stack[v->sp]; }
static void op_sub(VM *v) { v->sp--; v->stack[v->sp - 1] -= v->stack[v->sp]; }
static void op_mul(VM *v) { v->sp--; v->stack[v->sp - 1] = (int32_t)((uint32_t)v->stack[v->sp - 1] * (uint32_t)v->stack[v->sp]); }
static void op_xor(VM *v) { v->sp--; v->stack[v->sp - 1] ^= v->stack[v->sp]; }
static void op_shr(VM *v) { v->sp--; v->stack[v->sp - 1] = (int32_t)((uint32_t)v->stack[v->sp - 1] >> (v->stack[v->sp] & 31)); }
static void op_lt(VM *v) { v->sp--; v->stack[v->sp - 1] = v->stack[v->sp - 1] < v->stack[v->sp]; }
static void op_jz(VM *v) { int32_t t = v->code[v->pc++]; if (!v->stack[--v->sp]) v->pc = t; }
static void op_jmp(VM *v) { v->pc = v->code[v->pc]; }
static void op_dup(VM *v) { v->stack[v->sp] = v->stack[v->sp - 1]; v->sp++; }
static void op_pop(VM *v) { v->sp--; }
static void op_mod(VM *v) { v->sp--; int32_t d = v->stack[v->sp]; v->stack[v->sp - 1] = d ? (int32_t)((uint32_t)v->stack[v->sp - 1] % (uint32_t)d) : 0; }
static void op_halt(VM *v) { v->running = 0; }

static OpFn table[] = {op_push, op_load, op_store, op_add, op_sub, op_mul, op_xor, op_shr, op_lt, op_jz, op_jmp, op_dup, op_pop, op_mod, op_halt};

__attribute__((noinline)) static void run(VM *v) {
  v->running = 1;
  while (v->running) table[v->code[v->pc++]](v);
}

int main(int argc, char **argv) {
  int scale = argc > 1 ? atoi(argv[1]) : 8;
  if (scale < 1) scale = 1;
  /* vars: 0=i 1=n 2=h 3=acc
   * h = 2166136261; acc = 0; for (i = 0; i < n; i++) { h = (h ^ i) * 16777619; acc += (h >> 7) % 1000; } */
  int32_t n = scale * 25000;
  const int32_t code[] = {
      OP_PUSH, (int32_t)2166136261u, OP_STORE, 2,
      OP_PUSH, 0, OP_STORE, 3,
      OP_PUSH, 0, OP_STORE, 0,
      /* 12: loop */
      OP_LOAD, 0, OP_LOAD, 1, OP_LT, OP_JZ, 50,
      OP_LOAD, 2, OP_LOAD, 0, OP_XOR, OP_PUSH, 16777619, OP_MUL, OP_DUP, OP_STORE, 2,
      OP_PUSH, 7, OP_SHR, OP_PUSH, 1000, OP_MOD, OP_LOAD, 3, OP_ADD, OP_STORE, 3,
      OP_LOAD, 0, OP_PUSH, 1, OP_ADD, OP_STORE, 0,
      OP_JMP, 12,
      /* 50: end */
      OP_HALT};
  VM vm = {0};
  vm.code = code;
  vm.vars[1] = n;
  run(&vm);
  printf("h=%08x acc=%d i=%d sp=%d\n", (uint32_t)vm.vars[2], vm.vars[3], vm.vars[0], vm.sp);
  return 0;
}
