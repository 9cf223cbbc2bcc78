//! `plan` over generated histories whose answers were worked out by hand:
//! 180 days of a sample every 6 hours (720), five series, today's read from a
//! cPod file (limits, prices, renewal and expiry dates).

use chrono::{DateTime, Duration, Utc};
use licusage::history::Store;
use licusage::record::Record;

use crate::env::{Output, TestEnv};

const NOW: &str = "2026-12-07T12:00:00Z";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&Utc)
}

fn record(id: &str, product: &str, used: i64, limit: i64) -> Record {
    let mut r = Record::new(product, "named_user", Some(used as u64), Some(limit as u64)).with_id(Some(id));
    r.source = "assets".into();
    r.kind = "cpod".into();
    r
}

/// Sample k (0..720) is taken at now − 180 days + 6 h × k.
fn history(env: &TestEnv) {
    let mut store = Store::open(&licusage::history::Location::File(env.path("history.sqlite3"))).unwrap();
    let start = now() - Duration::days(180);
    for k in 0..720i64 {
        let mut records = vec![
            // Flat at 100 of 200.
            record("flat", "Flat", 100, 200),
            // 50, and 180 for five days (20 samples: 2.8%, under the p95).
            record("seasonal", "Seasonal", if (400..420).contains(&k) { 180 } else { 50 }, 200),
            // 100 growing by one every 8 samples to 189, limit 185.
            record("growing", "Growing", 100 + k / 8, 185),
        ];
        // Gaps: the first 30 days at 10, the last 10 at 40, nothing between.
        if !(120..680).contains(&k) {
            records.push(record("gappy", "Gappy", if k < 120 { 10 } else { 40 }, 50));
        }
        // Only the last ten days.
        if k >= 680 {
            records.push(record("young", "Young", 5, 10));
        }
        store.record(start + Duration::hours(6 * k), &records, 1, 0).unwrap();
    }
}

/// Today's read: limits, prices and dates.
const TODAY: &str = r#"[
  {"id": "flat", "product_name": "Flat", "license_type": "named_user", "total_seats": 200, "used_seats": 100,
   "list_price": 120, "currency": "EUR", "renewal_date": "2027-03-01T00:00:00Z"},
  {"id": "seasonal", "product_name": "Seasonal", "license_type": "named_user", "total_seats": 200, "used_seats": 50,
   "expiry_date": "2026-12-20T00:00:00Z"},
  {"id": "growing", "product_name": "Growing", "license_type": "named_user", "total_seats": 185, "used_seats": 189,
   "list_price": 50, "currency": "USD", "renewal_date": "2027-02-20T00:00:00Z"},
  {"id": "gappy", "product_name": "Gappy", "license_type": "named_user", "total_seats": 50, "used_seats": 40},
  {"id": "young", "product_name": "Young", "license_type": "named_user", "total_seats": 10, "used_seats": 5}
]"#;

fn setup() -> TestEnv {
    let env = TestEnv::new();
    env.write("today.json", TODAY);
    env.config(
        "[history]\npath = \"history.sqlite3\"\n\n[sources.assets]\nkind = \"cpod\"\nfile = \"today.json\"\n\n\
         [[rules]]\nproduct = \"Growing\"\nnotice = \"60d\"\n\n[[rules]]\nproduct = \"Gappy\"\npack = 5\n",
    );
    history(&env);
    env
}

fn plan(env: &TestEnv, args: &[&str]) -> Output {
    let mut cmd = env.cmd();
    cmd.env("LICUSAGE_NOW", NOW).arg("--config").arg(env.path("config.toml")).arg("plan").args(args);
    Output::of(cmd)
}

