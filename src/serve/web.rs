//! The HTTP side of `serve`: axum routes over the board's snapshot, Basic
//! auth, and connections served by hyper with the limits an exporter on a
//! network needs (header read timeout, header size, connection count, TLS
//! handshake timeout), so that a slow or hostile client holds only its own
//! connection.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Notify;

use super::state::Board;

/// The exposition format's content type (Prometheus text, 0.0.4).
pub const METRICS_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";
/// Headers must be in within this.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection, kept alive or not, ends after this.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(120);
/// The most a request's head may take.
const MAX_HEAD: usize = 16 * 1024;
/// Connections open at once. Past it, a new connection closes the one that
/// has waited longest for a request (a scrape sends its request at once);
/// when every one is in the middle of a request, the new one is closed.
const MAX_CONNECTIONS: usize = 256;

/// Basic auth as checked: the expected `Authorization` value, kept as an
/// HMAC tag under a key made at start, so that comparing is constant-time.
pub struct Auth {
    key: ring::hmac::Key,
    tag: ring::hmac::Tag,
}

impl Auth {
    pub fn new(user: &str, password: &crate::secret::Secret) -> Result<Self, String> {
        use base64::Engine;
        let rng = ring::rand::SystemRandom::new();
        let key =
            ring::hmac::Key::generate(ring::hmac::HMAC_SHA256, &rng).map_err(|_| "no random numbers for the auth check".to_string())?;
        let expected = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", password.expose())));
        let tag = ring::hmac::sign(&key, expected.as_bytes());
        Ok(Auth { key, tag })
    }

    fn allows(&self, given: Option<&HeaderValue>) -> bool {
        given.is_some_and(|v| ring::hmac::verify(&self.key, v.as_bytes(), self.tag.as_ref()).is_ok())
    }
}

/// What the routes see.
#[derive(Clone)]
pub struct Shared {
    pub board: Arc<Board>,
    /// Replaced when a reload changes `[serve]` Basic auth.
    pub auth: Arc<RwLock<Option<Auth>>>,
}

pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/report.md", get(page_markdown))
        .route("/metrics", get(metrics))
        .route("/records", get(records))
        .route("/healthz", get(healthz))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), basic_auth))
        .with_state(shared)
}

async fn metrics(State(shared): State<Shared>) -> Response {
    let snapshot = shared.board.snapshot();
    ([(header::CONTENT_TYPE, METRICS_TYPE)], snapshot.metrics.clone()).into_response()
}

async fn records(State(shared): State<Shared>) -> Response {
    let snapshot = shared.board.snapshot();
    ([(header::CONTENT_TYPE, "application/json")], snapshot.records.clone()).into_response()
}

/// The report of the latest reads, rendered once per read.
async fn page(State(shared): State<Shared>) -> Response {
    let snapshot = shared.board.snapshot();
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], snapshot.html.clone()).into_response()
}

async fn page_markdown(State(shared): State<Shared>) -> Response {
    let snapshot = shared.board.snapshot();
    ([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], snapshot.markdown.clone()).into_response()
}

async fn healthz() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok\n").into_response()
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "not found: try /, /report.md, /metrics, /records or /healthz\n",
    )
        .into_response()
}

async fn basic_auth(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let allowed = match shared.auth.read() {
        Ok(auth) => auth.as_ref().is_none_or(|a| a.allows(request.headers().get(header::AUTHORIZATION))),
        Err(_) => false,
    };
    if !allowed {
        return (
            StatusCode::UNAUTHORIZED,
            [
                (header::WWW_AUTHENTICATE, "Basic realm=\"licusage\", charset=\"UTF-8\""),
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            ],
            "unauthorized\n",
        )
            .into_response();
    }
    next.run(request).await
}

/// The open connections, and those waiting for a request (before their
/// first, or idle between two), oldest first: the ones to close when full.
#[derive(Default)]
struct Open {
    count: usize,
    clock: u64,
    waiting: std::collections::BTreeMap<u64, Arc<Notify>>,
}

impl Open {
    /// `close` waits for a request from now on: its place in line.
    fn wait(&mut self, close: &Arc<Notify>) -> u64 {
        self.clock += 1;
        self.waiting.insert(self.clock, close.clone());
        self.clock
    }
}

type Registry = Arc<Mutex<Open>>;

fn lock(registry: &Registry) -> std::sync::MutexGuard<'_, Open> {
    registry.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Accept connections until the task is dropped; each is served on its own
/// task, over TLS when `tls` is given.
pub async fn serve(listener: TcpListener, tls: Option<tokio_rustls::TlsAcceptor>, app: Router) {
    let registry = Registry::default();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: wait, then go on.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let close = Arc::new(Notify::new());
        let key = {
            let mut open = lock(&registry);
            if open.count >= MAX_CONNECTIONS {
                match open.waiting.pop_first() {
                    Some((_, oldest)) => oldest.notify_one(),
                    // Every one is being answered: this one waits its turn elsewhere.
                    None => continue,
                }
            }
            open.count += 1;
            Arc::new(AtomicU64::new(open.wait(&close)))
        };
        let _ = stream.set_nodelay(true);
        let (app, tls, registry) = (app.clone(), tls.clone(), registry.clone());
        tokio::spawn(async move {
            let served = async {
                match tls {
                    Some(acceptor) => {
                        if let Ok(Ok(stream)) = tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream)).await {
                            connection(stream, app, &registry, &key, &close).await;
                        }
                    }
                    None => connection(stream, app, &registry, &key, &close).await,
                }
            };
            tokio::select! {
                () = served => {}
                () = close.notified() => {}
            }
            let mut open = lock(&registry);
            open.waiting.remove(&key.load(Ordering::SeqCst));
            open.count -= 1;
        });
    }
}

async fn connection<IO>(io: IO, app: Router, registry: &Registry, key: &Arc<AtomicU64>, close: &Arc<Notify>)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let inner = hyper_util::service::TowerToHyperService::new(app);
    // Out of the line to close while a request is answered; back in after.
    let service = hyper::service::service_fn(|request: hyper::Request<hyper::body::Incoming>| {
        lock(registry).waiting.remove(&key.swap(0, Ordering::SeqCst));
        let answer = hyper::service::Service::call(&inner, request);
        async move {
            let answer = answer.await;
            let mut open = lock(registry);
            key.store(open.wait(close), Ordering::SeqCst);
            answer
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT).max_buf_size(MAX_HEAD);
    let served = builder.serve_connection(TokioIo::new(io), service);
    let _ = tokio::time::timeout(CONNECTION_TIMEOUT, served).await;
}
