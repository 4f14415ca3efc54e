// A minimal agent built by Rust's standard library (rustc --target
// wasm32-wasi): it only reads stdin and writes stdout, yet it imports
// environ_get and environ_sizes_get (plus fd_read, fd_write, proc_exit)
// because std always does. Under the default profile (ai-agent: no `env`)
// it loads and sees an empty environment; with --strict-imports it is
// refused, one line per ungranted import.
//
// As a program (`porta run`), it copies stdin to stdout. As an MCP agent
// (`porta serve`), stdin holds a tool call (a 4-byte little-endian length,
// then {"tool":NAME,"arguments":ARGS}):
//   echo      -> {"ok":ARGS}
//   environ   -> {"ok":"N variables"} (the environment the guest sees)
use std::io::{Read, Write};

fn main() {
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input).unwrap();
    let mut out = std::io::stdout();
    let framed = input.len() >= 4
        && u32::from_le_bytes([input[0], input[1], input[2], input[3]]) as usize
            == input.len() - 4;
    if !framed {
        out.write_all(&input).unwrap();
        return;
    }
    let request = String::from_utf8_lossy(&input[4..]).into_owned();
    let tool = request
        .strip_prefix("{\"tool\":\"")
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("");
    let answer = match tool {
        "echo" => match request.find("\"arguments\":") {
            Some(at) => format!(
                "{{\"ok\":{}}}",
                &request[at + 12..request.len() - 1]
            ),
            None => "{\"err\":\"no arguments\"}".to_string(),
        },
        "environ" => format!("{{\"ok\":\"{} variables\"}}", std::env::vars_os().count()),
        _ => "{\"err\":\"unknown tool\"}".to_string(),
    };
    out.write_all(answer.as_bytes()).unwrap();
}