#[test]
fn recommendations_savings_and_deadlines_are_what_a_person_computes() {
    let env = setup();
    let out = plan(&env, &["--since", "180d", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = out.json();
    let decisions = doc["decisions"].as_array().unwrap();
    let order: Vec<&str> = decisions.iter().map(|d| d["id"].as_str().unwrap()).collect();
    // By deadline: seasonal (2026-11-20, passed), growing (2026-12-22), flat (2027-01-30); then the undated.
    assert_eq!(order, ["seasonal", "growing", "flat", "gappy", "young"]);
    let get = |id: &str| decisions.iter().find(|d| d["id"] == id).unwrap().clone();

    // Flat: peak = p95 = 100; 100 × 1.1 = 110 (not 111); 90 seats fewer at 120 EUR.
    let flat = get("flat");
    assert_eq!((flat["peak"].as_i64(), flat["p95"].as_i64(), flat["mean"].as_f64()), (Some(100), Some(100), Some(100.0)));
    assert_eq!((flat["recommended"].as_i64(), flat["change"].as_i64(), flat["yearly"].as_f64()), (Some(110), Some(-90), Some(-10800.0)));
    assert_eq!((flat["currency"].as_str(), flat["date_is"].as_str()), (Some("EUR"), Some("renews")));
    assert_eq!((flat["deadline"].as_str(), flat["when"].as_str()), (Some("2027-01-30T00:00:00Z"), Some("later")));

    // Seasonal: 700 samples at 50, 20 at 180; rank ceil(0.95 × 720) = 684 is a 50. The peak decides.
    let seasonal = get("seasonal");
    assert_eq!((seasonal["peak"].as_i64(), seasonal["p95"].as_i64(), seasonal["recommended"].as_i64()), (Some(180), Some(50), Some(180)));
    assert_eq!((seasonal["change"].as_i64(), seasonal["yearly"].as_f64()), (Some(-20), None), "no price, no money");
    let mean = seasonal["mean"].as_f64().unwrap();
    assert!((mean - (700.0 * 50.0 + 20.0 * 180.0) / 720.0).abs() < 1e-9, "{mean}");
    assert_eq!(
        (seasonal["date_is"].as_str(), seasonal["deadline"].as_str(), seasonal["when"].as_str()),
        (Some("expires"), Some("2026-11-20T00:00:00Z"), Some("act_now"))
    );

    // Growing: p95 is sample 683's 100 + 85 = 185; 185 × 1.1 = 203.5 → 204 over the peak 189;
    // at or over 185 from sample 680 on (2026-11-27 12:00 to 2026-12-07 06:00): 11 dates; 19 more seats at 50 USD.
    let growing = get("growing");
    assert_eq!((growing["peak"].as_i64(), growing["p95"].as_i64(), growing["days_at_limit"].as_u64()), (Some(189), Some(185), Some(11)));
    assert_eq!(
        (growing["recommended"].as_i64(), growing["change"].as_i64(), growing["yearly"].as_f64()),
        (Some(204), Some(19), Some(950.0))
    );
    assert_eq!(
        (growing["notice_days"].as_i64(), growing["deadline"].as_str(), growing["when"].as_str()),
        (Some(60), Some("2026-12-22T00:00:00Z"), Some("soon"))
    );

    // Gaps: 120 samples at 10, 40 at 40; rank 152 is a 40; mean 17.5; 44 in packs of 5 is 45.
    let gappy = get("gappy");
    assert_eq!((gappy["samples"].as_u64(), gappy["p95"].as_i64(), gappy["mean"].as_f64()), (Some(160), Some(40), Some(17.5)));
    assert_eq!((gappy["recommended"].as_i64(), gappy["change"].as_i64(), gappy["when"].as_str()), (Some(45), Some(-5), Some("undated")));

    // Ten days: said, not guessed.
    let young = get("young");
    assert_eq!((young["recommended"].as_i64(), young["note"].as_str()), (None, Some("10 days of history; 30 needed")));
    assert_eq!(young["p95"].as_i64(), Some(5), "the figures are still shown");

    // The table leads with what is due, and says why a series has no recommendation.
    let table = plan(&env, &["--since", "180d"]).stdout;
    let first = table.lines().nth(1).unwrap();
    assert!(first.starts_with("2026-11-20") && first.contains("act now") && first.contains("Seasonal"), "{table}");
    assert!(table.contains("-10,800.00 EUR") && table.contains("950.00 USD"), "{table}");
    assert!(table.contains("assets/Young/named_user: 10 days of history; 30 needed"), "{table}");
    let csv = plan(&env, &["--since", "180d", "--format", "csv"]).stdout;
    assert!(csv.starts_with("deadline,when,source,kind,product,metric,unit,limit,peak,p95,mean,"), "{csv}");
    assert!(
        csv.contains("2027-01-30T00:00:00Z,later,assets,cpod,Flat,named_user,seats,200,100,100,100.00,0,,110,-90,-10800.00,EUR,"),
        "{csv}"
    );
}

#[test]
fn a_shorter_window_weighs_only_its_samples() {
    let env = setup();
    // The last 20 days: growing went 100 + 80 + … to 189; young has 10 of the 20 days needed.
    let doc = plan(&env, &["--since", "20d", "--json"]).json();
    let get = |id: &str| doc["decisions"].as_array().unwrap().iter().find(|d| d["id"] == id).unwrap().clone();
    let growing = get("growing");
    // Samples 640..719: 80 values, 100 + 80 … 100 + 89 (8 each); rank 76 → index 75 → 100 + 89.
    assert_eq!((growing["samples"].as_u64(), growing["p95"].as_i64(), growing["peak"].as_i64()), (Some(80), Some(189), Some(189)));
    assert_eq!(get("young")["note"].as_str(), Some("10 days of history; 20 needed"));
    // No history at all: said once, and no recommendation anywhere.
    std::fs::remove_file(env.path("history.sqlite3")).unwrap();
    let out = plan(&env, &["--json"]);
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("no history at"), "{}", out.stderr);
    assert!(out.json()["decisions"].as_array().unwrap().iter().all(|d| d["recommended"].is_null()));
}

#[test]
fn plan_keys_are_checked_where_they_are_written() {
    let env = TestEnv::new();
    for (text, said) in [
        ("[defaults]\nheadroom = -0.5\n", "`headroom` is -0.5"),
        ("[[rules]]\nproduct = \"x\"\npack = 0\n", "`pack` is 0"),
        ("[defaults]\nnotice = \"soon\"\n", "`notice` \"soon\" is not a duration"),
        ("[sources.a]\nkind = \"cpod\"\nfile = \"x.json\"\nnotice = \"a while\"\n", "notice"),
    ] {
        env.config(text);
        let out = env.run(&["plan"]);
        assert_eq!(out.code, 2, "{text}: {}", out.stderr);
        assert!(out.stderr.contains(said), "{text}: {}", out.stderr);
    }
}

/// The calendar, read back by an independent parser (Python's `icalendar`):
/// an event on each deadline and on each date, all-day, with its alarm,
/// stable UIDs, and vendor text with `,`, `;`, `\` and a line break intact.
#[test]
fn the_calendar_imports_with_its_dates_alarms_and_vendor_text() {
    let Some(python) = crate::env::tool("python3") else { return };
    let has_parser = std::process::Command::new(&python).args(["-c", "import icalendar"]).status().is_ok_and(|s| s.success());
    if !has_parser {
        assert!(std::env::var("CI").map_or(true, |v| v != "true"), "python3's icalendar module is required in CI");
        return;
    }
    let env = setup();
    // A product name only a vendor would write.
    let today = TODAY.replace("\"product_name\": \"Flat\"", "\"product_name\": \"Flat, Pro; v2 \\\\ x\\nsecond line\"");
    env.write("today.json", &today);
    let out = plan(&env, &["--since", "180d", "--format", "ics"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("BEGIN:VCALENDAR\r\n"), "{}", out.stdout);
    let ics = env.write("plan.ics", &out.stdout);
    let script = r#"
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
events = []
for e in cal.walk('VEVENT'):
    alarms = [a for a in e.walk('VALARM')]
    events.append({
        'uid': str(e['UID']),
        'summary': str(e['SUMMARY']),
        'description': str(e['DESCRIPTION']),
        'start': e.decoded('DTSTART').isoformat(),
        'all_day': type(e.decoded('DTSTART')).__name__ == 'date',
        'alarm': alarms[0].decoded('TRIGGER').total_seconds() if alarms else None,
        'action': str(alarms[0]['ACTION']) if alarms else None,
    })
print(json.dumps(events))
"#;
    let parsed = std::process::Command::new(&python).args(["-c", script]).arg(&ics).output().unwrap();
    assert!(parsed.status.success(), "{}", String::from_utf8_lossy(&parsed.stderr));
    let events: Vec<serde_json::Value> = serde_json::from_slice(&parsed.stdout).unwrap();
    // Three dated series: a deadline and a date each; the undated have none.
    assert_eq!(events.len(), 6, "{events:?}");
    let find = |start: &str| events.iter().find(|e| e["start"] == start).unwrap_or_else(|| panic!("no event on {start}: {events:?}"));
    let deadline = find("2027-01-30");
    assert_eq!(deadline["summary"], "Decide on Flat, Pro; v2 \\ x\nsecond line named_user (assets): it renews on 2027-03-01");
    assert!(
        deadline["description"].as_str().unwrap().starts_with("Renew at 110 (today 200, change -90, -10,800.00 EUR a year)."),
        "{deadline}"
    );
    assert_eq!(
        (deadline["all_day"].as_bool(), deadline["alarm"].as_f64(), deadline["action"].as_str()),
        (Some(true), Some(-7.0 * 86400.0), Some("DISPLAY"))
    );
    let renews = find("2027-03-01");
    assert_eq!(
        (renews["summary"].as_str(), renews["alarm"].as_f64()),
        (Some("Flat, Pro; v2 \\ x\nsecond line named_user (assets) renews"), Some(-86400.0))
    );
    assert_eq!(find("2026-11-20")["summary"], "Decide on Seasonal named_user (assets): it expires on 2026-12-20");
    find("2026-12-22");
    // The same series, the same UIDs the next time: a calendar updates, never doubles.
    let again = plan(&env, &["--since", "180d", "--format", "ics"]).stdout;
    let uids = |text: &str| text.lines().filter(|l| l.starts_with("UID:")).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(uids(&again), uids(&out.stdout));
    assert_eq!(uids(&again).len(), 12, "6 events and their alarms");
    assert_eq!(again, out.stdout, "the same file from the same history");
    // Every stamp is licusage's now (LICUSAGE_NOW), the alarms' too: never the wall clock.
    assert!(out.stdout.lines().filter(|l| l.starts_with("DTSTAMP:")).all(|l| l == "DTSTAMP:20261207T120000Z"), "{}", out.stdout);
}

/// Prometheus: each series' decision deadline and, where the history allows,
/// its recommended limit over plan's default 90 days.
#[test]
fn show_exports_deadlines_and_recommended_limits() {
    let env = setup();
    let mut cmd = env.cmd();
    cmd.env("LICUSAGE_NOW", NOW).arg("--config").arg(env.path("config.toml")).args(["show", "--format", "prometheus"]);
    let out = Output::of(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let labels =
        |id: &str, product: &str| format!("{{source=\"assets\",id=\"{id}\",kind=\"cpod\",product=\"{product}\",metric=\"named_user\"}}");
    let deadline = DateTime::parse_from_rfc3339("2027-01-30T00:00:00Z").unwrap().timestamp();
    for line in [
        format!("licusage_renewal_deadline_timestamp_seconds{} {deadline}", labels("flat", "Flat")),
        format!("licusage_recommended_limit_seats{} 110", labels("flat", "Flat")),
        // The last 90 days: samples 360 to 719, the p95 is sample 701's 187; 187 × 1.1 = 205.7.
        format!("licusage_recommended_limit_seats{} 206", labels("growing", "Growing")),
    ] {
        assert!(out.stdout.contains(&line), "{line}\n{}", out.stdout);
    }
    assert!(!out.stdout.contains("licusage_recommended_limit_seats{source=\"assets\",id=\"young\""), "ten days: no recommendation");
    assert!(!out.stdout.contains("licusage_renewal_deadline_timestamp_seconds{source=\"assets\",id=\"gappy\""), "no date, no deadline");
    if let Some((ok, said)) = crate::monitoring::promtool_check(&out.stdout) {
        assert!(ok, "{said}");
    }
}

/// The report opens with the decisions due: passed or within 30 days, by
/// deadline; the later ones are for `plan`.
#[test]
fn the_report_leads_with_the_decisions_due() {
    let env = setup();
    let report = |format: &str| {
        let mut cmd = env.cmd();
        cmd.env("LICUSAGE_NOW", NOW).arg("--config").arg(env.path("config.toml")).args(["report", "--format", format]);
        let out = Output::of(cmd);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let md = report("markdown");
    let first = md.find("\n## ").map(|i| &md[i + 1..]).unwrap();
    assert!(first.starts_with("## Decisions due\n"), "{md}");
    let due = first.split("\n## ").next().unwrap();
    // Over plan's default 90 days (samples 360 to 719): the seasonal five days
    // are 20 of 360 samples, over 5%, so the p95 is 180 (× 1.1: 198); growing's
    // p95 is sample 701's 187 (× 1.1: 205.7 → 206, 21 more at 50 USD).
    assert!(
        due.contains("| 2026-11-20 act now | Seasonal named\\_user (assets) | 200 | 180 | 180 | 198 | -2 | 2026-12-20 expires |"),
        "{due}"
    );
    assert!(
        due.contains(
            "| 2026-12-22 soon | Growing named\\_user (assets) | 185 | 189 | 187 | 206 | +21 (1,050.00 USD a year) | 2027-02-20 renews |"
        ),
        "{due}"
    );
    assert!(!due.contains("Flat"), "later: not due\n{due}");
    assert!(due.find("Seasonal") < due.find("Growing"), "by deadline\n{due}");
    let html = report("html");
    let (at_due, at_summary) = (html.find("id=\"due\"").unwrap(), html.find("id=\"summary\"").unwrap());
    assert!(at_due < at_summary, "the decisions come first");
    assert!(html.contains("+21 (1,050.00 USD a year)"), "{html}");
}
