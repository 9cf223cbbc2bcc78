//! The fault matrix of docs/reliability.md: each fault a server or a payload
//! can throw at licusage, and what the user must see. Real servers on
//! 127.0.0.1 only.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::env::{fixture, tool, Output, TestEnv};
use crate::live::{assert_no_secret, json_file, Server};

/// A one-connection-at-a-time server that answers every request with
/// `respond(stream)`, for faults wiremock cannot produce.
fn raw_server(respond: fn(&mut TcpStream)) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                respond(&mut stream);
            });
        }
    });
    port
}

fn fourd(env: &TestEnv, url: &str, args: &[&str]) -> Output {
    let mut cmd = env.cmd();
    cmd.args(["4d", "--url", url, "--token-env", "T"]).args(args).env("T", "FAULT-TOKEN");
    let out = Output::of(cmd);
    assert_no_secret(&out, &["FAULT-TOKEN"]);
    out
}

#[test]
fn connection_reset_mid_body() {
    let port = raw_server(|s| {
        let _ =
            s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n[{\"productId\": 1, \"produ");
        let _ = s.flush();
        // Gone, 4,970 bytes short.
    });
    let env = TestEnv::new();
    let out = fourd(&env, &format!("http://127.0.0.1:{port}/"), &[]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("source `4d` (4d): GET http://127.0.0.1:") && out.stderr.contains("reading the response body"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1);
}

#[test]
fn slow_headers_and_slowloris_bodies_end_at_the_timeout() {
    let silent = raw_server(|_| std::thread::sleep(Duration::from_secs(20)));
    let trickle = raw_server(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n[");
        for _ in 0..200 {
            std::thread::sleep(Duration::from_millis(100));
            if s.write_all(b" ").is_err() {
                return;
            }
        }
    });
    let env = TestEnv::new();
    for port in [silent, trickle] {
        let started = std::time::Instant::now();
        let out = fourd(&env, &format!("http://127.0.0.1:{port}/"), &["--timeout", "1s"]);
        assert_eq!(out.code, 1);
        assert!(out.stderr.contains("timed out after 1s"), "{}", out.stderr);
        // Not a timing assertion on speed: a hang would be 20 s, the test's own bound.
        assert!(started.elapsed() < Duration::from_secs(15), "did not stop at the timeout");
    }
}

#[test]
fn redirects_to_another_host_are_not_followed() {
    let target = Server::start();
    target.mount(Mock::given(method("GET")).respond_with(json_file("4d/single-client.json")));
    let origin = Server::start();
    // 127.0.0.1 and localhost are different hosts to a browser and to licusage.
    let elsewhere = target.url().replace("127.0.0.1", "localhost");
    origin.mount(
        Mock::given(method("GET"))
            .and(path("/away"))
            .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{elsewhere}/steal"))),
    );
    origin
        .mount(Mock::given(method("GET")).and(path("/moved")).respond_with(ResponseTemplate::new(301).insert_header("location", "/here")));
    origin.mount(Mock::given(method("GET")).and(path("/here")).respond_with(json_file("4d/single-client.json")));
    let env = TestEnv::new();
    let out = fourd(&env, &format!("{}/away", origin.url()), &[]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("redirected to http://localhost:") && out.stderr.contains("not followed"), "{}", out.stderr);
    assert!(target.requests().is_empty(), "the token went to another host");
    let same = fourd(&env, &format!("{}/moved", origin.url()), &["--json"]);
    assert_eq!(same.code, 0, "a redirect on the same host is followed: {}", same.stderr);
}

#[test]
fn a_self_signed_certificate_is_refused() {
    let (Some(openssl), Some(python)) = (tool("openssl"), tool("python3")) else { return };
    let env = TestEnv::new();
    let (key, cert) = (env.path("key.pem"), env.path("cert.pem"));
    let made = Command::new(openssl)
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let server = format!(
        "import http.server, ssl, sys\n\
         class H(http.server.BaseHTTPRequestHandler):\n\
         \x20   def do_GET(self):\n\
         \x20       self.send_response(200); self.end_headers(); self.wfile.write(b'[]')\n\
         \x20   def log_message(self, *a): pass\n\
         s = http.server.HTTPServer(('127.0.0.1', 0), H)\n\
         c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain('{}', '{}')\n\
         s.socket = c.wrap_socket(s.socket, server_side=True)\n\
         print(s.server_address[1], flush=True)\n\
         s.timeout = 10\n\
         for _ in range(3): s.handle_request()\n",
        cert.display(),
        key.display()
    );
    let mut child = Command::new(python).args(["-c", &server]).stdout(Stdio::piped()).spawn().unwrap();
    let mut port = String::new();
    let mut stdout = child.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).unwrap_or(0) == 1 && byte[0] != b'\n' {
        port.push(byte[0] as char);
    }
    let out = fourd(&env, &format!("https://127.0.0.1:{}/", port.trim()), &[]);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("TLS error") && out.stderr.contains("certificates are always verified"), "{}", out.stderr);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn br(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        e.write_all(data).unwrap();
    }
    out
}

