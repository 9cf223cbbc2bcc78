//! Where a `generic` source's jq filters run: in a child process, licusage
//! itself started as `licusage __jq-worker`, with no environment, a memory
//! limit, and the time left before the source's deadline. A filter that
//! recurses without end, loops, or grows without bound ends that child, not
//! licusage: the source gets an error saying which, the other sources go on,
//! `serve` keeps serving. The child reads the pages (files by their path,
//! fetched pages from its stdin), runs every filter of the task and answers
//! with plain JSON values; the parent checks them into records and holders.
//!
//! Without a worker (unit tests, fuzz targets, the library used on its own)
//! the same code runs in-process.

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::jq::Jq;
use super::pages::{self, Paging};
use crate::fetch::paging::Next;
use crate::payload::{Body, PayloadError, MAX_DOCUMENT};
use crate::spelling::Spelling;

/// The first argument that makes licusage a jq worker.
pub const WORKER_ARG: &str = "__jq-worker";

/// The address space a worker may use: room for the largest pages licusage
/// holds as jq values, and a bound on a filter that grows without end.
const WORKER_MEMORY: u64 = 4 << 30;

/// How long a worker may run when the read has no deadline.
const NO_DEADLINE: Duration = Duration::from_secs(300);

static WORKER: OnceLock<PathBuf> = OnceLock::new();

/// Run filters in workers started from `exe` (licusage's own binary).
pub fn enable(exe: PathBuf) {
    let _ = WORKER.set(exe);
}

/// A source's filters and paging settings, as text: what a worker compiles.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Filters {
    pub jq: Option<String>,
    pub holders_jq: Option<String>,
    pub error: Option<String>,
    pub next: Option<String>,
    pub next_query: Option<String>,
    pub last: Option<String>,
    pub page_param: Option<String>,
    pub template: Option<String>,
    pub first_page: u64,
    pub spelling: Spelling,
}

/// What the filters made of the pages: the outputs of `jq`, then of
/// `holders_jq`, as JSON, to be checked field by field.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Mapped {
    pub records: Vec<Value>,
    pub holders: Vec<Value>,
}

#[derive(Debug, Serialize, Deserialize)]
enum Task {
    /// Every page through the error check, the next-page check, `jq` and
    /// `holders_jq`; `saved`: the pages are a saved file or stdin, not fetched.
    Map { saved: bool },
    /// Where the list goes on after the page (the `index`-th).
    Steer(usize),
}

#[derive(Debug, Serialize, Deserialize)]
enum Page {
    File(PathBuf),
    /// This many bytes of the worker's stdin, after the header line.
    Bytes(usize),
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    task: Task,
    filters: Filters,
    pages: Vec<Page>,
}

#[derive(Debug, Serialize, Deserialize)]
enum Answer {
    Mapped(Mapped),
    Next(Next),
    Failed(String),
}

/// The pages mapped by the filters, in a worker when there is one.
pub fn map(filters: &Filters, bodies: &[Body], ends: Option<Instant>) -> Result<Mapped, PayloadError> {
    let saved = matches!(bodies.last(), Some(Body::File(_) | Body::Stdin));
    match ask(Task::Map { saved }, filters, bodies, ends) {
        Answer::Mapped(m) => Ok(m),
        Answer::Failed(e) => Err(PayloadError::Vendor(e)),
        Answer::Next(_) => Err(PayloadError::Vendor("internal error: the jq worker answered another task".into())),
    }
}

