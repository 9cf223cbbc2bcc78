//! `generic` sources against local servers that answer like the real APIs
//! (Microsoft Graph with its token endpoint, GitHub's Copilot billing, a paged
//! list), with the jq filters `config.example.toml` documents.

use wiremock::matchers::{body_string_contains, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::env::{fixture, repo, Output, TestEnv};
use crate::live::{assert_no_secret, json_file, run, Server};

/// The `jq` (and `holders_jq`) of a source in `config.example.toml`, as TOML
/// lines: the tests run the filters users copy.
fn example_filters(source: &str) -> String {
    let text = std::fs::read_to_string(repo("config.example.toml")).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let table = doc["sources"][source].as_table().unwrap();
    let mut out = String::new();
    for key in ["jq", "holders_jq"] {
        if let Some(code) = table.get(key).and_then(|v| v.as_str()) {
            out.push_str(&format!("{key} = {}\n", toml::Value::String(code.to_string())));
        }
    }
    out
}

#[test]
fn microsoft_365_with_client_credentials() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/contoso-tenant/oauth2/v2.0/token"))
            .and(body_string_contains("grant_type=client_credentials"))
            .and(body_string_contains("client_id=app-123"))
            .and(body_string_contains("client_secret=M365-SECRET"))
            .and(body_string_contains("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "GRAPH-ACCESS-TOKEN"}))),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/v1.0/subscribedSkus"))
            .and(header("authorization", "Bearer GRAPH-ACCESS-TOKEN"))
            .respond_with(json_file("generic/subscribed-skus.json")),
    );
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.m365]\nkind = \"generic\"\nurl = \"{url}/v1.0/subscribedSkus\"\nclient_id = \"app-123\"\nclient_secret_env = \"M365_SECRET\"\ntoken_url = \"{url}/contoso-tenant/oauth2/v2.0/token\"\nscope = \"https://graph.microsoft.com/.default\"\n{}",
        example_filters("m365"),
        url = server.url()
    );
    let out = run(&env, &cfg, &[("M365_SECRET", "M365-SECRET")], &["show", "--json", "-v"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = out.json();
    let e5 = doc["records"].as_array().unwrap().iter().find(|r| r["product"] == "SPE_E5").unwrap();
    assert_eq!(
        (e5["used"].as_u64(), e5["limit"].as_u64(), e5["id"].as_str()),
        (Some(1432), Some(1500), Some("06ebc4ee-1bb5-47dd-8120-11324bc54e06"))
    );
    assert_no_secret(&out, &["M365-SECRET", "GRAPH-ACCESS-TOKEN"]);

    // An expired token: Graph's own error code, not a jq complaint.
    let server = Server::start();
    server.mount(Mock::given(method("GET")).and(path("/v1.0/subscribedSkus")).respond_with(ResponseTemplate::new(401).set_body_json(
        serde_json::json!({"error": {"code": "InvalidAuthenticationToken", "message": "Access token has expired or is not yet valid."}}),
    )));
    let cfg = format!(
        "[sources.m365]\nkind = \"generic\"\nurl = \"{}/v1.0/subscribedSkus\"\ntoken_env = \"T\"\n{}",
        server.url(),
        example_filters("m365")
    );
    let out = run(&env, &cfg, &[("T", "STALE")], &["show"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("401 Unauthorized from") && out.stderr.contains("InvalidAuthenticationToken: Access token has expired"),
        "{}",
        out.stderr
    );
}

#[test]
fn github_copilot_seats_with_a_token_and_headers() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/orgs/acme/copilot/billing"))
            .and(header("authorization", "Bearer GH-TOKEN"))
            .and(header("x-github-api-version", "2022-11-28"))
            .and(header("accept", "application/vnd.github+json"))
            .respond_with(json_file("generic/examples/copilot-billing.json")),
    );
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.copilot]\nkind = \"generic\"\nurl = \"{}/orgs/acme/copilot/billing\"\ntoken_env = \"GH\"\nheaders = {{ \"X-GitHub-Api-Version\" = \"2022-11-28\", \"Accept\" = \"application/vnd.github+json\" }}\n{}",
        server.url(),
        example_filters("copilot")
    );
    let out = run(&env, &cfg, &[("GH", "GH-TOKEN")], &["show", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let r = &out.json()["records"][0];
    assert_eq!(r["product"], "GitHub Copilot business");
    assert_eq!((r["used"].as_u64(), r["limit"].as_u64(), r["balance"].as_i64()), (Some(97), Some(120), Some(23)));
    assert_eq!((r["details"]["unit_price"].as_u64(), r["details"]["currency"].as_str()), (Some(228), Some("USD")));
    assert_no_secret(&out, &["GH-TOKEN"]);

    // A named header without a scheme, and Basic.
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/keyed"))
            .and(header("x-api-key", "K-123"))
            .respond_with(json_file("generic/examples/copilot-billing.json")),
    );
    server.mount(
        Mock::given(method("POST"))
            .and(path("/basic"))
            .and(header("authorization", "Basic dTpwdw=="))
            .and(body_string_contains("\"org\":\"acme\""))
            .respond_with(json_file("generic/examples/copilot-billing.json")),
    );
    let cfg = format!(
        "[sources.keyed]\nkind = \"generic\"\nurl = \"{url}/keyed\"\ntoken_env = \"K\"\nauth_header = \"X-Api-Key\"\nauth_scheme = \"\"\n{f}\n[sources.basic]\nkind = \"generic\"\nurl = \"{url}/basic\"\nmethod = \"POST\"\nbody = '{{\"org\": \"acme\"}}'\nusername = \"u\"\npassword_env = \"P\"\n{f}",
        url = server.url(),
        f = example_filters("copilot")
    );
    let out = run(&env, &cfg, &[("K", "K-123"), ("P", "pw")], &["show", "--format", "csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().filter(|l| l.contains("GitHub Copilot business,seats,97,120,23")).count(), 2, "{}", out.stdout);
}

#[test]
fn pages_are_followed_by_the_cpod_rules() {
    let server = Server::start();
    let item = |n: u32| serde_json::json!({"sku": format!("S{n}"), "seats": 10, "in_use": n});
    server.mount(
        Mock::given(method("GET"))
            .and(path("/v2/subscriptions"))
            .and(query_param_is_missing("cursor"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": [item(1), item(2)], "next_cursor": "c2"}))),
    );
    server.mount(Mock::given(method("GET")).and(path("/v2/subscriptions")).and(query_param("cursor", "c2")).respond_with(
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": [item(3)]})).insert_header("link", "</v2/last>; rel=\"next\""),
    ));
    server.mount(
        Mock::given(method("GET"))
            .and(path("/v2/last"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": [item(4)]}))),
    );
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.subs]\nkind = \"generic\"\nurl = \"{}/v2/subscriptions\"\njq = '.data[] | {{product: .sku, metric: \"seats\", used: .in_use, limit: .seats}}'\n",
        server.url()
    );
    let out = run(&env, &cfg, &[], &["show", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let products: Vec<String> =
        out.json()["records"].as_array().unwrap().iter().map(|r| r["product"].as_str().unwrap().to_string()).collect();
    assert_eq!(products, ["S1", "S2", "S3", "S4"]);
}

#[test]
fn a_json_file_with_holders_and_the_one_off_subcommand() {
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.saas]\nkind = \"generic\"\nfile = \"{}\"\n{}",
        fixture("generic/examples/seats.json").display(),
        example_filters("saas-seats")
    );
    env.write("config.toml", &cfg);
    let mut cmd = env.cmd();
    cmd.env("LICUSAGE_NOW", "2026-11-24T12:00:00Z")
        .arg("--config")
        .arg(env.path("config.toml"))
        .args(["holders", "--idle", "90", "--format", "csv"]);
    let out = Output::of(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let idle: Vec<&str> = out.stdout.lines().skip(1).filter_map(|l| l.split(',').find(|f| f.contains('@'))).collect();
    // Idle past 90 days; cy, never used but assigned 54 days ago, is not (yet).
    assert_eq!(idle, ["bo@example.com"], "{}", out.stdout);

    let mut cmd = env.cmd();
    cmd.args([
        "generic",
        "--file",
        "-",
        "--jq",
        ".value[] | {product: .skuPartNumber, metric: \"licenses\", used: .consumedUnits, limit: .prepaidUnits.enabled}",
        "--format",
        "csv",
    ])
    .stdin(std::fs::File::open(fixture("generic/subscribed-skus.json")).unwrap());
    let out = Output::of(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("generic,generic,SPE_E5,licenses,1432,1500,68"), "{}", out.stdout);
}

#[test]
fn filter_mistakes_are_config_errors_or_named_output_errors() {
    let env = TestEnv::new();
    env.config(
        "[sources.x]\nkind = \"generic\"\nfile = \"{fixtures}/generic/examples/seats.json\"\njq = '''\n.products[]\n| {product: .name,\n'''\n",
    );
    let out = env.run(&["config", "check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("config.toml:4: source `x`: `jq`: jq syntax error at line 3, column 1 of the filter: expected closing brace"),
        "{}",
        out.stderr
    );
    env.config("[sources.x]\nkind = \"generic\"\nfile = \"{fixtures}/generic/examples/seats.json\"\n");
    let out = env.run(&["config", "check"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("`jq` is missing"), "{}", out.stderr);
    // A string where a count goes: the source's error, naming output, field and value.
    env.config("[sources.x]\nkind = \"generic\"\nfile = \"{fixtures}/generic/examples/seats.json\"\njq = '.products[] | {product: .name, metric: \"seats\", used: \"3\", limit: .purchased}'\n");
    let out = env.run(&["show"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("jq output #1 (product \"Figma Professional\"): `used`: expected a number, found a string \"3\""),
        "{}",
        out.stderr
    );
}

/// Microsoft Graph pages a user list by `@odata.nextLink`: with `next`, a
/// filter that reads `inputs` counts the users of every page once; without
/// it, the source fails naming the marker and the key (it counted 2 of 4).
#[test]
fn graph_next_link_counts_every_page_and_an_unfollowed_one_fails() {
    let server = Server::start();
    let user = |n: u32, sku: &str| serde_json::json!({"id": format!("u{n}"), "userPrincipalName": format!("u{n}@contoso.com"), "assignedLicenses": [{"disabledPlans": [], "skuId": sku}]});
    let e5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
    let next = format!("{}/v1.0/users?$select=assignedLicenses&$skiptoken=RFNwdAIAAQAAACpV", server.url());
    server.mount(
        Mock::given(method("GET")).and(path("/v1.0/users")).and(query_param_is_missing("$skiptoken")).respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(assignedLicenses)", "@odata.nextLink": next, "value": [user(1, e5), user(2, e5)]}),
        )),
    );
    server.mount(Mock::given(method("GET")).and(path("/v1.0/users")).and(query_param("$skiptoken", "RFNwdAIAAQAAACpV")).respond_with(
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(assignedLicenses)", "value": [user(3, e5), user(4, "other")]})),
    ));
    let env = TestEnv::new();
    let jq =
        r#"[inputs.value[].assignedLicenses[].skuId] | group_by(.) | .[] | {product: .[0], metric: "assigned", used: length, limit: null}"#;
    let cfg = |next: &str| {
        format!("[sources.users]\nkind = \"generic\"\nurl = \"{}/v1.0/users?$select=assignedLicenses\"\njq = '{jq}'\n{next}", server.url())
    };
    let out = run(&env, &cfg("next = '.\"@odata.nextLink\"'\n"), &[], &["show", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let counts: Vec<(String, u64)> = out.json()["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["product"].as_str().unwrap().to_string(), r["used"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, [(e5.to_string(), 3), ("other".to_string(), 1)]);

    let out = run(&env, &cfg(""), &[], &["show", "--json"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr.contains("source `users` (generic): the last page read has a next page (`@odata.nextLink`): the source does not follow it: set `next = '.\"@odata.nextLink\"'`"),
        "{}",
        out.stderr
    );
    assert!(out.json()["records"].as_array().unwrap().is_empty(), "{}", out.stdout);
}

/// Google's `nextPageToken` and Slack's `response_metadata.next_cursor` are
/// followed by `next_query`; Slack's last cursor is "" and its errors come
/// under HTTP 200 as `{"ok": false, "error": "invalid_auth"}`.
#[test]
fn google_and_slack_page_by_query_and_slack_errors_read_as_such() {
    let server = Server::start();
    let guser = |n: u32| serde_json::json!({"kind": "admin#directory#user", "id": format!("10{n}"), "primaryEmail": format!("u{n}@example.com"), "suspended": false});
    server.mount(Mock::given(method("GET")).and(path("/admin/directory/v1/users")).and(query_param_is_missing("pageToken")).respond_with(
        ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"kind": "admin#directory#users", "users": [guser(1), guser(2)], "nextPageToken": "Q0FFU0VnP"}),
        ),
    ));
    server.mount(
        Mock::given(method("GET"))
            .and(path("/admin/directory/v1/users"))
            .and(query_param("pageToken", "Q0FFU0VnP"))
            .and(query_param("customer", "my_customer"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({"kind": "admin#directory#users", "users": [guser(3)]})),
            ),
    );
    let member = |id: &str, deleted: bool| serde_json::json!({"id": id, "team_id": "T012AB3C4", "name": id.to_lowercase(), "deleted": deleted, "is_bot": false});
    server.mount(Mock::given(method("GET")).and(path("/api/users.list")).and(query_param_is_missing("cursor")).respond_with(ResponseTemplate::new(200).set_body_json(
        serde_json::json!({"ok": true, "members": [member("W012A3CDE", false)], "cache_ts": 1498777272, "response_metadata": {"next_cursor": "dXNlcjpVMEc5V0ZYTlo="}}),
    )));
    server.mount(Mock::given(method("GET")).and(path("/api/users.list")).and(query_param("cursor", "dXNlcjpVMEc5V0ZYTlo=")).respond_with(
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true, "members": [member("W07QCRPA4", false), member("W0AB12CD3", true)], "response_metadata": {"next_cursor": ""}})),
    ));
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/team.billableInfo"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": false, "error": "invalid_auth"}))),
    );
    let env = TestEnv::new();
    let cfg = format!(
        r#"[sources.google]
kind = "generic"
url = "{url}/admin/directory/v1/users?customer=my_customer"
next_query = '{{pageToken: .nextPageToken}}'
jq = '{{product: "Google Workspace", metric: "users", used: ([inputs.users[] | select(.suspended | not)] | length), limit: null}}'

[sources.slack]
kind = "generic"
url = "{url}/api/users.list"
next_query = '{{cursor: .response_metadata.next_cursor}}'
jq = '{{product: "Slack", metric: "members", used: ([inputs.members[] | select(.deleted | not)] | length), limit: null}}'

[sources.slack-billing]
kind = "generic"
url = "{url}/api/team.billableInfo"
jq = '.billable_info | to_entries[] | {{product: "Slack", metric: "billable", used: 1, limit: null}}'
"#,
        url = server.url()
    );
    let out = run(&env, &cfg, &[], &["show", "--json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let used: Vec<(String, u64)> = out.json()["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["source"].as_str().unwrap().to_string(), r["used"].as_u64().unwrap()))
        .collect();
    assert_eq!(used, [("google".to_string(), 3), ("slack".to_string(), 2)]);
    assert!(out.stderr.contains("source `slack-billing` (generic): the API answered an error: invalid_auth"), "{}", out.stderr);
}

