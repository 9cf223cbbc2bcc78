//! Reading sources: every selected source concurrently, from its file or its
//! vendor's API, each into records (or an error that names it); one failing
//! source never hides the others.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::{Config, Source};
use crate::fetch::Fetch;
use crate::holder::{Holder, Kept, Sink};
use crate::http::Http;
use crate::payload::{Body, Input};
use crate::record::{evaluate, Record};
use crate::report::{self, Report, SourceError};
use crate::secret::Sent;
use crate::select::RecordFilter;
use crate::serverlog::{self, Cursor, SourceLog};
use crate::vendors::Payloads;

/// Where holders go as they are read: `wanted` finishes each one and says
/// whether it goes out, and `render`, where the output is written row by
/// row, writes it (both run on the threads that parse, so a large export is
/// filtered and written on every core); `write` takes the wanted ones, in order.
#[derive(Clone)]
pub struct HolderSink {
    pub wanted: Arc<dyn Fn(&mut Holder) -> bool + Send + Sync>,
    pub render: Option<crate::holder::RowWriter>,
    pub write: Arc<dyn Fn(Kept) + Send + Sync>,
    /// Whether the output shows the holders' `details` (JSON, NDJSON).
    pub details: bool,
}

/// How to read.
#[derive(Clone, Default)]
pub struct ReadOptions {
    /// Log requests to stderr.
    pub verbose: bool,
    /// A spinner on stderr while slow sources are read (only on a terminal).
    pub progress: bool,
    /// Read holders too (a kind may fetch them only then), each handed to the sink
    /// stamped and filtered; sources are still fetched concurrently but then
    /// parsed one at a time in the order they were selected, so that each
    /// source's holders arrive together and a report is the same on every run.
    pub holders: Option<HolderSink>,
    /// Where the sources' server logs (`log`) are read from, and what for;
    /// without it each log is read from its start.
    pub cursors: Option<Arc<LogReads>>,
}

/// Where the sources' server logs are read from, and what for.
#[derive(Debug, Default)]
pub struct LogReads {
    /// Where each log was left by the previous read, by source name: a
    /// source without one reads its log from the start.
    pub from: std::collections::HashMap<String, Cursor>,
    /// Whether checkout time is followed (`record` keeps it).
    pub usage: bool,
}

/// Read `sources` concurrently, stamp, filter and evaluate their records, and
/// sort them by source, product and metric.
pub async fn read(config: &Config, sources: &[&Source], filter: &RecordFilter, options: &ReadOptions, now: DateTime<Utc>) -> Report {
    // Standard input can be read once: by the first source that names it.
    let stdin_reader = sources.iter().find(|s| s.files().any(|i| *i == Input::Stdin)).map(|s| s.name.clone());
    // No TLS set-up unless a source reads from the network.
    let http = match sources.iter().any(|s| s.file.is_none()) {
        true => Some(Arc::new(Http::new(options.verbose))),
        false => None,
    };
    let progress = Progress::start(options.progress, sources.len());
    let turns = Turns::default();
    let mut tasks = tokio::task::JoinSet::new();
    // Which source each task reads, so that one that panics is still named.
    let mut indices = std::collections::HashMap::new();
    for (index, source) in sources.iter().enumerate() {
        let job = Job {
            source: (*source).clone(),
            stdin: stdin_reader.as_deref() == Some(source.name.as_str()),
            http: http.clone(),
            timeout: config.timeout_of(source),
            deadline: config.deadline_of(source),
            holders: options.holders.clone().map(|sink| (sink, filter.clone())),
            cursor: options.cursors.as_ref().and_then(|c| c.from.get(&source.name)).cloned(),
            timed: options.cursors.as_ref().is_some_and(|c| c.usage),
            verbose: options.verbose,
            now,
        };
        // Taken before the task starts, so that it is given back however the task ends.
        let ticket = turns.ticket(index);
        let task = tasks.spawn(async move {
            let started = std::time::Instant::now();
            let result = job.run(ticket).await;
            (index, result, started.elapsed())
        });
        indices.insert(task.id(), index);
    }
    let mut results: Vec<(usize, Read)> = Vec::with_capacity(sources.len());
    let mut took = vec![Duration::ZERO; sources.len()];
    while let Some(joined) = tasks.join_next_with_id().await {
        match joined {
            Ok((_, (index, result, elapsed))) => {
                if let Some(s) = sources.get(index) {
                    progress.done(&s.name);
                }
                if let Some(t) = took.get_mut(index) {
                    *t = elapsed;
                }
                results.push((index, result));
            }
            Err(e) => {
                // A panic in a source's task is that source's error, never a silent gap.
                if let Some(&index) = indices.get(&e.id()) {
                    results.push((index, Err(format!("internal error: reading this source failed ({e})"))));
                }
            }
        }
    }
    progress.finish();
    results.sort_by_key(|(i, _)| *i);
    report(config, sources, filter, results, took, now)
}

