/*
 * Agent implementing the tools, resources and prompts that the MCP
 * conformance suite (npm @modelcontextprotocol/conformance, server side)
 * expects, through Porta's ABI: rich tool results use the
 * {"content":[...]} convention, the binary resource returns base64, prompts
 * return {"messages":[...]}. Progress and logging come from porta serve.
 */
#include "json.h"

#define PNG "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
#define WAV "UklGRjQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YRAAAAAAAAAAAAAAAAAAAAAAAAAA"

static void prompt(const char *args) {
  char *name = abi_arg_string(args, "prompt", NULL);
  const char *pa = args ? json_get(args, "arguments") : NULL;
  if (!name) return abi_err("no prompt");
  if (!strcmp(name, "test_simple_prompt")) {
    fputs("{\"ok\":{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\","
          "\"text\":\"This is a simple prompt for testing.\"}}]}}",
          stdout);
  } else if (!strcmp(name, "test_prompt_with_arguments")) {
    size_t l1 = 0, l2 = 0;
    char *a1 = abi_arg_string(pa, "arg1", &l1), *a2 = abi_arg_string(pa, "arg2", &l2);
    fputs("{\"ok\":{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":", stdout);
    char *msg = malloc(l1 + l2 + 64);
    int n = snprintf(msg, l1 + l2 + 64, "Prompt with arguments: arg1='%s', arg2='%s'", a1 ? a1 : "",
                     a2 ? a2 : "");
    json_put_string(stdout, msg, (size_t)n);
    fputs("}}]}}", stdout);
    free(msg);
    free(a1);
    free(a2);
  } else if (!strcmp(name, "test_prompt_with_embedded_resource")) {
    size_t ul = 0;
    char *uri = abi_arg_string(pa, "resourceUri", &ul);
    fputs("{\"ok\":{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"resource\","
          "\"resource\":{\"uri\":",
          stdout);
    json_put_string(stdout, uri ? uri : "", ul);
    fputs(",\"mimeType\":\"text/plain\",\"text\":\"Embedded resource content for testing.\"}}},"
          "{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"Please process the embedded "
          "resource above.\"}}]}}",
          stdout);
    free(uri);
  } else if (!strcmp(name, "test_prompt_with_image")) {
    fputs("{\"ok\":{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"image\",\"data\":\"" PNG
          "\",\"mimeType\":\"image/png\"}},{\"role\":\"user\",\"content\":{\"type\":\"text\","
          "\"text\":\"Please analyze the image above.\"}}]}}",
          stdout);
  } else abi_err("unknown prompt");
  free(name);
}

static void resource(const char *args) {
  char *uri = abi_arg_string(args, "uri", NULL);
  if (uri && !strcmp(uri, "test://static-text"))
    fputs("{\"ok\":\"This is the content of the static text resource.\"}", stdout);
  else if (uri && !strcmp(uri, "test://static-binary")) fputs("{\"ok\":\"" PNG "\"}", stdout);
  else abi_err("unknown resource");
  free(uri);
}

int main(void) {
  char *req = abi_read_request();
  if (!req) return abi_err("no request"), 0;
  char *tool = abi_arg_string(req, "tool", NULL);
  const char *args = json_get(req, "arguments");
  if (!tool) abi_err("no tool");
  else if (!strcmp(tool, "test_simple_text"))
    fputs("{\"ok\":\"This is a simple text response for testing.\"}", stdout);
  else if (!strcmp(tool, "test_image_content"))
    fputs("{\"ok\":{\"content\":[{\"type\":\"image\",\"data\":\"" PNG "\",\"mimeType\":\"image/png\"}]}}",
          stdout);
  else if (!strcmp(tool, "test_audio_content"))
    fputs("{\"ok\":{\"content\":[{\"type\":\"audio\",\"data\":\"" WAV "\",\"mimeType\":\"audio/wav\"}]}}",
          stdout);
  else if (!strcmp(tool, "test_embedded_resource"))
    fputs("{\"ok\":{\"content\":[{\"type\":\"resource\",\"resource\":{\"uri\":\"test://embedded-resource\","
          "\"mimeType\":\"text/plain\",\"text\":\"This is an embedded resource content.\"}}]}}",
          stdout);
  else if (!strcmp(tool, "test_multiple_content_types"))
    fputs("{\"ok\":{\"content\":[{\"type\":\"text\",\"text\":\"Multiple content types test:\"},"
          "{\"type\":\"image\",\"data\":\"" PNG "\",\"mimeType\":\"image/png\"},"
          "{\"type\":\"resource\",\"resource\":{\"uri\":\"test://mixed-content-resource\","
          "\"mimeType\":\"application/json\",\"text\":\"{\\\"test\\\":\\\"data\\\",\\\"value\\\":123}\"}}]}}",
          stdout);
  else if (!strcmp(tool, "test_tool_with_logging")) {
    fputs("Tool execution started\n", stderr);
    fputs("Tool processing data\n", stderr);
    fputs("Tool execution completed\n", stderr);
    fputs("{\"ok\":\"Tool with logging executed successfully\"}", stdout);
  } else if (!strcmp(tool, "test_tool_with_progress"))
    fputs("{\"ok\":\"Tool with progress executed successfully\"}", stdout);
  else if (!strcmp(tool, "test_error_handling"))
    abi_err("This tool intentionally returns an error for testing");
  else if (!strcmp(tool, "_resource_read")) resource(args);
  else if (!strcmp(tool, "_prompt_get")) prompt(args);
  else abi_err("unknown tool");
  free(tool);
  free(req);
  return 0;
}
