//! The report as one self-contained HTML page: maud templates (escaping
//! every value), inline CSS with a print layout for A4, inline SVG charts
//! with text alternatives, no script and no external reference.

use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, Utc};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::{chart, count, limit, money, percent, percent_text, sums};
use crate::digest::{self, Digest, Seats};
use crate::output::escape;
use crate::record::Status;
use crate::report::Report;

const CSS: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2328;margin:2rem auto;max-width:60rem;padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9rem}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #d8dee4;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}.nowrap{white-space:nowrap}
.bar{display:inline-block;width:6rem;height:.7rem;background:#eaeef2;border-radius:2px;vertical-align:middle;margin-right:.4rem}
.fill{display:block;height:100%;border-radius:2px;background:#1f883d}.fill.warning{background:#bf8700}.fill.critical{background:#cf222e}.fill.unknown{background:#8c959f}
.status{font-weight:600}.status.ok{color:#1a7f37}.status.warning{color:#9a6700}.status.critical{color:#cf222e}.status.unknown{color:#57606a}
.cards{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}ul.spark{list-style:none;padding:0;margin:.3rem 0 0;font-size:.85rem}.card{border:1px solid #d0d7de;border-radius:6px;padding:.5rem .9rem;min-width:8rem}.card b{display:block;font-size:1.4rem}
figure{margin:1rem 0 1.5rem;break-inside:avoid}figcaption{font-size:.85rem;color:#57606a}
svg.chart{width:100%;height:auto;max-width:640px;display:block}.plot{fill:#fff;stroke:#d0d7de}.axis{stroke:#8c959f}
.used{fill:none;stroke:#0969da;stroke-width:2.5}.used-dot{fill:#0969da}.limit{stroke:#cf222e;stroke-width:1.5;stroke-dasharray:6 4}.trend{stroke:#8250df;stroke-width:1.5;stroke-dasharray:2 3}
.tick,.label{font-size:11px;fill:#57606a}.limit-label{fill:#cf222e}.note{color:#57606a}.error{color:#cf222e}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}tr,figure,.card{break-inside:avoid}}
@media (max-width:40rem){body{margin:1rem auto}table{display:block;overflow-x:auto}}
@page{size:A4;margin:15mm}
"#;

/// Vendor text as data: control characters escaped, then HTML-escaped by maud.
fn t(s: &str) -> String {
    escape::text(s).into_owned()
}

fn status(s: Status) -> Markup {
    html! { span class={"status " (s.as_str())} { (s.as_str()) } }
}

fn seats_table(caption: &str, rows: &[Seats], what: &str) -> Markup {
    html! {
        table {
            caption class="note" { (caption) }
            thead { tr { th scope="col" { "Source" } th scope="col" { "Product" } th scope="col" { "Metric" } th scope="col" { (what) } th scope="col" { "Price a seat / year" } th scope="col" { "Cost a year" } } }
            tbody {
                @for s in rows {
                    tr {
                        td { (t(&s.source)) } td { (t(&s.product)) } td { (t(&s.metric)) }
                        td class="n" { (count(Some(s.seats))) }
                        td class="n" { @if let Some((p, c)) = &s.price { (money(*p, &t(c))) } @else { "—" } }
                        td class="n" { @if let Some((v, c)) = s.cost() { (money(v, &t(c))) } @else { "—" } }
                    }
                }
            }
            tfoot { tr { th scope="row" colspan="5" { "Total a year" } td class="n" { (sums(&digest::totals(rows), t)) } } }
        }
    }
}

pub fn write(out: &mut dyn Write, d: &Digest) -> Result<()> {
    let r = &d.report;
    let now = d.generated_at;
    let from = now - chrono::Duration::from_std(d.since).unwrap_or_default();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(seconds) = d.refresh {
                    meta http-equiv="refresh" content=(seconds);
                }
                title { "License usage report, " (now.format("%Y-%m-%d")) }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    h1 { "License usage report" }
                    p class="note" { "Generated " (now.format("%Y-%m-%d %H:%M UTC")) " by licusage " (env!("CARGO_PKG_VERSION")) " from " (r.sources.len()) " sources." }
                }
                main {
                    (due(d))
                    (summary(d))
                    (sources(r))
                    (trends(d, from, now))
                    (reclaim(d))
                    (ahead(d, now))
                }
            }
        }
    };
    out.write_all(page.into_string().as_bytes())?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The cards, and the sources that could not be read.
/// The renewal decisions due now or soon (`plan`), first thing on the page.
fn due(d: &Digest) -> Markup {
    html! {
        section aria-labelledby="due" {
            h2 id="due" { "Decisions due" }
            @if d.due.is_empty() {
                p class="note" { "No renewal or expiry needs a decision in the next " (crate::plan::SOON_DAYS) " days (" code { "licusage plan" } " lists them all)." }
            } @else {
                table {
                    caption class="note" { "Decide by the deadline: the renewal or expiry date less the notice period. From " code { "licusage plan" } "." }
                    thead { tr { th scope="col" { "Deadline" } th scope="col" { "Series" } th scope="col" { "Limit" } th scope="col" { "Peak" } th scope="col" { "P95" } th scope="col" { "Renew at" } th scope="col" { "Change" } th scope="col" { "Date" } } }
                    tbody {
                        @for x in &d.due {
                            tr {
                                td class="nowrap" { (x.deadline.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default()) " " (x.when.as_str()) }
                                td { (t(&x.product)) " " (t(&x.metric)) " (" (t(&x.source)) ")" }
                                td class="n" { (count(x.limit)) }
                                td class="n" { (count(x.peak)) }
                                td class="n" { (count(x.p95)) }
                                td class="n" { (super::renew_at(x)) }
                                td class="n" { (super::change(x, t)) }
                                td class="nowrap" { (x.date.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default()) " " (x.date_is.unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn summary(d: &Digest) -> Markup {
    let r = &d.report;
    html! {
        section aria-labelledby="summary" {
            h2 id="summary" { "Summary" }
            div class="cards" {
                @for (s, n) in d.by_status() {
                    div class="card" { b { (n) } (status(s)) " series" }
                }
                div class="card" { b { (r.errors.len()) } "sources failed" }
                div class="card" { b { (sums(&digest::totals(&d.reclaim), t)) } "a year in seats idle " (d.idle_days) "+ days" }
                div class="card" { b { (sums(&digest::totals(&d.unused), t)) } "a year in unused seats" }
                div class="card" { b { (d.ahead.len()) } "expiries and renewals in " (digest::AHEAD_DAYS) " days" }
            }
            @if !r.errors.is_empty() {
                h3 { "Sources that could not be read" }
                ul { @for e in &r.errors { li class="error" { strong { (t(&e.source)) } " (" (t(&e.kind)) "): " (t(&e.message)) } } }
            }
        }
    }
}

/// Each source's series with a bar for its use.
fn sources(r: &Report) -> Markup {
    html! {
        section aria-labelledby="sources" {
            h2 id="sources" { "Usage by source" }
            @for (name, kind) in &r.sources {
                @let records: Vec<_> = r.records.iter().filter(|x| &x.source == name).collect();
                @if !records.is_empty() {
                    h3 { (t(name)) " " span class="note" { "(" (t(kind)) ")" } }
                    table {
                        thead { tr { th scope="col" { "Product" } th scope="col" { "Metric" } th scope="col" { "Used" } th scope="col" { "Limit" } th scope="col" { "Use" } th scope="col" { "Expires" } th scope="col" { "Status" } } }
                        tbody {
                            @for x in records {
                                tr {
                                    td { (t(&x.product)) } td { (t(&x.metric)) }
                                    td class="n" { (count(x.used)) } td class="n" { (limit(x)) }
                                    td class="nowrap" {
                                        @if let (Some(p), Some(text)) = (percent(x), percent_text(x)) {
                                            span class="bar" aria-hidden="true" { span class={"fill " (x.status.as_str())} style={"width:" (p.min(100)) "%"} {} }
                                            (text)
                                        } @else { "—" }
                                    }
                                    td class="nowrap" { @if let Some(e) = x.expires_at { (e.format("%Y-%m-%d")) } @else { "—" } }
                                    td { (status(x.status)) @for reason in &x.reasons { br; span class="note" { (t(reason)) } } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A chart per series whose history has a shape, the rest listed, or why
/// there is none.
fn trends(d: &Digest, from: DateTime<Utc>, now: DateTime<Utc>) -> Markup {
    html! {
        section aria-labelledby="trends" {
            h2 id="trends" { "Trends over " (super::range(d.since)) }
            @match &d.history {
                Err(none) => p class="note" { "No history yet at " code { (none.at.to_string()) } ": run " code { "licusage record" } " from cron (every 15 minutes, say) and the charts of used against limit, their trends and forecasts appear here." },
                Ok(series) if series.is_empty() => p class="note" { "The history holds no samples in this range." },
                Ok(series) => {
                    @let (charts, young, blank) = super::chart_groups(series);
                    // The axis spans the data, not the window.
                    @let start = series.iter().map(|s| s.first.at).min().unwrap_or(from).max(from);
                    p class="note" { (super::history_span(series)) }
                    @for (i, s) in charts.iter().enumerate() {
                        @let title = format!("{} {} ({})", t(&s.product), t(&s.metric), t(&s.source));
                        figure {
                            (chart::svg(s, start, now, i, &title))
                            figcaption { strong { (title) } ": " (chart::describe(s)) }
                        }
                    }
                    @if !young.is_empty() {
                        h3 { "Too little history for a chart yet" }
                        p class="note" { (super::charts_from(&young)) }
                        // Small multiples by source: each series' sparkline and its last count.
                        div class="cards" {
                            @for (source, rows) in super::by_source(&young) {
                                div class="card" {
                                    strong { (t(source)) }
                                    ul class="spark" {
                                        @for s in rows {
                                            li { (t(&s.product)) " " (t(&s.metric)) " " span class="nowrap" { code { (s.sparkline.trim()) } " " (count(s.last.used)) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if blank > 0 {
                        p class="note" { (blank) " series report no counts and have no chart." }
                    }
                }
            }
        }
    }
}

/// Idle seats held and seats bought unassigned, priced.
fn reclaim(d: &Digest) -> Markup {
    html! {
        section aria-labelledby="reclaim" {
            h2 id="reclaim" { "Seats to reclaim and unused seats" }
            @if d.reclaim.is_empty() { p class="note" { "No seat held by someone who has not used it for " (d.idle_days) " days or more (among the sources that record use)." } }
            @else { (seats_table(&format!("Held, unused for {} days or more", d.idle_days), &d.reclaim, "Idle seats")) }
            @if d.unused.is_empty() { p class="note" { "Every limited named seat is assigned." } }
            @else { (seats_table("Named seats bought and not assigned", &d.unused, "Unused seats")) }
            @if !d.floating.is_empty() {
                (seats_table("Floating licenses not checked out now (a free floating license serves the next user: not waste)", &d.floating, "Free now"))
            }
            p class="note" { "Only seats count here (seats, users, licenses): never documents or signatures, free plans or expired licenses." }
        }
    }
}

/// What expires or renews soon.
fn ahead(d: &Digest, now: DateTime<Utc>) -> Markup {
    html! {
        section aria-labelledby="ahead" {
            h2 id="ahead" { "Expiries and renewals in the next " (digest::AHEAD_DAYS) " days" }
            @if d.ahead.is_empty() { p class="note" { "Nothing expires or renews in that time." } }
            @else {
                table {
                    thead { tr { th scope="col" { "Date" } th scope="col" { "What" } th scope="col" { "Source" } th scope="col" { "Product" } th scope="col" { "Metric" } th scope="col" { "Auto-renew" } } }
                    tbody {
                        @for due in &d.ahead {
                            tr {
                                td class="nowrap" { (due.at.format("%Y-%m-%d")) }
                                td { @if due.at < now { "expired" } @else { (due.what) } }
                                td { (t(&due.source)) } td { (t(&due.product)) } td { (t(&due.metric)) }
                                td { @match due.auto_renew { Some(true) => "yes", Some(false) => "no", None => "—" } }
                            }
                        }
                    }
                }
            }
        }
    }
}