/// What one source's read gave: its records and what its log said, or its error.
type Read = Result<(Vec<Record>, Option<SourceLog>), String>;

/// One source's read, as its task runs it.
struct Job {
    source: Source,
    /// Whether this source is the one that reads stdin.
    stdin: bool,
    http: Option<Arc<Result<Http, String>>>,
    timeout: Duration,
    deadline: Duration,
    holders: Option<(HolderSink, RecordFilter)>,
    /// Where its log was left.
    cursor: Option<Cursor>,
    /// Whether its log's checkout time is followed.
    timed: bool,
    /// `-v`: the parse says how it read what it read.
    verbose: bool,
    now: DateTime<Utc>,
}

impl Job {
    /// The payloads, fetched or opened, then parsed; with holders, parsed in
    /// the turn of the source (`ticket`), so that holders come in order.
    async fn run(self, ticket: Ticket) -> Read {
        let sent = Sent::default();
        self.read(ticket, &sent).await.map_err(|e| sent.scrub(&e))
    }

    /// [`Job::run`], its errors as the source said them: `sent` holds the
    /// secrets to scrub from them.
    async fn read(self, ticket: Ticket, sent: &Sent) -> Read {
        let ends = std::time::Instant::now() + self.deadline;
        let want_holders = self.holders.is_some();
        let payloads = match (&self.source.file, &self.http) {
            (Some(input), _) => from_files(&self.source, input, self.stdin, want_holders).await,
            (None, Some(http)) => match http.as_ref() {
                Ok(http) => self.fetch(http, want_holders, sent).await,
                Err(e) => Err(e.clone()),
            },
            (None, None) => Err("internal error: neither a file to read nor an HTTP client".to_string()),
        };
        let mut payloads = payloads?;
        payloads.now = Some(self.now);
        payloads.spelling = self.source.spelling;
        payloads.ends = Some(ends);
        payloads.want_holders = want_holders;
        payloads.verbose = self.verbose.then(|| self.source.name.clone());
        if want_holders {
            ticket.wait().await;
        }
        let log = self.source.log.clone();
        let (name, kind) = (self.source.name.clone(), self.source.kind());
        let result = parse(self.source, payloads, self.holders).await;
        drop(ticket);
        let mut records = result?;
        let Some(log) = log else { return Ok((records, None)) };
        // The server's own log, from where the previous read left it.
        let (cursor, timed) = (self.cursor, self.timed);
        let read = tokio::task::spawn_blocking(move || {
            let read = serverlog::read_log(&log.path, log.format, cursor.as_ref(), Some(ends), timed)?;
            Ok::<_, String>(serverlog::records::attach(&mut records, read, cursor, &name, kind, log.path))
                .map(|found| (records, Some(found)))
        })
        .await
        .map_err(|e| format!("internal error: {e}"))?;
        read
    }

    /// The whole read, retries and waits included, ends by the deadline.
    async fn fetch(&self, http: &Http, want_holders: bool, sent: &Sent) -> Result<Payloads, String> {
        let ends = tokio::time::Instant::now() + self.deadline;
        let source = Arc::new(self.source.clone());
        let ctx = Fetch { http, source, timeout: self.timeout, want_holders, ends, sent: sent.clone() };
        match tokio::time::timeout(self.deadline, self.source.bound.fetch(&ctx)).await {
            Ok(fetched) => fetched.map_err(|e| report::message(&e)),
            Err(_) => Err(format!(
                "no answer within the source's deadline of {} (retries and waits included; {} sets it, 3 × the timeout by default)",
                humantime::format_duration(self.deadline),
                self.source.spelling.key("deadline"),
            )),
        }
    }
}

/// The report of what the sources gave: records stamped, filtered and
/// evaluated, errors by source, when each succeeded.
fn report(
    config: &Config,
    sources: &[&Source],
    filter: &RecordFilter,
    results: Vec<(usize, Read)>,
    took: Vec<Duration>,
    now: DateTime<Utc>,
) -> Report {
    let mut report = Report {
        sources: sources.iter().map(|s| (s.name.clone(), s.kind().to_string())).collect(),
        took,
        read_at: now,
        ..Report::default()
    };
    for (index, result) in results {
        let Some(source) = sources.get(index) else { continue };
        match result {
            Ok((records, log)) => {
                if let Some(mut log) = log {
                    log.counters.retain(|c| kept(source, filter, &c.product, &c.metric));
                    report.logs.push(log);
                }
                for mut record in records {
                    if !kept(source, filter, &record.product, &record.metric) {
                        continue;
                    }
                    record.source = source.name.clone();
                    record.kind = source.kind().to_string();
                    let thresholds = config.thresholds_for(&record.source, &record.product, &record.metric);
                    evaluate(&mut record, &thresholds, now);
                    report.records.push(record);
                }
            }
            Err(message) => report.errors.push(SourceError { source: source.name.clone(), kind: source.kind().to_string(), message }),
        }
    }
    report.succeeded_at = report
        .sources
        .iter()
        .zip(&report.took)
        .map(|((name, _), took)| {
            let failed = report.errors.iter().any(|e| &e.source == name);
            (!failed).then(|| now + chrono::Duration::from_std(*took).unwrap_or_default())
        })
        .collect();
    report.records.sort_by(|a, b| (&a.source, &a.product, &a.metric, &a.id).cmp(&(&b.source, &b.product, &b.metric, &b.id)));
    report
}

