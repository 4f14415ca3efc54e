/*
 * Agent for the official MCP conformance suite (npm
 * @modelcontextprotocol/conformance, the server scenarios of revisions
 * 2025-11-25 and 2026-07-28), written for Porta's agent ABI v2 ("abi": 2 in
 * conformance.manifest.json; the ABI is described in src/agent/abi2.ts).
 *
 * The call comes on stdin: a 4-byte little-endian length, then the JSON
 * {"tool": NAME, "arguments": {...}, "client": {"capabilities": {...}}}
 * (resources, prompts and completions through the pseudo-tools
 * _resource_read, _prompt_get and _complete). The agent answers with
 * newline-delimited JSON frames on stdout, one key each: "log", "progress",
 * "request" (a request to the MCP client; its answer {"result": R} or
 * {"error": {...}} comes on stdin, framed like the call), and a final
 * "result" or "error".
 *
 * Tools that need the client are written as "ask, wait, use the answer":
 * on 2025-11-25 Porta sends the requests to the client; on 2026-07-28 it
 * turns the requests written before the agent blocks in a read into one
 * input-required result (each request's "key" names it in inputRequests)
 * and runs the call again with the answers replayed in order.
 *
 * JSON is written with jprint() templates, in which ` stands for " (so the
 * literals need no escapes), %s is a string value (escaped), %d an int, %j
 * JSON text written as is, %t a nested template without arguments.
 */
#include <stdarg.h>

#include "json.h"

/* A 1x1 PNG and a silent WAV, base64. */
#define PNG                                                                                    \
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSu" \
  "QmCC"
#define WAV "UklGRjQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YRAAAAAAAAAAAAAAAAAAAAAAAAAA"

/* The call (the whole request JSON) and its "arguments" object. */
static const char *call, *args;

/* ---- writing JSON ---------------------------------------------------------------- */

static void vjprint(FILE *f, const char *tpl, va_list ap) {
  for (const char *p = tpl; *p; p++) {
    if (*p == '`') fputc('"', f);
    else if (*p != '%' || !p[1]) fputc(*p, f);
    else if (*++p == 's') {
      const char *s = va_arg(ap, const char *);
      json_put_string(f, s, strlen(s));
    } else if (*p == 'd') fprintf(f, "%d", va_arg(ap, int));
    else if (*p == 'j') fputs(va_arg(ap, const char *), f);
    else if (*p == 't') {
      for (const char *t = va_arg(ap, const char *); *t; t++) fputc(*t == '`' ? '"' : *t, f);
    } else fputc(*p, f); /* %% */
  }
}

/* Writes a template (see the top of the file) to f. */
static void jprint(FILE *f, const char *tpl, ...) {
  va_list ap;
  va_start(ap, tpl);
  vjprint(f, tpl, ap);
  va_end(ap);
}

/* A template's JSON as a malloc'd string. */
static char *jstr(const char *tpl, ...) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  va_list ap;
  va_start(ap, tpl);
  vjprint(f, tpl, ap);
  va_end(ap);
  fclose(f);
  return buf;
}

/* printf into a malloc'd string (for texts, not JSON). */
static char *fmt(const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  int n = vsnprintf(NULL, 0, f, ap);
  va_end(ap);
  char *s = malloc((size_t)n + 1);
  va_start(ap, f);
  vsnprintf(s, (size_t)n + 1, f, ap);
  va_end(ap);
  return s;
}

/* ---- reading JSON ---------------------------------------------------------------- */

/* The value at a path of object keys (a NULL-terminated list), or NULL. */
static const char *at(const char *json, ...) {
  va_list ap;
  va_start(ap, json);
  for (const char *k; json && (k = va_arg(ap, const char *));) json = json_get(json, k);
  va_end(ap);
  return json;
}

/* A malloc'd copy of the JSON text of the value at p ("null" when absent). */
static char *raw(const char *p) {
  const char *end = p ? json_skip(p) : NULL;
  if (!end) return strdup("null");
  p = json_ws(p);
  return strndup(p, (size_t)(end - p));
}

/* The string at p (malloc'd); any other value as its JSON text. */
static char *text_of(const char *p) {
  char *s = json_string(p, NULL);
  return s ? s : raw(p);
}

static int is_object(const char *p) { return p && *json_ws(p) == '{'; }

