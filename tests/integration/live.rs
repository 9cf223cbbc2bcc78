//! Live fetching against local HTTP servers that behave like the vendors.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use wiremock::matchers::{body_string_contains, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::env::{fixture, Output, TestEnv};

/// A wiremock server on 127.0.0.1 with its own runtime, so that the test can
/// run the real binary synchronously while the server answers.
pub struct Server {
    rt: tokio::runtime::Runtime,
    mock: MockServer,
}

impl Server {
    pub fn start() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let mock = rt.block_on(MockServer::start());
        Server { rt, mock }
    }

    pub fn url(&self) -> String {
        self.mock.uri()
    }

    pub fn mount(&self, mock: Mock) {
        self.rt.block_on(mock.mount(&self.mock));
    }

    pub fn requests(&self) -> Vec<Request> {
        self.rt.block_on(self.mock.received_requests()).unwrap_or_default()
    }
}

pub fn json_file(rel: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(std::fs::read(fixture(rel)).unwrap(), "application/json")
}

fn json(value: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(value)
}

/// No secret value anywhere in what the user sees.
pub fn assert_no_secret(out: &Output, secrets: &[&str]) {
    for s in secrets {
        assert!(!out.stdout.contains(s), "secret {s} in stdout");
        assert!(!out.stderr.contains(s), "secret {s} in stderr: {}", out.stderr);
    }
}

pub fn run(env: &TestEnv, config: &str, vars: &[(&str, &str)], args: &[&str]) -> Output {
    env.write("config.toml", config);
    let mut cmd = env.cmd();
    cmd.arg("--config").arg(env.path("config.toml")).args(args);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    Output::of(cmd)
}

