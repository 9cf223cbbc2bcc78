//! Reading sources: every selected source concurrently, from its file or its
//! vendor's API, each into records (or an error that names it); one failing
//! source never hides the others.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::io::AsyncReadExt;

use crate::config::{Config, Input, Source};
use crate::fetch::Fetch;
use crate::holder::Holder;
use crate::http::Http;
use crate::output::SourceError;
use crate::record::{evaluate, Record};
use crate::select::RecordFilter;
use crate::vendors::{Parsed, Payloads};

/// How to read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// `--timeout`, over the source's and `[defaults]`' timeout.
    pub timeout: Option<Duration>,
    /// Log requests to stderr.
    pub verbose: bool,
    /// A spinner on stderr while slow sources are read (only on a terminal).
    pub progress: bool,
    /// Fetch and parse holders too (cPod assignments).
    pub want_holders: bool,
}

/// What a run read: records and holders of the sources that answered, and an
/// error for each that did not.
#[derive(Debug, Default)]
pub struct Report {
    pub records: Vec<Record>,
    pub holders: Vec<Holder>,
    pub errors: Vec<SourceError>,
    /// Every source that was read or tried: name and kind.
    pub sources: Vec<(String, String)>,
}

type Stdin = Option<Arc<Result<Vec<u8>, String>>>;

/// Read `sources` concurrently, stamp, filter and evaluate their records, and
/// sort them by source, product and metric.
pub async fn read(config: &Config, sources: &[&Source], filter: &RecordFilter, options: &ReadOptions, now: DateTime<Utc>) -> Report {
    // Standard input can be read once: by the first source that asks for it.
    let stdin_reader =
        sources.iter().find(|s| [&s.file, &s.assignments_file].into_iter().flatten().any(|i| *i == Input::Stdin)).map(|s| s.name.clone());
    let stdin = match stdin_reader {
        Some(_) => Some(read_stdin().await),
        None => None,
    };
    // No TLS set-up unless a source reads from the network.
    let http = match sources.iter().any(|s| s.file.is_none()) {
        true => Some(Arc::new(Http::new(options.verbose))),
        false => None,
    };
    let progress = Progress::start(options.progress, sources.len());
    let mut tasks = tokio::task::JoinSet::new();
    for (index, source) in sources.iter().enumerate() {
        let source = (*source).clone();
        let stdin = if stdin_reader.as_deref() == Some(source.name.as_str()) { stdin.clone() } else { None };
        let http = http.clone();
        let timeout = options.timeout.or(source.timeout).unwrap_or(config.timeout);
        let want_holders = options.want_holders;
        tasks.spawn(async move {
            let result = match (&source.file, http) {
                (Some(input), _) => read_file(&source, input, stdin, want_holders).await,
                (None, Some(http)) => match http.as_ref() {
                    Ok(http) => fetch(&source, http, timeout, want_holders).await,
                    Err(e) => Err(e.clone()),
                },
                (None, None) => Err("no `file` and no HTTP client".to_string()),
            };
            (index, result)
        });
    }
    let mut results: Vec<(usize, Result<Parsed, String>)> = Vec::with_capacity(sources.len());
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, result)) => {
                if let Some(s) = sources.get(index) {
                    progress.done(&s.name);
                }
                results.push((index, result));
            }
            Err(e) => results.push((usize::MAX, Err(format!("internal error: {e}")))),
        }
    }
    progress.finish();
    results.sort_by_key(|(i, _)| *i);

    let mut report = Report { sources: sources.iter().map(|s| (s.name.clone(), s.kind().to_string())).collect(), ..Report::default() };
    for (index, result) in results {
        let Some(source) = sources.get(index) else { continue };
        match result {
            Ok(parsed) => {
                for mut record in parsed.records {
                    if !source.wants(&record.product, &record.metric) || !filter.matches(&record.product, &record.metric) {
                        continue;
                    }
                    record.source = source.name.clone();
                    record.kind = source.kind().to_string();
                    let thresholds = config.thresholds_for(&record.source, &record.product, &record.metric);
                    evaluate(&mut record, &thresholds, now);
                    report.records.push(record);
                }
                for mut holder in parsed.holders {
                    if !source.wants(&holder.product, &holder.metric) || !filter.matches(&holder.product, &holder.metric) {
                        continue;
                    }
                    holder.source = source.name.clone();
                    holder.kind = source.kind().to_string();
                    report.holders.push(holder);
                }
            }
            Err(message) => report.errors.push(SourceError { source: source.name.clone(), kind: source.kind().to_string(), message }),
        }
    }
    report.records.sort_by(|a, b| (&a.source, &a.product, &a.metric).cmp(&(&b.source, &b.product, &b.metric)));
    report
}

async fn read_stdin() -> Arc<Result<Vec<u8>, String>> {
    let mut buf = Vec::new();
    let result = tokio::io::stdin().read_to_end(&mut buf).await.map(|_| buf).map_err(|e| format!("cannot read stdin: {e}"));
    Arc::new(result)
}

async fn load(input: &Input, stdin: &Stdin) -> Result<Vec<u8>, String> {
    match input {
        Input::Path(path) => tokio::fs::read(path).await.map_err(|e| format!("cannot read {}: {e}", path.display())),
        Input::Stdin => match stdin {
            Some(data) => data.as_ref().clone(),
            None => Err("stdin is read by another source already".to_string()),
        },
    }
}

async fn read_file(source: &Source, input: &Input, stdin: Stdin, want_holders: bool) -> Result<Parsed, String> {
    let main = load(input, &stdin).await?;
    let assignments = match &source.assignments_file {
        Some(a) if !want_holders && *a != Input::Stdin => None,
        Some(a) if *a == *input => return Err("`assignments_file` must differ from `file`".to_string()),
        Some(a) => Some(vec![load(a, &stdin).await?]),
        None => None,
    };
    parse(source, Payloads { main: vec![main], assignments }).await.map_err(|e| format!("{input}: {e}"))
}

async fn fetch(source: &Source, http: &Http, timeout: Duration, want_holders: bool) -> Result<Parsed, String> {
    let ctx = Fetch { http, source, timeout, want_holders };
    let payloads = source.vendor.fetch(&ctx).await?;
    parse(source, payloads).await
}

/// Parse off the async workers: a large export is CPU work.
async fn parse(source: &Source, payloads: Payloads) -> Result<Parsed, String> {
    let vendor = source.vendor;
    let settings = source.settings.clone();
    let parsed =
        tokio::task::spawn_blocking(move || vendor.parse(&payloads, &settings)).await.map_err(|e| format!("internal error: {e}"))?;
    parsed.map_err(|e| e.to_string())
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
