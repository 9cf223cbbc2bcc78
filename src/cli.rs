//! The command line: clap types, and their translation into an [`Invocation`].
//! Nothing below this module sees clap.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::config::{self, Origin, Overrides, COMMON_KEYS};
use crate::glob::Glob;
use crate::history::HistoryFilter;
use crate::output::{Format, Rendered};
use crate::range::Range;
use crate::select::RecordFilter;
use crate::vendors::{self, Key, KeyType, Vendor};

const EXAMPLES: &str = "\
Examples:
  licusage show                                  every configured source, as a table
  licusage show --source veeva --format json     Vault sources, as JSON
  licusage show --format json | jq '.records[] | select(.status != \"ok\")'
  licusage veeva --file licenses.json            one saved Vault payload, no config needed
  curl -s … | licusage cpod --file -             a payload from stdin";

#[derive(Parser, Debug)]
#[command(
    name = "licusage",
    version,
    about = "License usage inspector: seats used, left and expiring, per vendor",
    after_help = EXAMPLES,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Under their own heading in every subcommand's help, after its own flags.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]
    #[arg(long, global = true, env = "LICUSAGE_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Output format, before the subcommand; each subcommand that renders takes its own --format
    #[arg(long, value_name = "FORMAT", value_parser = clap::builder::PossibleValuesParser::new(Format::ALL.map(Format::name)))]
    pub format: Option<String>,
    /// Same as --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// When to colour the table (NO_COLOR is honoured with auto)
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// No progress, no warnings
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Log requests to stderr (secrets redacted)
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Timeout per request, e.g. 30s, 2m [default: 30s]
    #[arg(short = 't', long, global = true, value_name = "DURATION", value_parser = duration)]
    pub timeout: Option<Duration>,
}

fn duration(text: &str) -> Result<Duration, String> {
    config::parse_duration(text)
}

fn range(text: &str) -> Result<Range, String> {
    Range::parse(text)
}

fn since(text: &str) -> Result<Duration, String> {
    config::parse_duration_of(text, "--since")
}