#[test]
fn veeva_with_a_session_id() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v25.3/objects/licenses"))
            .and(header("authorization", "sid-VAULT-SECRET"))
            // Vault's recommended client identification, on every call.
            .and(header("x-vaultapi-clientid", "licusage"))
            .respond_with(json_file("veeva/licenses.json"))
            .expect(1),
    );
    let env = TestEnv::new();
    let cfg = format!("[sources.vault]\nkind = \"veeva\"\nurl = \"{}\"\nsession_id_env = \"VAULT_SID\"\n", server.url());
    let out = run(&env, &cfg, &[("VAULT_SID", "sid-VAULT-SECRET")], &["show", "--json", "-v"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = out.json();
    assert_eq!(doc["records"].as_array().unwrap().len(), 7);
    assert!(
        out.stderr.contains("GET http://127.0.0.1:")
            && out.stderr.contains("/api/v25.3/objects/licenses (authorization: [redacted]) -> 200 OK"),
        "{}",
        out.stderr
    );
    assert_no_secret(&out, &["sid-VAULT-SECRET"]);
}

#[test]
fn veeva_login_then_relogin_once_on_an_expired_session() {
    let server = Server::start();
    let mut logins = 0;
    for sid in ["sid-one", "sid-two"] {
        logins += 1;
        server.mount(
            Mock::given(method("POST"))
                .and(path("/api/v26.1/auth"))
                .and(body_string_contains("username=integration%40example.com"))
                .and(body_string_contains("password=pa%26ss+w0rd"))
                .respond_with(json(serde_json::json!({"responseStatus": "SUCCESS", "sessionId": sid})))
                .up_to_n_times(1)
                .with_priority(logins)
                .expect(1),
        );
    }
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v26.1/objects/licenses"))
            .and(header("authorization", "sid-one"))
            .respond_with(json_file("veeva/failure-invalid-session.json"))
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v26.1/objects/licenses"))
            .and(header("authorization", "sid-two"))
            .respond_with(json_file("veeva/rim-warning.json"))
            .expect(1),
    );
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.vault]\nkind = \"veeva\"\nurl = \"{}\"\napi_version = \"v26.1\"\nusername = \"integration@example.com\"\npassword_env = \"VAULT_PW\"\n",
        server.url()
    );
    let out = run(&env, &cfg, &[("VAULT_PW", "pa&ss w0rd")], &["show", "--format", "csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("vault,veeva,ra_registrations__v,full__v,251,250,-1,"), "{}", out.stdout);
    assert_no_secret(&out, &["pa&ss w0rd", "sid-one", "sid-two"]);
}

/// SSO-only Vaults: an identity provider's access token exchanged for a
/// session at Vault's login service (`AuthenticationRequest.loginOAuth`).
#[test]
fn veeva_oauth_profile_session_for_sso_vaults() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/auth/oauth/session/0OA000000000A01"))
            .and(header("authorization", "Bearer idp-ACCESS-TOKEN"))
            .and(header("x-vaultapi-clientid", "acme-it-licusage"))
            .and(body_string_contains("vaultDNS=127.0.0.1"))
            .respond_with(json(serde_json::json!({
                "responseStatus": "SUCCESS", "sessionId": "sid-FROM-OAUTH", "userId": 12021, "vaultId": 1000, "vaultIds": [{"id": 1000}]
            })))
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v25.3/objects/licenses"))
            .and(header("authorization", "sid-FROM-OAUTH"))
            .and(header("x-vaultapi-clientid", "acme-it-licusage"))
            .respond_with(json_file("veeva/licenses.json"))
            .expect(1),
    );
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.vault]\nkind = \"veeva\"\nurl = \"{url}\"\noauth_profile_id = \"0OA000000000A01\"\naccess_token_command = \"printf idp-ACCESS-TOKEN\"\nlogin_url = \"{url}\"\nclient_id = \"acme-it-licusage\"\n",
        url = server.url()
    );
    let out = run(&env, &cfg, &[], &["show", "--json", "-v"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["records"].as_array().unwrap().len(), 7);
    assert_no_secret(&out, &["idp-ACCESS-TOKEN", "sid-FROM-OAUTH"]);

    // No token: a config error that says which key to give.
    let cfg = format!("[sources.vault]\nkind = \"veeva\"\nurl = \"{}\"\noauth_profile_id = \"0OA1\"\n", server.url());
    let out = run(&env, &cfg, &[], &["show"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("`oauth_profile_id` needs `access_token_env` or `access_token_command`"), "{}", out.stderr);
    // A client id Vault would refuse is a config error.
    let cfg =
        format!("[sources.vault]\nkind = \"veeva\"\nurl = \"{}\"\nsession_id_env = \"S\"\nclient_id = \"acme licusage\"\n", server.url());
    let out = run(&env, &cfg, &[], &["config", "check"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("`client_id` is \"acme licusage\"; expected letters, digits, - and _"), "{}", out.stderr);
}

#[test]
fn veeva_wrong_password_and_failure_with_http_200() {
    let server = Server::start();
    server.mount(Mock::given(method("POST")).and(path("/api/v25.3/auth")).respond_with(json(serde_json::json!({
        "responseStatus": "FAILURE",
        "errors": [{"type": "USERNAME_OR_PASSWORD_INCORRECT", "message": "Authentication failed for user: x@example.com."}]
    }))));
    let env = TestEnv::new();
    let cfg =
        format!("[sources.vault]\nkind = \"veeva\"\nurl = \"{}\"\nusername = \"x@example.com\"\npassword_env = \"PW\"\n", server.url());
    let out = run(&env, &cfg, &[("PW", "wrong-PASSWORD")], &["show"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("source `vault` (veeva): Vault login as x@example.com failed (FAILURE): USERNAME_OR_PASSWORD_INCORRECT"),
        "{}",
        out.stderr
    );
    assert_no_secret(&out, &["wrong-PASSWORD"]);

    let server = Server::start();
    server.mount(Mock::given(method("GET")).respond_with(json_file("veeva/failure-insufficient-access.json")));
    let cfg = format!("[sources.vault]\nkind = \"veeva\"\nurl = \"{}\"\nsession_id_env = \"SID\"\n", server.url());
    let out = run(&env, &cfg, &[("SID", "s")], &["show"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("Vault answered FAILURE: INSUFFICIENT_ACCESS"), "{}", out.stderr);
}

/// Checks the HS256 token ONLYOFFICE expects, in the body and in a header.
struct OnlyOfficeJwt {
    secret: &'static str,
    header: &'static str,
}

impl wiremock::Match for OnlyOfficeJwt {
    fn matches(&self, request: &Request) -> bool {
        let key = jsonwebtoken::DecodingKey::from_secret(self.secret.as_bytes());
        let validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        let Ok(body) = serde_json::from_slice::<serde_json::Value>(&request.body) else { return false };
        let Some(token) = body["token"].as_str() else { return false };
        let Ok(claims) = jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation) else { return false };
        let Some(bearer) = request.headers.get(self.header).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")) else {
            return false;
        };
        let Ok(header_claims) = jsonwebtoken::decode::<serde_json::Value>(bearer, &key, &validation) else { return false };
        body["c"] == "license" && claims.claims["c"] == "license" && header_claims.claims["payload"]["c"] == "license"
    }
}

#[test]
fn onlyoffice_falls_back_to_the_old_path_with_a_verified_jwt() {
    let server = Server::start();
    server.mount(Mock::given(method("POST")).and(path("/command")).respond_with(ResponseTemplate::new(404)).expect(1));
    server.mount(
        Mock::given(method("POST"))
            .and(path("/coauthoring/CommandService.ashx"))
            .and(OnlyOfficeJwt { secret: "jwt-SECRET-onlyoffice", header: "AuthorizationJwt" })
            .respond_with(json_file("onlyoffice/user-license.json"))
            .expect(1),
    );
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.docs]\nkind = \"onlyoffice\"\nurl = \"{}\"\njwt_secret_env = \"OO_SECRET\"\njwt_header = \"AuthorizationJwt\"\n",
        server.url()
    );
    let out = run(&env, &cfg, &[("OO_SECRET", "jwt-SECRET-onlyoffice")], &["show", "--format", "ndjson", "-v"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let first: serde_json::Value = serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap();
    assert_eq!((first["metric"].as_str(), first["used"].as_u64(), first["limit"].as_u64()), (Some("users"), Some(231), Some(250)));
    assert_no_secret(&out, &["jwt-SECRET-onlyoffice"]);
}

/// `utils.checkClientIp` refuses before any token is looked at: say so.
#[test]
fn onlyoffice_ip_filter_refusal_says_so() {
    let server = Server::start();
    server.mount(Mock::given(method("POST")).and(path("/command")).respond_with(ResponseTemplate::new(403).set_body_string("Forbidden")));
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.args(["onlyoffice", "--url", &server.url()]);
    let out = Output::of(cmd);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("HTTP 403 Forbidden from ") && out.stderr.contains("the server's IP filter refused this host"),
        "{}",
        out.stderr
    );
}

#[test]
fn onlyoffice_wrong_secret_is_error_6() {
    let server = Server::start();
    server.mount(Mock::given(method("POST")).and(path("/command")).respond_with(json(serde_json::json!({"error": 6}))));
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.args(["onlyoffice", "--url", &server.url(), "--jwt-secret-env", "S"]).env("S", "not-the-secret");
    let out = Output::of(cmd);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("source `onlyoffice` (onlyoffice): ONLYOFFICE error 6: invalid token"), "{}", out.stderr);
}