/* The first element of the array at p, or NULL. */
static const char *first_of(const char *p) {
  p = json_ws(p);
  if (!p || *p != '[') return NULL;
  p = json_ws(p + 1);
  return *p == ']' ? NULL : p;
}

/* The number of elements of the array at p, or -1 when it is not an array. */
static int array_len(const char *p) {
  p = json_ws(p);
  if (!p || *p != '[') return -1;
  p = json_ws(p + 1);
  if (*p == ']') return 0;
  for (int n = 1;; n++) {
    p = json_ws(json_skip(p));
    if (!p) return -1;
    if (*p == ']') return n;
    if (*p != ',') return -1;
    p++;
  }
}

/* ---- frames ---------------------------------------------------------------------- */

/* Writes one frame (a template) and its newline, and flushes so that Porta sees it now. */
static void frame(const char *tpl, ...) {
  va_list ap;
  va_start(ap, tpl);
  vjprint(stdout, tpl, ap);
  va_end(ap);
  fputc('\n', stdout);
  fflush(stdout);
}

static void log_info(const char *text) {
  frame("{`log`:{`level`:`info`,`logger`:`conformance`,`data`:%s}}", text);
}

/* Final frame: a tool result with one text block (isError when is_error). */
static void result_text(const char *text, int is_error) {
  frame(is_error ? "{`result`:{`content`:[{`type`:`text`,`text`:%s}],`isError`:true}}"
                 : "{`result`:{`content`:[{`type`:`text`,`text`:%s}]}}",
        text);
}

/* result_text of a malloc'd text, which it frees. */
static void result_textf(char *text, int is_error) {
  result_text(text, is_error);
  free(text);
}

/* Final frame {"error": {"message", "code"?}} (code 0: none); frees a malloc'd message. */
static void failf(int code, char *message) {
  if (code) frame("{`error`:{`code`:%d,`message`:%s}}", code, message);
  else frame("{`error`:{`message`:%s}}", message);
  free(message);
}

/* ---- requests to the client ------------------------------------------------------ */

/*
 * Whether the client declared the capability `name`. A call without a
 * "client" member leaves the decision to Porta (which checks it too).
 */
static int client_has(const char *name) {
  const char *caps = at(call, "client", "capabilities", NULL);
  return caps ? json_get(caps, name) != NULL : !json_get(call, "client");
}

/*
 * Ends the call with an isError result unless the client declared each
 * capability named (a NULL-terminated list); returns whether it did.
 */
static int need(const char *cap, ...) {
  va_list ap;
  va_start(ap, cap);
  for (; cap && client_has(cap); cap = va_arg(ap, const char *)) continue;
  va_end(ap);
  if (cap) result_textf(fmt("The client did not declare the %s capability", cap), 1);
  return !cap;
}

/* Writes a request frame; `key` names it in 2026-07-28 inputRequests; params is JSON text. */
static void ask(const char *key, const char *method, const char *params) {
  if (key) frame("{`request`:{`method`:%s,`key`:%s,`params`:%j}}", method, key, params);
  else frame("{`request`:{`method`:%s,`params`:%j}}", method, params);
}

/* An elicitation (elicitation/create); properties and required are templates. */
static void ask_elicit(const char *key, const char *message, const char *properties,
                       const char *required) {
  char *params = jstr("{`message`:%s,`requestedSchema`:{`type`:`object`,`properties`:%t,"
                      "`required`:%t}}",
                      message, properties, required);
  ask(key, "elicitation/create", params);
  free(params);
}

/* An elicitation asking for one string property `field`. */
static void ask_string(const char *key, const char *message, const char *field) {
  char *props = jstr("{%s:{`type`:`string`}}", field), *req = jstr("[%s]", field);
  char *params = jstr("{`message`:%s,`requestedSchema`:{`type`:`object`,`properties`:%j,"
                      "`required`:%j}}",
                      message, props, req);
  ask(key, "elicitation/create", params);
  free(params);
  free(req);
  free(props);
}

/* A sampling request (sampling/createMessage) with one user message. */
static void ask_sample(const char *key, const char *prompt, int max_tokens) {
  char *params = jstr("{`messages`:[{`role`:`user`,`content`:{`type`:`text`,`text`:%s}}],"
                      "`maxTokens`:%d}",
                      prompt, max_tokens);
  ask(key, "sampling/createMessage", params);
  free(params);
}

