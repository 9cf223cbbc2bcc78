//! `preset = NAME` against loopback servers that answer with each vendor's own
//! documented example responses (`fixtures/generic/presets/`, provenance in
//! its README). Where a vendor documents one page of a paged list, the test
//! splits that list into two pages (or follows the page with an empty last
//! one) and says so: the count over the pages must equal the count a person
//! makes of the documented list.

use serde_json::{json, Value};
use wiremock::matchers::{body_string_contains, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::env::{fixture, TestEnv};
use crate::live::{assert_no_secret, run, Server};

fn doc(file: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(&format!("generic/presets/{file}"))).unwrap()).unwrap()
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A record as compared: product, used, limit.
type Counted = (String, Option<u64>, Option<u64>);

/// Each record's (product, used, limit) and each holder's name, from a `show --json` and a `holders --json`.
fn read(env: &TestEnv, cfg: &str, vars: &[(&str, &str)]) -> (Vec<Counted>, Vec<String>) {
    let out = run(env, cfg, vars, &["show", "--json"]);
    assert_eq!(out.code, 0, "{}\n{cfg}", out.stderr);
    let records = out.json()["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["product"].as_str().unwrap().to_string(), r["used"].as_u64(), r["limit"].as_u64()))
        .collect();
    let out = run(env, cfg, vars, &["holders", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let holders = out.json()["holders"].as_array().unwrap().iter().map(|h| h["holder"].as_str().unwrap().to_string()).collect();
    (records, holders)
}

fn tuple(product: &str, used: u64, limit: Option<u64>) -> Counted {
    (product.to_string(), Some(used), limit)
}

/// m365 (subscribedSkus, one documented page) and m365-users (the documented
/// two users, split into two pages joined by `@odata.nextLink`), through the
/// client-credentials flow of the tenant's token endpoint.
#[test]
fn microsoft_365_presets() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/contoso/oauth2/v2.0/token"))
            .and(body_string_contains("grant_type=client_credentials"))
            .and(body_string_contains("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"))
            .respond_with(ok(doc("m365/token-response.json"))),
    );
    let token = doc("m365/token-response.json")["access_token"].as_str().unwrap().to_string();
    server.mount(Mock::given(method("GET")).and(path("/v1.0/subscribedSkus")).respond_with(ok(doc("m365/subscribed-skus.json"))));
    let users = doc("m365-users/users-assigned-licenses.json");
    let (first, second) = (users["value"][0].clone(), users["value"][1].clone());
    let next = format!("{}/v1.0/users?$top=1&$skiptoken=RFNwdAIAAQAAAD8", server.url());
    server.mount(
        Mock::given(method("GET"))
            .and(path("/v1.0/users"))
            .and(query_param_is_missing("$skiptoken"))
            .and(query_param("$select", "id,userPrincipalName,assignedLicenses"))
            .respond_with(ok(json!({"@odata.context": users["@odata.context"], "@odata.nextLink": next, "value": [first]}))),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/v1.0/users"))
            .and(query_param("$skiptoken", "RFNwdAIAAQAAAD8"))
            .respond_with(ok(json!({"@odata.context": users["@odata.context"], "value": [second]}))),
    );
    let env = TestEnv::new();
    let source = |name: &str, preset: &str, path: &str| {
        format!(
            "[sources.{name}]\nkind = \"generic\"\npreset = \"{preset}\"\nurl = \"{url}{path}\"\ntoken_url = \"{url}/contoso/oauth2/v2.0/token\"\nclient_id = \"app\"\nclient_secret_env = \"SECRET\"\n",
            url = server.url()
        )
    };
    let cfg = source("skus", "m365", "/v1.0/subscribedSkus");
    let (records, _) = read(&env, &cfg, &[("SECRET", "S3CRET")]);
    assert_eq!(records, [tuple("CRMSTANDARD", 14, Some(0)), tuple("ENTERPRISEPREMIUM", 14, Some(25))]);
    let cfg = source("users", "m365-users", "/v1.0/users?$select=id,userPrincipalName,assignedLicenses&$top=1");
    let (records, holders) = read(&env, &cfg, &[("SECRET", "S3CRET")]);
    assert_eq!(records, [tuple("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", 2, None)]);
    assert_eq!(holders.len(), 2);
    let out = run(&env, &cfg, &[("SECRET", "S3CRET")], &["-v", "show"]);
    assert_no_secret(&out, &["S3CRET", &token]);
}

/// Google Workspace (the documented four users, split into two pages by
/// `nextPageToken`), GitHub Copilot (the documented two seats, split by a
/// `Link` header), Slack (the documented two members, split by
/// `next_cursor`), Okta (the documented user, then an empty last page).
#[test]
fn paged_user_presets() {
    let server = Server::start();
    let google = doc("google-workspace/directory-users-list-my-customer.json");
    let g = google["users"].as_array().unwrap().clone();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/admin/directory/v1/users"))
            .and(query_param_is_missing("pageToken"))
            .respond_with(ok(json!({"kind": "directory#users", "users": g[..2], "nextPageToken": google["nextPageToken"]}))),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/admin/directory/v1/users"))
            .and(query_param("pageToken", google["nextPageToken"].as_str().unwrap()))
            .respond_with(ok(json!({"kind": "directory#users", "users": g[2..]}))),
    );
    let seats = doc("github-copilot/copilot-billing-seats.json");
    let link = format!("<{}/orgs/acme/copilot/billing/seats?per_page=1&page=2>; rel=\"next\"", server.url());
    server.mount(
        Mock::given(method("GET"))
            .and(path("/orgs/acme/copilot/billing/seats"))
            .and(query_param_is_missing("page"))
            .and(header("x-github-api-version", "2022-11-28"))
            .respond_with(ok(json!({"total_seats": 2, "seats": [seats["seats"][0]]})).insert_header("link", link.as_str())),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/orgs/acme/copilot/billing/seats"))
            .and(query_param("page", "2"))
            .respond_with(ok(json!({"total_seats": 2, "seats": [seats["seats"][1]]}))),
    );
    let slack = doc("slack/users-list.json");
    let cursor = slack["response_metadata"]["next_cursor"].as_str().unwrap().to_string();
    server.mount(Mock::given(method("GET")).and(path("/api/users.list")).and(query_param_is_missing("cursor")).respond_with(ok(
        json!({"ok": true, "members": [slack["members"][0]], "cache_ts": slack["cache_ts"], "response_metadata": {"next_cursor": cursor}}),
    )));
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/users.list"))
            .and(query_param("cursor", cursor.as_str()))
            .respond_with(ok(json!({"ok": true, "members": [slack["members"][1]], "response_metadata": {"next_cursor": ""}}))),
    );
    let okta_next = format!("<{}/api/v1/users?limit=200&after=00u118oQYT4TBTemp0g4>; rel=\"next\"", server.url());
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v1/users"))
            .and(query_param_is_missing("after"))
            .and(header("authorization", "SSWS OKTA-TOKEN"))
            .respond_with(ok(doc("okta/users-list.json")).insert_header("link", okta_next.as_str())),
    );
    server.mount(
        Mock::given(method("GET")).and(path("/api/v1/users")).and(query_param("after", "00u118oQYT4TBTemp0g4")).respond_with(ok(json!([]))),
    );

    let env = TestEnv::new();
    let url = server.url();
    let cfg = format!(
        r#"[sources.google]
kind = "generic"
preset = "google-workspace"
url = "{url}/admin/directory/v1/users?customer=my_customer&maxResults=2"
token_env = "TOKEN"

[sources.copilot]
kind = "generic"
preset = "github-copilot"
url = "{url}/orgs/acme/copilot/billing/seats?per_page=1"
token_env = "TOKEN"

[sources.slack]
kind = "generic"
preset = "slack"
url = "{url}/api/users.list?limit=1"
token_env = "TOKEN"

[sources.okta]
kind = "generic"
preset = "okta"
url = "{url}/api/v1/users?limit=200"
token_env = "OKTA"
"#
    );
    let (records, holders) = read(&env, &cfg, &[("TOKEN", "T"), ("OKTA", "OKTA-TOKEN")]);
    assert_eq!(
        records,
        [tuple("GitHub Copilot", 2, Some(2)), tuple("Google Workspace", 4, None), tuple("Okta", 1, None), tuple("Slack", 2, None)]
    );
    assert_eq!(
        holders,
        [
            "octocat",
            "octokitten",
            "admin2@example.com",
            "liz@example.com",
            "test3@example.com",
            "work_admin@example.com",
            "alice.smith@example.com",
            "spengler",
            "glinda"
        ]
    );
}