#[test]
fn leegality_token_header_and_error_bodies() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/api/v1/licenses/bd82845c-897b/usage-statistics"))
            .and(header("x-auth-token", "LG-TOKEN-123"))
            .respond_with(json_file("leegality/usage-statistics.json"))
            .expect(1),
    );
    server.mount(Mock::given(method("GET")).and(path("/api/api/v1/licenses/bd82845c-897b/usage-statistics")).respond_with(
        ResponseTemplate::new(401).set_body_raw(std::fs::read(fixture("leegality/error-401.json")).unwrap(), "application/json"),
    ));
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.esign]\nkind = \"leegality\"\nurl = \"{}/api\"\nlicense_id = \"bd82845c-897b\"\ntoken_env = \"LG\"\n",
        server.url()
    );
    let out = run(&env, &cfg, &[("LG", "LG-TOKEN-123")], &["show", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["records"][0]["product"], "bd82845c-897b");
    let out = run(&env, &cfg, &[("LG", "expired-token")], &["show", "--json"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("HTTP 401 Unauthorized from http://127.0.0.1:")
            && out.stderr.contains("Leegality error LE_ERR_SS_401: Invalid or expired token (LE_ERR_SS_303)"),
        "{}",
        out.stderr
    );
    assert_no_secret(&out, &["expired-token"]);
}

/// SignStation's own auth: client credentials for a Bearer token on the
/// customer's SignStation host.
#[test]
fn leegality_signstation_client_credentials() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/api/v1/auth/token"))
            .and(body_string_contains("\"clientId\":\"ss-client\""))
            .and(body_string_contains("\"clientSecret\":\"SS-SECRET\""))
            .respond_with(json(serde_json::json!({"code": "LE_SS_200", "data": {"token": "ss-BEARER"}})))
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v1/licenses/L1/usage-statistics"))
            .and(header("authorization", "Bearer ss-BEARER"))
            .respond_with(json_file("leegality/usage-statistics.json"))
            .expect(1),
    );
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.ss]\nkind = \"leegality\"\nurl = \"{}\"\nlicense_id = \"L1\"\nclient_id = \"ss-client\"\nclient_secret_env = \"SS\"\n",
        server.url()
    );
    let out = run(&env, &cfg, &[("SS", "SS-SECRET")], &["show", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["records"].as_array().unwrap().len(), 4);
    assert_no_secret(&out, &["SS-SECRET", "ss-BEARER"]);
}

#[test]
fn cpod_pages_by_cursor_next_link_and_offset() {
    let server = Server::start();
    let lic = |n: u32| serde_json::json!({"id": format!("l{n}"), "product_name": format!("P{n}"), "license_type": "named_user", "total_seats": 10, "used_seats": n});
    // Licenses: cursor, then a `next` URL, then a Link header.
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v1/licenses"))
            .and(query_param_is_missing("cursor"))
            .and(header("authorization", "Bearer CPOD-TOKEN"))
            .respond_with(json(serde_json::json!({"data": [lic(1)], "next_cursor": "c2"}))),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v1/licenses"))
            .and(query_param("cursor", "c2"))
            .respond_with(json(serde_json::json!({"items": [lic(2)], "next": "/api/v1/licenses/page3"}))),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v1/licenses/page3"))
            .respond_with(json(serde_json::json!([lic(3)])).insert_header("link", "</api/v1/licenses/page4>; rel=\"next\"")),
    );
    server
        .mount(Mock::given(method("GET")).and(path("/api/v1/licenses/page4")).respond_with(json(serde_json::json!({"results": [lic(4)]}))));
    // Assignments: offset paging with total.
    let asg = |n: u32| serde_json::json!({"id": format!("a{n}"), "license_id": "l1", "assignee_id": format!("p{n}"), "status": "active"});
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v1/licenses/assignments"))
            .and(query_param_is_missing("offset"))
            .respond_with(json(serde_json::json!({"result": {"items": [asg(1), asg(2)], "total": 3, "offset": 0, "limit": 2}}))),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v1/licenses/assignments"))
            .and(query_param("offset", "2"))
            .respond_with(json(serde_json::json!({"result": {"items": [asg(3)], "total": 3, "offset": 2, "limit": 2}}))),
    );
    let env = TestEnv::new();
    let cfg = format!("[sources.assets]\nkind = \"cpod\"\nurl = \"{}\"\ntoken_env = \"CPOD\"\n", server.url());
    let out = run(&env, &cfg, &[("CPOD", "CPOD-TOKEN")], &["show", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = out.json();
    let products: Vec<&str> = doc["records"].as_array().unwrap().iter().map(|r| r["product"].as_str().unwrap()).collect();
    assert_eq!(products, ["P1", "P2", "P3", "P4"]);
    // `show` needs no assignments: none were fetched.
    assert!(server.requests().iter().all(|r| !r.url.path().contains("assignments")));
    assert_no_secret(&out, &["CPOD-TOKEN"]);
}

#[test]
fn cpod_client_credentials_and_a_looping_server() {
    let server = Server::start();
    server.mount(
        // As cPod's REST reference documents it: form-encoded, at /v1/oauth/token.
        Mock::given(method("POST"))
            .and(path("/v1/oauth/token"))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .and(body_string_contains("grant_type=client_credentials"))
            .and(body_string_contains("client_id=licusage"))
            .and(body_string_contains("client_secret=CLIENT-SECRET"))
            .and(body_string_contains("scope=licenses.read"))
            .respond_with(json(serde_json::json!({"access_token": "minted-JWT", "token_type": "Bearer", "expires_in": 3600})))
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v1/licenses"))
            .and(header("authorization", "Bearer minted-JWT"))
            .respond_with(json(serde_json::json!({"data": [], "next_cursor": "same"}))),
    );
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.assets]\nkind = \"cpod\"\nurl = \"{}\"\nclient_id = \"licusage\"\nclient_secret_command = \"printf CLIENT-SECRET\"\nscope = \"licenses.read\"\n",
        server.url()
    );
    let out = run(&env, &cfg, &[], &["show"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("pagination loops"), "{}", out.stderr);
    assert_no_secret(&out, &["CLIENT-SECRET", "minted-JWT"]);

    // `token_url` points the flow at an identity provider's endpoint.
    let idp = Server::start();
    idp.mount(
        Mock::given(method("POST"))
            .and(path("/oauth2/token"))
            .and(body_string_contains("client_secret=CLIENT-SECRET"))
            .respond_with(json(serde_json::json!({"access_token": "idp-JWT", "token_type": "Bearer"})))
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v1/licenses"))
            .and(header("authorization", "Bearer idp-JWT"))
            .respond_with(json_file("cpod/licenses.json"))
            .with_priority(1),
    );
    let cfg = format!(
        "[sources.assets]\nkind = \"cpod\"\nurl = \"{}\"\nclient_id = \"licusage\"\nclient_secret_command = \"printf CLIENT-SECRET\"\ntoken_url = \"{}/oauth2/token\"\n",
        server.url(),
        idp.url()
    );
    let out = run(&env, &cfg, &[], &["show", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_no_secret(&out, &["CLIENT-SECRET", "idp-JWT"]);
}

#[test]
fn fourd_bearer_and_basic() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/rest/$catalog/licenseUsage"))
            .and(header("authorization", "Bearer FOURD-T"))
            .respond_with(json_file("4d/orda-result.json"))
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/usage"))
            // admin:s3cret
            .and(header("authorization", "Basic YWRtaW46czNjcmV0"))
            .respond_with(json_file("4d/license-usage.json"))
            .expect(1),
    );
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.a]\nkind = \"4d\"\nurl = \"{0}/rest/$catalog/licenseUsage\"\ntoken_env = \"T\"\n\n[sources.b]\nkind = \"4d\"\nurl = \"{0}/usage\"\nusername = \"admin\"\npassword_command = \"printf s3cret\"\n",
        server.url()
    );
    let out = run(&env, &cfg, &[("T", "FOURD-T")], &["show", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let used: Vec<(String, u64)> = out.json()["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (format!("{}/{}", r["source"].as_str().unwrap(), r["product"].as_str().unwrap()), r["used"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        used,
        [
            ("a/4D Client".into(), 2),
            ("a/4D SQL Server".into(), 1),
            ("b/4D Client".into(), 3),
            ("b/4D REST".into(), 2),
            ("b/4D SQL Server".into(), 1)
        ]
    );
    assert_no_secret(&out, &["FOURD-T", "s3cret", "YWRtaW46czNjcmV0"]);
}

#[test]
fn retries_503_and_429_with_retry_after() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET")).and(path("/a")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).with_priority(1).expect(1),
    );
    server.mount(Mock::given(method("GET")).and(path("/a")).respond_with(json_file("4d/single-client.json")).expect(1));
    server.mount(
        Mock::given(method("GET"))
            .and(path("/b"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
            .up_to_n_times(1)
            .with_priority(1)
            .expect(1),
    );
    server.mount(Mock::given(method("GET")).and(path("/b")).respond_with(json_file("4d/single-client.json")).expect(1));
    // Three 502s: the first try and two retries, then the error.
    server.mount(Mock::given(method("GET")).and(path("/c")).respond_with(ResponseTemplate::new(502)).expect(3));
    // A Retry-After past 60 s is not waited for.
    server.mount(
        Mock::given(method("GET")).and(path("/d")).respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600")).expect(1),
    );
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.a]\nkind = \"4d\"\nurl = \"{0}/a\"\n[sources.b]\nkind = \"4d\"\nurl = \"{0}/b\"\n[sources.c]\nkind = \"4d\"\nurl = \"{0}/c\"\n[sources.d]\nkind = \"4d\"\nurl = \"{0}/d\"\n",
        server.url()
    );
    let out = run(&env, &cfg, &[], &["show", "--json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let doc = out.json();
    let ok: Vec<&str> = doc["records"].as_array().unwrap().iter().map(|r| r["source"].as_str().unwrap()).collect();
    assert_eq!(ok, ["a", "b"]);
    let errors: Vec<String> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}: {}", e["source"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    assert_eq!(errors.len(), 2);
    assert!(errors[0].starts_with("c: HTTP 502 Bad Gateway from http://127.0.0.1:"), "{errors:?}");
    assert!(errors[1].contains("HTTP 429 and Retry-After 3600 s, more than the 60 s licusage waits"), "{errors:?}");
}

