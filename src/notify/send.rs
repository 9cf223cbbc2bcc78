//! Sending one change to one channel: HTTP (webhook, Slack, Teams,
//! Alertmanager) or mail.

use super::Change;
use crate::config::notify::Channel;

/// One change to one channel; an error never names the channel's address
/// (a webhook's path is its key).
pub(super) async fn send(
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
    let parsed = reqwest::Url::parse(url).map_err(|_| "its url is not a URL".to_string())?;
    // The address as given, as an HTTP error shows it (no query), and its
    // path (where a webhook's key is) never reach an error.
    let (shown, path) = (crate::http::shown(&parsed), parsed.path().to_string());
    let hide = |e: String| {
        let e = e.replace(url, "<the channel's url>").replace(&shown, "<the channel's url>");
        match path.len() > 1 {
            true => e.replace(&path, "/…"),
            false => e,
        }
    };
    // A webhook's address is its key: https only (but to this machine). An
    // Alertmanager's address carries no secret unless it has a password in it.
    let keyless =
        channel.kind == crate::config::notify::ChannelKind::Alertmanager && parsed.password().is_none() && parsed.username().is_empty();
    if parsed.scheme() != "https" && !crate::http::is_loopback(&parsed) && !keyless {
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
    let mut message = lettre::Message::builder()
        .from(parse(&mail.from)?)
        .subject(format!("licusage: {}", crate::output::escape::text(&change.headline())));
    for to in &mail.to {
        message = message.to(parse(to)?);
    }
    // Vendor text escaped line by line: the mail's own line breaks stay.
    let mut text = format!("{}\n", crate::output::escape::text(&change.summary));
    for d in &change.details {
        text.push_str(&format!("  {}\n", crate::output::escape::text(d)));
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