/// One document, or the pages of a paged API, and `jq` a plain projection
/// over their items (`.value[] | {id: .skuId, used: .consumedUnits}`),
/// nothing else to run: mapped here, without jq and so without a worker
/// (such a filter cannot loop or grow; each document is bounded as every
/// document is). `None` where it is not, or where an item of any page is not
/// answered for exactly as jq would answer: the filters then run as jq, over
/// every page. Each output is made into a `T` by `make` (given its place
/// among the outputs of all pages, from 0, as jq's outputs are numbered) on
/// the thread that made it; the first it refuses, in page order, is the error.
pub fn projected<T: Send>(
    filters: &Filters,
    bodies: &[Body],
    make: &(dyn Fn(usize, Value) -> Result<T, PayloadError> + Sync),
) -> Option<Result<Vec<T>, PayloadError>> {
    let (None, None) = (&filters.holders_jq, &filters.error) else { return None };
    let saved = match bodies {
        [] => return None,
        [one] => matches!(one, Body::File(_) | Body::Stdin),
        // Pages as the pager holds them (a file or stdin is one document).
        pages if pages.iter().all(|b| matches!(b, Body::Bytes(_))) => false,
        _ => return None,
    };
    let (path, rest) = super::jq::split_over_items(filters.jq.as_deref()?)?;
    let projection = super::projection::Projection::parse(rest)?;
    let mut all = Vec::new();
    let mut first_refused = None;
    for (index, body) in bodies.iter().enumerate() {
        let page = super::items::Page { index, of: bodies.len() };
        // A projection yields one output per item: the outputs before this
        // page's are the items of the pages before it, all made.
        let before = all.len();
        match super::items::project(body, &path, &projection, filters.spelling, saved, page, &|i, v| make(before + i, v))? {
            // jq says a page's own error before any output's.
            Err(e) => return Some(Err(e)),
            Ok(Ok(made)) if first_refused.is_none() => all.extend(made),
            Ok(Ok(_)) => {}
            // The pages after it are still projected: one jq would fail on comes first.
            Ok(Err(e)) => {
                first_refused.get_or_insert(e);
            }
        }
    }
    Some(match first_refused {
        Some(e) => Err(e),
        None => Ok(all),
    })
}

/// Where the list goes on after `page`, the `index`-th (from 0).
pub fn steer(filters: &Filters, page: &[u8], index: usize, ends: Option<Instant>) -> anyhow::Result<Next> {
    match ask(Task::Steer(index), filters, &[Body::Bytes(page.to_vec())], ends) {
        Answer::Next(n) => Ok(n),
        Answer::Failed(e) => Err(anyhow::Error::msg(e)),
        Answer::Mapped(_) => anyhow::bail!("internal error: the jq worker answered another task"),
    }
}

fn ask(task: Task, filters: &Filters, bodies: &[Body], ends: Option<Instant>) -> Answer {
    let Some(exe) = WORKER.get() else {
        return perform(&task, filters, bodies);
    };
    let (header, input) = match encode(task, filters, bodies) {
        Ok(encoded) => encoded,
        Err(e) => return Answer::Failed(e),
    };
    let left = ends.map_or(NO_DEADLINE, |e| e.saturating_duration_since(Instant::now()));
    if left.is_zero() {
        return Answer::Failed("the jq filters did not run: the source's deadline has passed".into());
    }
    let words = vec![exe.display().to_string(), WORKER_ARG.to_string()];
    let mut stdin = header;
    stdin.extend(input);
    let feed = crate::command::Feed { clear_env: true, stdin: Some(stdin), ..Default::default() };
    let run = crate::command::run_fed("jq worker", &words, left, crate::command::Stderr::Shown, feed);
    let started = Instant::now();
    match block_on(run) {
        Ok(crate::command::Ran::Ok(out)) => serde_json::from_slice(&out)
            .unwrap_or_else(|e| Answer::Failed(format!("internal error: the jq worker's answer does not read: {e}"))),
        Ok(crate::command::Ran::Failed { message, stderr, .. }) => Answer::Failed(failure(&message, &stderr)),
        Err(_) if started.elapsed() >= left => Answer::Failed(format!(
            "the jq filters ran past the source's deadline ({} left): a filter that loops or counts without end?",
            humantime::format_duration(Duration::from_secs(left.as_secs_f64().round().max(1.0) as u64))
        )),
        Err(e) => Answer::Failed(format!("the jq filters could not run: {e}")),
    }
}

/// A worker that failed, in the words of what its filter did.
fn failure(message: &str, stderr: &str) -> String {
    if stderr.contains("overflowed its stack") {
        "a jq filter recursed too deeply (stack overflow): a definition that calls itself without end?".to_string()
    } else if stderr.contains("memory allocation of") || stderr.contains("capacity overflow") {
        format!("a jq filter needed more than {} GiB of memory: refused", WORKER_MEMORY >> 30)
    } else {
        format!("the jq filters failed: {message}")
    }
}