/* Reads the answer to the next request ({"result": R} or {"error": {...}}); NULL at the end. */
static char *answer(void) { return abi_read_request(); }

/*
 * The result R of an answer. On an error answer, a missing answer or an R
 * that is not an object, writes the final frame and returns NULL.
 */
static const char *answer_result(const char *ans, const char *method) {
  const char *r = ans ? json_get(ans, "result") : NULL;
  if (is_object(r)) return r;
  if (!ans) failf(0, strdup("no answer to the request"));
  else if (r) failf(-32602, fmt("invalid %s result: expected an object", method));
  else {
    char *msg = text_of(at(ans, "error", "message", NULL));
    result_textf(fmt("%s failed: %s", method, msg), 1);
    free(msg);
  }
  return NULL;
}

/*
 * The content of an accepted elicitation answer. Otherwise writes the final
 * frame (a decline or a cancel is an ordinary result) and returns NULL.
 */
static const char *accepted(const char *ans) {
  const char *r = answer_result(ans, "elicitation/create");
  if (!r) return NULL;
  char *action = text_of(json_get(r, "action"));
  const char *content = json_get(r, "content");
  int accept = !strcmp(action, "accept");
  if (!accept) result_textf(fmt("The user did not accept (action=%s)", action), 0);
  else if (!is_object(content))
    failf(-32602, strdup("invalid elicitation/create result: no content"));
  free(action);
  return accept && is_object(content) ? content : NULL;
}

/* The text of a sampling answer (malloc'd), or NULL after writing the final frame. */
static char *sampled(const char *ans) {
  const char *r = answer_result(ans, "sampling/createMessage");
  if (!r) return NULL;
  const char *content = json_get(r, "content");
  if (first_of(content)) content = first_of(content); /* a list of blocks */
  const char *text = json_get(content, "text");
  return text ? text_of(text) : strdup("No response");
}

/* The number of roots a roots/list answer lists, or -1 after writing the final frame. */
static int roots_count(const char *ans) {
  const char *r = answer_result(ans, "roots/list");
  if (!r) return -1;
  int n = array_len(json_get(r, "roots"));
  if (n < 0) failf(-32602, strdup("invalid roots/list result: no roots array"));
  return n;
}

/* ---- tools of the 2025-11-25 scenarios ------------------------------------------- */

static void t_with_logging(void) {
  log_info("Tool execution started");
  log_info("Tool processing data");
  log_info("Tool execution completed");
  result_text("Tool with logging executed successfully", 0);
}

static void t_with_progress(void) {
  for (int step = 0; step <= 100; step += 50) {
    char *msg = fmt("Completed step %d of 100", step);
    frame("{`progress`:{`progress`:%d,`total`:100,`message`:%s}}", step, msg);
    free(msg);
  }
  result_text("Tool with progress executed successfully", 0);
}

static void t_sampling(void) {
  if (!need("sampling", NULL)) return;
  char *prompt = text_of(json_get(args, "prompt"));
  ask_sample(NULL, prompt, 100);
  char *ans = answer(), *text = sampled(ans);
  if (text) result_textf(fmt("LLM response: %s", text), 0);
  free(text);
  free(ans);
  free(prompt);
}

/* Reports an elicitation's answer as the suite's reference server does. */
static void report_elicitation(const char *prefix) {
  char *ans = answer();
  const char *r = answer_result(ans, "elicitation/create");
  if (r) {
    char *action = text_of(json_get(r, "action"));
    char *content = json_get(r, "content") ? raw(json_get(r, "content")) : strdup("{}");
    result_textf(fmt("%s: action=%s, content=%s", prefix, action, content), 0);
    free(action);
    free(content);
  }
  free(ans);
}

static void t_elicitation(void) {
  if (!need("elicitation", NULL)) return;
  char *message = text_of(json_get(args, "message"));
  ask_elicit(NULL, message,
             "{`username`:{`type`:`string`,`description`:`User's response`},"
             "`email`:{`type`:`string`,`description`:`User's email address`}}",
             "[`username`,`email`]");
  report_elicitation("User response");
  free(message);
}

