//! `licusage serve` (docs/reference.md, serve): a Prometheus exporter. Each source is read
//! in the background on the refresh interval, by the same read path as
//! `show`; the board keeps the latest read of each and renders `/metrics`
//! and `/records` once per read, so that a scrape never waits for a vendor.
//! SIGHUP re-reads the config, SIGTERM and SIGINT end it.

mod state;
mod web;

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::signal::unix::{signal, SignalKind};
use tokio::task::JoinSet;

use crate::cli::Options;
use crate::config::{Config, DEFAULT_LISTEN, DEFAULT_REFRESH};
use crate::error::UsageError;
use crate::output::escape;
use crate::read::{self, ReadOptions};
use crate::resolve;
use crate::select::{self, RecordFilter};

pub use web::METRICS_TYPE;

/// What `serve` was asked for on its command line.
pub struct Request {
    pub sources: Vec<String>,
    pub filter: RecordFilter,
    pub listen: Option<String>,
    pub refresh: Option<Duration>,
}

/// Run the exporter until SIGTERM or SIGINT. Errors before it listens (the
/// config, the address, TLS files, the auth secret) are usage errors.
pub fn run(options: &Options, request: Request) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().context("starting the async runtime")?;
    let result = rt.block_on(serve(options, request));
    // Reads in flight are abandoned: nothing of theirs is half-written anywhere.
    rt.shutdown_background();
    result
}

/// Log lines go to stderr, one per event, vendor text escaped.
fn log(line: &str) {
    eprintln!("licusage: serve: {}", escape::text(line));
}

async fn serve(options: &Options, request: Request) -> Result<()> {
    let config = Arc::new(resolve::config(options, None)?);
    let names = chosen(&config, &request.sources)?;
    let listen = request.listen.clone().or_else(|| config.serve.listen.clone()).unwrap_or_else(|| DEFAULT_LISTEN.to_string());
    let refresh = request.refresh.or(config.serve.refresh).unwrap_or(DEFAULT_REFRESH);
    let auth = auth(&config).await?;
    let tls = match &config.serve.tls {
        Some((cert, key)) => Some(tls(cert, key)?),
        None => None,
    };
    // `:9873` is every interface, as exporters take it.
    let address = match listen.strip_prefix(':') {
        Some(port) => format!("0.0.0.0:{port}"),
        None => listen.clone(),
    };
    let listener = tokio::net::TcpListener::bind(&address).await.map_err(|e| UsageError(format!("cannot listen on {listen}: {e}")))?;
    let bound = listener.local_addr().ok();
    if bound.is_some_and(|a| !a.ip().is_loopback()) {
        log(&format!("{listen} is not a loopback address: other machines can reach this exporter (Basic auth and TLS are set in [serve])"));
    }
    // Taken before it says it listens: a signal sent as soon as it does is
    // handled, not the default (SIGHUP would end the process).
    let mut term = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
    let mut hup = signal(SignalKind::hangup()).context("listening for SIGHUP")?;
    let mut int = signal(SignalKind::interrupt()).context("listening for SIGINT")?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    log(&format!(
        "listening on {scheme}://{} ({} sources, refresh {})",
        bound.map(|a: SocketAddr| a.to_string()).unwrap_or(listen.clone()),
        names.len(),
        humantime::format_duration(refresh)
    ));

    let board = Arc::new(state::Board::default());
    let page = |config: &Config| state::Page { history: config.history_location().ok(), refresh };
    let (names_now, first_page) = (names.clone(), page(&config));
    off_workers(&board, move |b| b.set_sources(names_now, first_page)).await;
    let shared = web::Shared { board: board.clone(), auth: Arc::new(RwLock::new(auth)) };
    let mut server = tokio::spawn(web::serve(listener, tls, web::router(shared.clone())));
    let mut readers = start(&config, &names, &request.filter, refresh, &board, options);

    let mut current = config;
    loop {
        tokio::select! {
            name = stop(&mut term, &mut int) => {
                log(&format!("{name}: stopping"));
                break;
            }
            _ = hup.recv() => {
                // A reload may wait (a password command): a stop does not wait for it.
                let reloaded = tokio::select! {
                    reloaded = reload(options, &request, &current) => reloaded,
                    name = stop(&mut term, &mut int) => {
                        log(&format!("{name}: stopping"));
                        break;
                    }
                };
                match reloaded {
                    Ok((config, names, auth)) => {
                        readers.abort_all();
                        let (now, next) = (names.clone(), page(&config));
                        off_workers(&board, move |b| b.set_sources(now, next)).await;
                        if let Ok(mut a) = shared.auth.write() {
                            *a = auth;
                        }
                        readers = start(&config, &names, &request.filter, refresh, &board, options);
                        log(&format!("SIGHUP: config reloaded, {} sources", names.len()));
                        current = config;
                    }
                    Err(e) => log(&format!("SIGHUP: the config was not reloaded, the old one is kept: {e:#}")),
                }
            }
            ended = &mut server => {
                anyhow::bail!("the HTTP server stopped: {}", ended.err().map(|e| e.to_string()).unwrap_or_default());
            }
        }
    }
    readers.abort_all();
    server.abort();
    Ok(())
}

