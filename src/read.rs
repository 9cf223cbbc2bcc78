//! Reading sources: every selected source concurrently, each into records (or
//! an error that names it), one failing source never hiding the others.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::io::AsyncReadExt;

use crate::config::{Config, Input, Source};
use crate::holder::Holder;
use crate::output::SourceError;
use crate::record::{evaluate, Record};
use crate::select::RecordFilter;
use crate::vendors::{Parsed, Payloads};

/// What a run read: records and holders of the sources that answered, and an
/// error for each that did not.
#[derive(Debug, Default)]
pub struct Report {
    pub records: Vec<Record>,
    pub holders: Vec<Holder>,
    pub errors: Vec<SourceError>,
}

/// Read `sources` concurrently, stamp, filter and evaluate their records, and
/// sort them by source, product and metric.
pub async fn read(config: &Config, sources: &[&Source], filter: &RecordFilter, now: DateTime<Utc>) -> Report {
    // Standard input can be read once: by the first source that asks for it.
    let stdin_reader =
        sources.iter().find(|s| [&s.file, &s.assignments_file].into_iter().flatten().any(|i| *i == Input::Stdin)).map(|s| s.name.clone());
    let stdin = match stdin_reader {
        Some(_) => Some(read_stdin().await),
        None => None,
    };
    let mut tasks = tokio::task::JoinSet::new();
    for (index, source) in sources.iter().enumerate() {
        let source = (*source).clone();
        let stdin = if stdin_reader.as_deref() == Some(source.name.as_str()) { stdin.clone() } else { None };
        tasks.spawn(async move { (index, read_source(&source, stdin).await) });
    }
    let mut results: Vec<(usize, Result<Parsed, String>)> = Vec::with_capacity(sources.len());
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(result) => results.push(result),
            Err(e) => results.push((usize::MAX, Err(format!("internal error: {e}")))),
        }
    }
    results.sort_by_key(|(i, _)| *i);

    let mut report = Report::default();
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

async fn load(input: &Input, stdin: &Option<Arc<Result<Vec<u8>, String>>>) -> Result<Vec<u8>, String> {
    match input {
        Input::Path(path) => tokio::fs::read(path).await.map_err(|e| format!("cannot read {}: {e}", path.display())),
        Input::Stdin => match stdin {
            Some(data) => data.as_ref().clone(),
            None => Err("stdin is read by another source already".to_string()),
        },
    }
}

async fn read_source(source: &Source, stdin: Option<Arc<Result<Vec<u8>, String>>>) -> Result<Parsed, String> {
    let Some(input) = &source.file else {
        return Err("reading from the vendor API is not supported yet: set `file` to a saved payload".to_string());
    };
    let main = load(input, &stdin).await?;
    let assignments = match &source.assignments_file {
        Some(a) if *a == *input => return Err("`assignments_file` must differ from `file`".to_string()),
        Some(a) => Some(load(a, &stdin).await?),
        None => None,
    };
    let vendor = source.vendor;
    let settings = source.settings.clone();
    let payloads = Payloads { main, assignments };
    let parsed =
        tokio::task::spawn_blocking(move || vendor.parse(&payloads, &settings)).await.map_err(|e| format!("internal error: {e}"))?;
    parsed.map_err(|e| format!("{input}: {e}"))
}