/// The header line and the bytes after it. Standard input is read here
/// (the worker has its own), capped as every document is.
fn encode(task: Task, filters: &Filters, bodies: &[Body]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let mut input = Vec::new();
    let mut pages = Vec::with_capacity(bodies.len());
    for body in bodies {
        pages.push(match body {
            Body::File(path) => Page::File(path.clone()),
            Body::Bytes(b) => {
                input.extend_from_slice(b);
                Page::Bytes(b.len())
            }
            Body::Stdin => {
                let mut bytes = Vec::new();
                std::io::stdin().lock().take(MAX_DOCUMENT + 1).read_to_end(&mut bytes).map_err(|e| format!("stdin: {e}"))?;
                if bytes.len() as u64 > MAX_DOCUMENT {
                    return Err(format!("stdin: document larger than {} MiB: refused", MAX_DOCUMENT >> 20));
                }
                input.extend_from_slice(&bytes);
                Page::Bytes(bytes.len())
            }
            Body::Incoming(_) => return Err("internal error: streamed pages given to the jq worker".into()),
        });
    }
    let header = Header { task, filters: filters.clone(), pages };
    let mut line = serde_json::to_vec(&header).map_err(|e| format!("internal error: {e}"))?;
    line.push(b'\n');
    Ok((line, input))
}

/// `future` to its end from synchronous code: the parse runs on a blocking
/// thread, the pager's steer on a runtime worker.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(|| handle.block_on(future))
        }
        _ => match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt.block_on(future),
            Err(e) => unreachable!("a runtime for the jq worker: {e}"),
        },
    }
}

/// The task, here and now.
fn perform(task: &Task, filters: &Filters, bodies: &[Body]) -> Answer {
    let compiled = match compiled(filters) {
        Ok(c) => c,
        Err(e) => return Answer::Failed(e),
    };
    match task {
        Task::Map { saved } => match compiled.map(bodies, *saved) {
            Ok(m) => Answer::Mapped(m),
            Err(e) => Answer::Failed(e.to_string()),
        },
        Task::Steer(index) => match bodies.first().map(|b| compiled.steer(b, *index)) {
            Some(Ok(next)) => Answer::Next(next),
            Some(Err(e)) => Answer::Failed(e),
            None => Answer::Failed("internal error: no page to steer by".into()),
        },
    }
}

/// `licusage __jq-worker`: read the task on stdin, answer on stdout. The
/// filters were checked when the config was read; what is left to fail is
/// the run, and the parent says how.
pub fn worker_main() -> std::process::ExitCode {
    #[cfg(unix)]
    {
        let limit = rustix::process::Rlimit { current: Some(WORKER_MEMORY), maximum: Some(WORKER_MEMORY) };
        let _ = rustix::process::setrlimit(rustix::process::Resource::As, limit);
    }
    let answer = match read_task() {
        Ok((header, bodies)) => perform(&header.task, &header.filters, &bodies),
        Err(e) => Answer::Failed(format!("internal error: the jq worker's task does not read: {e}")),
    };
    let mut out = std::io::stdout().lock();
    match serde_json::to_writer(&mut out, &answer).map_err(std::io::Error::from).and_then(|()| out.flush()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(_) => std::process::ExitCode::FAILURE,
    }
}

fn read_task() -> std::io::Result<(Header, Vec<Body>)> {
    let mut stdin = std::io::stdin().lock();
    let mut line = Vec::new();
    stdin.read_until(b'\n', &mut line)?;
    let header: Header = serde_json::from_slice(&line)?;
    let mut bodies = Vec::with_capacity(header.pages.len());
    for page in &header.pages {
        bodies.push(match page {
            Page::File(path) => Body::File(path.clone()),
            Page::Bytes(n) => {
                let mut bytes = vec![0; *n];
                stdin.read_exact(&mut bytes)?;
                Body::Bytes(bytes)
            }
        });
    }
    Ok((header, bodies))
}

/// The filters compiled, once per process for each set: a worker compiles
/// its one set; in-process, a source's filters are compiled on its first read.
fn compiled(filters: &Filters) -> Result<std::sync::Arc<Compiled>, String> {
    type Cache = std::collections::HashMap<String, std::sync::Arc<Compiled>>;
    static CACHE: std::sync::Mutex<Option<Cache>> = std::sync::Mutex::new(None);
    let key = serde_json::to_string(filters).map_err(|e| format!("internal error: {e}"))?;
    if let Some(hit) = CACHE.lock().ok().and_then(|c| c.as_ref().and_then(|c| c.get(&key).cloned())) {
        return Ok(hit);
    }
    let fresh = std::sync::Arc::new(Compiled::of(filters)?);
    if let Ok(mut cache) = CACHE.lock() {
        let cache = cache.get_or_insert_with(Cache::new);
        // Bounded: a config has a few sets; a fuzzer has many.
        if cache.len() >= 64 {
            cache.clear();
        }
        cache.insert(key, fresh.clone());
    }
    Ok(fresh)
}