/// The signal that stops `serve` when it comes: SIGTERM or SIGINT.
async fn stop(term: &mut tokio::signal::unix::Signal, int: &mut tokio::signal::unix::Signal) -> &'static str {
    tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    }
}

/// The names of the sources to serve, in the config's order.
fn chosen(config: &Config, names: &[String]) -> Result<Vec<String>, UsageError> {
    let chosen = select::sources(config, names)?;
    if chosen.is_empty() {
        let at = config.path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        return Err(UsageError(format!("no sources configured in {at}: nothing to serve")));
    }
    Ok(chosen.iter().map(|s| s.name.clone()).collect())
}

/// The new config, its sources and its auth, or why not. What cannot change
/// without a restart (the address, TLS, the refresh) is said when it did.
async fn reload(options: &Options, request: &Request, old: &Config) -> Result<(Arc<Config>, Vec<String>, Option<web::Auth>)> {
    let config = resolve::config(options, None)?;
    let names = chosen(&config, &request.sources)?;
    let auth = auth(&config).await?;
    let new = &config.serve;
    if new.listen != old.serve.listen || new.tls != old.serve.tls || new.refresh != old.serve.refresh {
        log("SIGHUP: [serve] listen, refresh and TLS take effect at the next start");
    }
    Ok((Arc::new(config), names, auth))
}

/// Basic auth from `[serve]`, its password read now.
async fn auth(config: &Config) -> Result<Option<web::Auth>> {
    let Some((user, password)) = &config.serve.basic_auth else { return Ok(None) };
    let secret = password
        .resolve(config.timeout)
        .await
        .map_err(|e| UsageError(format!("[serve] {e}")))?
        .ok_or_else(|| UsageError("[serve] `basic_auth_user` needs a password".into()))?;
    Ok(Some(web::Auth::new(user, &secret).map_err(UsageError)?))
}