static void t_sep1034_defaults(void) {
  if (!need("elicitation", NULL)) return;
  ask_elicit(NULL, "Please review and update the form fields with defaults",
             "{`name`:{`type`:`string`,`description`:`User name`,`default`:`John Doe`},"
             "`age`:{`type`:`integer`,`description`:`User age`,`default`:30},"
             "`score`:{`type`:`number`,`description`:`User score`,`default`:95.5},"
             "`status`:{`type`:`string`,`description`:`User status`,"
             "`enum`:[`active`,`inactive`,`pending`],`default`:`active`},"
             "`verified`:{`type`:`boolean`,`description`:`Verification status`,`default`:true}}",
             "[]");
  report_elicitation("Elicitation completed");
}

static void t_sep1330_enums(void) {
  if (!need("elicitation", NULL)) return;
  ask_elicit(NULL, "Please select options from the enum fields",
             "{`untitledSingle`:{`type`:`string`,`description`:`Select one option`,"
             "`enum`:[`option1`,`option2`,`option3`]},"
             "`titledSingle`:{`type`:`string`,`description`:`Select one option with titles`,"
             "`oneOf`:[{`const`:`value1`,`title`:`First Option`},"
             "{`const`:`value2`,`title`:`Second Option`},"
             "{`const`:`value3`,`title`:`Third Option`}]},"
             "`legacyEnum`:{`type`:`string`,`description`:`Select one option (legacy)`,"
             "`enum`:[`opt1`,`opt2`,`opt3`],"
             "`enumNames`:[`Option One`,`Option Two`,`Option Three`]},"
             "`untitledMulti`:{`type`:`array`,`description`:`Select multiple options`,"
             "`minItems`:1,`maxItems`:3,"
             "`items`:{`type`:`string`,`enum`:[`option1`,`option2`,`option3`]}},"
             "`titledMulti`:{`type`:`array`,`description`:`Select multiple options with titles`,"
             "`minItems`:1,`maxItems`:3,"
             "`items`:{`anyOf`:[{`const`:`value1`,`title`:`First Choice`},"
             "{`const`:`value2`,`title`:`Second Choice`},"
             "{`const`:`value3`,`title`:`Third Choice`}]}}}",
             "[]");
  report_elicitation("Elicitation completed");
}

static void t_json_schema(void) {
  char *a = raw(args);
  result_textf(fmt("JSON Schema 2020-12 tool called with: %s", a), 0);
  free(a);
}

/* ---- tools of the 2026-07-28 scenarios ------------------------------------------- */

/* Porta forwards the log only when the request's logLevel allows it. */
static void t_logging_tool(void) {
  log_info("Diagnostic trace logging activated");
  result_text("Logging evaluated", 0);
}

static void t_irr_elicitation(void) {
  if (!need("elicitation", NULL)) return;
  ask_string("user_name", "What is your name?", "name");
  char *ans = answer();
  const char *content = accepted(ans);
  if (content) {
    char *name = text_of(json_get(content, "name"));
    result_textf(fmt("Hello, %s!", name), 0);
    free(name);
  }
  free(ans);
}

static void t_irr_sampling(void) {
  if (!need("sampling", NULL)) return;
  ask_sample("capital_question", "What is the capital of France?", 100);
  char *ans = answer(), *text = sampled(ans);
  if (text) result_textf(fmt("Sampling result: %s", text), 0);
  free(text);
  free(ans);
}

static void t_irr_list_roots(void) {
  if (!need("roots", NULL)) return;
  ask("client_roots", "roots/list", "{}");
  char *ans = answer();
  int n = roots_count(ans);
  if (n >= 0) result_textf(fmt("Found %d root(s)", n), 0);
  free(ans);
}

/* Asks "Please confirm" (a boolean `ok`); 1 when confirmed, 0 if not, -1 after a final frame. */
static int confirm(void) {
  ask_elicit("confirm", "Please confirm", "{`ok`:{`type`:`boolean`}}", "[`ok`]");
  char *ans = answer();
  const char *content = accepted(ans);
  const char *ok = content ? json_get(content, "ok") : NULL;
  int confirmed = !content ? -1 : ok && !strncmp(ok, "true", 4);
  free(ans);
  return confirmed;
}