fn refresh(text: &str) -> Result<Duration, String> {
    config::parse_duration_of(text, "--refresh")
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Read every configured source (or those named by --source) and render the records
    #[command(
        after_help = "Examples:\n  licusage show\n  licusage show --source vault-prod --product 'pm_*'\n  licusage show --format csv > usage.csv"
    )]
    Show(SelectArgs),
    /// List who holds the seats (the kinds that say are named by `command()`, from the registry)
    #[command(
        after_help = "Examples:\n  licusage holders\n  licusage holders --source assets --idle 90 --format csv > reclaim.csv\n  licusage holders --redact --json"
    )]
    Holders(HoldersArgs),
    /// Evaluate thresholds and expiry; monitoring-plugin output and exit codes
    #[command(
        long_about = "Evaluate thresholds and expiry as a Nagios/Icinga/Checkmk plugin: one line \
`LICUSAGE <STATE> - <summary> | <perfdata>`, then one line per series that is not ok. \
Exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (a source failed, or a usage or config error). \
Flags override [[rules]] and [defaults] from the config.",
        after_help = "Examples:\n  licusage check\n  licusage check --source vault-prod --warn 85 --crit 98 --expiry-warn 60"
    )]
    Check(CheckArgs),
    /// Take a snapshot of all sources and append it to the history store (for cron)
    #[command(after_help = "Example (crontab, every 15 minutes):\n  */15 * * * * licusage -q record")]
    Record(SelectArgs),
    /// Usage over time per series: sparkline, trend, forecast of exhaustion
    #[command(
        after_help = "Examples:\n  licusage history\n  licusage history --source vault-prod --since 90d --format csv\n  \
licusage history migrate --to postgres://licusage@db.example.com/licusage --password-env PGPASSWORD",
        args_conflicts_with_subcommands = true
    )]
    History(HistoryArgs),
    /// Compare two saved JSON outputs (`show --format json`): what changed, per series
    #[command(
        long_about = "Compare two saved `licusage show --format json` documents per series: added, removed, \
and used/limit/status changes with deltas. Exit 0 when nothing changed, 1 when something did, 2 on error.",
        after_help = "Example:\n  licusage show --json > today.json && licusage diff yesterday.json today.json"
    )]
    Diff(DiffArgs),
    /// List the configured sources and the supported kinds
    #[command(after_help = "Examples:\n  licusage sources\n  licusage sources --format json\n  licusage sources --names")]
    Sources(SourcesArgs),
    /// Print a completion script: bash, zsh, fish, powershell, elvish
    #[command(
        long_about = "Print a completion script for SHELL. Completing --source offers the source names of the \
config that `licusage` finds from where the shell runs (LICUSAGE_CONFIG or the default path), and the kinds.",
        after_help = "Examples:\n  licusage completions bash > ~/.local/share/bash-completion/completions/licusage\n  licusage completions zsh > ~/.zfunc/_licusage\n  licusage completions fish > ~/.config/fish/completions/licusage.fish"
    )]
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// `config path` prints the config file path; `config check` validates it
    #[command(
        subcommand,
        after_help = "Examples:\n  licusage config init\n  licusage config check\n  $EDITOR \"$(licusage config path)\""
    )]
    Config(ConfigCommand),
    /// A long-running Prometheus exporter: /metrics, /healthz, /records
    #[command(
        long_about = "A long-running Prometheus exporter. Each source is read in the background every \
--refresh (config [serve] refresh, default 5m); GET /metrics answers from the latest reads at once \
(a failed read keeps the source's last good series, with licusage_source_up 0), /records is the \
`show --format json` document, /healthz says ok. Listens on 127.0.0.1:9873 unless --listen or \
[serve] listen says otherwise; [serve] adds Basic auth and TLS. SIGHUP re-reads the config \
(an invalid one is logged and the old one kept); SIGTERM or SIGINT ends it, exit 0.",
        after_help = "Examples:\n  licusage serve\n  licusage serve --listen 0.0.0.0:9873 --refresh 2m\n  curl -s localhost:9873/metrics"
    )]
    Serve(ServeArgs),
    /// A self-contained HTML (or Markdown) report with charts, prices and renewals
    #[command(
        long_about = "A document a person reads: a summary, usage by source with utilization bars, \
charts of used against limit with trend and forecast from the history (`record`), the seats to reclaim \
(idle past --idle days) and the unused seats, priced where the vendor reports prices, and what expires \
or renews in the next 90 days. HTML (one file: inline CSS and SVG, no script, no external reference; \
prints on A4) or --format markdown. Exit codes as `show`.",
        after_help = "Examples:\n  licusage report -o report.html\n  licusage report --format markdown --since 30d\n  \
# weekly from cron, mailed even when a source failed (the report says which):\n  \
licusage -q report -o r.html; mail -A r.html -s Licenses it@example.com </dev/null"
    )]
    Report(ReportArgs),
    /// Renewal decisions: peak, p95, recommended limit, what it saves, and by when to say so
    #[command(
        long_about = "Per series, from the history (`record`) over --since and today's read: the peak, p95 and mean \
in use, days at or over the limit, denials where a server log is read, the recommended limit (the larger of the \
peak and p95 × (1 + headroom), rounded up to the pack size), the change against today's limit and what it saves \
or costs a year at the seat price, the renewal or expiry date, the notice period and the decision deadline; \
sorted by deadline: act now, soon (30 days), later. headroom (0.1), pack (1) and notice (30d) are set in \
[defaults], [[rules]] or a source. Too little history is said, never guessed. Exit codes as `show`.",
        after_help = "Examples:\n  licusage plan\n  licusage plan --since 180d --format csv > renewals.csv"
    )]
    Plan(PlanArgs),
    /// Send what changed (status, sources failing, deadlines) to the [notify] channels (for cron)
    #[command(
        long_about = "Read the sources and send one message per change since each [notify.NAME] channel was last \
told: a series' status changing (and back: resolved), a source failing and recovering, a renewal decision \
coming due. What a channel was told is kept in the history database; a channel that fails gets its changes \
next time. Exit 1 when a channel or a source failed.",
        after_help = "Example (crontab, every 15 minutes):\n  */15 * * * * licusage -q notify\n  licusage notify --dry-run"
    )]
    Notify(NotifyArgs),
}

#[derive(Args, Debug, Clone)]
pub struct NotifyArgs {
    #[command(flatten)]
    pub select: SelectArgs,
    /// Print what would be sent; send nothing and remember nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Send the reclaim digest instead: seats idle --idle days or more and what they cost, per source (weekly from cron)
    #[arg(long)]
    pub digest: bool,
    /// With --digest: seats unused this many days or more are to reclaim
    #[arg(long, value_name = "DAYS", default_value_t = 90, requires = "digest")]
    pub idle: u32,
}