/// The TLS set-up from the PEM files `[serve] tls_cert` and `tls_key`.
fn tls(cert: &std::path::Path, key: &std::path::Path) -> Result<tokio_rustls::TlsAcceptor> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<_, _>>())
        .map_err(|e| UsageError(format!("[serve] tls_cert {}: {e}", cert.display())))?;
    if certs.is_empty() {
        return Err(UsageError(format!("[serve] tls_cert {}: no certificate in it", cert.display())).into());
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| UsageError(format!("[serve] tls_key {}: {e}", key.display())))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key))
        .map_err(|e| UsageError(format!("[serve] tls_cert and tls_key: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// A reader per source, each on its own schedule.
fn start(
    config: &Arc<Config>,
    names: &[String],
    filter: &RecordFilter,
    refresh: Duration,
    board: &Arc<state::Board>,
    options: &Options,
) -> JoinSet<()> {
    let mut readers = JoinSet::new();
    for name in names {
        let Some(index) = config.sources.iter().position(|s| &s.name == name) else { continue };
        let (config, filter, board) = (config.clone(), filter.clone(), board.clone());
        let (verbose, quiet) = (options.verbose, options.quiet);
        readers.spawn(async move {
            // Spread the first reads, so that twenty sources do not fire in one millisecond.
            tokio::time::sleep(jitter(refresh / 20, Duration::from_secs(1))).await;
            // Where this exporter's reads left the source's server log, kept
            // in memory; at the start, where `record` left it (with its
            // counts), so that the denials counter goes on from `record`'s
            // across a restart, one after a rotation too (a counter that
            // drops is a reset, its whole value new denials to Prometheus).
            let mut cursor = match config.sources.get(index) {
                Some(source) => record_place(&config, source).await,
                None => None,
            };
            loop {
                let started = tokio::time::Instant::now();
                let Some(source) = config.sources.get(index) else { return };
                let now = resolve::now().unwrap_or_else(|_| chrono::Utc::now());
                let from = cursor.take().map(|c| std::collections::HashMap::from([(source.name.clone(), c)])).unwrap_or_default();
                let cursors = Some(Arc::new(read::LogReads { from, usage: false }));
                let options = ReadOptions { verbose, progress: false, holders: None, cursors: cursors.clone() };
                let mut report = read::read(&config, &[source], &filter, &options, now).await;
                // The history is read off the async workers.
                let (history, records) = (config.clone(), report.records.clone());
                report.decisions =
                    tokio::task::spawn_blocking(move || crate::digest::decisions_for(&history, &records, now)).await.unwrap_or_default();
                // A failed read leaves the log where it was.
                cursor = match report.logs.first() {
                    Some(log) => Some(log.after.clone()),
                    None => cursors.and_then(|c| c.from.get(&source.name).cloned()),
                };
                let took = started.elapsed().as_secs_f64();
                match report.errors.first() {
                    Some(e) => log(&format!("{} ({}): failed after {took:.2}s: {}", source.name, source.kind(), e.message)),
                    None if !quiet => {
                        log(&format!("{} ({}): ok, {} series in {took:.2}s", source.name, source.kind(), report.records.len()))
                    }
                    None => {}
                }
                if !config.notify.is_empty() {
                    report = notify(&config, report, now).await;
                }
                off_workers(&board, move |b| b.update(report)).await;
                tokio::time::sleep_until(started + refresh + jitter(refresh / 10, Duration::from_secs(30))).await;
            }
        });
    }
    readers
}

/// A change to the board, off the async workers: rendering it reads the
/// history (a file, or a server's connection that blocks).
async fn off_workers(board: &Arc<state::Board>, change: impl FnOnce(&state::Board) + Send + 'static) {
    let board = board.clone();
    let _ = tokio::task::spawn_blocking(move || change(&board)).await;
}

/// `[notify]`: what this read changed, told to the channels as `notify`
/// does (the same state in the history), off the async workers.
async fn notify(config: &Arc<Config>, report: crate::report::Report, now: chrono::DateTime<chrono::Utc>) -> crate::report::Report {
    let config = config.clone();
    let handle = tokio::runtime::Handle::current();
    let done = tokio::task::spawn_blocking(move || {
        let at = match config.history_location() {
            Ok(at) => at,
            Err(e) => {
                log(&format!("notify: no history database: {e:#}"));
                return report;
            }
        };
        let mut store = match crate::history::Store::open(&at) {
            Ok(s) => s,
            Err(e) => {
                log(&format!("notify: {}", crate::output::escape::text(&format!("{e:#}"))));
                return report;
            }
        };
        let http = match crate::http::Http::new(false) {
            Ok(h) => h,
            Err(e) => {
                log(&format!("notify: {e}"));
                return report;
            }
        };
        for outcome in crate::notify::deliver(&handle, &config, &mut store, &http, &report, &report.decisions, now) {
            for e in &outcome.errors {
                log(&format!("notify: channel {}: {}", outcome.channel, crate::output::escape::text(e)));
            }
            if outcome.sent > 0 {
                log(&format!("notify: channel {}: {} sent", outcome.channel, outcome.sent));
            }
        }
        report
    });
    match done.await {
        Ok(report) => report,
        Err(e) => {
            log(&format!("notify: internal error: {e}"));
            crate::report::Report::default()
        }
    }
}

/// A random wait below `most`, and below `cap`.
fn jitter(most: Duration, cap: Duration) -> Duration {
    let most = most.min(cap).as_millis() as u64;
    match most {
        0 => Duration::ZERO,
        _ => Duration::from_millis(RandomState::new().build_hasher().finish() % most),
    }
}

/// Where `record` left `source`'s server log in the history, if there is a
/// history and it has read the log (the same file path); else `None`, and the
/// log is read from its start. Never waits for a history server that is away.
async fn record_place(config: &Config, source: &crate::config::Source) -> Option<crate::serverlog::Cursor> {
    let log = source.log.as_ref()?;
    let at = config.history_location().ok().filter(|at| at.exists())?;
    let (name, path) = (source.name.clone(), log.path.clone());
    tokio::task::spawn_blocking(move || {
        let store = crate::history::Store::peek(&at).ok()?;
        store.cursors(crate::history::Consumer::Record, &[(name.as_str(), path.as_path())]).ok()?.remove(&name)
    })
    .await
    .ok()
    .flatten()
}