/// Adobe's User Management API numbers its pages in the path from 0 and says
/// `lastPage`: `{page}` in the URL with `first_page` and `last`.
#[test]
fn page_numbers_in_the_path_until_the_last_page() {
    let server = Server::start();
    let user = |n: u32| serde_json::json!({"id": format!("{n}@AdobeID"), "email": format!("u{n}@example.com"), "status": "active", "groups": ["Default All Apps plan - 100 GB configuration"], "type": "federatedID"});
    for (page, users, last) in [(0, vec![user(1), user(2)], false), (1, vec![user(3)], true)] {
        server.mount(Mock::given(method("GET")).and(path(format!("/v2/usermanagement/users/12345@AdobeOrg/{page}"))).respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"lastPage": last, "result": "success", "users": users})),
        ));
    }
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.adobe]\nkind = \"generic\"\nurl = \"{}/v2/usermanagement/users/12345@AdobeOrg/{{page}}\"\nfirst_page = \"0\"\nlast = '.lastPage'\njq = '[inputs.users[].groups[]] | group_by(.) | .[] | {{product: .[0], metric: \"users\", used: length, limit: null}}'\n",
        server.url()
    );
    let out = run(&env, &cfg, &[], &["show", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["records"][0]["used"], 3, "{}", out.stdout);
    // Paging by number needs to know the last page.
    let out = run(&env, &cfg.replace("last = '.lastPage'\n", ""), &[], &["config", "check"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("paging by number needs `last`"), "{}", out.stderr);
}

/// Zoom's Server-to-Server OAuth: `grant_type=account_credentials` and
/// `account_id` in the form, the client by HTTP Basic; its users paged by
/// `next_page_token`. The token endpoint answers only that request.
#[test]
fn zoom_account_credentials_with_the_client_in_basic() {
    use base64::Engine as _;
    let server = Server::start();
    let basic = base64::engine::general_purpose::STANDARD.encode("zoom-client:ZOOM-SECRET");
    server.mount(
        Mock::given(method("POST"))
            .and(path("/oauth/token"))
            .and(header("authorization", format!("Basic {basic}").as_str()))
            .and(body_string_contains("grant_type=account_credentials"))
            .and(body_string_contains("account_id=ACC-42"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"access_token": "ZOOM-TOKEN", "token_type": "bearer", "expires_in": 3599, "scope": "user:read:admin", "api_url": "https://api.zoom.us"}))),
    );
    server.mount(
        Mock::given(method("POST")).and(path("/oauth/token")).respond_with(
            ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"reason": "Invalid client_id or client_secret", "error": "invalid_client"})),
        ),
    );
    let user = |n: u32, kind: u32| serde_json::json!({"id": format!("z{n}"), "email": format!("u{n}@example.com"), "type": kind, "status": "active"});
    server.mount(
        Mock::given(method("GET")).and(path("/v2/users")).and(header("authorization", "Bearer ZOOM-TOKEN")).and(query_param_is_missing("next_page_token")).respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"next_page_token": "R4aF9Oj0fVM2hhezJTEmSKaBSkfesDwGy42", "page_count": 2, "page_size": 2, "total_records": 3, "users": [user(1, 2), user(2, 1)]})),
        ),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/v2/users"))
            .and(header("authorization", "Bearer ZOOM-TOKEN"))
            .and(query_param("next_page_token", "R4aF9Oj0fVM2hhezJTEmSKaBSkfesDwGy42"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"next_page_token": "", "page_count": 2, "page_size": 2, "total_records": 3, "users": [user(3, 2)]}),
            )),
    );
    let env = TestEnv::new();
    let cfg = |secret_env: &str| {
        format!(
            "[sources.zoom]\nkind = \"generic\"\nurl = \"{url}/v2/users?page_size=2\"\nclient_id = \"zoom-client\"\nclient_secret_env = \"{secret_env}\"\ntoken_url = \"{url}/oauth/token\"\nclient_auth = \"basic\"\ntoken_params = {{ grant_type = \"account_credentials\", account_id = \"ACC-42\" }}\nnext_query = '{{next_page_token: .next_page_token}}'\njq = '{{product: \"Zoom\", metric: \"licensed\", used: ([inputs.users[] | select(.type == 2)] | length), limit: null}}'\n",
            url = server.url()
        )
    };
    let out = run(&env, &cfg("ZOOM_SECRET"), &[("ZOOM_SECRET", "ZOOM-SECRET")], &["show", "--json", "-v"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["records"][0]["used"], 2, "{}", out.stdout);
    assert_no_secret(&out, &["ZOOM-SECRET", "ZOOM-TOKEN", &basic]);
    // One token for the run, whatever the pages.
    let tokens = server.requests().iter().filter(|r| r.url.path() == "/oauth/token").count();
    assert_eq!(tokens, 1);
    // A wrong secret: the OAuth error code, never the secret.
    let out = run(&env, &cfg("ZOOM_SECRET"), &[("ZOOM_SECRET", "WRONG")], &["show", "--json"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("token request for client zoom-client failed: HTTP 400 Bad Request (invalid_client)"), "{}", out.stderr);
    assert_no_secret(&out, &["WRONG"]);
}

/// A Google service account: an RS256 assertion signed with its key file's
/// private key, checked by the token endpoint against the public key as
/// Google does (issuer, audience, scope, subject, lifetime).
#[test]
fn google_service_account_jwt_bearer() {
    let Some(openssl) = crate::env::tool("openssl") else { return };
    let env = TestEnv::new();
    let key = env.path("sa.pem");
    let made = std::process::Command::new(&openssl)
        .args(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out"])
        .arg(&key)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(made.success());
    let public = std::process::Command::new(&openssl).args(["pkey", "-pubout", "-in"]).arg(&key).output().unwrap().stdout;
    let private = std::fs::read_to_string(&key).unwrap();
    let server = Server::start();
    let token_uri = format!("{}/token", server.url());
    env.write(
        "sa.json",
        &serde_json::json!({"type": "service_account", "project_id": "licusage-test", "private_key_id": "k1", "private_key": private, "client_email": "reader@licusage-test.iam.gserviceaccount.com", "client_id": "1234567890", "token_uri": token_uri}).to_string(),
    );
    struct Assertion(Vec<u8>, String);
    impl wiremock::Match for Assertion {
        fn matches(&self, request: &wiremock::Request) -> bool {
            let form: std::collections::HashMap<String, String> = url::form_urlencoded::parse(&request.body).into_owned().collect();
            if form.get("grant_type").map(String::as_str) != Some("urn:ietf:params:oauth:grant-type:jwt-bearer") {
                return false;
            }
            let Some(jwt) = form.get("assertion") else { return false };
            let Ok(key) = jsonwebtoken::DecodingKey::from_rsa_pem(&self.0) else { return false };
            let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
            validation.set_audience(&[&self.1]);
            validation.set_issuer(&["reader@licusage-test.iam.gserviceaccount.com"]);
            let Ok(data) = jsonwebtoken::decode::<serde_json::Value>(jwt, &key, &validation) else { return false };
            let c = data.claims;
            let lifetime = c["exp"].as_u64().unwrap_or(0).saturating_sub(c["iat"].as_u64().unwrap_or(0));
            data.header.kid.as_deref() == Some("k1")
                && c["scope"] == "https://www.googleapis.com/auth/admin.directory.user.readonly"
                && c["sub"] == "admin@example.com"
                && lifetime <= 3600
        }
    }
    server.mount(
        Mock::given(method("POST")).and(path("/token")).and(Assertion(public, token_uri.clone())).respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "ya29.SA-TOKEN", "expires_in": 3599, "token_type": "Bearer"})),
        ),
    );
    server.mount(
        Mock::given(method("POST")).and(path("/token")).respond_with(
            ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"error": "invalid_grant", "error_description": "Invalid JWT Signature."})),
        ),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/admin/directory/v1/users"))
            .and(header("authorization", "Bearer ya29.SA-TOKEN"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"kind": "admin#directory#users", "users": [{"primaryEmail": "a@example.com", "suspended": false}, {"primaryEmail": "b@example.com", "suspended": true}]}))),
    );
    let cfg = |subject: &str| {
        format!(
            "[sources.workspace]\nkind = \"generic\"\nurl = \"{}/admin/directory/v1/users?customer=my_customer\"\nservice_account_file = \"sa.json\"\nsubject = \"{subject}\"\nscope = \"https://www.googleapis.com/auth/admin.directory.user.readonly\"\njq = '{{product: \"Google Workspace\", metric: \"users\", used: ([.users[] | select(.suspended | not)] | length), limit: null}}'\n",
            server.url()
        )
    };
    let out = run(&env, &cfg("admin@example.com"), &[], &["show", "--json", "-v"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["records"][0]["used"], 1, "{}", out.stdout);
    assert_no_secret(&out, &["ya29.SA-TOKEN", "BEGIN PRIVATE KEY"]);
    // The endpoint refuses an assertion for another subject: its error code, no key material.
    let out = run(&env, &cfg("someone@example.com"), &[], &["show", "--json"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains(
            "token request for service account reader@licusage-test.iam.gserviceaccount.com failed: HTTP 400 Bad Request (invalid_grant)"
        ),
        "{}",
        out.stderr
    );
    assert_no_secret(&out, &["BEGIN PRIVATE KEY"]);

    // No declared secret, but credentials all the same: neither the signed
    // assertion (to a `token_uri` on plain http://) nor the token it buys
    // (to a `url` on plain http://) goes to a host that is not this machine.
    let mut key_file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(env.path("sa.json")).unwrap()).unwrap();
    key_file["token_uri"] = "http://oauth2.example.com/token".into();
    env.write("sa-plain.json", &key_file.to_string());
    let plain_token = cfg("admin@example.com").replace("sa.json", "sa-plain.json");
    let out = run(&env, &plain_token, &[], &["show", "--json"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("source `workspace` (generic): refusing to send credentials over plain http:// to oauth2.example.com"),
        "{}",
        out.stderr
    );
    let plain_url = cfg("admin@example.com").replace(&server.url(), "http://directory.example.com");
    let out = run(&env, &plain_url, &[], &["show", "--json"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("source `workspace` (generic): refusing to send credentials over plain http:// to directory.example.com"),
        "{}",
        out.stderr
    );
    assert_no_secret(&out, &["ya29.SA-TOKEN", "BEGIN PRIVATE KEY"]);
}

/// A filter maps the document and nothing else: `halt` is the source's error
/// (it ended the process with exit 0, so `check` said OK), `env` is empty
/// (the environment holds other sources' secrets), `$ENV` does not compile;
/// a document nested 10,000 deep is refused, never a stack overflow.
#[test]
fn a_filter_or_a_document_cannot_end_licusage_or_read_the_environment() {
    let env = TestEnv::new();
    env.write("doc.json", r#"{"n": 3}"#);
    env.write("deep.json", &format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)));
    let vault = fixture("veeva/licenses.json");
    let cfg = |jq: &str, file: &str| {
        format!(
            "[sources.vault]\nkind = \"veeva\"\nfile = \"{}\"\n\n[sources.g]\nkind = \"generic\"\nfile = \"{file}\"\njq = '{jq}'\n",
            vault.display()
        )
    };
    let out = run(&env, &cfg("halt", "doc.json"), &[], &["check"]);
    assert_eq!(out.code, 2, "the critical Vault series, not an OK exit: {}", out.stdout);
    assert!(out.stdout.contains("the filter called `halt`"), "{}", out.stdout);
    let out = run(
        &env,
        &cfg("{product: (\"env has \" + (env | length | tostring) + \" keys\"), metric: \"m\", used: .n, limit: 5}", "doc.json"),
        &[("G_TOKEN", "T0P-SECRET")],
        &["show", "--json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let g = out.json()["records"].as_array().unwrap().iter().find(|r| r["source"] == "g").unwrap().clone();
    assert_eq!(g["product"], "env has 0 keys", "{g}");
    let out = run(
        &env,
        &cfg("{product: ($ENV.G_TOKEN), metric: \"m\", used: 1, limit: 5}", "doc.json"),
        &[("G_TOKEN", "T0P-SECRET")],
        &["config", "check"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("undefined variable `ENV`") || out.stderr.contains("undefined variable"), "{}", out.stderr);
    let out = run(&env, &cfg(".", "deep.json"), &[], &["show", "--json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("nested deeper than 128 levels (at byte 128): refused"), "{}", out.stderr);
    assert_eq!(out.json()["records"].as_array().unwrap().len(), 7, "the other source is read");
}

/// A filter that recurses without end, or counts without end, ends its own
/// worker, not licusage: the source's error says which, at the latest by its
/// deadline, and the other source is read (the process used to abort with a
/// stack overflow, exit 134, or run forever).
#[test]
fn a_filter_that_recurses_or_loops_without_end_fails_its_source_only() {
    let env = TestEnv::new();
    env.write("doc.json", r#"{"n": 3}"#);
    let vault = fixture("veeva/licenses.json");
    let cfg = |jq: &str| {
        format!(
            "[sources.vault]\nkind = \"veeva\"\nfile = \"{}\"\n\n[sources.g]\nkind = \"generic\"\nfile = \"{}\"\njq = '{jq}'\ntimeout = \"1s\"\n",
            vault.display(),
            env.path("doc.json").display()
        )
    };
    for (jq, said) in [
        ("def f: 1 + f; f", "a jq filter recursed too deeply (stack overflow)"),
        ("last(range(1e18))", "the jq filters ran past the source's deadline (3s left)"),
        ("[repeat(1)] | length", "the jq filters ran past the source's deadline"),
    ] {
        let out = run(&env, &cfg(jq), &[], &["show", "--json"]);
        assert_eq!(out.code, 1, "{jq}: {}", out.stderr);
        assert!(out.stderr.contains(&format!("source `g` (generic): {}: {said}", env.path("doc.json").display())), "{jq}: {}", out.stderr);
        assert_eq!(out.json()["records"].as_array().unwrap().len(), 7, "{jq}: the other source is read");
        // A monitoring check says so: never OK with a source unread.
        let out = run(&env, &cfg(jq), &[], &["check"]);
        assert_eq!(out.code, 2, "{jq}: {}", out.stdout);
        assert!(out.stdout.contains("1 source failed; 7 series from 1 of 2 sources"), "{jq}: {}", out.stdout);
    }
}

/// An API that never stops paging is stopped by the bytes held, not by
/// memory running out: 16 MiB pages, numbered without end, refused past
/// 256 MiB with the page count (it used to hold 6.3 GiB in 20 s).
#[test]
fn an_api_that_never_stops_paging_is_refused_at_the_held_cap() {
    let server = Server::start();
    let page = format!("{{\"pad\": \"{}\", \"seats\": 1}}", "x".repeat(16 << 20));
    server.mount(Mock::given(method("GET")).and(path("/endless")).respond_with(ResponseTemplate::new(200).set_body_string(page)));
    let env = TestEnv::new();
    let cfg = format!(
        "[sources.endless]\nkind = \"generic\"\nurl = \"{}/endless\"\npage_param = \"page\"\nlast = 'false'\njq = '{{product: \"p\", metric: \"seats\", used: .seats}}'\n",
        server.url()
    );
    let out = run(&env, &cfg, &[], &["show", "--timeout", "20s"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("source `endless` (generic): the pages passed 256 MiB after 16 pages: refused"), "{}", out.stderr);
}

/// `holders_jq` runs for `holders` (and the report's idle seats), not for
/// `show` or `check`: a holder filter that fails does not fail the records.
#[test]
fn holders_jq_runs_only_when_holders_are_wanted() {
    let env = TestEnv::new();
    env.write("doc.json", r#"{"n": 3}"#);
    let cfg = format!(
        "[sources.g]\nkind = \"generic\"\nfile = \"{}\"\njq = '{{product: \"p\", metric: \"seats\", used: .n, limit: 5}}'\nholders_jq = 'error(\"boom\")'\n",
        env.path("doc.json").display()
    );
    let out = run(&env, &cfg, &[], &["show", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["records"][0]["used"], 3);
    let out = run(&env, &cfg, &[], &["holders"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("`holders_jq`: jq: \"boom\""), "{}", out.stderr);
}

/// A plain projection (`.value[] | {product: .skuPartNumber, …}`) is mapped
/// without jq, on every core: the same rows as the same filter run by jq
/// (written so that only jq can run it), and the same first refused output,
/// numbered alike, when one item far down the list is wrong.
#[test]
fn a_projection_gives_what_jq_gives_row_for_row_and_error_for_error() {
    let env = TestEnv::new();
    let items: Vec<serde_json::Value> = (0..3000)
        .map(|i| serde_json::json!({"skuId": format!("sku-{i}"), "skuPartNumber": format!("SKU_{i}"), "consumedUnits": i % 97, "prepaidUnits": {"enabled": 100, "warning": 0}, "extra": [1, {"x": null}]}))
        .collect();
    let write = |name: &str, items: &[serde_json::Value]| {
        env.write(name, &serde_json::json!({"@odata.context": "ctx", "value": items}).to_string())
    };
    let good = write("skus.json", &items);
    let mut wrong = items.clone();
    wrong[2499]["consumedUnits"] = serde_json::json!("12");
    let bad = write("bad.json", &wrong);
    let projection =
        ".value[] | {id: .skuId, product: .skuPartNumber, metric: \"licenses\", used: .consumedUnits, limit: .prepaidUnits.enabled}";
    // The same, but with a pipe inside: only jq runs it.
    let by_jq =
        ".value[] | {id: .skuId, product: .skuPartNumber, metric: \"licenses\", used: (.consumedUnits | .), limit: .prepaidUnits.enabled}";
    let run = |file: &std::path::Path, jq: &str| {
        let mut cmd = env.cmd();
        cmd.args(["generic", "--format", "csv", "--file"]).arg(file).args(["--jq", jq]);
        Output::of(cmd)
    };
    let (fast, slow) = (run(&good, projection), run(&good, by_jq));
    assert_eq!((fast.code, slow.code), (0, 0), "{}{}", fast.stderr, slow.stderr);
    assert_eq!(fast.stdout.lines().count(), 3001);
    assert_eq!(fast.stdout, slow.stdout);
    // Each went the way it was meant to (`sku-0` is text, not a `-0`).
    let way = |jq: &str| {
        let mut cmd = env.cmd();
        cmd.args(["-v", "generic", "--format", "csv", "--file"]).arg(&good).args(["--jq", jq]);
        Output::of(cmd).stderr
    };
    assert!(way(projection).contains("source `generic`: `jq` mapped by licusage itself"), "{}", way(projection));
    assert!(way(by_jq).contains("source `generic`: the filters run by jq in a worker"), "{}", way(by_jq));
    let (fast, slow) = (run(&bad, projection), run(&bad, by_jq));
    assert_eq!((fast.code, slow.code), (1, 1));
    assert!(
        fast.stderr.contains("jq output #2500 (product \"SKU_2499\"): `used`: expected a number, found a string \"12\""),
        "{}",
        fast.stderr
    );
    assert_eq!(fast.stderr, slow.stderr);
}

/// Over the pages of a paged API, a plain projection is mapped by licusage
/// itself as over one document: the same rows as jq, outputs numbered over
/// all pages in jq's errors; one item of any page that jq would read
/// otherwise sends every page to jq. `-v` says which way each read went.
#[test]
fn a_projection_over_pages_gives_what_jq_gives_and_v_says_which_way() {
    let server = Server::start();
    let item = |n: usize| serde_json::json!({"skuId": format!("sku-{n}"), "part": format!("SKU_{n}"), "consumed": n % 89, "prepaid": {"enabled": 100}});
    // Three pages of 1,000, 1,000 and 500 items, by the cursor rules; each
    // route answers for one of three variants of the list.
    let mount = |route: &str, items: Vec<serde_json::Value>| {
        let pages: Vec<&[serde_json::Value]> = items.chunks(1000).collect();
        for (n, page) in pages.iter().enumerate() {
            let next = (n + 1 < pages.len()).then(|| format!("p{}", n + 2));
            let body = serde_json::json!({"data": page, "next_cursor": next});
            let mock = Mock::given(method("GET")).and(path(route));
            let mock = match n {
                0 => mock.and(query_param_is_missing("cursor")),
                _ => mock.and(query_param("cursor", format!("p{}", n + 1))),
            };
            server.mount(mock.respond_with(ResponseTemplate::new(200).set_body_json(body)));
        }
    };
    let good: Vec<serde_json::Value> = (0..2500).map(item).collect();
    mount("/good", good.clone());
    // A string where a count goes, on the third page: output #2101.
    let mut wrong = good.clone();
    wrong[2100]["consumed"] = serde_json::json!("12");
    mount("/wrong", wrong.clone());
    // The same, and on the second page an item jq cannot index (`5`).
    let mut both = wrong;
    both[1500] = serde_json::json!(5);
    mount("/both", both);

    let projection = ".data[] | {id: .skuId, product: .part, metric: \"licenses\", used: .consumed, limit: .prepaid.enabled}";
    // The same, with a pipe inside: only jq runs it.
    let by_jq = ".data[] | {id: .skuId, product: .part, metric: \"licenses\", used: (.consumed | .), limit: .prepaid.enabled}";
    let env = TestEnv::new();
    let show = |route: &str, jq: &str, verbose: bool| {
        let cfg = format!("[sources.skus]\nkind = \"generic\"\nurl = \"{}{route}\"\njq = '{jq}'\n", server.url());
        let args: &[&str] = if verbose { &["-v", "show", "--format", "csv"] } else { &["show", "--format", "csv"] };
        run(&env, &cfg, &[], args)
    };
    let mapped = "source `skus`: `jq` mapped by licusage itself";
    let by_worker = "source `skus`: the filters run by jq in a worker";

    let (fast, slow) = (show("/good", projection, true), show("/good", by_jq, true));
    assert_eq!((fast.code, slow.code), (0, 0), "{}{}", fast.stderr, slow.stderr);
    assert!(fast.stderr.contains(mapped) && !fast.stderr.contains(by_worker), "{}", fast.stderr);
    assert!(slow.stderr.contains(by_worker) && !slow.stderr.contains(mapped), "{}", slow.stderr);
    // Three requests, one per page.
    assert_eq!(fast.stderr.matches("GET ").count(), 3, "{}", fast.stderr);
    assert_eq!(fast.stdout.lines().count(), 2501);
    // The last page's last item (2499 % 89 = 7 used).
    assert!(fast.stdout.contains("\nskus,generic,SKU_2499,licenses,7,100,93,"), "{}", fast.stdout);
    assert_eq!(fast.stdout, slow.stdout);

    let (fast, slow) = (show("/wrong", projection, false), show("/wrong", by_jq, false));
    assert_eq!((fast.code, slow.code), (1, 1));
    assert!(
        fast.stderr.contains("jq output #2101 (product \"SKU_2100\"): `used`: expected a number, found a string \"12\""),
        "{}",
        fast.stderr
    );
    assert_eq!(fast.stderr, slow.stderr);

    // An item on page 2 that only jq reads as jq does: every page goes to jq.
    let (fast, slow) = (show("/both", projection, true), show("/both", by_jq, false));
    assert_eq!((fast.code, slow.code), (1, 1));
    assert!(fast.stderr.contains(by_worker) && !fast.stderr.contains(mapped), "{}", fast.stderr);
    let errors = |s: &str| s.lines().filter(|l| l.contains("error")).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(errors(&fast.stderr), errors(&slow.stderr));
    assert!(!errors(&slow.stderr).is_empty(), "{}", slow.stderr);
}