#[derive(Args, Debug, Clone)]
pub struct PlanArgs {
    #[command(flatten)]
    pub select: SelectArgs,
    /// How much history the figures weigh, e.g. 90d, 26w
    #[arg(long, value_name = "DURATION", default_value = "90d", value_parser = since)]
    pub since: Duration,
}

#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    #[command(flatten)]
    pub select: SelectArgs,
    /// How far back the charts go, e.g. 90d, 12w
    #[arg(long, value_name = "DURATION", default_value = "90d", value_parser = since)]
    pub since: Duration,
    /// Seats unused this many days or more are to reclaim
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
    pub idle: u32,
    /// Write the report to FILE (replaced whole, never half-written) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct ServeArgs {
    #[command(flatten)]
    pub select: SelectArgs,
    /// Address to listen on, host:port [default: [serve] listen, else 127.0.0.1:9873]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// How often each source is read, e.g. 5m, 30s [default: [serve] refresh, else 5m]
    #[arg(long, value_name = "DURATION", value_parser = refresh)]
    pub refresh: Option<Duration>,
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Print the config file path
    #[command(after_help = "Example:\n  $EDITOR \"$(licusage config path)\"")]
    Path,
    /// Write a commented starter config (every kind, keys commented out) at the config path, mode 0600
    #[command(after_help = "Examples:\n  licusage config init\n  licusage config init --path ./licusage.toml --force")]
    Init {
        /// Write here instead of the config path (--config, LICUSAGE_CONFIG, else the platform config dir)
        #[arg(long, value_name = "PATH")]
        path: Option<PathBuf>,
        /// Replace a file that is there
        #[arg(long)]
        force: bool,
    },
    /// Validate the config file: exit 0 when valid, 2 with the reason when not
    #[command(after_help = "Example:\n  licusage --config /etc/licusage.toml config check")]
    Check,
}

#[derive(Args, Debug, Clone, Default)]
pub struct SelectArgs {
    /// A source name from the config, or a kind for every source of that kind (repeatable)
    #[arg(long = "source", short = 's', value_name = "NAME")]
    pub sources: Vec<String>,
    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Args, Debug, Clone, Default)]
pub struct SourcesArgs {
    /// Only the names: each configured source, then each kind, one per line (for completion scripts)
    #[arg(long)]
    pub names: bool,
}

#[derive(Args, Debug, Clone, Default)]
pub struct HoldersArgs {
    #[command(flatten)]
    pub select: SelectArgs,
    /// Only holders whose seat has not been used for DAYS or more (never used counts)
    #[arg(long, value_name = "DAYS")]
    pub idle: Option<u32>,
    /// Replace holder identities by a stable short hash, dropping the details that identify a person or machine
    #[arg(long)]
    pub redact: bool,
    /// Checkout hours per user and feature from the server logs (`log`) over --since, instead of who holds seats now
    #[arg(long, conflicts_with = "idle")]
    pub usage: bool,
    /// With --usage: how far back, e.g. 30d, 12h, 52w
    #[arg(long, value_name = "DURATION", default_value = "30d", value_parser = since, requires = "usage")]
    pub since: Duration,
}

#[derive(Args, Debug, Clone, Default)]
pub struct CheckArgs {
    #[command(flatten)]
    pub select: SelectArgs,
    /// Warning at this utilization, in percent [default: 80, or the config's]
    #[arg(long, value_name = "PCT")]
    pub warn: Option<f64>,
    /// Critical at this utilization, in percent [default: 95, or the config's]
    #[arg(long, value_name = "PCT")]
    pub crit: Option<f64>,
    /// Warning when utilization (in percent) is outside this Nagios range: 80, 10:, ~:80, 10:80, @10:80
    #[arg(short = 'w', long = "warning", value_name = "RANGE", value_parser = range, conflicts_with = "warn")]
    pub warning: Option<Range>,
    /// Critical when utilization (in percent) is outside this Nagios range
    #[arg(short = 'c', long = "critical", value_name = "RANGE", value_parser = range, conflicts_with = "crit")]
    pub critical: Option<Range>,
    /// Leave out perfdata series whose use is unknown instead of writing U (some graphers reject U)
    #[arg(long)]
    pub skip_unknown: bool,
    /// Warning when this many seats or fewer are left
    #[arg(long, value_name = "N")]
    pub warn_free: Option<i64>,
    /// Critical when this many seats or fewer are left
    #[arg(long, value_name = "N")]
    pub crit_free: Option<i64>,
    /// Warning when the license expires within this many days [default: 30]
    #[arg(long, value_name = "DAYS")]
    pub expiry_warn: Option<i64>,
    /// Critical when the license expires within this many days [default: 7]
    #[arg(long, value_name = "DAYS")]
    pub expiry_crit: Option<i64>,
    /// Warning when a series had this many denials or more since the last check (sources with `log`)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub denials_warn: Option<u64>,
    /// Critical when a series had this many denials or more since the last check (sources with `log`)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub denials_crit: Option<u64>,
}