/* (Porta makes, signs and checks the requestState: the agent never sees it.) */
static void t_irr_request_state(void) {
  if (!need("elicitation", NULL)) return;
  int ok = confirm();
  if (ok >= 0) result_text(ok ? "state-ok: requestState validated" : "state-ok: not confirmed", 0);
}

static void t_irr_tampered_state(void) {
  if (!need("elicitation", NULL)) return;
  int ok = confirm();
  if (ok >= 0) result_text(ok ? "integrity-ok: state verified" : "integrity-ok: not confirmed", 0);
}

/* Three requests before the first read: one input-required result on 2026-07-28. */
static void t_irr_multiple_inputs(void) {
  if (!need("elicitation", "sampling", "roots", NULL)) return;
  ask_string("user_name", "What is your name?", "name");
  ask_sample("greeting", "Generate a greeting", 50);
  ask("client_roots", "roots/list", "{}");
  char *a1 = answer(), *a2 = answer(), *a3 = answer(), *name = NULL, *greeting = NULL;
  const char *content = accepted(a1);
  int roots = -1;
  if (content && (name = text_of(json_get(content, "name"))) && (greeting = sampled(a2)) &&
      (roots = roots_count(a3)) >= 0)
    result_textf(fmt("Name: %s; Greeting: %s; Roots: %d", name, greeting, roots), 0);
  free(name);
  free(greeting);
  free(a1);
  free(a2);
  free(a3);
}

/* Two rounds: step2 is asked once step1 is answered. */
static void t_irr_multi_round(void) {
  if (!need("elicitation", NULL)) return;
  ask_string("step1", "Step 1: What is your name?", "name");
  char *a1 = answer();
  const char *c1 = accepted(a1);
  if (c1) {
    char *name = text_of(json_get(c1, "name"));
    ask_string("step2", "Step 2: What is your favorite color?", "color");
    char *a2 = answer();
    const char *c2 = accepted(a2);
    if (c2) {
      char *color = text_of(json_get(c2, "color"));
      result_textf(fmt("Multi-round complete for %s who likes %s", name, color), 0);
      free(color);
    }
    free(a2);
    free(name);
  }
  free(a1);
}

/* Asks only for what the client declared (elicitation and/or sampling). */
static void t_irr_capabilities(void) {
  int elicit = client_has("elicitation"), sample = client_has("sampling");
  if (!elicit && !sample) {
    result_text("No supported capabilities declared", 0);
    return;
  }
  if (elicit) ask_string("elicit_input", "Elicitation input", "value");
  if (sample) ask_sample("sample_input", "Sample request", 50);
  char *a1 = elicit ? answer() : NULL, *a2 = sample ? answer() : NULL;
  if ((!elicit || accepted(a1)) && (!sample || answer_result(a2, "sampling/createMessage")))
    result_text(!sample   ? "capabilities-ok: received elicit_input"
                : !elicit ? "capabilities-ok: received sample_input"
                          : "capabilities-ok: received elicit_input,sample_input",
                0);
  free(a1);
  free(a2);
}

/* ---- resources ------------------------------------------------------------------- */

static void resource_text(const char *uri, const char *mime, const char *text) {
  frame("{`result`:{`contents`:[{`uri`:%s,`mimeType`:%s,`text`:%s}]}}", uri, mime, text);
}

/* The id of a test://template/{id}/data URI: Porta's match, else the URI's own. */
static char *template_id(const char *uri) {
  char *tpl = text_of(json_get(args, "template")), *id = NULL;
  if (!strcmp(tpl, "test://template/{id}/data"))
    id = json_string(at(args, "params", "id", NULL), NULL);
  free(tpl);
  const char *pre = "test://template/", *suf = "/data";
  size_t n = strlen(uri), lp = strlen(pre), ls = strlen(suf);
  if (!id && n > lp + ls && !strncmp(uri, pre, lp) && !strcmp(uri + n - ls, suf))
    id = strndup(uri + lp, n - lp - ls);
  return id;
}