#[test]
fn slow_server_truncated_body_oversized_body() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET")).and(path("/slow")).respond_with(json_file("4d/single-client.json").set_delay(Duration::from_secs(10))),
    );
    let body = std::fs::read(fixture("veeva/licenses.json")).unwrap();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/truncated/api/v25.3/objects/licenses"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body[..body.len() / 2].to_vec(), "application/json")),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/huge"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(vec![b' '; 65 * 1024 * 1024], "application/json")),
    );
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.slow]\nkind = \"4d\"\nurl = \"{0}/slow\"\n[sources.cut]\nkind = \"veeva\"\nurl = \"{0}/truncated\"\nsession_id_env = \"S\"\n[sources.huge]\nkind = \"4d\"\nurl = \"{0}/huge\"\n",
        server.url()
    );
    let out = run(&env, &cfg, &[("S", "x")], &["show", "--timeout", "1s", "--json"]);
    assert_eq!(out.code, 1);
    let errors = out.json()["errors"].clone();
    let message =
        |source: &str| errors.as_array().unwrap().iter().find(|e| e["source"] == source).unwrap()["message"].as_str().unwrap().to_string();
    assert!(message("slow").ends_with("/slow: timed out after 1s"), "{}", message("slow"));
    assert!(message("cut").contains("EOF while parsing"), "{}", message("cut"));
    assert!(message("huge").contains("response body is larger than 64 MiB: refused"), "{}", message("huge"));
}