#[derive(Subcommand, Debug, Clone)]
pub enum HistoryCommand {
    /// Copy the local SQLite history into a PostgreSQL one, verified by counts (run again: copies only what is new)
    #[command(
        after_help = "Example:\n  licusage history migrate --to postgres://licusage@db.example.com/licusage --password-env PGPASSWORD"
    )]
    Migrate {
        /// The PostgreSQL history: postgres://USER@HOST[:PORT]/DB (no password in it)
        #[arg(long, value_name = "URL")]
        to: String,
        /// The SQLite file to copy (default: the config's [history] path, else the default file)
        #[arg(long, value_name = "PATH")]
        from: Option<PathBuf>,
        /// The server's password from this environment variable (default: the config's [history] one)
        #[arg(long, value_name = "VAR", conflicts_with = "password_command")]
        password_env: Option<String>,
        /// The server's password from this command's output
        #[arg(long, value_name = "COMMAND")]
        password_command: Option<String>,
    },
}

#[derive(Args, Debug, Clone)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub action: Option<HistoryCommand>,
    /// A source name or a kind, or a glob of them (repeatable)
    #[arg(long = "source", short = 's', value_name = "NAME")]
    pub sources: Vec<String>,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// How far back, e.g. 30d, 12h, 52w
    #[arg(long, value_name = "DURATION", default_value = "30d", value_parser = since)]
    pub since: Duration,
}

#[derive(Args, Debug, Clone)]
pub struct DiffArgs {
    /// The older `show --format json` output
    pub old: PathBuf,
    /// The newer `show --format json` output
    pub new: PathBuf,
}

#[derive(Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Only records whose product matches this glob (repeatable)
    #[arg(long = "product", value_name = "GLOB")]
    pub products: Vec<String>,
    /// Only records whose metric matches this glob (repeatable)
    #[arg(long = "metric", value_name = "GLOB")]
    pub metrics: Vec<String>,
}

