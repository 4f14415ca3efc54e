/*
 * An ABI v2 agent (its manifest says "abi": 2; built by testdata/build.sh).
 * The call arrives on stdin as in v1 (4-byte little-endian length + JSON
 * {"tool","arguments"}); stdout carries newline-delimited JSON frames:
 * {"log":{...}}, {"progress":{...}}, {"updated":{...}}, {"request":{...}},
 * then a final {"result":{...}} or {"error":{...}}. The answer to a request
 * arrives on stdin framed as the call: {"result":R} or {"error":{code,message}}.
 *
 * Tools:
 *   sample {prompt}        sampling/createMessage; returns the model's text
 *   elicit {message?}      elicitation/create; returns action + content
 *   roots                  roots/list; returns the root URIs
 *   progress_log           2 log frames, 3 progress frames, then a result
 *   structured             content + structuredContent
 *   fail                   an error frame
 *   bad_frame              a line that is not JSON
 *   many_requests          roots/list 100 times
 *   updated {uri}          an updated frame for uri
 *   leak                   sampling with the TOKEN variable in the prompt,
 *                          logs it and returns it (redaction tests)
 *   no_result              a log frame, then exits without a final frame
 *   after_result           a result frame, then more output
 *   no_newline {prompt}    sample, with the request frame lacking its newline
 *   keyed                  two requests named "a" and "b" (roots/list), then
 *                          reads both answers; returns their root counts
 *   client                 returns the call's "client" member
 * Pseudo-tools: _resource_read (echoes uri/template/params), _prompt_get,
 * _complete (two values starting with the argument's value).
 */
#include "json.h"

/* Writes a frame line and flushes it (the host reads frames line by line). */
static void frame_end(void) {
  fputs("\n", stdout);
  fflush(stdout);
}

/* Asks the client `method` with the JSON text `params`; returns the answer (malloc'd JSON) or NULL. */
static char *request(const char *method, const char *params) {
  printf("{\"request\":{\"method\":\"%s\",\"params\":%s}}", method, params);
  frame_end();
  clearerr(stdin);
  return abi_read_request();
}

/* Writes {"error":{"message":MSG}} as the final frame. */
static void error_frame(const char *msg) {
  fputs("{\"error\":{\"message\":", stdout);
  json_put_string(stdout, msg, strlen(msg));
  fputs("}}", stdout);
  frame_end();
}

/* Writes {"result":{"content":[{"type":"text","text":TEXT}]}}. */
static void text_result(const char *text, size_t len) {
  fputs("{\"result\":{\"content\":[{\"type\":\"text\",\"text\":", stdout);
  json_put_string(stdout, text, len);
  fputs("}]}}", stdout);
  frame_end();
}

/* When the answer is an error, reports it as the final error frame and returns 1. */
static int answer_failed(const char *answer) {
  if (!answer) {
    error_frame("no answer");
    return 1;
  }
  const char *e = json_get(answer, "error");
  if (!e) return 0;
  size_t len;
  char *msg = json_string(json_get(e, "message"), &len);
  char buf[512];
  int n = snprintf(buf, sizeof buf, "the client answered an error: %s", msg ? msg : "?");
  (void)n;
  error_frame(buf);
  free(msg);
  return 1;
}

/* The sampling request for `prompt` (JSON params, malloc'd). */
static char *sampling_params(const char *prompt, size_t len) {
  char *out = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&out, &size);
  fputs("{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":", f);
  json_put_string(f, prompt, len);
  fputs("}}],\"maxTokens\":100}", f);
  fclose(f);
  return out;
}

/* Returns the model's text of a sampling answer: result.content.text. */
static void finish_sample(char *answer) {
  if (answer_failed(answer)) return;
  const char *content = json_get(json_get(answer, "result"), "content");
  size_t len;
  char *text = json_string(json_get(content, "text"), &len);
  if (!text) {
    error_frame("the sampling answer has no text");
    return;
  }
  text_result(text, len);
  free(text);
}

static void sample(const char *args, int newline) {
  size_t len;
  char *prompt = abi_arg_string(args, "prompt", &len);
  if (!prompt) return error_frame("sample needs a string argument \"prompt\"");
  char *params = sampling_params(prompt, len);
  char *answer;
  if (newline) {
    answer = request("sampling/createMessage", params);
  } else {
    printf("{\"request\":{\"method\":\"sampling/createMessage\",\"params\":%s}}", params);
    fflush(stdout);
    answer = abi_read_request();
  }
  finish_sample(answer);
  free(answer);
  free(params);
  free(prompt);
}