#[test]
fn connection_refused_and_plain_http_refusal() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.down]\nkind = \"4d\"\nurl = \"http://127.0.0.1:{port}/x\"\n\n[sources.plain]\nkind = \"cpod\"\nurl = \"http://cpod.example.com\"\ntoken_env = \"T\"\n\n[sources.ok]\nkind = \"4d\"\nfile = \"{}\"\n",
        fixture("4d/single-client.json").display()
    );
    let cfg = format!("{cfg}\n[sources.userinfo]\nkind = \"4d\"\nurl = \"http://admin:URL-PASSWORD@fourd.example.com/rest\"\n");
    let out = run(&env, &cfg, &[("T", "PLAIN-TOKEN")], &["show", "--format", "csv", "-v"]);
    assert_eq!(out.code, 1);
    // A password in the URL is a credential: the same rule, and never shown.
    assert!(
        out.stderr.contains("source `userinfo` (4d): refusing to send credentials over plain http:// to fourd.example.com"),
        "{}",
        out.stderr
    );
    let listed = run(&env, &cfg, &[], &["sources"]);
    assert!(listed.stdout.contains("http://admin@fourd.example.com/rest"), "{}", listed.stdout);
    assert_no_secret(&listed, &["URL-PASSWORD"]);
    // A credential in the query (`?api_key=`) is not shown either; the rest of the query is.
    let keyed = format!("{cfg}\n[sources.keyed]\nkind = \"generic\"\nurl = \"https://api.example.com/v1/seats?customer=acme&api_key=QUERY-KEY\"\njq = \".\"\n");
    let listed = run(&env, &keyed, &[], &["sources"]);
    assert!(listed.stdout.contains("https://api.example.com/v1/seats?customer=acme&api_key=REDACTED"), "{}", listed.stdout);
    assert_no_secret(&listed, &["QUERY-KEY"]);
    assert_no_secret(&out, &["URL-PASSWORD"]);
    assert!(out.stderr.contains("source `down` (4d): GET http://127.0.0.1:") && out.stderr.contains("cannot connect"), "{}", out.stderr);
    assert!(
        out.stderr.contains("source `plain` (cpod): refusing to send credentials over plain http:// to cpod.example.com"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("ok,4d,4D Client,licenses,1,10,9"), "the file source still renders: {}", out.stdout);
    assert_no_secret(&out, &["PLAIN-TOKEN"]);
}

/// A server that answers no request until `n` have arrived at once: sources
/// read one after another would time out here.
fn barrier_server(n: usize, body: Vec<u8>) -> (u16, std::thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let arrived = Arc::new((Mutex::new(0usize), Condvar::new()));
        let mut workers = Vec::new();
        for stream in listener.incoming().take(n) {
            let Ok(mut stream) = stream else { continue };
            let arrived = arrived.clone();
            let body = body.clone();
            workers.push(std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let (lock, cvar) = &*arrived;
                let mut count = lock.lock().unwrap();
                *count += 1;
                cvar.notify_all();
                let (count, _) = cvar.wait_timeout_while(count, Duration::from_secs(20), |c| *c < n).unwrap();
                let together = *count;
                drop(count);
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
                together
            }));
        }
        workers.into_iter().map(|w| w.join().unwrap_or(0)).min().unwrap_or(0)
    });
    (port, handle)
}

#[test]
fn sources_are_read_concurrently() {
    let (port, server) = barrier_server(5, std::fs::read(fixture("4d/single-client.json")).unwrap());
    let env = TestEnv::new();
    let cfg: String = (1..=5).map(|i| format!("[sources.s{i}]\nkind = \"4d\"\nurl = \"http://127.0.0.1:{port}/s{i}\"\n")).collect();
    let out = run(&env, &cfg, &[], &["show", "--timeout", "15s", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["records"].as_array().unwrap().len(), 5);
    assert_eq!(server.join().unwrap(), 5, "all five requests were in flight together");
}

#[test]
fn one_off_errors_speak_of_flags() {
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.args(["leegality", "--url", "https://lg.example.com"]);
    let out = Output::of(cmd);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("the API needs `--license-id` (or give `--file`)"), "{}", out.stderr);
    let mut cmd = env.cmd();
    cmd.args(["leegality", "--url", "http://lg.example.com", "--license-id", "x", "--token-env", "HOME"]);
    let out = Output::of(cmd);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("or pass `--allow-insecure-http`"), "{}", out.stderr);
    // Read time too: a setting is a flag, a field of the payload is not.
    let page = fixture("generic/presets/m365-users/users-delta-page-with-nextlink.json");
    let mut cmd = env.cmd();
    cmd.args(["generic", "--file", page.to_str().unwrap(), "--jq", "{product: \"users\", metric: \"seats\", used: (.value | length)}"]);
    let out = Output::of(cmd);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("one page of a longer list: pass `--next '.\"@odata.nextLink\"'`"), "{}", out.stderr);
    let mut cmd = env.cmd();
    cmd.args([
        "generic",
        "--file",
        fixture("generic/examples/seats.json").to_str().unwrap(),
        "--jq",
        ".products[] | {product: .name, metric: \"seats\", used: 1, url: \"x\"}",
    ]);
    let out = Output::of(cmd);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("unknown field `url`"), "a payload field is not a flag: {}", out.stderr);
    let mut cmd = env.cmd();
    cmd.args(["generic", "--file", fixture("generic/examples/seats.json").to_str().unwrap(), "--jq", ".nothing[]?"]);
    let out = Output::of(cmd);
    assert!(out.stderr.contains("the `--jq` filter yielded no records"), "{}", out.stderr);
}

#[test]
fn one_off_subcommand_with_connection_flags() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v1/licenses"))
            .and(header("authorization", "Bearer ONE-OFF"))
            .respond_with(json_file("cpod/licenses.json")),
    );
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.args(["cpod", "--url", &server.url(), "--token-env", "TOK", "--format", "csv", "--product", "Acrobat*"]).env("TOK", "ONE-OFF");
    let out = Output::of(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    assert!(out.stdout.contains("cpod,cpod,Acrobat Pro,named_user,142,150,8"), "{}", out.stdout);
}