/// Global options, resolved.
#[derive(Debug, Clone)]
pub struct Options {
    pub config: Option<(PathBuf, Origin)>,
    pub format: Option<Format>,
    pub color: ColorChoice,
    pub quiet: bool,
    pub verbose: bool,
    pub timeout: Option<Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What to do, with everything clap knew turned into plain values.
#[derive(Debug)]
pub enum Task {
    Show {
        sources: Vec<String>,
        filter: RecordFilter,
    },
    Holders {
        sources: Vec<String>,
        filter: RecordFilter,
        idle: Option<i64>,
        redact: bool,
        /// `--usage`: checkout time over this much of the past.
        usage: Option<Duration>,
    },
    Check {
        sources: Vec<String>,
        filter: RecordFilter,
        overrides: Box<Overrides>,
        /// Leave perfdata series of unknown use out instead of `U`.
        skip_unknown: bool,
        denials: crate::check::DenialLimits,
    },
    Record {
        sources: Vec<String>,
        filter: RecordFilter,
    },
    HistoryMigrate {
        to: String,
        from: Option<PathBuf>,
        password_env: Option<String>,
        password_command: Option<String>,
    },
    History {
        filter: HistoryFilter,
        since: Duration,
        /// The `--source` values as given.
        names: Vec<String>,
    },
    Diff {
        old: PathBuf,
        new: PathBuf,
    },
    Sources {
        names: bool,
    },
    Completions(clap_complete::Shell),
    Notify {
        sources: Vec<String>,
        filter: RecordFilter,
        dry_run: bool,
        /// `--digest`: the idle days.
        digest: Option<i64>,
    },
    Plan {
        sources: Vec<String>,
        filter: RecordFilter,
        since: Duration,
    },
    Report {
        sources: Vec<String>,
        filter: RecordFilter,
        since: Duration,
        idle: i64,
        output: Option<PathBuf>,
    },
    Serve {
        sources: Vec<String>,
        filter: RecordFilter,
        listen: Option<String>,
        refresh: Option<Duration>,
    },
    ConfigPath,
    ConfigCheck,
    ConfigInit {
        path: Option<PathBuf>,
        force: bool,
    },
    /// A one-off read of one kind, without a config file: the source's keys
    /// as the flags gave them.
    Vendor {
        kind: String,
        table: toml::Table,
        filter: RecordFilter,
    },
}

#[derive(Debug)]
pub struct Invocation {
    pub options: Options,
    pub task: Task,
}

/// The whole command: the derived commands plus one subcommand per vendor,
/// generated from the registry.
pub fn command() -> clap::Command {
    let kinds: Vec<&str> = vendors::kinds().collect();
    let mut cmd = Cli::command().long_about(format!(
        "License usage inspector: reads license usage from license servers and vendor APIs \
(kinds: {}), saved files or stdin, normalizes it into one record per licensed series \
(used / limit / balance / utilization / expiry / status) and renders a table, JSON, NDJSON, CSV or \
Prometheus metrics.",
        kinds.join(", ")
    ));
    for vendor in vendors::VENDORS {
        cmd = cmd.subcommand(vendor_command(*vendor));
    }
    // `--format` is offered where it means something, with the formats that
    // command has: `show --format <table|json|…>`, `check --format checkmk`,
    // none on `record`, `serve`, `completions` or `config`.
    let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
    for name in names {
        if let Some(rendered) = rendered(&name) {
            cmd = cmd.mut_subcommand(name, |sub| with_format(sub, rendered));
        }
    }
    cmd.mut_subcommand("holders", holders_about)
}

/// `holders --help` names the kinds that say who holds the seats.
fn holders_about(holders: clap::Command) -> clap::Command {
    let holding: Vec<&str> = vendors::VENDORS.iter().filter(|v| v.has_holders()).map(|v| v.kind()).collect();
    let holding = holding.join(", ");
    holders.about(format!("List who holds the seats (kinds {holding})")).long_about(format!(
        "List who holds the seats, for the kinds that say: {holding}. \
--idle DAYS keeps the seats unused that long (never used counts as idle): the seats to reclaim. \
--redact replaces identities by a stable short hash for reports that leave the team."
    ))
}

/// What a subcommand prints, for those that take `--format`.
fn rendered(subcommand: &str) -> Option<Rendered> {
    Some(match subcommand {
        "show" => Rendered::Records,
        "holders" => Rendered::Holders,
        "check" => Rendered::Check,
        "history" => Rendered::History,
        "diff" => Rendered::Diff,
        "sources" => Rendered::Sources,
        "report" => Rendered::Report,
        "plan" => Rendered::Plan,
        kind if vendors::find(kind).is_some() => Rendered::Records,
        _ => return None,
    })
}

fn with_format(sub: clap::Command, rendered: Rendered) -> clap::Command {
    let formats = rendered.formats();
    let help = match rendered {
        Rendered::Check => "checkmk: Checkmk's local-check lines instead of the monitoring-plugin output".to_string(),
        _ => format!("Output format [default: {}]", formats[0].name()),
    };
    let sub = sub.arg(
        clap::Arg::new("format")
            .long("format")
            .value_name("FORMAT")
            .help(help)
            .value_parser(clap::builder::PossibleValuesParser::new(formats.iter().map(|f| f.name()))),
    );
    match formats.contains(&Format::Json) {
        true => sub.arg(
            clap::Arg::new("json").long("json").help("Same as --format json").action(clap::ArgAction::SetTrue).conflicts_with("format"),
        ),
        false => sub,
    }
}

/// The format a command line asks for: the subcommand's own `--format` or
/// `--json`, else the one given before the subcommand.
fn asked_format(global: &GlobalArgs, matches: &ArgMatches) -> Option<Format> {
    let own = matches.subcommand().and_then(|(_, sub)| {
        if sub.try_get_one::<bool>("json").ok().flatten() == Some(&true) {
            return Some(Format::Json);
        }
        sub.try_get_one::<String>("format").ok().flatten().and_then(|name| Format::from_name(name))
    });
    own.or_else(|| match global.json {
        true => Some(Format::Json),
        false => global.format.as_deref().and_then(Format::from_name),
    })
}

/// The flags of `licusage <kind>` for one key: `token_env` → `--token-env`.
/// A secret gives its `_env` and `_command` flags, never the inline value
/// (shell history, `ps`); lists are config only.
/// The common keys a one-off read takes: not `plan`'s (a one-off read
/// plans nothing).
fn one_off_keys() -> impl Iterator<Item = &'static Key> {
    COMMON_KEYS.iter().filter(|k| !config::PLAN_KEYS.contains(&k.name))
}