/// Large exports travel compressed: gzip, deflate and br are asked for and
/// read; the 64 MiB cap holds for the inflated body, so a bomb is refused.
#[test]
fn compressed_bodies_are_read_and_bombs_refused() {
    let server = Server::start();
    let body = std::fs::read(fixture("4d/license-usage.json")).unwrap();
    for (encoding, bytes) in [("gzip", gzip(&body)), ("deflate", deflate(&body)), ("br", br(&body))] {
        server.mount(
            Mock::given(method("GET")).and(path(format!("/{encoding}"))).respond_with(
                ResponseTemplate::new(200).insert_header("content-encoding", encoding).set_body_raw(bytes, "application/json"),
            ),
        );
    }
    // 100 MiB of spaces before a valid list: about 100 KB on the wire.
    let mut huge = vec![b' '; 100 << 20];
    huge.extend_from_slice(b"[]");
    server.mount(
        Mock::given(method("GET")).and(path("/bomb")).respond_with(
            ResponseTemplate::new(200).insert_header("content-encoding", "gzip").set_body_raw(gzip(&huge), "application/json"),
        ),
    );
    let env = TestEnv::new();
    for encoding in ["gzip", "deflate", "br"] {
        let out = fourd(&env, &format!("{}/{encoding}", server.url()), &["--format", "ndjson"]);
        assert_eq!(out.code, 0, "{encoding}: {}", out.stderr);
        assert_eq!(out.stdout.lines().count(), 3, "{encoding}: {}", out.stdout);
    }
    let out = fourd(&env, &format!("{}/bomb", server.url()), &[]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("response body is larger than 64 MiB: refused"), "{}", out.stderr);
    let asked = server.requests();
    let accept = asked[0].headers.get("accept-encoding").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    for encoding in ["gzip", "deflate", "br"] {
        assert!(accept.contains(encoding), "asked for {accept}");
    }
}

#[test]
fn hostile_payloads_are_errors_not_crashes() {
    let env = TestEnv::new();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("4d", format!("[{deep}]").into_bytes(), "$[0][0]: invalid type: sequence"),
        (
            "4d",
            format!(r#"[{{"productId":1,"productName":"A","productUsedCount":1,"productBalance":1,"time":"2026-01-01T00:00:00Z","session":{{"userId":{deep}}}}}]"#)
                .into_bytes(),
            "recursion limit exceeded",
        ),
        (
            "veeva",
            br#"{"responseStatus":"SUCCESS","applications":[{"application_name":"a","user_licensing":{"full__v":{"licensed":5,"used":1,"used":9}}}]}"#.to_vec(),
            "duplicate field `used`",
        ),
        (
            "leegality",
            br#"{"data":{"users":{"current":18446744073709551616,"limit":10}}}"#.to_vec(),
            "$.data.users.current: count 18446744073709552000 is too large to be exact",
        ),
        ("onlyoffice", b"{\"error\":0,\"license\":{\"users_count\":1},\"server\":{\"resultType\":3},\"quota\":{\"users\":[{\"userid\":\"\xff\xfe\"}]}}".to_vec(), "invalid unicode"),
        ("cpod", b"[{\"product_name\":\"A\",\"used_seats\":1,\"total_seats\":2}]\n\x00\x00".to_vec(), "trailing characters"),
        ("4d", b"\xef\xbb\xbf".to_vec(), "empty input"),
    ];
    for (kind, body, want) in cases {
        let file = env.path("payload.json");
        std::fs::write(&file, &body).unwrap();
        let mut cmd = env.cmd();
        cmd.args([kind, "--file"]).arg(&file);
        let out = Output::of(cmd);
        assert_eq!(out.code, 1, "{kind}: {out:?}");
        assert!(out.stderr.contains(want), "{kind}: want {want:?}, got {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        // The same bytes from stdin: the same verdict.
        let mut cmd = env.cmd();
        cmd.args([kind, "--file", "-"]).stdin(std::fs::File::open(&file).unwrap());
        let piped = Output::of(cmd);
        assert_eq!(piped.code, 1);
        assert!(piped.stderr.contains(want), "{kind} from stdin: {}", piped.stderr);
    }
}

#[test]
fn deep_nesting_in_a_field_licusage_ignores_is_read_without_recursion() {
    let env = TestEnv::new();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for (kind, body) in [
        ("cpod", format!(r#"{{"data": [{{"product_name":"A","used_seats":1,"extra":{deep}}}]}}"#)),
        ("veeva", format!(r#"{{"responseStatus":"SUCCESS","x":{deep},"doc_count":{{"licensed":10,"used":1}},"applications":[]}}"#)),
    ] {
        let file = env.write("deep.json", &body);
        let mut cmd = env.cmd();
        cmd.args([kind, "--format", "ndjson", "--file"]).arg(&file);
        let out = Output::of(cmd);
        assert_eq!(out.code, 0, "{kind}: {}", out.stderr);
    }
}

#[test]
fn a_5xx_storm_is_retried_a_bounded_number_of_times() {
    let server = Server::start();
    server.mount(Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).expect(3));
    let env = TestEnv::new();
    let out = fourd(&env, &server.url(), &["-v"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr.matches("503 Service Unavailable, retrying in").count(), 2, "{}", out.stderr);
    assert!(out.stderr.contains("HTTP 503 Service Unavailable from"), "{}", out.stderr);
}

#[test]
fn a_next_page_on_another_host_is_not_followed() {
    let elsewhere = Server::start();
    elsewhere.mount(Mock::given(method("GET")).respond_with(json_file("cpod/licenses.json")));
    let server = Server::start();
    let next = format!("{}/api/v1/licenses?page=2", elsewhere.url().replace("127.0.0.1", "localhost"));
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v1/licenses"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": [], "next": next}))),
    );
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.args(["cpod", "--url", &server.url(), "--token-env", "T"]).env("T", "PAGE-TOKEN");
    let out = Output::of(cmd);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("is on another host: not followed"), "{}", out.stderr);
    assert!(elsewhere.requests().is_empty());
    assert_no_secret(&out, &["PAGE-TOKEN"]);
}