#[test]
fn missing_secret_is_named() {
    let env = TestEnv::new();
    let out =
        run(&env, "[sources.esign]\nkind = \"leegality\"\nlicense_id = \"x\"\ntoken_env = \"LEEGALITY_TOKEN_UNSET\"\n", &[], &["show"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("source `esign` (leegality): environment variable LEEGALITY_TOKEN_UNSET (token_env) is not set"),
        "{}",
        out.stderr
    );
}

#[test]
fn progress_only_on_a_terminal_and_only_when_slow() {
    let server = Server::start();
    server.mount(Mock::given(method("GET")).respond_with(json_file("4d/single-client.json").set_delay(Duration::from_millis(1500))));
    let env = TestEnv::new();
    let cfg = format!("[sources.a]\nkind = \"4d\"\nurl = \"{}/a\"\n", server.url());
    env.write("config.toml", &cfg);
    // In a pipe (cron, scripts): no progress.
    let piped = env.run(&["show"]);
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert!(piped.stderr.is_empty(), "{}", piped.stderr);
    // On a terminal, via script(1): a spinner, cleared at the end; none with -q.
    let Some(script) = crate::env::tool("script") else { return };
    let bin = assert_cmd::cargo::cargo_bin("licusage");
    let on_tty = |extra: &str| {
        let line = format!("'{}' --config '{}' show {extra}", bin.display(), env.path("config.toml").display());
        let out = std::process::Command::new(&script)
            .args(["-qec", &line, "/dev/null"])
            .env("HOME", env.dir.path())
            .env_remove("LICUSAGE_CONFIG")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(on_tty("").contains("reading sources 0/1"), "no spinner on a terminal");
    assert!(!on_tty("-q").contains("reading sources"), "spinner despite -q");
}

#[test]
fn an_endless_chunked_body_is_refused_while_streaming() {
    // No Content-Length: only counting while reading can stop it.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else { return 0usize };
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
        let chunk = vec![b' '; 1024 * 1024];
        let mut sent = 0;
        // Up to 200 MiB, stopping when the client hangs up.
        for _ in 0..200 {
            let head = format!("{:x}\r\n", chunk.len());
            if stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(&chunk)).and_then(|_| stream.write_all(b"\r\n")).is_err() {
                break;
            }
            sent += 1;
        }
        sent
    });
    let env = TestEnv::new();
    let out = run(&env, &format!("[sources.big]\nkind = \"4d\"\nurl = \"http://127.0.0.1:{port}/\"\n"), &[], &["show"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("response body is larger than 64 MiB: refused"), "{}", out.stderr);
    let sent = server.join().unwrap();
    assert!(sent < 200, "the client hung up early, after {sent} MiB");
}

/// A server that asks to come back in 30 s, twice, would keep a run busy a
/// minute whatever `--timeout` says: the source's deadline (3 × the timeout)
/// ends it, and says so.
#[test]
fn a_source_ends_by_its_deadline_whatever_the_server_asks() {
    let server = Server::start();
    server.mount(Mock::given(method("GET")).respond_with(ResponseTemplate::new(503).insert_header("retry-after", "30")));
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.slow]\nkind = \"4d\"\nurl = \"{}/x\"\n[sources.quick]\nkind = \"4d\"\nurl = \"{}/y\"\ndeadline = \"1s\"\n",
        server.url(),
        server.url()
    );
    let started = std::time::Instant::now();
    let out = run(&env, &cfg, &[], &["--timeout", "1s", "show", "--json"]);
    let took = started.elapsed();
    assert_eq!(out.code, 1, "{}", out.stderr);
    let errors = out.json()["errors"].clone();
    assert_eq!(errors[0]["source"], "quick");
    assert!(errors[0]["message"].as_str().unwrap().starts_with("no answer within the source's deadline of 1s"), "{errors}");
    assert_eq!(errors[1]["source"], "slow");
    assert!(errors[1]["message"].as_str().unwrap().starts_with("no answer within the source's deadline of 3s"), "{errors}");
    assert!(took < Duration::from_secs(25), "the run waited for Retry-After: {took:?}");
}

/// A token endpoint's or login's odd answer is described by its field and
/// type, never its value: that value may be the credential.
#[test]
fn credential_answers_are_never_echoed() {
    let server = Server::start();
    server.mount(Mock::given(method("POST")).and(path("/v1/oauth/token")).respond_with(json(serde_json::json!({"data": "tok-ECHOED-1"}))));
    server.mount(
        Mock::given(method("POST"))
            .and(path("/api/v25.3/auth"))
            .respond_with(json(serde_json::json!({"responseStatus": "SUCCESS", "sessionId": ["sid-ECHOED-2"]}))),
    );
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.c]\nkind = \"cpod\"\nurl = \"{0}\"\nclient_id = \"licusage\"\nclient_secret_env = \"CS\"\n\n[sources.v]\nkind = \"veeva\"\nurl = \"{0}\"\nusername = \"u\"\npassword_env = \"PW\"\n",
        server.url()
    );
    let out = run(&env, &cfg, &[("CS", "cs"), ("PW", "pw")], &["show"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("source `c` (cpod): cPod token answer: $.data: invalid type: string, expected"), "{}", out.stderr);
    assert!(
        out.stderr.contains("source `v` (veeva): Vault login as u: HTTP 200 OK: unexpected answer: $.sessionId: invalid type: sequence"),
        "{}",
        out.stderr
    );
    assert_no_secret(&out, &["tok-ECHOED-1", "sid-ECHOED-2"]);
}

/// As Veeva's SDK does: a login whose session is for another Vault than the
/// configured one is refused, instead of counting that Vault's licenses.
#[test]
fn veeva_session_for_another_vault_is_refused() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST")).and(path("/api/v25.3/auth")).and(body_string_contains("vaultDNS=127.0.0.1")).respond_with(json(
            serde_json::json!({
                "responseStatus": "SUCCESS", "sessionId": "sid-OTHER", "vaultId": 2,
                "vaultIds": [{"id": 1, "name": "Ours", "url": "https://127.0.0.1/api"}, {"id": 2, "name": "Sandbox", "url": "https://sandbox-other.veevavault.com/api"}]
            }),
        )),
    );
    let env = TestEnv::new();
    let cfg = format!("[sources.vault]\nkind = \"veeva\"\nurl = \"{}\"\nusername = \"u\"\npassword_env = \"PW\"\n", server.url());
    let out = run(&env, &cfg, &[("PW", "pw")], &["show"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("Vault login as u gave a session for sandbox-other.veevavault.com, not 127.0.0.1: check `url`"),
        "{}",
        out.stderr
    );
    assert_no_secret(&out, &["sid-OTHER"]);
}