/// Each series of a source has its own id: two records with one id are the
/// source's error, never merged (history, `diff` and Prometheus key on it).
fn unique_ids(records: Vec<Record>) -> Result<Vec<Record>, String> {
    let mut seen = std::collections::HashMap::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        if let Some(first) = seen.insert(r.id.as_str(), i).and_then(|j| records.get(j)) {
            return Err(format!(
                "two series with the id `{}` ({}/{} and {}/{}): each series needs its own id",
                r.id, first.product, first.metric, r.product, r.metric
            ));
        }
    }
    Ok(records)
}

/// Whether a series passes the source's `include`/`exclude` and the command
/// line's `--product`/`--metric`: the same rule for records and holders.
fn kept(source: &Source, filter: &RecordFilter, product: &str, metric: &str) -> bool {
    source.wants(product, metric) && filter.matches(product, metric)
}

/// The payloads of a file source: `file` and the inputs its kind declared.
/// Files and stdin are parsed as they are read, never loaded whole; `stdin`
/// says whether this source is the one that reads it.
async fn from_files(source: &Source, input: &Input, stdin: bool, want_holders: bool) -> Result<Payloads, String> {
    let body = |input: &Input| -> Result<Body, String> {
        match input {
            Input::Path(path) => match std::fs::metadata(path) {
                Ok(m) if m.is_dir() => Err(format!("cannot read {}: it is a directory", path.display())),
                Ok(_) => Ok(Body::File(path.clone())),
                Err(e) => Err(format!("cannot read {}: {e}", path.display())),
            },
            Input::Stdin if stdin => Ok(Body::Stdin),
            Input::Stdin => Err("stdin is read by another source already".to_string()),
        }
    };
    let mut payloads = Payloads { main: vec![body(input)?], ..Payloads::default() };
    for extra in &source.inputs {
        if extra.input == *input {
            return Err(format!("{} must differ from {}", source.spelling.key(extra.key), source.spelling.key("file")));
        }
        if want_holders || !extra.holders_only {
            payloads.extra.insert(extra.payload, vec![body(&extra.input)?]);
        }
    }
    Ok(payloads)
}