static void elicit(const char *args) {
  size_t len;
  char *message = abi_arg_string(args, "message", &len);
  fputs("{\"request\":{\"method\":\"elicitation/create\",\"params\":{\"message\":", stdout);
  if (message) json_put_string(stdout, message, len);
  else fputs("\"Who are you?\"", stdout);
  fputs(",\"requestedSchema\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}}}}",
        stdout);
  frame_end();
  clearerr(stdin);
  char *answer = abi_read_request();
  free(message);
  if (answer_failed(answer)) return free(answer);
  const char *result = json_get(answer, "result");
  size_t alen;
  char *action = json_string(json_get(result, "action"), &alen);
  const char *content = json_get(result, "content");
  const char *content_end = content ? json_skip(content) : NULL;
  fputs("{\"result\":{\"content\":[{\"type\":\"text\",\"text\":", stdout);
  json_put_string(stdout, action ? action : "?", action ? alen : 1);
  fputs("}],\"structuredContent\":{\"action\":", stdout);
  json_put_string(stdout, action ? action : "?", action ? alen : 1);
  if (content && content_end) {
    fputs(",\"content\":", stdout);
    fwrite(content, 1, (size_t)(content_end - content), stdout);
  }
  fputs("}}}", stdout);
  frame_end();
  free(action);
  free(answer);
}

static void roots(void) {
  char *answer = request("roots/list", "{}");
  if (answer_failed(answer)) return free(answer);
  const char *p = json_ws(json_get(json_get(answer, "result"), "roots"));
  char *uris[64];
  size_t lens[64];
  int n = 0;
  if (p && *p == '[') {
    p = json_ws(p + 1);
    while (p && *p == '{' && n < 64) {
      uris[n] = json_string(json_get(p, "uri"), &lens[n]);
      if (uris[n]) n++;
      p = json_ws(json_skip(p));
      if (!p || *p != ',') break;
      p = json_ws(p + 1);
    }
  }
  /* the URIs one per line in the text, and as a list */
  char *text = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&text, &size);
  for (int i = 0; i < n; i++) {
    if (i) fputc('\n', f);
    fwrite(uris[i], 1, lens[i], f);
  }
  fclose(f);
  fputs("{\"result\":{\"content\":[{\"type\":\"text\",\"text\":", stdout);
  json_put_string(stdout, text, size);
  fputs("}],\"structuredContent\":{\"uris\":[", stdout);
  for (int i = 0; i < n; i++) {
    if (i) fputs(",", stdout);
    json_put_string(stdout, uris[i], lens[i]);
    free(uris[i]);
  }
  fputs("]}}}", stdout);
  frame_end();
  free(text);
  free(answer);
}

static void progress_log(void) {
  puts("{\"log\":{\"level\":\"info\",\"data\":\"starting\"}}");
  for (int i = 1; i <= 3; i++) {
    printf("{\"progress\":{\"progress\":%d,\"total\":3,\"message\":\"step %d\"}}\n", i, i);
    fflush(stdout);
  }
  puts("{\"log\":{\"level\":\"warning\",\"logger\":\"abi2\",\"data\":{\"steps\":3}}}");
  fputs("{\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"done\"}]}}", stdout);
  frame_end();
}

static void structured(void) {
  fputs("{\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"sum\\\":3}\"}],"
        "\"structuredContent\":{\"sum\":3}}}",
        stdout);
  frame_end();
}

static void many_requests(void) {
  int i;
  for (i = 0; i < 100; i++) {
    char *answer = request("roots/list", "{}");
    int failed = answer_failed(answer);
    free(answer);
    if (failed) return;
  }
  char buf[64];
  int n = snprintf(buf, sizeof buf, "%d requests answered", i);
  text_result(buf, (size_t)n);
}

static void updated(const char *args) {
  size_t len;
  char *uri = abi_arg_string(args, "uri", &len);
  if (!uri) return error_frame("updated needs a string argument \"uri\"");
  fputs("{\"updated\":{\"uri\":", stdout);
  json_put_string(stdout, uri, len);
  fputs("}}", stdout);
  frame_end();
  text_result("notified", 8);
  free(uri);
}

/* The number of roots in a roots/list answer, or -1. */
static int root_count(const char *answer) {
  const char *p = json_ws(json_get(json_get(answer, "result"), "roots"));
  if (!p || *p != '[') return -1;
  int n = 0;
  p = json_ws(p + 1);
  while (p && *p && *p != ']') {
    n++;
    p = json_ws(json_skip(p));
    if (p && *p == ',') p = json_ws(p + 1);
  }
  return n;
}

static void keyed(void) {
  puts("{\"request\":{\"method\":\"roots/list\",\"key\":\"a\"}}");
  puts("{\"request\":{\"method\":\"roots/list\",\"key\":\"b\",\"params\":{}}}");
  fflush(stdout);
  char *first = abi_read_request();
  char *second = abi_read_request();
  char buf[64];
  int n = snprintf(buf, sizeof buf, "a=%d b=%d", first ? root_count(first) : -2,
                   second ? root_count(second) : -2);
  text_result(buf, (size_t)n);
  free(first);
  free(second);
}

