/*
 * The weather agent: an ABI v2 agent (its manifest says "abi": 2) that calls
 * a JSON API through Porta (a "porta/fetch" request frame) and summarises
 * the answer in one sentence. Built by testdata/build.sh.
 *
 * Tool:
 *   forecast {city}   GET <API>/forecast?city=CITY, where <API> is the
 *                     WEATHER_API environment variable (with the "env"
 *                     capability) or https://api.example.com. The API
 *                     answers {"city", "conditions", "temperature_c",
 *                     "wind_kph"}; the tool returns "Paris: light rain,
 *                     18.5 °C, wind 12 km/h." and the same fields as
 *                     structuredContent.
 *
 * The agent never sees the API key: its manifest asks Porta to add
 * "Authorization: Bearer ${secret:WEATHER_TOKEN}" to requests to the API
 * host, with the value the operator gives (--secret WEATHER_TOKEN=...).
 * A refused or failed request comes back as an error answer, which the
 * tool reports as a tool error (isError), naming Porta's reason.
 */
#include "json.h"

static void frame_end(void) {
  fputs("\n", stdout);
  fflush(stdout);
}

/* {"result":{"content":[{"type":"text","text":MSG}],"isError":true}} */
static void tool_error(const char *prefix, const char *msg, size_t len) {
  char *text = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&text, &size);
  fputs(prefix, f);
  fwrite(msg, 1, len, f);
  fclose(f);
  fputs("{\"result\":{\"content\":[{\"type\":\"text\",\"text\":", stdout);
  json_put_string(stdout, text, size);
  fputs("}],\"isError\":true}}", stdout);
  frame_end();
  free(text);
}

/* Writes s percent-encoded (everything but unreserved characters). */
static void put_query_value(FILE *f, const char *s, size_t len) {
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        c == '-' || c == '.' || c == '_' || c == '~') {
      fputc(c, f);
    } else {
      fputc('%', f);
      fputc(hex[c >> 4], f);
      fputc(hex[c & 15], f);
    }
  }
}

/* A JSON number at p as a double; returns 0 on success. */
static int json_num(const char *p, double *out) {
  p = json_ws(p);
  if (!p || !(*p == '-' || (*p >= '0' && *p <= '9'))) return -1;
  char *end;
  *out = strtod(p, &end);
  return end == p ? -1 : 0;
}

static void forecast(const char *args) {
  size_t clen;
  char *city = abi_arg_string(args, "city", &clen);
  if (!city || clen == 0) {
    tool_error("", "forecast needs a string argument \"city\"", 39);
    free(city);
    return;
  }
  const char *api = getenv("WEATHER_API");
  if (!api || !*api) api = "https://api.example.com";
  /* the request frame: the URL is built here, the key is added by Porta */
  char *url = NULL;
  size_t ulen = 0;
  FILE *u = open_memstream(&url, &ulen);
  fputs(api, u);
  fputs("/forecast?city=", u);
  put_query_value(u, city, clen);
  fclose(u);
  fputs("{\"request\":{\"method\":\"porta/fetch\",\"params\":{\"url\":", stdout);
  json_put_string(stdout, url, ulen);
  fputs(",\"headers\":{\"accept\":\"application/json\"}}}}", stdout);
  frame_end();
  free(url);
  clearerr(stdin);
  char *answer = abi_read_request();
  if (!answer) {
    tool_error("", "no answer from Porta", 20);
    free(city);
    return;
  }
  const char *err = json_get(answer, "error");
  if (err) {
    size_t mlen;
    char *msg = json_string(json_get(err, "message"), &mlen);
    tool_error("the weather service cannot be reached: ", msg ? msg : "?", msg ? mlen : 1);
    free(msg);
    free(answer);
    free(city);
    return;
  }
  const char *res = json_get(answer, "result");
  int64_t status = 0;
  json_i64(json_get(res, "status"), &status);
  size_t blen;
  char *body = json_string(json_get(res, "body"), &blen);
  if (status != 200 || !body) {
    char buf[96];
    int n = snprintf(buf, sizeof buf, "the weather service answered HTTP %lld", (long long)status);
    tool_error("", buf, (size_t)n);
    free(body);
    free(answer);
    free(city);
    return;
  }
  size_t nlen = 0, wlen = 0;
  char *name = json_string(json_get(body, "city"), &nlen);
  char *conditions = json_string(json_get(body, "conditions"), &wlen);
  double temp = 0, wind = 0;
  int has_temp = json_num(json_get(body, "temperature_c"), &temp) == 0;
  int has_wind = json_num(json_get(body, "wind_kph"), &wind) == 0;
  if (!conditions || !has_temp) {
    tool_error("", "the weather service answered without conditions or temperature", 63);
  } else {
    char *text = NULL;
    size_t tlen = 0;
    FILE *t = open_memstream(&text, &tlen);
    if (name) fwrite(name, 1, nlen, t);
    else fwrite(city, 1, clen, t);
    fputs(": ", t);
    fwrite(conditions, 1, wlen, t);
    fprintf(t, ", %.1f \xc2\xb0" "C", temp);
    if (has_wind) fprintf(t, ", wind %.0f km/h", wind);
    fputs(".", t);
    fclose(t);
    fputs("{\"result\":{\"content\":[{\"type\":\"text\",\"text\":", stdout);
    json_put_string(stdout, text, tlen);
    fputs("}],\"structuredContent\":{\"city\":", stdout);
    if (name) json_put_string(stdout, name, nlen);
    else json_put_string(stdout, city, clen);
    fputs(",\"conditions\":", stdout);
    json_put_string(stdout, conditions, wlen);
    fprintf(stdout, ",\"temperature_c\":%.1f", temp);
    if (has_wind) fprintf(stdout, ",\"wind_kph\":%.0f", wind);
    fputs("}}}", stdout);
    frame_end();
    free(text);
  }
  free(name);
  free(conditions);
  free(body);
  free(answer);
  free(city);
}

int main(void) {
  char *req = abi_read_request();
  if (!req) return 1;
  size_t tlen;
  char *tool = abi_arg_string(req, "tool", &tlen);
  const char *args = json_get(req, "arguments");
  if (tool && !strcmp(tool, "forecast")) forecast(args);
  else {
    fputs("{\"error\":{\"message\":\"unknown tool\"}}", stdout);
    frame_end();
  }
  free(tool);
  free(req);
  return 0;
}