/// Zoom (Server-to-Server OAuth, the client in Basic; the documented page,
/// then an empty last page), Adobe (the documented five groups split into
/// pages 0 and 1 by `lastPage`), Atlassian (the documented user, its
/// `links.next` cursor, then an empty last page).
#[test]
fn zoom_adobe_and_atlassian_presets() {
    use base64::Engine as _;
    let server = Server::start();
    let basic = base64::engine::general_purpose::STANDARD.encode("zoom-app:ZOOM-SECRET");
    server.mount(
        Mock::given(method("POST"))
            .and(path("/oauth/token"))
            .and(header("authorization", format!("Basic {basic}").as_str()))
            .and(body_string_contains("grant_type=account_credentials"))
            .and(body_string_contains("account_id=ACC"))
            .respond_with(ok(doc("zoom/oauth-token-response.vendor-skills-repo.json"))),
    );
    let zoom = doc("zoom/users-list.third-party-copy.json");
    let zoom_token = zoom["next_page_token"].as_str().unwrap().to_string();
    server.mount(
        Mock::given(method("GET")).and(path("/v2/users")).and(query_param_is_missing("next_page_token")).respond_with(ok(zoom.clone())),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/v2/users"))
            .and(query_param("next_page_token", zoom_token.as_str()))
            .respond_with(ok(json!({"next_page_token": "", "page_count": 1, "page_size": 30, "users": []}))),
    );
    let adobe = doc("adobe/groups-page-0.json");
    let groups = adobe["groups"].as_array().unwrap().clone();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/ims/token/v3"))
            .and(body_string_contains("grant_type=client_credentials"))
            .respond_with(ok(doc("adobe/ims-token-response.json"))),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/v2/usermanagement/groups/12345@AdobeOrg/0"))
            .and(header("x-api-key", "adobe-app"))
            .respond_with(ok(json!({"lastPage": false, "result": "success", "groups": groups[..3]}))),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/v2/usermanagement/groups/12345@AdobeOrg/1"))
            .respond_with(ok(json!({"lastPage": true, "result": "success", "groups": groups[3..]}))),
    );
    let atlassian = doc("atlassian/admin-org-users.json");
    let cursor = atlassian["links"]["next"].as_str().unwrap().to_string();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/admin/v1/orgs/org-1/users"))
            .and(query_param_is_missing("cursor"))
            .respond_with(ok(atlassian.clone())),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/admin/v1/orgs/org-1/users"))
            .and(query_param("cursor", cursor.as_str()))
            .respond_with(ok(json!({"data": [], "meta": {"total": 1}, "links": {"self": "x"}}))),
    );
    let env = TestEnv::new();
    let url = server.url();
    let cfg = format!(
        r#"[sources.zoom]
kind = "generic"
preset = "zoom"
url = "{url}/v2/users?page_size=30"
token_url = "{url}/oauth/token"
client_id = "zoom-app"
client_secret_env = "ZOOM"
token_params = {{ account_id = "ACC" }}

[sources.adobe]
kind = "generic"
preset = "adobe"
url = "{url}/v2/usermanagement/groups/12345@AdobeOrg/{{page}}"
token_url = "{url}/ims/token/v3"
client_id = "adobe-app"
client_secret_env = "ADOBE"
headers = {{ "X-Api-Key" = "adobe-app" }}

[sources.atlassian]
kind = "generic"
preset = "atlassian"
url = "{url}/admin/v1/orgs/org-1/users"
token_env = "ATL"
"#
    );
    let out = run(&env, &cfg, &[("ZOOM", "ZOOM-SECRET"), ("ADOBE", "A"), ("ATL", "T")], &["show", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let records: Vec<(String, String, Option<u64>, Option<u64>)> = out.json()["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (r["source"].as_str().unwrap().to_string(), r["product"].as_str().unwrap().to_string(), r["used"].as_u64(), r["limit"].as_u64())
        })
        .collect();
    assert_eq!(
        records,
        [
            ("adobe".to_string(), "All Apps plan - 100 GB".to_string(), Some(0), Some(8)),
            ("atlassian".to_string(), "<string>".to_string(), Some(1), None),
            ("zoom".to_string(), "Zoom".to_string(), Some(0), None),
        ]
    );
    // A saved page takes the preset's mapping only (no request, auth or paging keys).
    env.write("users.json", &zoom.to_string());
    let out = run(&env, "[sources.z]\nkind = \"generic\"\npreset = \"zoom\"\nfile = \"users.json\"\n", &[], &["show", "--json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("the last page read has a next page (`next_page_token`): this document is one page of a longer list"),
        "{}",
        out.stderr
    );
    // A preset's own part left unset is named with its key.
    let out = run(
        &env,
        "[sources.z]\nkind = \"generic\"\npreset = \"zoom\"\nclient_id = \"a\"\nclient_secret_env = \"S\"\n",
        &[],
        &["config", "check"],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("preset `zoom`: set `token_params.account_id` (its <account_id> is yours"), "{}", out.stderr);
}