static void resource_read(void) {
  char *uri = text_of(json_get(args, "uri")), *id = NULL;
  if (!strcmp(uri, "test://static-text"))
    resource_text(uri, "text/plain", "This is the content of the static text resource.");
  else if (!strcmp(uri, "test://static-binary"))
    frame("{`result`:{`contents`:[{`uri`:%s,`mimeType`:`image/png`,`blob`:`" PNG "`}]}}", uri);
  else if (!strcmp(uri, "test://watched-resource"))
    resource_text(uri, "text/plain", "Watched resource content");
  else if ((id = template_id(uri))) {
    char *data = fmt("Data for ID: %s", id);
    char *json = jstr("{`id`:%s,`templateTest`:true,`data`:%s}", id, data);
    resource_text(uri, "application/json", json);
    free(json);
    free(data);
  } else failf(0, fmt("Resource not found: %s", uri));
  free(id);
  free(uri);
}

/* ---- prompts --------------------------------------------------------------------- */

static void prompt_text(const char *text) {
  frame("{`result`:{`messages`:[{`role`:`user`,`content`:{`type`:`text`,`text`:%s}}]}}", text);
}

static void prompt_get(void) {
  char *name = text_of(json_get(args, "prompt"));
  const char *pa = json_get(args, "arguments");
  if (!strcmp(name, "test_simple_prompt")) {
    prompt_text("This is a simple prompt for testing.");
  } else if (!strcmp(name, "test_prompt_with_arguments")) {
    char *a1 = json_string(json_get(pa, "arg1"), NULL);
    char *a2 = json_string(json_get(pa, "arg2"), NULL);
    char *text = fmt("Prompt with arguments: arg1='%s', arg2='%s'", a1 ? a1 : "", a2 ? a2 : "");
    prompt_text(text);
    free(text);
    free(a1);
    free(a2);
  } else if (!strcmp(name, "test_prompt_with_embedded_resource")) {
    char *uri = json_string(json_get(pa, "resourceUri"), NULL);
    frame("{`result`:{`messages`:["
          "{`role`:`user`,`content`:{`type`:`resource`,"
          "`resource`:{`uri`:%s,`mimeType`:`text/plain`,"
          "`text`:`Embedded resource content for testing.`}}},"
          "{`role`:`user`,`content`:{`type`:`text`,"
          "`text`:`Please process the embedded resource above.`}}]}}",
          uri ? uri : "test://example-resource");
    free(uri);
  } else if (!strcmp(name, "test_prompt_with_image")) {
    frame("{`result`:{`messages`:["
          "{`role`:`user`,`content`:{`type`:`image`,`data`:`" PNG "`,`mimeType`:`image/png`}},"
          "{`role`:`user`,`content`:{`type`:`text`,`text`:`Please analyze the image above.`}}]}}");
  } else if (!strcmp(name, "test_input_required_result_prompt")) {
    if (need("elicitation", NULL)) {
      ask_string("user_context", "What context should the prompt use?", "context");
      char *ans = answer();
      const char *content = accepted(ans);
      if (content) {
        char *context = text_of(json_get(content, "context"));
        char *text = fmt("Prompt with context: %s", context);
        prompt_text(text);
        free(text);
        free(context);
      }
      free(ans);
    }
  } else failf(0, fmt("Unknown prompt: %s", name));
  free(name);
}

/* ---- completion ------------------------------------------------------------------ */

/* The values each completable argument offers (those starting with what was typed). */
static const struct {
  const char *argument;
  const char *values[5];
} CANDIDATES[] = {
    {"arg1", {"testValue1", "testing", "example1"}},
    {"arg2", {"testValue2", "testing", "example2"}},
    {"resourceUri",
     {"test://static-text", "test://static-binary", "test://watched-resource",
      "test://example-resource"}},
    {"id", {"123", "456", "789"}},
};

static void complete(void) {
  char *name = text_of(at(args, "argument", "name", NULL));
  char *value = json_string(at(args, "argument", "value", NULL), NULL);
  const char *typed = value ? value : "";
  int n = 0;
  fputs("{\"result\":{\"completion\":{\"values\":[", stdout);
  for (size_t i = 0; i < sizeof CANDIDATES / sizeof CANDIDATES[0]; i++) {
    if (strcmp(CANDIDATES[i].argument, name)) continue;
    for (const char *const *v = CANDIDATES[i].values; *v; v++) {
      if (strncmp(*v, typed, strlen(typed))) continue;
      jprint(stdout, n++ ? ",%s" : "%s", *v);
    }
  }
  frame("],`total`:%d,`hasMore`:false}}}", n);
  free(name);
  free(value);
}

/* ---- dispatch -------------------------------------------------------------------- */

