//! What `serve` answers from: the latest read of every source, kept per
//! source (a failed read keeps the last good records), and the documents
//! rendered from them once per read, which every scrape until the next read
//! shares.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::output::{self, Format, Style};
use crate::record::Record;
use crate::report::{Report, SourceError};

/// The documents of one moment, ready to send: one copy each, shared by
/// every answer that sends it (a slow client holds a reference, not a copy).
#[derive(Debug, Default)]
pub struct Snapshot {
    /// `/metrics`: the Prometheus text.
    pub metrics: bytes::Bytes,
    /// `/records`: the `show --format json` document.
    pub records: bytes::Bytes,
    /// `/` and `/report.md`: the report of the latest reads.
    pub html: bytes::Bytes,
    pub markdown: bytes::Bytes,
}

/// One source's latest read.
#[derive(Debug)]
struct Latest {
    kind: String,
    /// The records of the last read that succeeded.
    records: Vec<Record>,
    /// Why the latest read failed, when it did.
    error: Option<String>,
    succeeded_at: Option<DateTime<Utc>>,
    took: Duration,
    /// What its server log said on the last read that succeeded.
    log: Option<crate::serverlog::SourceLog>,
    /// `plan`'s decisions for its records.
    decisions: Vec<crate::plan::Decision>,
}

#[derive(Debug, Default)]
struct Sources {
    /// The sources served, in the config's order.
    order: Vec<String>,
    latest: HashMap<String, Latest>,
    /// The page: where the history is (its charts), and how often it reloads.
    page: Page,
}

/// What the live report needs beyond the reads.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub history: Option<crate::history::Location>,
    pub refresh: Duration,
}

/// The latest reads and the snapshot made of them.
#[derive(Debug, Default)]
pub struct Board {
    sources: Mutex<Sources>,
    snapshot: RwLock<Arc<Snapshot>>,
}

impl Board {
    /// The documents to answer with now: never waits for a read.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Serve these sources (after a reload): the latest reads of those that
    /// stay are kept, those of sources gone are dropped.
    pub fn set_sources(&self, names: Vec<String>, page: Page) {
        self.change(|s| {
            s.page = page;
            s.latest.retain(|name, _| names.contains(name));
            s.order = names;
        });
    }

    /// A read of one source, as `read::read` reported it.
    pub fn update(&self, report: Report) {
        self.change(|s| {
            for (i, (name, kind)) in report.sources.iter().enumerate() {
                if !s.order.contains(name) {
                    // Read by a reader of the config before a reload.
                    continue;
                }
                let error = report.errors.iter().find(|e| &e.source == name).map(|e| e.message.clone());
                let took = report.took.get(i).copied().unwrap_or_default();
                let latest = s.latest.entry(name.clone()).or_insert_with(|| Latest {
                    kind: kind.clone(),
                    records: Vec::new(),
                    error: None,
                    succeeded_at: None,
                    took,
                    log: None,
                    decisions: Vec::new(),
                });
                latest.kind = kind.clone();
                latest.took = took;
                match error {
                    // The last good series stay: a vendor's bad minute does not blank the dashboards.
                    Some(message) => latest.error = Some(message),
                    None => {
                        latest.error = None;
                        latest.records = report.records.iter().filter(|r| &r.source == name).cloned().collect();
                        latest.succeeded_at = report.succeeded_at.get(i).copied().flatten();
                        latest.decisions = report.decisions.iter().filter(|d| &d.source == name).cloned().collect();
                        latest.log = report.logs.iter().find(|l| &l.source == name).cloned().map(|mut l| {
                            // Checkout time is for `record`: not kept here.
                            l.usage.clear();
                            l
                        });
                    }
                }
            }
        });
    }

    fn change(&self, f: impl FnOnce(&mut Sources)) {
        let mut sources = match self.sources.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut sources);
        let snapshot = Arc::new(render(&sources, crate::resolve::now().unwrap_or_else(|_| Utc::now())));
        // Published while the sources are still locked, so snapshots follow reads in order.
        match self.snapshot.write() {
            Ok(mut s) => *s = snapshot,
            Err(poisoned) => *poisoned.into_inner() = snapshot,
        }
    }
}

/// The report the latest reads make together, rendered.
fn render(sources: &Sources, now: DateTime<Utc>) -> Snapshot {
    let mut report = Report { read_at: now, ..Report::default() };
    for name in &sources.order {
        // A source not read yet has no series at all, not a 0.
        let Some(latest) = sources.latest.get(name) else { continue };
        report.sources.push((name.clone(), latest.kind.clone()));
        report.took.push(latest.took);
        report.succeeded_at.push(latest.succeeded_at);
        report.records.extend(latest.records.iter().cloned());
        report.logs.extend(latest.log.iter().cloned());
        report.decisions.extend(latest.decisions.iter().cloned());
        if let Some(message) = &latest.error {
            report.errors.push(SourceError { source: name.clone(), kind: latest.kind.clone(), message: message.clone() });
        }
    }
    let mut metrics = Vec::new();
    let mut records = Vec::new();
    let style = Style { color: false, width: None };
    // Writing to memory cannot fail.
    let _ = output::render(&mut metrics, Format::Prometheus, &report, now, &style);
    let _ = output::render(&mut records, Format::Json, &report, now, &style);
    let (html, markdown) = page(&sources.page, report, now);
    Snapshot { metrics: metrics.into(), records: records.into(), html: html.into(), markdown: markdown.into() }
}

/// The report of `report` as `licusage report` writes it (no holders are
/// read here: no idle seats), the history's charts over 30 days where there
/// is one, reloading itself every refresh.
fn page(page: &Page, report: Report, now: DateTime<Utc>) -> (Vec<u8>, Vec<u8>) {
    let since = Duration::from_secs(30 * 86_400);
    let from = now - chrono::Duration::days(30);
    let history = match page.history.as_ref().filter(|p| p.exists()) {
        None => {
            Err(crate::digest::NoHistory { at: page.history.clone().unwrap_or_else(|| crate::history::Location::File(Default::default())) })
        }
        Some(at) => crate::history::Store::peek(at)
            .and_then(|store| {
                let all = crate::history::HistoryFilter::default();
                let series = store.history_in(&all, from, now, 60)?;
                // A young history: the charts' axis spans the data, not the window.
                match series.iter().map(|s| s.first.at).min().filter(|first| *first > from) {
                    Some(first) => store.history_in(&all, first, now, 60),
                    None => Ok(series),
                }
            })
            .map_err(|_| crate::digest::NoHistory { at: at.clone() }),
    };
    let mut digest = crate::digest::Digest::new(report, history, Default::default(), since, 90, now);
    digest.due = crate::plan::due(digest.report.decisions.iter().cloned());
    digest.refresh = Some(page.refresh.as_secs().max(1));
    let (mut html, mut markdown) = (Vec::new(), Vec::new());
    let _ = output::report::write(&mut html, Format::Html, &digest);
    digest.refresh = None;
    let _ = output::report::write(&mut markdown, Format::Markdown, &digest);
    (html, markdown)
}
