//! `licusage notify`: one message per change to each `[notify.NAME]` channel.

use anyhow::Result;

use super::{history_path, peeked, print_errors, read_sources, runtime};
use crate::cli::Options;
use crate::config::notify::Channel;
use crate::error::{Exit, UsageError};
use crate::history::Store;
use crate::notify::Change;
use crate::output::{self, Rendered};
use crate::resolve::{self, Run};
use crate::select::{self, RecordFilter};

/// `notify`: read, compare with what each channel was told, send what
/// changed. A channel that fails keeps its changes for the next run; the
/// others are sent. Exit 1 when a channel or a source failed.
pub fn run(options: &Options, sources: &[String], filter: &RecordFilter, dry_run: bool) -> Result<Exit> {
    let run = Run::new(options, "notify", Rendered::Text)?;
    let config = resolve::config(options, None)?;
    if config.notify.is_empty() {
        let shown = super::shown_path(&config);
        return Err(UsageError(format!("no [notify.NAME] channel in {shown}: add one (docs/reference.md, Notify)")).into());
    }
    let chosen = select::sources(&config, sources)?;
    let report = read_sources(&run, &config, &chosen, filter, None, peeked(&config, &chosen, &run))?;
    let decisions = crate::digest::decisions_for(&config, &report.records, run.now);
    let path = history_path(Some(&config))?;
    let now = run.now;
    if dry_run {
        // What would go out; nothing sent, nothing stored.
        let store = path.exists().then(|| Store::open_read(&path)).transpose()?;
        let mut lines = Vec::new();
        for channel in &config.notify {
            let told = store.as_ref().map(|s| s.notified(&channel.name)).transpose()?.unwrap_or_default();
            for c in crate::notify::changes(channel, &report, &decisions, &told, now).iter().filter(|c| c.is_message()) {
                lines.push(format!("{}: {}", output::escape::text(&channel.name), output::escape::text(&c.summary)));
            }
        }
        super::print(|out| {
            for line in &lines {
                writeln!(out, "{line}")?;
            }
            Ok(())
        })?;
        print_errors(&report);
        return Ok(super::exit_of(&report));
    }
    let mut store = Store::open(&path)?;
    let rt = runtime()?;
    let http = crate::http::Http::new(run.verbose).map_err(anyhow::Error::msg)?;
    let mut failed = 0;
    for channel in &config.notify {
        // A mail channel's secret is its password; the others', their url.
        let secret = match &channel.email {
            Some(mail) => rt.block_on(mail.password.resolve(config.timeout)).map(|p| p.or_else(|| Some(crate::secret::Secret::new("")))),
            None => rt.block_on(channel.url.resolve(config.timeout)),
        };
        let url = match secret {
            Ok(Some(url)) => url,
            Ok(None) => {
                failed += 1;
                eprintln!("licusage: error: channel `{}`: no url", channel.name);
                continue;
            }
            Err(e) => {
                failed += 1;
                eprintln!("licusage: error: channel `{}`: {}", channel.name, output::escape::text(&e));
                continue;
            }
        };
        let (sent, errors) = store.notify_channel(&channel.name, |told| {
            let mut now_told = Vec::new();
            let (mut sent, mut errors) = (0, Vec::new());
            for change in crate::notify::changes(channel, &report, &decisions, told, now) {
                if change.is_message() {
                    match rt.block_on(send(&http, channel, url.expose(), &change, now, config.timeout)) {
                        Ok(()) => sent += 1,
                        // Not stored as told: sent again next time.
                        Err(e) => {
                            errors.push(e);
                            continue;
                        }
                    }
                }
                now_told.push(change.told(now));
            }
            ((sent, errors), now_told)
        })?;
        for e in &errors {
            eprintln!("licusage: error: channel `{}`: {}", channel.name, output::escape::text(e));
        }
        failed += errors.len();
        if !run.quiet {
            let failures = if errors.is_empty() { String::new() } else { format!(", {} failed", errors.len()) };
            super::print(|out| Ok(writeln!(out, "channel {}: {sent} sent{failures}", output::escape::text(&channel.name))?))?;
        }
    }
    print_errors(&report);
    Ok(if failed > 0 || !report.errors.is_empty() { Exit::SourceFailed } else { Exit::Ok })
}

