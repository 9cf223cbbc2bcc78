//! `licusage report`: the page of the bundled fixtures with a history made by
//! `record`, checked by an HTML parser and drawn by a real Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::env::{repo, tool, Output, TestEnv};

/// The example config against the fixtures, a history in the test's dir,
/// and a hostile generic source; `record` run on eleven days of November.
fn setup(env: &TestEnv) -> PathBuf {
    let example = std::fs::read_to_string(repo("config.example.toml")).unwrap();
    let fixtures = repo("fixtures").display().to_string();
    let mut config = example.replace("\"fixtures/", &format!("\"{fixtures}/"));
    config = config.replacen("[history]\n", &format!("[history]\npath = \"{}\"\n", env.path("history.sqlite3").display()), 1);
    env.write(
        "hostile.json",
        r#"{"items": [{"name": "<script>alert(1)</script> Pro \u001b[31m", "used": 4, "limit": 5, "price": 100, "currency": "EUR"}]}"#,
    );
    config.push_str(&format!(
        "\n[sources.hostile]\nkind = \"generic\"\nfile = \"{}\"\njq = '.items[] | {{product: .name, metric: \"seats\", used, limit, unit_price: .price, currency}}'\n",
        env.path("hostile.json").display()
    ));
    let path = env.write("config.toml", &config);
    for day in ["01", "03", "05", "08", "10", "12", "15", "17", "19", "22", "24"] {
        let out = Output::of(report_cmd(env, &format!("2026-11-{day}T12:00:00Z"), &["-q", "record"]));
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    path
}

fn report_cmd(env: &TestEnv, now: &str, args: &[&str]) -> Command {
    let mut cmd = env.cmd();
    cmd.env("LICUSAGE_NOW", now).arg("--config").arg(env.path("config.toml")).args(args);
    cmd
}

fn html_report(env: &TestEnv) -> (PathBuf, String) {
    let file = env.path("report.html");
    let out = Output::of(report_cmd(env, "2026-11-24T12:00:00Z", &["report", "--since", "30d", "-o", file.to_str().unwrap()]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "-o writes nothing on stdout");
    let text = std::fs::read_to_string(&file).unwrap();
    (file, text)
}

#[test]
fn the_html_report_is_one_self_contained_accessible_page() {
    use scraper::{Html, Selector};
    let env = TestEnv::new();
    setup(&env);
    let (_, text) = html_report(&env);
    let page = Html::parse_document(&text);
    let all = |css: &str| page.select(&Selector::parse(css).unwrap()).collect::<Vec<_>>();
    // Nothing to fetch, nothing to run.
    assert!(all("script").is_empty() && all("link").is_empty() && all("img").is_empty() && all("iframe").is_empty());
    let external: Vec<String> = all("[src], [href]").iter().map(|e| e.html()).collect();
    assert!(external.is_empty(), "external references: {external:?}");
    let css: String = all("style").iter().map(|s| s.text().collect::<String>()).collect();
    assert!(!css.contains("url(") && !css.contains("@import") && !css.contains("@font-face"), "{css}");
    assert!(css.contains("@media print") && css.contains("size:A4"));
    // Structure: one title, the sections, tables with headers.
    assert_eq!(all("h1").len(), 1);
    let sections: Vec<String> = all("h2").iter().map(|h| h.text().collect()).collect();
    assert_eq!(sections[..2], ["Decisions due", "Summary"], "the decisions due first");
    for want in ["Usage by source", "Trends over 30 days", "Seats to reclaim and unused seats", "Expiries and renewals in the next 90 days"]
    {
        assert!(sections.iter().any(|s| s == want), "{want}: {sections:?}");
    }
    assert!(all("table").iter().all(|t| t.select(&Selector::parse("th").unwrap()).next().is_some()));
    // A chart per series with history, each with its text alternative.
    let charts = all("figure svg");
    assert!(charts.len() >= 20, "{} charts", charts.len());
    for svg in &charts {
        assert_eq!(svg.value().attr("role"), Some("img"));
        let desc: String = svg.select(&Selector::parse("desc").unwrap()).next().unwrap().text().collect();
        assert!(desc.starts_with("Used went from "), "{desc}");
    }
    // Vendor text is data: the hostile product shows as text, its control
    // character escaped, never as markup.
    let cells: Vec<String> = all("td").iter().map(|td| td.text().collect()).collect();
    assert!(cells.iter().any(|c| c == "<script>alert(1)</script> Pro \\x1b[31m"), "{cells:?}");
    assert!(!text.contains('\u{1b}'));
    // Prices: idle seats and unused seats, by currency; renewals ahead.
    let summary: String = all(".cards").iter().map(|c| c.text().collect::<String>()).collect();
    // Acrobat Pro 2 × 203.90 + Figma 144 (cy, never used but assigned 54 days ago, is not idle yet).
    assert!(summary.contains("551.80 EUR") && summary.contains("a year in seats idle 90+ days"), "{summary}");
    assert!(summary.contains("USD") && summary.contains("a year in unused seats"), "{summary}");
    let due: Vec<String> = all("section[aria-labelledby=ahead] td").iter().map(|td| td.text().collect()).collect();
    assert!(due.windows(3).any(|w| w == ["expires", "assets", "AutoCAD LT"]), "{due:?}");
    assert!(due.iter().any(|c| c == "cfd_base") && !due.iter().any(|c| c == "IntelliJ IDEA Ultimate"), "{due:?}");
}

/// Money only on seats: unused seats are named seats bought and not
/// assigned, never documents, signatures, departments, a free Microsoft plan
/// or an expired FlexLM feature; floating licenses free now are apart.
#[test]
fn unused_money_counts_named_seats_only_and_floating_apart() {
    let env = TestEnv::new();
    setup(&env);
    let out = Output::of(report_cmd(&env, "2026-12-07T12:00:00Z", &["report", "--format", "markdown"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = out.stdout;
    let section = md.split("## Seats to reclaim and unused seats").nth(1).unwrap().split("## Expiries").next().unwrap();
    let (named, floating) = section.split_once("Floating licenses not checked out now").unwrap();
    let rows = |text: &str| -> Vec<String> {
        text.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| Source") && !l.starts_with("| **")).map(str::to_string).collect()
    };
    let named = rows(named);
    for not_seats in ["doc\\_count", "signatures", "certificates", "departments", "FLOW\\_FREE", "meshing", "cfd\\_base", "4D Client"] {
        assert!(!named.iter().any(|r| r.contains(not_seats)), "{not_seats} among unused seats: {named:#?}");
    }
    assert!(
        named.iter().any(|r| r.starts_with("| copilot | GitHub Copilot business | seats | 23 | 228.00 USD | 5,244.00 USD |")),
        "{named:#?}"
    );
    let floating = rows(floating);
    assert!(floating.iter().any(|r| r.starts_with("| cad-licenses | cfd\\_base | licenses | 1 |")), "{floating:#?}");
    assert!(floating.iter().any(|r| r.starts_with("| fourd | 4D Client | licenses | 7 |")), "{floating:#?}");
    assert!(!floating.iter().any(|r| r.contains("meshing")), "expired on 2026-11-28: {floating:#?}");
}

#[test]
fn markdown_and_the_exit_code_of_show_and_a_report_without_history() {
    let env = TestEnv::new();
    setup(&env);
    let out = Output::of(report_cmd(&env, "2026-11-24T12:00:00Z", &["report", "--format", "markdown", "--since", "30d"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = out.stdout;
    assert!(md.starts_with("# License usage report\n"));
    assert!(md.contains("| Product | Metric | Used | Limit | Use | Expires | Status |\n|---|---|---:|---:|---:|---|---|"));
    assert!(md.contains("\\<script\\>alert(1)\\</script\\> Pro \\\\x1b\\[31m"), "{md}");
    // Numbers as `show` and `check` write them: thousands grouped, use to a tenth.
    assert!(md.contains("| SPE\\_E5 | licenses | 1,432 | 1,500 | 95.4% |"), "{md}");
    assert!(md.contains("| Acrobat Pro | named\\_user | 142 | 150 | 94.6% |"), "{md}");
    // Sparklines stand for the charts.
    assert!(md.lines().any(|l| l.contains("Acrobat Pro") && l.contains('▄')), "{md}");

    // A source that fails: the report is written, says so, and exits 1 as `show` does.
    let broken = format!(
        "{}\n[sources.gone]\nkind = \"4d\"\nfile = \"{}\"\n",
        std::fs::read_to_string(env.path("config.toml")).unwrap(),
        env.path("none.json").display()
    );
    env.write("config.toml", &broken);
    let out = Output::of(report_cmd(&env, "2026-11-24T12:00:00Z", &["report"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("Sources that could not be read") && out.stdout.contains("gone"));

    // No history: the charts section says how to start one.
    let fresh = TestEnv::new();
    fresh.write(
        "config.toml",
        &format!("[sources.f]\nkind = \"4d\"\nfile = \"{}\"\n", crate::env::fixture("4d/license-usage.json").display()),
    );
    let out = Output::of(report_cmd(&fresh, "2026-11-24T12:00:00Z", &["report"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("No history yet") && out.stdout.contains("licusage record"), "{}", out.stdout);
    let out = Output::of(report_cmd(&fresh, "2026-11-24T12:00:00Z", &["report", "--format", "json"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("[possible values: html, markdown]"), "{}", out.stderr);
}

/// Share of pixels that are not near-white, and of the charts' blue line.
fn ink(png: &Path) -> (u32, u32, f64, usize) {
    let decoder = png::Decoder::new(std::fs::File::open(png).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()].chunks(channels);
    let (mut inked, mut blue, mut total) = (0usize, 0usize, 0usize);
    for p in pixels {
        total += 1;
        if p[0] < 235 || p[1] < 235 || p[2] < 235 {
            inked += 1;
        }
        // The used line, #0969da.
        if (p[0] as i32 - 9).abs() < 30 && (p[1] as i32 - 105).abs() < 30 && (p[2] as i32 - 218).abs() < 30 {
            blue += 1;
        }
    }
    (info.width, info.height, inked as f64 / total as f64, blue)
}

#[test]
fn chromium_draws_the_report_with_its_charts() {
    let Some(chromium) = tool("chromium") else { return };
    let env = TestEnv::new();
    setup(&env);
    let (file, _) = html_report(&env);
    let shot = env.path("report.png");
    let out = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--hide-scrollbars", "--window-size=1100,6000"])
        .arg(format!("--user-data-dir={}", env.path("chromium-profile").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", file.display()))
        .output()
        .unwrap();
    assert!(shot.exists(), "no screenshot: {}", String::from_utf8_lossy(&out.stderr));
    let (w, h, inked, blue) = ink(&shot);
    assert_eq!((w, h), (1100, 6000));
    assert!(inked > 0.03, "the page looks blank: {inked:.3} inked");
    // The charts' used lines were drawn: thousands of pixels of their blue.
    assert!(blue > 2000, "{blue} pixels of the chart blue");
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::copy(&shot, repo("docs/report.png")).unwrap();
    }
}

#[test]
fn vendor_text_in_totals_and_cells_cannot_write_markup_lines_or_links() {
    let env = TestEnv::new();
    env.write(
        "evil.json",
        r#"{"items": [{"name": "see https://evil.example/x @octocat #12 www.evil.example", "used": 4, "limit": 10, "price": 100,
            "currency": "EUR<img src=x onerror=alert(1)>\n[click](https://evil.example)\u0000\u202e"}]}"#,
    );
    env.write(
        "config.toml",
        &format!(
            "[sources.evil]\nkind = \"generic\"\nfile = \"{}\"\njq = '.items[] | {{product: .name, metric: \"seats\", used, limit, unit_price: .price, currency}}'\n",
            env.path("evil.json").display()
        ),
    );
    let out = Output::of(report_cmd(&env, "2026-11-24T12:00:00Z", &["report", "--format", "markdown"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = out.stdout;
    // The unused seats' total names the currency, escaped, on its own line.
    let total = md.lines().find(|l| l.starts_with("- Unused seats cost a year:")).unwrap();
    assert!(total.contains("600.00 EUR\\<img src=x onerror=alert(1)\\>\\\\x0a\\[click\\](https:"), "{total}");
    assert!(md.match_indices('<').all(|(i, _)| md[..i].ends_with('\\')), "a bare <: {md}");
    assert!(!md.contains('\0') && !md.contains('\u{202e}'), "{md}");
    // Nothing GitHub would link by itself: no URL, www., @mention or #ref left whole.
    for whole in ["https://", "www.evil", "@octocat", "#12"] {
        assert!(!md.contains(whole), "{whole} left whole: {md}");
    }
    assert!(md.contains("see https:\u{200b}//evil.example/x @\u{200b}octocat \\#\u{200b}12 w\u{200b}ww.evil.example"), "{md}");

    let file = env.path("evil.html");
    let out = Output::of(report_cmd(&env, "2026-11-24T12:00:00Z", &["report", "-o", file.to_str().unwrap()]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(!html.contains("<img") && !html.contains('\0') && !html.contains('\u{202e}'), "{html}");
    assert!(html.contains("600.00 EUR&lt;img src=x onerror=alert(1)&gt;\\x0a[click](https://evil.example)\\x00\\u{202e}"), "{html}");
}

#[test]
fn report_o_follows_links_writes_pipes_in_place_and_keeps_a_files_mode() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let env = TestEnv::new();
    env.write(
        "config.toml",
        &format!("[sources.f]\nkind = \"4d\"\nfile = \"{}\"\n", crate::env::fixture("4d/license-usage.json").display()),
    );
    let write =
        |to: &Path| Output::of(report_cmd(&env, "2026-11-24T12:00:00Z", &["report", "--format", "markdown", "-o", to.to_str().unwrap()]));

    // A file that exists keeps its mode (a report a web server serves stays readable).
    let shared = env.write("shared.md", "old");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = write(&shared);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::metadata(&shared).unwrap().permissions().mode() & 0o777, 0o644);
    assert!(std::fs::read_to_string(&shared).unwrap().starts_with("# License usage report"));

    // A symlink stays a link; the file it names gets the report.
    let link = env.path("latest.md");
    std::os::unix::fs::symlink("shared.md", &link).unwrap();
    std::fs::write(&shared, "old").unwrap();
    let out = write(&link);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was replaced");
    assert!(std::fs::read_to_string(&shared).unwrap().starts_with("# License usage report"));

    // A FIFO is written in place, its reader gets the report, it stays a FIFO.
    let fifo = env.path("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = write(&fifo);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(reader.join().unwrap().starts_with("# License usage report"));
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO was replaced by a file");

    // /dev/null: written, not renamed over (which would fail, or worse as root).
    let out = write(Path::new("/dev/null"));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// A young history (two snapshots an hour apart) gets no empty charts: the
/// section says how much history there is and lists the series instead; the
/// Markdown has no empty column.
#[test]
fn a_young_history_lists_its_series_instead_of_empty_charts() {
    let env = TestEnv::new();
    let cfg =
        std::fs::read_to_string(repo("config.example.toml")).unwrap().replace("\"fixtures/", &format!("\"{}/", repo("fixtures").display()));
    let cfg = cfg.replacen("[history]\n", &format!("[history]\npath = \"{}\"\n", env.path("history.sqlite3").display()), 1);
    env.write("config.toml", &cfg);
    for now in ["2026-11-24T10:00:00Z", "2026-11-24T11:00:00Z"] {
        assert_eq!(Output::of(report_cmd(&env, now, &["-q", "record"])).code, 0);
    }
    let html = Output::of(report_cmd(&env, "2026-11-24T12:00:00Z", &["report"])).stdout;
    let doc = scraper::Html::parse_document(&html);
    assert_eq!(doc.select(&scraper::Selector::parse("figure svg").unwrap()).count(), 0, "no chart of two points an hour apart");
    assert!(
        html.contains("The history runs from 2026-11-24 to 2026-11-24 (0 days)") && html.contains("Too little history for a chart yet"),
        "{html}"
    );
    assert!(html.contains("the first come on 2026-11-25") && html.contains("class=\"spark\""), "{html}");
    let md = Output::of(report_cmd(&env, "2026-11-24T12:00:00Z", &["report", "--format", "markdown"])).stdout;
    assert!(
        md.contains("Too little history for a chart yet. A chart needs a day")
            && md.contains("| Acrobat Pro named\\_user (assets) | 2 | 2026-11-24 | 142 |"),
        "{md}"
    );
    let trends = md.split("## Trends").nth(1).and_then(|t| t.split("\n## ").next()).unwrap();
    assert!(!trends.lines().any(|l| l.starts_with('|') && l.contains("| |")), "an empty column:\n{trends}");
}

/// At a phone's width the page still draws (its screenshot is in docs/), and
/// its print view is A4 pages (Chromium's own PDF).
#[test]
fn chromium_draws_the_report_at_a_phone_width_and_prints_it_on_a4() {
    let Some(chromium) = tool("chromium") else { return };
    let env = TestEnv::new();
    setup(&env);
    let (file, _) = html_report(&env);
    let run = |args: &[String]| {
        Command::new(&chromium)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"])
            .args(["--disable-component-update", "--disable-sync", "--hide-scrollbars"])
            .arg(format!("--user-data-dir={}", env.path("chromium-profile").display()))
            .args(args)
            .arg(format!("file://{}", file.display()))
            .output()
            .unwrap()
    };
    let shot = env.path("phone.png");
    let out = run(&["--window-size=390,3000".into(), format!("--screenshot={}", shot.display())]);
    assert!(shot.exists(), "no screenshot: {}", String::from_utf8_lossy(&out.stderr));
    let (w, _, inked, _) = ink(&shot);
    assert_eq!(w, 390);
    assert!(inked > 0.03, "{inked:.3} inked");
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::copy(&shot, repo("docs/report-phone.png")).unwrap();
    }
    let pdf = env.path("report.pdf");
    let out = run(&["--no-pdf-header-footer".into(), format!("--print-to-pdf={}", pdf.display())]);
    let bytes = std::fs::read(&pdf).unwrap_or_else(|_| panic!("no PDF: {}", String::from_utf8_lossy(&out.stderr)));
    let text = String::from_utf8_lossy(&bytes);
    // A4 is 595 × 842 points (Chromium writes 594.96 × 841.92).
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    let a4 = text
        .split("/MediaBox [0 0 ")
        .skip(1)
        .all(|b| b.starts_with("594.9") && b.split(' ').nth(1).is_some_and(|h| h.starts_with("841.9")));
    assert!(a4 && text.contains("/MediaBox"), "not A4 pages");
    assert!(pages >= 3, "{pages} pages");
}