/// The filters, compiled.
struct Compiled {
    filters: Filters,
    jq: Option<Jq>,
    /// `jq` as `.path[] | rest`, when it has that shape.
    over_items: Option<(Vec<String>, Jq)>,
    holders_jq: Option<Jq>,
    error: Option<Jq>,
    next: Option<Jq>,
    next_query: Option<Jq>,
    last: Option<Jq>,
}

impl Compiled {
    fn of(f: &Filters) -> Result<Self, String> {
        let compile = |code: &Option<String>| code.as_deref().map(Jq::compile).transpose();
        let jq = compile(&f.jq)?;
        Ok(Compiled {
            over_items: jq.as_ref().and_then(Jq::over_items),
            jq,
            holders_jq: compile(&f.holders_jq)?,
            error: compile(&f.error)?,
            next: compile(&f.next)?,
            next_query: compile(&f.next_query)?,
            last: compile(&f.last)?,
            filters: f.clone(),
        })
    }

    fn map(&self, bodies: &[Body], saved: bool) -> Result<Mapped, PayloadError> {
        // One document, `.path[] | rest`, nothing else to run over it: each
        // item alone, the document never held whole as jq values.
        if let (Some((path, rest)), [body], None, None) = (&self.over_items, bodies, &self.holders_jq, &self.error) {
            if let Some(records) = super::items::map(body, path, rest, self.filters.spelling, saved) {
                return records.map(|records| Mapped { records, holders: Vec::new() });
            }
        }
        let f = &self.filters;
        let k = |n: &str| f.spelling.key(n);
        let jq = self.jq.as_ref().ok_or_else(|| PayloadError::Vendor(format!("no {} filter given", k("jq"))))?;
        let n = bodies.len();
        let on_page = |page: usize, e: String| if n > 1 { format!("page {}: {e}", page + 1) } else { e };
        let mut documents = Vec::with_capacity(n);
        for (page, body) in bodies.iter().enumerate() {
            let doc = super::document(body).map_err(|e| if n > 1 { PayloadError::Vendor(on_page(page, e.to_string())) } else { e })?;
            // An error under HTTP 200 is the API's error, in its words.
            match pages::api_error(&doc, self.error.as_ref()) {
                Ok(Some(said)) => return Err(PayloadError::Vendor(on_page(page, format!("the API answered an error: {said}")))),
                Ok(None) => {}
                Err(e) => return Err(PayloadError::Vendor(on_page(page, format!("{}: {e}", k("error"))))),
            }
            documents.push(doc);
        }
        // Never a partial count: the last page read says there is more.
        if let Some((marker, set)) = documents.last().and_then(|d| pages::unfollowed(d, f.spelling)) {
            let what = if saved { "this document is one page of a longer list" } else { "the source does not follow it" };
            return Err(PayloadError::Vendor(format!("the last page read has a next page ({marker}): {what}: {set}")));
        }
        let mut records = Vec::new();
        for (out, page) in super::outputs(jq, &documents) {
            records.push(out.map_err(|e| {
                let keys = page.and_then(|p| documents.get(p)).map(super::top_keys).unwrap_or_default();
                PayloadError::Vendor(format!("{e}{keys}"))
            })?);
        }
        let mut holders = Vec::new();
        if let (Some(holders_jq), false) = (&self.holders_jq, records.is_empty()) {
            for (out, _) in super::outputs(holders_jq, &documents) {
                holders.push(out.map_err(|e| PayloadError::Vendor(format!("{}: {e}", k("holders_jq"))))?);
            }
        }
        Ok(Mapped { records, holders })
    }

    fn steer(&self, body: &Body, index: usize) -> Result<Next, String> {
        // An error page goes to the parse, which says it in the API's words.
        let Ok(doc) = super::document(body) else { return Ok(Next::End) };
        if pages::api_error(&doc, self.error.as_ref()).ok().flatten().is_some() {
            return Ok(Next::End);
        }
        let f = &self.filters;
        let paging = Paging {
            next: self.next.as_ref(),
            next_query: self.next_query.as_ref(),
            page_param: f.page_param.as_deref(),
            template: f.template.as_deref(),
            first_page: f.first_page,
            last: self.last.as_ref(),
            spelling: f.spelling,
        };
        paging.next(&doc, index)
    }
}