/// One change to one channel; an error never names the channel's address
/// (a webhook's path is its key).
async fn send(
    http: &crate::http::Http,
    channel: &Channel,
    url: &str,
    change: &Change,
    now: chrono::DateTime<chrono::Utc>,
    timeout: std::time::Duration,
) -> Result<(), String> {
    if let Some(mail) = &channel.email {
        return send_mail(mail, url, change, timeout).await;
    }
    let hide = |e: String| e.replace(url, "<the channel's url>");
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("its url is not a URL ({e})"))?;
    if parsed.scheme() != "https" && !crate::http::is_loopback(&parsed) {
        return Err("its url must be https:// (plain http only to this machine)".into());
    }
    use crate::config::notify::ChannelKind;
    let (parsed, body) = match channel.kind {
        ChannelKind::Webhook => (parsed, change.webhook(&channel.name, now)),
        ChannelKind::Slack => (parsed, change.slack()),
        ChannelKind::Teams => (parsed, change.teams()),
        ChannelKind::Email => return Err("internal error: a mail channel without its settings".into()),
        ChannelKind::Alertmanager => {
            // Firing until told otherwise, at least a day (a cron's gaps), or `repeat` and a half.
            let hold = channel.repeat.map(|r| r + r / 2).unwrap_or_default().max(std::time::Duration::from_secs(86_400));
            let until = now + chrono::Duration::from_std(hold).unwrap_or_else(|_| chrono::Duration::days(1));
            // Under the Alertmanager's own path, if it has one (`https://host/am`).
            let mut base = parsed;
            if !base.path().ends_with('/') {
                let dir = format!("{}/", base.path());
                base.set_path(&dir);
            }
            let alerts = base.join("api/v2/alerts").map_err(|e| format!("its url cannot take api/v2/alerts ({e})"))?;
            (alerts, change.alertmanager(&channel.name, now, until))
        }
    };
    let call = crate::http::Call::post_json(parsed, &body);
    let reply = http.send(&call, timeout).await.map_err(|e| hide(e.to_string()))?;
    match reply.is_success() {
        true => Ok(()),
        false => Err(format!("the webhook answered {}", reply.status_line())),
    }
}

/// One change as a mail: the headline as the subject, the summary and the
/// details as the text. SMTP needs STARTTLS (rustls) except to this machine.
async fn send_mail(
    mail: &crate::config::notify::Email,
    password: &str,
    change: &Change,
    timeout: std::time::Duration,
) -> Result<(), String> {
    use crate::config::notify::Relay;
    use lettre::{AsyncTransport, Tokio1Executor};
    let parse = |a: &str| a.parse::<lettre::message::Mailbox>().map_err(|e| format!("`{a}` is not a mail address ({e})"));
    let mut message =
        lettre::Message::builder().from(parse(&mail.from)?).subject(format!("licusage: {}", output::escape::text(&change.headline())));
    for to in &mail.to {
        message = message.to(parse(to)?);
    }
    // Vendor text escaped line by line: the mail's own line breaks stay.
    let mut text = format!("{}\n", output::escape::text(&change.summary));
    for d in &change.details {
        text.push_str(&format!("  {}\n", output::escape::text(d)));
    }
    text.push_str("\n-- \nsent by licusage notify\n");
    let message = message.body(text).map_err(|e| format!("cannot build the mail: {e}"))?;
    match &mail.relay {
        Relay::Smtp { host, port } => {
            let local = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
            let builder = match local {
                true => lettre::AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
                false => lettre::AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(|e| format!("smtp {host}: {e}"))?,
            };
            let mut builder = builder.port(*port).timeout(Some(timeout));
            if let Some(user) = &mail.username {
                builder =
                    builder.credentials(lettre::transport::smtp::authentication::Credentials::new(user.clone(), password.to_string()));
            }
            builder.build().send(message).await.map(|_| ()).map_err(|e| format!("smtp {host}:{port}: {e}"))
        }
        Relay::Sendmail(program) => lettre::AsyncSendmailTransport::<Tokio1Executor>::new_with_command(program)
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("{}: {e}", program.display())),
    }
}