/* A tool result with one text block (a literal text: no " or \ in it). */
#define TEXT(s) "{`content`:[{`type`:`text`,`text`:`" s "`}]}"

/* Each tool (and pseudo-tool) runs a function or has a fixed result (a template). */
static const struct {
  const char *name;
  void (*run)(void);
  const char *result;
} TOOLS[] = {
    {"test_simple_text", NULL, TEXT("This is a simple text response for testing.")},
    {"test_image_content", NULL,
     "{`content`:[{`type`:`image`,`data`:`" PNG "`,`mimeType`:`image/png`}]}"},
    {"test_audio_content", NULL,
     "{`content`:[{`type`:`audio`,`data`:`" WAV "`,`mimeType`:`audio/wav`}]}"},
    {"test_embedded_resource", NULL,
     "{`content`:[{`type`:`resource`,`resource`:{`uri`:`test://embedded-resource`,"
     "`mimeType`:`text/plain`,`text`:`This is an embedded resource content.`}}]}"},
    {"test_multiple_content_types", NULL,
     "{`content`:[{`type`:`text`,`text`:`Multiple content types test:`},"
     "{`type`:`image`,`data`:`" PNG "`,`mimeType`:`image/png`},"
     "{`type`:`resource`,`resource`:{`uri`:`test://mixed-content-resource`,"
     "`mimeType`:`application/json`,`text`:`{\\`test\\`:\\`data\\`,\\`value\\`:123}`}}]}"},
    {"test_tool_with_logging", t_with_logging, NULL},
    {"test_tool_with_progress", t_with_progress, NULL},
    {"test_error_handling", NULL,
     "{`content`:[{`type`:`text`,`text`:`This tool intentionally returns an error for testing`}],"
     "`isError`:true}"},
    {"test_reconnection", NULL,
     TEXT("Reconnection test completed successfully. If you received this, the client properly "
          "reconnected after stream closure.")},
    {"test_sampling", t_sampling, NULL},
    {"test_elicitation", t_elicitation, NULL},
    {"test_elicitation_sep1034_defaults", t_sep1034_defaults, NULL},
    {"test_elicitation_sep1330_enums", t_sep1330_enums, NULL},
    {"json_schema_2020_12_tool", t_json_schema, NULL},
    /* Porta refuses it (-32021) unless the client declares sampling (see the manifest). */
    {"test_missing_capability", NULL, TEXT("Success")},
    {"test_streaming_elicitation", NULL, TEXT("Streaming complete")},
    {"test_logging_tool", t_logging_tool, NULL},
    /* Its "region" argument is mirrored in an Mcp-Param-Region header (Porta checks it). */
    {"test_custom_headers", NULL, TEXT("Custom headers validated")},
    {"test_input_required_result_elicitation", t_irr_elicitation, NULL},
    {"test_input_required_result_sampling", t_irr_sampling, NULL},
    {"test_input_required_result_list_roots", t_irr_list_roots, NULL},
    {"test_input_required_result_request_state", t_irr_request_state, NULL},
    {"test_input_required_result_multiple_inputs", t_irr_multiple_inputs, NULL},
    {"test_input_required_result_multi_round", t_irr_multi_round, NULL},
    {"test_input_required_result_tampered_state", t_irr_tampered_state, NULL},
    {"test_input_required_result_capabilities", t_irr_capabilities, NULL},
    {"_resource_read", resource_read, NULL},
    {"_prompt_get", prompt_get, NULL},
    {"_complete", complete, NULL},
};

int main(void) {
  char *req = abi_read_request();
  if (!req) return failf(0, strdup("no request on stdin")), 0;
  call = req;
  args = is_object(json_get(req, "arguments")) ? json_get(req, "arguments") : "{}";
  char *tool = json_string(json_get(req, "tool"), NULL);
  size_t i = 0, n = sizeof TOOLS / sizeof TOOLS[0];
  while (tool && i < n && strcmp(TOOLS[i].name, tool)) i++;
  if (!tool) failf(0, strdup("no tool in the request"));
  else if (i == n) failf(0, fmt("Unknown tool: %s", tool));
  else if (TOOLS[i].run) TOOLS[i].run();
  else frame("{`result`:%t}", TOOLS[i].result);
  free(tool);
  free(req);
  return 0;
}