/* The call's "client" member as structuredContent ({} when absent). */
static void client(const char *req) {
  const char *c = json_get(req, "client");
  const char *end = c ? json_skip(c) : NULL;
  fputs("{\"result\":{\"content\":[],\"structuredContent\":{\"client\":", stdout);
  if (c && end) fwrite(c, 1, (size_t)(end - c), stdout);
  else fputs("null", stdout);
  fputs("}}}", stdout);
  frame_end();
}

static void leak(void) {
  const char *token = getenv("TOKEN");
  if (!token) token = "(no TOKEN)";
  char *params = sampling_params(token, strlen(token));
  fputs("{\"log\":{\"level\":\"info\",\"data\":", stdout);
  json_put_string(stdout, token, strlen(token));
  fputs("}}", stdout);
  frame_end();
  char *answer = request("sampling/createMessage", params);
  free(params);
  free(answer);
  text_result(token, strlen(token));
}

/* _resource_read: {"contents":[{"uri","mimeType","text": the arguments}]} */
static void resource_read(const char *args) {
  size_t len;
  char *uri = abi_arg_string(args, "uri", &len);
  const char *end = args ? json_skip(args) : NULL;
  fputs("{\"result\":{\"contents\":[{\"uri\":", stdout);
  json_put_string(stdout, uri ? uri : "", uri ? len : 0);
  fputs(",\"mimeType\":\"application/json\",\"text\":", stdout);
  json_put_string(stdout, args ? args : "{}", end ? (size_t)(end - args) : 2);
  fputs("}]}}", stdout);
  frame_end();
  free(uri);
}

static void prompt_get(const char *args) {
  size_t len;
  char *name = abi_arg_string(args, "prompt", &len);
  fputs("{\"result\":{\"description\":\"a prompt\",\"messages\":[{\"role\":\"user\","
        "\"content\":{\"type\":\"text\",\"text\":",
        stdout);
  json_put_string(stdout, name ? name : "", name ? len : 0);
  fputs("}}]}}", stdout);
  frame_end();
  free(name);
}

static void complete(const char *args) {
  size_t len;
  const char *argument = args ? json_get(args, "argument") : NULL;
  char *value = json_string(json_get(argument, "value"), &len);
  fputs("{\"result\":{\"completion\":{\"values\":[", stdout);
  char buf[256];
  int n = snprintf(buf, sizeof buf, "%salpha", value ? value : "");
  json_put_string(stdout, buf, (size_t)n);
  fputs(",", stdout);
  n = snprintf(buf, sizeof buf, "%sbeta", value ? value : "");
  json_put_string(stdout, buf, (size_t)n);
  fputs("],\"total\":2,\"hasMore\":false}}}", stdout);
  frame_end();
  free(value);
}

int main(void) {
  char *req = abi_read_request();
  if (!req) {
    error_frame("no request on stdin");
    return 1;
  }
  size_t tlen;
  char *tool = abi_arg_string(req, "tool", &tlen);
  const char *args = json_get(req, "arguments");
  if (!tool) error_frame("no tool in the request");
  else if (!strcmp(tool, "sample")) sample(args, 1);
  else if (!strcmp(tool, "no_newline")) sample(args, 0);
  else if (!strcmp(tool, "elicit")) elicit(args);
  else if (!strcmp(tool, "roots")) roots();
  else if (!strcmp(tool, "progress_log")) progress_log();
  else if (!strcmp(tool, "structured")) structured();
  else if (!strcmp(tool, "fail")) {
    fputs("{\"error\":{\"message\":\"the tool failed\",\"code\":7}}", stdout);
    frame_end();
  } else if (!strcmp(tool, "bad_frame")) {
    puts("{\"log\":{\"data\":\"fine so far\"}}");
    puts("this is not json");
    text_result("unreachable", 11);
  } else if (!strcmp(tool, "many_requests")) many_requests();
  else if (!strcmp(tool, "updated")) updated(args);
  else if (!strcmp(tool, "leak")) leak();
  else if (!strcmp(tool, "keyed")) keyed();
  else if (!strcmp(tool, "client")) client(req);
  else if (!strcmp(tool, "no_result")) {
    puts("{\"log\":{\"data\":\"bye\"}}");
  } else if (!strcmp(tool, "after_result")) {
    text_result("first", 5);
    puts("{\"log\":{\"data\":\"too late\"}}");
  } else if (!strcmp(tool, "_resource_read")) resource_read(args);
  else if (!strcmp(tool, "_prompt_get")) prompt_get(args);
  else if (!strcmp(tool, "_complete")) complete(args);
  else error_frame("unknown tool");
  fflush(stdout);
  free(tool);
  free(req);
  return 0;
}
