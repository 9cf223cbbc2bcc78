//! A series' chart as inline SVG, written with maud: mean use in each step
//! of the range, the limit, the trend, and the forecast date in words.

use chrono::{DateTime, Utc};
use maud::{html, Markup};

use crate::history::SeriesHistory;

const W: f64 = 640.0;
const H: f64 = 180.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 26.0;

/// What the chart shows, in words: its text alternative.
pub fn describe(s: &SeriesHistory) -> String {
    let mut text = format!(
        "Used went from {} to {} ({} samples, {} to {})",
        super::count(s.first.used),
        super::count(s.last.used),
        s.samples,
        s.first.at.format("%Y-%m-%d"),
        s.last.at.format("%Y-%m-%d")
    );
    match s.last.limit {
        Some(l) => text.push_str(&format!(" against a limit of {l}")),
        None => text.push_str(", no limit"),
    }
    match s.trend_per_day {
        Some(t) if t != 0.0 => text.push_str(&format!("; trend {t:+.2} a day")),
        Some(_) => text.push_str("; flat"),
        None => {}
    }
    // Between the polls, as the server's own log says.
    if let Some(peak) = s.peak {
        match s.max {
            Some(max) if peak > max => {
                text.push_str(&format!("; the server's log shows a true peak of {peak} (the polls saw at most {max})"))
            }
            _ => text.push_str(&format!("; true peak {peak}")),
        }
    }
    match s.denials {
        Some(0) => text.push_str("; no checkout refused"),
        Some(1) => text.push_str("; 1 checkout refused"),
        Some(n) => text.push_str(&format!("; {n} checkouts refused")),
        None => {}
    }
    if s.over_limit {
        text.push_str("; at or over the limit now");
    } else if let Some(at) = s.exhausted_at {
        text.push_str(&format!("; at this trend the seats run out on {}", at.format("%Y-%m-%d")));
    }
    text.push('.');
    text
}

/// The SVG of one series over `[from, to]`; `n` numbers its ids on the page.
pub fn svg(s: &SeriesHistory, from: DateTime<Utc>, to: DateTime<Utc>, n: usize, title: &str) -> Markup {
    let steps = s.points.len().max(1);
    let span = (to - from).num_seconds().max(1) as f64;
    let at = |t: DateTime<Utc>| LEFT + ((t - from).num_seconds() as f64 / span).clamp(0.0, 1.0) * (W - LEFT - RIGHT);
    // The trend through the last sample, over the whole range.
    let trend = s.trend_per_day.zip(s.last.used).map(|(slope, used)| {
        let y = |t: DateTime<Utc>| used as f64 + slope * (t - s.last.at).num_seconds() as f64 / 86400.0;
        (y(from).max(0.0), y(to).max(0.0))
    });
    let top = [s.max.map(|m| m as f64), s.last.limit.map(|l| l as f64), trend.map(|(a, b)| a.max(b))]
        .into_iter()
        .flatten()
        .fold(1.0f64, f64::max)
        * 1.1;
    let y = |v: f64| TOP + (1.0 - (v / top).clamp(0.0, 1.0)) * (H - TOP - BOTTOM);
    let x_of_step = |i: usize| LEFT + (i as f64 + 0.5) / steps as f64 * (W - LEFT - RIGHT);
    // One line through the steps that have samples (a step without one is a
    // gap in `record`'s schedule, not a drop to zero), a dot on each.
    let dots: Vec<(f64, f64)> = s.points.iter().enumerate().filter_map(|(i, p)| p.map(|v| (x_of_step(i), y(v)))).collect();
    let runs = [dots.clone()];
    let line = |run: &[(f64, f64)]| run.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
    let (title_id, desc_id) = (format!("chart{n}-title"), format!("chart{n}-desc"));
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox={"0 0 " (W) " " (H)} role="img" aria-labelledby={(title_id) " " (desc_id)} {
            title id=(title_id) { (title) }
            desc id=(desc_id) { (describe(s)) }
            rect x=(LEFT) y=(TOP) width=(W - LEFT - RIGHT) height=(H - TOP - BOTTOM) class="plot" {}
            line x1=(LEFT) y1=(y(0.0)) x2=(W - RIGHT) y2=(y(0.0)) class="axis" {}
            text x=(LEFT - 6.0) y=(y(0.0) + 4.0) class="tick" text-anchor="end" { "0" }
            text x=(LEFT - 6.0) y=(TOP + 10.0) class="tick" text-anchor="end" { (format!("{:.0}", top)) }
            text x=(LEFT) y=(H - 8.0) class="tick" { (from.format("%Y-%m-%d")) }
            text x=(W - RIGHT) y=(H - 8.0) class="tick" text-anchor="end" { (to.format("%Y-%m-%d")) }
            @if let Some(l) = s.last.limit {
                line x1=(LEFT) y1=(y(l as f64)) x2=(W - RIGHT) y2=(y(l as f64)) class="limit" {}
                text x=(W - RIGHT - 4.0) y=(y(l as f64) - 4.0) class="label limit-label" text-anchor="end" { "limit " (l) }
            }
            @if let Some((a, b)) = trend {
                line x1=(at(from)) y1=(y(a)) x2=(at(to)) y2=(y(b)) class="trend" {}
            }
            @for run in runs.iter().filter(|r| r.len() > 1) {
                polyline points=(line(run)) class="used" {}
            }
            @for (x, y) in &dots {
                circle cx=(x) cy=(y) r="2.5" class="used-dot" {}
            }
        }
    }
}