/// Connection-licensed ONLYOFFICE: the connections in use come from the
/// server's /info/info.json when `info_url` names it (or `info_file`).
#[test]
fn onlyoffice_connections_in_use_from_info_json() {
    let server = Server::start();
    server.mount(Mock::given(method("POST")).and(path("/command")).respond_with(json_file("onlyoffice/connection-license.json")));
    server.mount(
        Mock::given(method("GET"))
            .and(path("/info/info.json"))
            .respond_with(json_file("onlyoffice/connection-license.info.json"))
            .expect(1),
    );
    let env = TestEnv::new();
    let cfg = format!("[sources.docs]\nkind = \"onlyoffice\"\nurl = \"{0}\"\ninfo_url = \"{0}/info/info.json\"\n", server.url());
    let out = run(&env, &cfg, &[], &["show", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = out.json();
    let used = |metric: &str| doc["records"].as_array().unwrap().iter().find(|r| r["metric"] == metric).unwrap()["used"].clone();
    assert_eq!((used("connections"), used("connections_view")), (serde_json::json!(12), serde_json::json!(5)));
    // Without it: use unknown, as the license command says nothing of connections.
    let cfg = format!("[sources.docs]\nkind = \"onlyoffice\"\nurl = \"{}\"\n", server.url());
    let doc = run(&env, &cfg, &[], &["show", "--json"]).json();
    assert!(doc["records"][0]["used"].is_null(), "{doc}");
    // From saved files, the same.
    let cfg = format!(
        "[sources.docs]\nkind = \"onlyoffice\"\nfile = \"{}\"\ninfo_file = \"{}\"\n",
        fixture("onlyoffice/connection-license.json").display(),
        fixture("onlyoffice/connection-license.info.json").display()
    );
    let doc = run(&env, &cfg, &[], &["show", "--json"]).json();
    assert_eq!(doc["records"][0]["used"], 12, "{doc}");
}

/// A fake 4D Server that, as 4D does, opens a session (and holds a license)
/// for every REST request without its session cookie, closes one on
/// `$directory/logout`, and with `$directory/login` authenticates one.
/// Sessions opened, sessions still open, logins seen.
type Sessions = (usize, std::collections::BTreeSet<String>, Vec<String>);

struct Fake4D {
    port: u16,
    state: Arc<Mutex<Sessions>>,
}

impl Fake4D {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state: Arc<Mutex<Sessions>> = Arc::default();
        let shared = state.clone();
        let body = std::fs::read_to_string(fixture("4d/orda-result.json")).unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(200) {
                let Ok(mut stream) = stream else { continue };
                let state = shared.clone();
                let body = body.clone();
                std::thread::spawn(move || loop {
                    // One request at a time on a keep-alive connection.
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        match stream.read(&mut byte) {
                            Ok(1) => head.push(byte[0]),
                            _ => return,
                        }
                    }
                    let head = String::from_utf8_lossy(&head).to_string();
                    let lower = head.to_ascii_lowercase();
                    let length: usize =
                        lower.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
                    let mut rest = vec![0u8; length];
                    let _ = stream.read_exact(&mut rest);
                    let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                    let cookie = lower
                        .lines()
                        .find_map(|l| l.strip_prefix("cookie:"))
                        .and_then(|c| c.split(';').find_map(|p| p.trim().strip_prefix("wasid4d=").map(str::to_string)));
                    let mut s = state.lock().unwrap();
                    let mut set_cookie = String::new();
                    let live = cookie.as_ref().is_some_and(|c| s.1.contains(c));
                    let (status, answer) = if path.ends_with("/$directory/logout") {
                        if let Some(c) = &cookie {
                            s.1.remove(c);
                        }
                        ("200 OK", "{\"result\":true}".to_string())
                    } else {
                        if !live {
                            // A new session: a license held until it is closed.
                            s.0 += 1;
                            let id = format!("s{}", s.0);
                            s.1.insert(id.clone());
                            set_cookie = format!("Set-Cookie: WASID4D={id}; Path=/\r\n");
                        }
                        if path.ends_with("/$directory/login") {
                            let user = lower.lines().find_map(|l| l.strip_prefix("username-4d:")).unwrap_or("").trim().to_string();
                            s.2.push(user);
                            ("200 OK", "{\"result\":true}".to_string())
                        } else {
                            ("200 OK", body.clone())
                        }
                    };
                    drop(s);
                    let reply = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{set_cookie}Content-Length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    if stream.write_all(reply.as_bytes()).is_err() {
                        return;
                    }
                });
            }
        });
        Fake4D { port, state }
    }
}