fn key_flags(key: &Key) -> Vec<(String, String, KeyType)> {
    match key.ty {
        KeyType::Secret => vec![
            (format!("{}_env", key.name), format!("Environment variable holding {}", key.help), KeyType::Text),
            (format!("{}_command", key.name), format!("Command whose stdout is {}", key.help), KeyType::Text),
        ],
        KeyType::List | KeyType::Table => Vec::new(),
        KeyType::Argv => vec![(
            key.name.to_string(),
            format!("{} (one string, split into words like a shell's, no shell run)", capitalised(key.help)),
            KeyType::Argv,
        )],
        ty => vec![(key.name.to_string(), capitalised(key.help), ty)],
    }
}

/// Help lines start with a capital, as clap's own do.
fn capitalised(help: &str) -> String {
    let mut chars = help.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The long flags every subcommand has from the top level (`--config`, `--timeout`, …), as key names.
fn global_flags() -> Vec<String> {
    Cli::command()
        .get_arguments()
        .filter_map(|a| a.get_long())
        .map(|l| l.replace('-', "_"))
        .chain(["help".into(), "version".into()])
        .collect()
}

/// Where a kind's own keys would clash with a flag its one-off subcommand has
/// anyway (a global flag, `--format`/`--json`, `--product`/`--metric`, a
/// common key's) or with another of its keys: one line per clash, naming
/// both. The registry test requires none, so that no key is silently
/// shadowed on the command line.
pub fn key_clashes(vendor: &dyn Vendor) -> Vec<String> {
    let kind = vendor.kind();
    let mut taken: Vec<(String, String)> = global_flags().into_iter().map(|f| (f, "a global flag".to_string())).collect();
    for flag in ["format", "json", "product", "metric"] {
        taken.push((flag.to_string(), "a flag of every one-off subcommand".to_string()));
    }
    for (name, _, _) in COMMON_KEYS.iter().flat_map(key_flags) {
        taken.push((name.clone(), format!("the flag of the common key `{name}`")));
    }
    let mut clashes = Vec::new();
    for key in vendor.keys() {
        for (name, _, _) in key_flags(key) {
            if let Some((_, what)) = taken.iter().find(|(t, _)| *t == name) {
                clashes.push(format!("kind `{kind}`: key `{}` gives the flag --{}, which is {what}", key.name, name.replace('_', "-")));
            }
            taken.push((name.clone(), format!("the flag of its key `{}`", key.name)));
        }
    }
    clashes
}

/// `licusage <kind>`: the common keys and the kind's own, as flags.
fn vendor_command(vendor: &'static dyn Vendor) -> clap::Command {
    let mut cmd = clap::Command::new(vendor.kind())
        .about(format!("One-off read: {}", vendor.about()))
        .after_help(format!("Example:\n  {}", vendor.example()));
    // A common key that is also a global flag (`timeout`) is given by the
    // global flag; a kind's own key never is (`key_clashes` refuses it).
    let global = global_flags();
    for (name, help, ty) in one_off_keys().chain(vendor.keys()).flat_map(key_flags) {
        if global.contains(&name) {
            continue;
        }
        let arg = clap::Arg::new(name.clone()).long(name.replace('_', "-")).help(help);
        let arg = match ty {
            KeyType::Flag => arg.action(clap::ArgAction::SetTrue),
            _ => arg.value_name(name.rsplit('_').next().unwrap_or("VALUE").to_uppercase()),
        };
        cmd = cmd.arg(arg);
    }
    FilterArgs::augment_args(cmd)
}

/// Parse the command line. A clap error (usage, `--help`, `--version`) is
/// returned for the caller to print with its own exit code.
pub fn parse<I: IntoIterator<Item = OsString>>(args: I) -> Result<Invocation, clap::Error> {
    let matches = command().try_get_matches_from(args)?;
    let global = GlobalArgs::from_arg_matches(&matches)?;
    let origin = match matches.value_source("config") {
        Some(ValueSource::EnvVariable) => Origin::Env,
        _ => Origin::Flag,
    };
    let format = asked_format(&global, &matches);
    let options = Options {
        config: global.config.map(|p| (p, origin)),
        format,
        color: match global.color {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        },
        quiet: global.quiet,
        verbose: global.verbose,
        timeout: global.timeout,
    };
    let task = match matches.subcommand() {
        Some((name, sub)) if vendors::find(name).is_some() => vendor_task(name, sub)?,
        _ => match Cli::from_arg_matches(&matches)?.command {
            Command::Show(a) => Task::Show { sources: a.sources, filter: filter(&a.filter)? },
            Command::Holders(a) => Task::Holders {
                filter: filter(&a.select.filter)?,
                sources: a.select.sources,
                idle: a.idle.map(i64::from),
                redact: a.redact,
                usage: a.usage.then_some(a.since),
            },
            Command::Check(a) => Task::Check {
                skip_unknown: a.skip_unknown,
                denials: crate::check::DenialLimits { warn: a.denials_warn, crit: a.denials_crit },
                filter: filter(&a.select.filter)?,
                sources: a.select.sources,
                overrides: Box::new(Overrides {
                    warn: a.warn,
                    crit: a.crit,
                    warn_range: a.warning,
                    crit_range: a.critical,
                    warn_free: a.warn_free,
                    crit_free: a.crit_free,
                    expiry_warn_days: a.expiry_warn,
                    expiry_crit_days: a.expiry_crit,
                    ..Overrides::default()
                }),
            },
            Command::Record(a) => Task::Record { sources: a.sources, filter: filter(&a.filter)? },
            Command::History(HistoryArgs {
                action: Some(HistoryCommand::Migrate { to, from, password_env, password_command }), ..
            }) => Task::HistoryMigrate { to, from, password_env, password_command },
            Command::History(a) => {
                let globs = |list: &[String]| list.iter().map(|g| Glob::new(g).map_err(invalid)).collect::<Result<Vec<_>, _>>();
                let filter =
                    HistoryFilter { sources: globs(&a.sources)?, products: globs(&a.filter.products)?, metrics: globs(&a.filter.metrics)? };
                Task::History { filter, since: a.since, names: a.sources }
            }
            Command::Diff(a) => Task::Diff { old: a.old, new: a.new },
            Command::Sources(a) => Task::Sources { names: a.names },
            Command::Completions { shell } => Task::Completions(shell),
            Command::Config(ConfigCommand::Path) => Task::ConfigPath,
            Command::Config(ConfigCommand::Check) => Task::ConfigCheck,
            Command::Config(ConfigCommand::Init { path, force }) => Task::ConfigInit { path, force },
            Command::Report(a) => Task::Report {
                filter: filter(&a.select.filter)?,
                sources: a.select.sources,
                since: a.since,
                idle: i64::from(a.idle),
                output: a.output,
            },
            Command::Notify(a) => Task::Notify {
                filter: filter(&a.select.filter)?,
                sources: a.select.sources,
                dry_run: a.dry_run,
                digest: a.digest.then_some(i64::from(a.idle)),
            },
            Command::Plan(a) => Task::Plan { filter: filter(&a.select.filter)?, sources: a.select.sources, since: a.since },
            Command::Serve(a) => {
                Task::Serve { filter: filter(&a.select.filter)?, sources: a.select.sources, listen: a.listen, refresh: a.refresh }
            }
        },
    };
    Ok(Invocation { options, task })
}

fn filter(args: &FilterArgs) -> Result<RecordFilter, clap::Error> {
    RecordFilter::new(&args.products, &args.metrics).map_err(|e| invalid(e.0))
}

fn invalid(message: String) -> clap::Error {
    command().error(clap::error::ErrorKind::InvalidValue, message)
}

fn vendor_task(kind: &str, sub: &ArgMatches) -> Result<Task, clap::Error> {
    let Some(vendor) = vendors::find(kind) else { return Err(invalid(format!("unknown kind `{kind}`"))) };
    let mut table = toml::Table::new();
    table.insert("kind".into(), kind.into());
    for (name, _, ty) in one_off_keys().chain(vendor.keys()).flat_map(key_flags) {
        match ty {
            KeyType::Flag if sub.try_get_one::<bool>(&name).ok().flatten() == Some(&true) => {
                table.insert(name, true.into());
            }
            KeyType::Flag => {}
            KeyType::Argv => {
                if let Ok(Some(v)) = sub.try_get_one::<String>(&name) {
                    let words = shlex::split(v)
                        .filter(|w| !w.is_empty())
                        .ok_or_else(|| invalid(format!("--{}: cannot split {v:?} into words", name.replace('_', "-"))))?;
                    table.insert(name, toml::Value::Array(words.into_iter().map(toml::Value::String).collect()));
                }
            }
            _ => {
                if let Ok(Some(v)) = sub.try_get_one::<String>(&name) {
                    let value = v.clone();
                    table.insert(name, value.into());
                }
            }
        }
    }
    let filter = filter(&FilterArgs::from_arg_matches(sub)?)?;
    if !table.contains_key("file") && !table.contains_key("url") && vendor.default_url().is_none() && vendor.reads_url() {
        return Err(invalid(format!("`licusage {kind}` needs --file PATH (- for stdin) or --url URL")));
    }
    Ok(Task::Vendor { kind: kind.to_string(), table, filter })
}

/// Whether the command line names `check`, whose usage errors exit 3
/// (UNKNOWN). Asked of clap itself, parsing again with errors ignored and
/// `--help`/`--version` taken as any other word, so that a command line in
/// error, or one asking for help, still says its subcommand.
pub fn is_check<I: IntoIterator<Item = OsString>>(args: I) -> bool {
    let quiet = |c: clap::Command| c.disable_help_flag(true).disable_version_flag(true).ignore_errors(true);
    let mut cmd = quiet(command()).disable_help_subcommand(true);
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, quiet);
    }
    cmd.try_get_matches_from(args).is_ok_and(|m| m.subcommand_name() == Some("check"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        command().debug_assert();
    }

    /// No kind's key is shadowed by a flag its one-off subcommand has anyway.
    #[test]
    fn no_kind_key_clashes_with_a_flag() {
        for vendor in vendors::VENDORS {
            assert_eq!(key_clashes(*vendor), Vec::<String>::new());
        }
    }

    /// A kind whose keys are named like flags: each clash named, with both sides.
    #[test]
    fn clashing_keys_are_named() {
        use crate::fetch::{BoxFuture, Fetch};
        use crate::holder::Sink;
        use crate::payload::PayloadError;
        use crate::record::Record;
        use crate::vendors::{Kind, Payloads};
        struct Toy;
        #[derive(Debug, serde::Deserialize)]
        struct NoSettings {}
        impl Kind for Toy {
            type Settings = NoSettings;
            fn kind(&self) -> &'static str {
                "toy"
            }
            fn about(&self) -> &'static str {
                "a toy"
            }
            fn example(&self) -> &'static str {
                "licusage toy"
            }
            fn keys(&self) -> &'static [Key] {
                const KEYS: &[Key] = &[
                    Key::text("format", "a format"),
                    Key::text("product", "a product"),
                    Key::secret("file", "a file"),
                    Key::text("color", "a colour"),
                    Key::text("region", "a region"),
                    Key::flag("region", "a region again"),
                    Key::text("url", "a URL"),
                ];
                KEYS
            }
            fn parse(&self, _: &Payloads, _: &NoSettings, _: &mut Sink) -> Result<Vec<Record>, PayloadError> {
                Ok(Vec::new())
            }
            fn fetch<'a>(&'a self, _: &'a Fetch<'a>, _: &'a NoSettings) -> BoxFuture<'a, anyhow::Result<Payloads>> {
                Box::pin(async { Ok(Payloads::default()) })
            }
        }
        let clashes = key_clashes(&Toy);
        assert_eq!(
            clashes,
            [
                "kind `toy`: key `format` gives the flag --format, which is a global flag",
                "kind `toy`: key `product` gives the flag --product, which is a flag of every one-off subcommand",
                "kind `toy`: key `color` gives the flag --color, which is a global flag",
                "kind `toy`: key `region` gives the flag --region, which is the flag of its key `region`",
                "kind `toy`: key `url` gives the flag --url, which is the flag of the common key `url`",
            ],
            "{clashes:#?}"
        );
    }

    #[test]
    fn check_is_found_behind_global_options() {
        let args =
            |s: &str| std::iter::once(OsString::from("licusage")).chain(s.split_whitespace().map(OsString::from)).collect::<Vec<_>>();
        assert!(is_check(args("check --help")));
        assert!(is_check(args("--config x.toml -t 5s check -V")));
        assert!(is_check(args("--format=json check")));
        assert!(!is_check(args("show --source check")));
        assert!(!is_check(args("--config check show")));
        assert!(is_check(args("--color never check --warn nonsense --no-such-flag")));
        assert!(is_check(args("-q check --format json")));
        assert!(!is_check(args("show check")));
        assert!(!is_check(args("--timeout check")));
    }
}
