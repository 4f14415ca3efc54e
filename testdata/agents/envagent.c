/*
 * Agent with one tool, getenv {name}, used to test that `porta serve`
 * hands --env / --env-file / --secret values to the guest (and nothing from
 * the host environment). Needs the "env" capability (profile full).
 */
#include "json.h"

int main(void) {
  char *req = abi_read_request();
  if (!req) return abi_err("no request"), 0;
  const char *args = json_get(req, "arguments");
  char *name = abi_arg_string(args, "name", NULL);
  const char *v = name ? getenv(name) : NULL;
  if (v) abi_ok_text(v, strlen(v));
  else abi_err("unset");
  free(name);
  free(req);
  return 0;
}