/// licusage does not spend 4D licenses to count them: one session per read,
/// given back when the read is done; with `login = "directory"`, the login's
/// session is the one the read uses.
#[test]
fn fourd_reads_use_one_session_and_give_it_back() {
    let server = Fake4D::start();
    let env = TestEnv::new();
    let cfg = format!("[sources.fourd]\nkind = \"4d\"\nurl = \"http://127.0.0.1:{}/rest/$catalog/licenseUsage\"\n", server.port);
    for _ in 0..3 {
        let out = run(&env, &cfg, &[], &["show", "--json"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(out.json()["records"].as_array().unwrap().len(), 2);
    }
    {
        let s = server.state.lock().unwrap();
        assert_eq!((s.0, s.1.len()), (3, 0), "one session a read, none left open");
    }
    let cfg = format!(
        "[sources.fourd]\nkind = \"4d\"\nurl = \"http://127.0.0.1:{}/rest/$catalog/licenseUsage\"\nlogin = \"directory\"\nusername = \"licusage\"\npassword_env = \"PW\"\n",
        server.port
    );
    let out = run(&env, &cfg, &[("PW", "4D-PASSWORD")], &["show", "--json", "-v"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_no_secret(&out, &["4D-PASSWORD"]);
    let s = server.state.lock().unwrap();
    assert_eq!((s.0, s.1.len(), s.2.as_slice()), (4, 0, &["licusage".to_string()][..]), "the login's session served the read");
}

/// Past its burst limit Vault holds answers back and says for how long
/// (`X-VaultAPI-ResponseDelay`): the next call waits that long on top of the
/// timeout rather than being cut off; a delay past the deadline is named.
#[test]
fn veeva_burst_limit_delay_is_waited_for() {
    let server = Server::start();
    let throttled = |sid: &str, delay_ms: &str| {
        json(serde_json::json!({"responseStatus": "SUCCESS", "sessionId": sid}))
            .insert_header("X-VaultAPI-BurstLimit", "2000")
            .insert_header("X-VaultAPI-BurstLimitRemaining", "0")
            .insert_header("X-VaultAPI-ResponseDelay", delay_ms)
    };
    server.mount(
        Mock::given(method("POST"))
            .and(path("/api/v25.3/auth"))
            .and(body_string_contains("username=slow"))
            .respond_with(throttled("sid-slow", "1500")),
    );
    server.mount(
        Mock::given(method("POST"))
            .and(path("/api/v25.3/auth"))
            .and(body_string_contains("username=later"))
            .respond_with(throttled("sid-later", "600000")),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v25.3/objects/licenses"))
            .and(header("authorization", "sid-slow"))
            .respond_with(json_file("veeva/rim-warning.json").set_delay(Duration::from_millis(1500))),
    );
    let env = TestEnv::new();
    let cfg = |user: &str| {
        format!("[sources.vault]\nkind = \"veeva\"\nurl = \"{}\"\nusername = \"{user}\"\npassword_env = \"PW\"\n", server.url())
    };
    // A 1 s timeout, a 1.5 s delay said by Vault, a 3 s deadline: the answer arrives.
    let out = run(&env, &cfg("slow"), &[("PW", "pw")], &["--timeout", "1s", "show", "--format", "csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("vault,veeva,ra_registrations__v,full__v,251,250,-1,"), "{}", out.stdout);

    // Ten minutes of delay cannot fit in the deadline: said at once, not after it.
    let out = run(&env, &cfg("later"), &[("PW", "pw")], &["--timeout", "1s", "show", "--format", "csv"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "source `vault` (veeva): Vault's API burst limit is reached (X-VaultAPI-BurstLimitRemaining): answers are delayed by 10m, past this source's deadline (3s left"
        ),
        "{}",
        out.stderr
    );
    assert!(!server.requests().iter().any(|r| r.headers.get("authorization").is_some_and(|v| v == "sid-later")));
}

/// A cPod server paging its assignments by cursor: 40 pages of 25.
fn paged_assignments(server: &Server, pages: usize, failing: Option<usize>) {
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v1/licenses"))
            .respond_with(json(serde_json::json!({"data": [{"id": "l1", "product_name": "CAD", "license_type": "named_user", "total_seats": 2000, "used_seats": 1000}]}))),
    );
    for page in 0..pages {
        let items: Vec<serde_json::Value> = (0..25)
            .map(|i| serde_json::json!({"id": format!("a{page}-{i}"), "license_id": "l1", "assignee_id": format!("p{:04}", page * 25 + i), "status": "active", "last_used_at": "2025-01-01T00:00:00Z"}))
            .collect();
        let mut body = serde_json::json!({"data": items});
        if page + 1 < pages {
            body["next_cursor"] = serde_json::json!(format!("c{}", page + 1));
        }
        let mock = Mock::given(method("GET")).and(path("/api/v1/licenses/assignments"));
        let mock = match page {
            0 => mock.and(query_param_is_missing("cursor")),
            n => mock.and(query_param("cursor", format!("c{n}"))),
        };
        let answer = match failing == Some(page) {
            true => ResponseTemplate::new(500).set_body_string("database went away"),
            false => json(body),
        };
        server.mount(mock.respond_with(answer));
    }
}

#[test]
fn cpod_assignments_stream_page_by_page_and_a_failing_page_is_named() {
    let server = Server::start();
    paged_assignments(&server, 40, None);
    let env = TestEnv::new();
    let cfg = format!("[sources.assets]\nkind = \"cpod\"\nurl = \"{}\"\ntoken_env = \"CPOD\"\n", server.url());
    let out = run(&env, &cfg, &[("CPOD", "CPOD-TOKEN")], &["holders", "--format", "ndjson"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let holders: Vec<String> =
        out.stdout.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["holder"].as_str().unwrap().to_string()).collect();
    // Every holder of every page, once, in the API's order.
    let expected: Vec<String> = (0..1000).map(|n| format!("p{n:04}")).collect();
    assert_eq!(holders, expected);
    assert_no_secret(&out, &["CPOD-TOKEN"]);

    // Page 17 fails: the source's error names the list and the page, exit 1;
    // the list is never taken as ending there.
    let server = Server::start();
    paged_assignments(&server, 40, Some(16));
    let cfg = format!(
        "[sources.assets]\nkind = \"cpod\"\nurl = \"{}\"\ntoken_env = \"CPOD\"\n[sources.other]\nkind = \"4d\"\nfile = \"{}\"\n",
        server.url(),
        fixture("4d/single-client.json").display()
    );
    let out = run(&env, &cfg, &[("CPOD", "CPOD-TOKEN")], &["holders", "--json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("assets") && out.stderr.contains("assignments page 17") && out.stderr.contains("500"), "{}", out.stderr);
    let doc = out.json();
    assert_eq!(doc["errors"][0]["source"], "assets", "{doc}");
    // The other source's holders are there all the same.
    assert!(doc["holders"].as_array().unwrap().iter().any(|h| h["source"] == "other"), "{doc}");
}