/// Parse off the async workers (a large export is CPU work), handing holders
/// to the sink stamped with the source and filtered like its records.
async fn parse(source: Source, payloads: Payloads, holders: Option<(HolderSink, RecordFilter)>) -> Result<Vec<Record>, String> {
    // An error names the file it is in: the main payload's, or that of the
    // extra payload whose name the error starts with (cPod's assignments).
    let origin_of = |bodies: &[Body]| match bodies.first() {
        Some(Body::File(path)) => format!("{}: ", path.display()),
        Some(Body::Stdin) => "stdin: ".to_string(),
        _ => String::new(),
    };
    let origin = origin_of(&payloads.main);
    let extra_origins: Vec<(&'static str, String)> = payloads.extra.iter().map(|(label, bodies)| (*label, origin_of(bodies))).collect();
    let parsed = tokio::task::spawn_blocking(move || {
        let name: Arc<str> = Arc::from(source.name.as_str());
        let wanted = |mut h: Holder| match &holders {
            Some((sink, filter)) if kept(&source, filter, &h.product, &h.metric) && (sink.wanted)(&mut h) => {
                h.source = name.clone();
                h.kind = source.kind();
                // A row that cannot be written here goes on as a holder.
                Some(match sink.render.as_ref().and_then(|render| render(&h)) {
                    Some(row) => Kept::Written(row),
                    None => Kept::Holder(Box::new(h)),
                })
            }
            _ => None,
        };
        let mut write = |k: Kept| {
            if let Some((sink, _)) = &holders {
                (sink.write)(k);
            }
        };
        let details = holders.as_ref().is_some_and(|(sink, _)| sink.details);
        let sink = Sink::new(&wanted, &mut write);
        source.bound.parse(&payloads, &mut if details { sink } else { sink.without_details() })
    })
    .await
    .map_err(|e| format!("internal error: {e}"))?;
    parsed.map_err(|e| e.to_string()).and_then(unique_ids).map_err(|e| {
        let from = extra_origins.iter().find(|(label, _)| e.strip_prefix(label).is_some_and(|rest| rest.starts_with([' ', ':'])));
        format!("{}{e}", from.map_or(&origin, |(_, o)| o))
    })
}

/// Whose turn it is to parse when holders are streamed: sources in the order
/// they were selected. A source that is done (parsed, failed, or its task
/// gone) gives its turn back through its ticket's `Drop`, so a failure never
/// leaves the sources after it waiting.
#[derive(Clone, Default)]
struct Turns(Arc<tokio::sync::watch::Sender<TurnState>>);

#[derive(Default)]
struct TurnState {
    /// The first source not done yet.
    next: usize,
    /// Sources done out of order, waiting for `next` to reach them.
    done: std::collections::BTreeSet<usize>,
}

struct Ticket {
    turns: Turns,
    index: usize,
}

impl Turns {
    fn ticket(&self, index: usize) -> Ticket {
        Ticket { turns: self.clone(), index }
    }
}

impl Ticket {
    /// Until every source before this one is done.
    async fn wait(&self) {
        let mut state = self.turns.0.subscribe();
        // The sender lives in this ticket, so the channel cannot close under us.
        let _ = state.wait_for(|s| s.next >= self.index).await;
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.turns.0.send_modify(|s| {
            s.done.insert(self.index);
            while s.done.remove(&s.next) {
                s.next += 1;
            }
        });
    }
}

/// A spinner on stderr, only on a terminal and only once reading has taken a
/// moment (a fast run draws nothing).
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    const DELAY: Duration = Duration::from_millis(400);

    fn start(wanted: bool, total: usize) -> Self {
        let bar = (wanted && std::io::stderr().is_terminal() && total > 0).then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(Some(total as u64), indicatif::ProgressDrawTarget::hidden());
            if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} reading sources {pos}/{len} {msg}") {
                bar.set_style(style);
            }
            let shown = bar.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Self::DELAY).await;
                if !shown.is_finished() {
                    shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                }
            });
            bar
        });
        Progress { bar }
    }

    fn done(&self, name: &str) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(format!("({name} done)"));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::fetch::BoxFuture;
    use crate::vendors::{Key, Kind, Vendor};

    /// A kind whose fetch panics: as a bug in a vendor module would.
    struct Panics;

    #[derive(Debug, serde::Deserialize)]
    struct NoSettings {}

    impl Kind for Panics {
        type Settings = NoSettings;
        fn kind(&self) -> &'static str {
            "panics"
        }
        fn about(&self) -> &'static str {
            "a kind that panics"
        }
        fn example(&self) -> &'static str {
            "licusage panics"
        }
        fn keys(&self) -> &'static [Key] {
            &[]
        }
        fn parse(&self, _: &Payloads, _: &NoSettings, _: &mut Sink) -> Result<Vec<Record>, crate::payload::PayloadError> {
            Ok(Vec::new())
        }
        #[allow(clippy::panic)]
        fn fetch<'a>(&'a self, _: &'a Fetch<'a>, _: &'a NoSettings) -> BoxFuture<'a, anyhow::Result<Payloads>> {
            Box::pin(async { panic!("a bug in a vendor module") })
        }
    }

    static PANICS: Panics = Panics;

    /// One source's panic is that source's error, never a silent gap.
    #[test]
    fn a_panicking_source_is_named_and_the_others_are_read() {
        let fixture = format!("{}/fixtures/4d/single-client.json", env!("CARGO_MANIFEST_DIR"));
        let text =
            format!("[sources.good]\nkind = \"4d\"\nfile = \"{fixture}\"\n[sources.bad]\nkind = \"4d\"\nurl = \"http://127.0.0.1:1/\"\n");
        let mut config = Config::parse(&text, std::path::Path::new("/t.toml")).unwrap_or_else(|e| unreachable!("{e}"));
        for s in &mut config.sources {
            if s.name == "bad" {
                s.vendor = &PANICS as &'static dyn Vendor;
                s.bound = PANICS.bind(toml::Table::new(), crate::vendors::Shape::default()).unwrap_or_else(|e| unreachable!("{e:?}"));
            }
        }
        let sources: Vec<&Source> = config.sources.iter().collect();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap_or_else(|e| unreachable!("{e}"));
        let report = rt.block_on(read(&config, &sources, &RecordFilter::default(), &ReadOptions::default(), Utc::now()));
        assert_eq!(report.records.len(), 1);
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].source, "bad");
        assert!(report.errors[0].message.starts_with("internal error: reading this source failed"), "{}", report.errors[0].message);
    }
}
