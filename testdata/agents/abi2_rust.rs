// An ABI v2 agent in Rust, standard library only (rustc --target wasm32-wasi,
// built by testdata/build.sh; its manifest says "abi": 2). The call arrives
// on stdin as in v1 (a 4-byte little-endian length, then
// {"tool":NAME,"arguments":ARGS}); stdout carries newline-delimited JSON
// frames, and the answer to a request frame arrives on stdin in the same
// 4-byte framing as the call: {"result":R} or {"error":{"code","message"}}.
//
//   sample {prompt}  asks sampling/createMessage, returns the model's text
//   progress_log     2 log frames and 3 progress frames, then a result
//
// The JSON handling is hand-written (no crates): enough to read a string
// field and to write string literals.
use std::io::{Read, Write};

/// Reads one framed message (4-byte little-endian length + bytes) from stdin.
fn read_framed() -> Option<String> {
    let mut stdin = std::io::stdin().lock();
    let mut len = [0u8; 4];
    stdin.read_exact(&mut len).ok()?;
    let mut body = vec![0u8; u32::from_le_bytes(len) as usize];
    stdin.read_exact(&mut body).ok()?;
    String::from_utf8(body).ok()
}

/// Writes one frame line and flushes it.
fn frame(json: &str) {
    let mut out = std::io::stdout().lock();
    out.write_all(json.as_bytes()).unwrap();
    out.write_all(b"\n").unwrap();
    out.flush().unwrap();
}

/// `s` as a JSON string literal.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Decodes the JSON string literal at the start of `s` (after whitespace).
fn parse_string(s: &str) -> Option<String> {
    let s = s.trim_start();
    let mut chars = s.strip_prefix('"')?.chars();
    let mut out = String::new();
    loop {
        match chars.next()? {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let mut code = u32::from_str_radix(&hex, 16).ok()?;
                    if (0xD800..0xDC00).contains(&code) {
                        // a surrogate pair: \uD83D\uDE00
                        let rest: String = chars.by_ref().take(6).collect();
                        let low = u32::from_str_radix(rest.get(2..)?, 16).ok()?;
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    }
                    out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                }
                c => out.push(c),
            },
            c => out.push(c),
        }
    }
}

/// The string value of the first `"key":` in `json` (good enough for the
/// flat objects this agent reads: the keys it looks for are unambiguous).
fn string_field(json: &str, key: &str) -> Option<String> {
    let needle = format!("{}:", quote(key));
    let at = json.find(&needle)? + needle.len();
    parse_string(&json[at..])
}

fn text_result(text: &str) {
    frame(&format!(
        "{{\"result\":{{\"content\":[{{\"type\":\"text\",\"text\":{}}}]}}}}",
        quote(text)
    ));
}

fn error_frame(message: &str) {
    frame(&format!("{{\"error\":{{\"message\":{}}}}}", quote(message)));
}

fn sample(request: &str) {
    let prompt = match string_field(request, "prompt") {
        Some(p) => p,
        None => return error_frame("sample needs a string argument \"prompt\""),
    };
    frame(&format!(
        "{{\"request\":{{\"method\":\"sampling/createMessage\",\"params\":{{\"messages\":[{{\"role\":\"user\",\"content\":{{\"type\":\"text\",\"text\":{}}}}}],\"maxTokens\":100}}}}}}",
        quote(&prompt)
    ));
    let answer = match read_framed() {
        Some(a) => a,
        None => return error_frame("no answer"),
    };
    if answer.trim_start().starts_with("{\"error\"") {
        let message = string_field(&answer, "message").unwrap_or_default();
        return error_frame(&format!("the client answered an error: {}", message));
    }
    match string_field(&answer, "text") {
        Some(text) => text_result(&text),
        None => error_frame("the sampling answer has no text"),
    }
}

fn progress_log() {
    frame("{\"log\":{\"level\":\"info\",\"data\":\"starting\"}}");
    for i in 1..=3 {
        frame(&format!(
            "{{\"progress\":{{\"progress\":{},\"total\":3,\"message\":\"step {}\"}}}}",
            i, i
        ));
    }
    frame("{\"log\":{\"level\":\"warning\",\"logger\":\"abi2\",\"data\":{\"steps\":3}}}");
    text_result("done");
}

fn main() {
    let request = match read_framed() {
        Some(r) => r,
        None => return error_frame("no request on stdin"),
    };
    match string_field(&request, "tool").as_deref() {
        Some("sample") => sample(&request),
        Some("progress_log") => progress_log(),
        _ => error_frame("unknown tool"),
    }
}
