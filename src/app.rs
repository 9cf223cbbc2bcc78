//! The entry point: parse the command line, dispatch to the command's own
//! file in `commands/`, and turn what it returns (or its error) into the exit
//! code. Nothing here writes output itself but a usage error's one line.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use crate::check::State;
use crate::cli::{self, Invocation, Task};
use crate::commands;
use crate::error::{Exit, UsageError};
use crate::output;

/// Parse `args`, run, print any error as `licusage: error: …`, and return the exit code.
pub fn main<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    // A `generic` source's filters run in a child of this binary.
    if args.get(1).is_some_and(|a| a == crate::vendors::worker::WORKER_ARG) {
        return crate::vendors::worker::main();
    }
    // `/proc/self/exe` where there is one: it still starts this very binary
    // after a package upgrade replaced the file (a long-running `serve`).
    let own = std::path::Path::new("/proc/self/exe");
    match own.exists() {
        true => crate::vendors::worker::enable(own.to_path_buf()),
        false => {
            if let Ok(exe) = std::env::current_exe() {
                crate::vendors::worker::enable(exe);
            }
        }
    }
    // Set but empty is unset (`LICUSAGE_CONFIG= licusage …`), not a flag
    // without its value. Single-threaded here, before anything reads it.
    if std::env::var_os("LICUSAGE_CONFIG").is_some_and(|v| v.is_empty()) {
        std::env::remove_var("LICUSAGE_CONFIG");
    }
    // No arguments at all: a newcomer. The three commands that get them going.
    if args.len() <= 1 {
        let mut out = output::stdout();
        let _ = output::messages::start_here(&mut out).and_then(|_| Ok(out.flush()?));
        return ExitCode::from(Exit::Usage as u8);
    }
    let invocation = match cli::parse(args.clone()) {
        Ok(i) => i,
        Err(e) => {
            let _ = e.print();
            // A monitoring plugin's usage error is UNKNOWN, said on stdout too:
            // Nagios shows stdout, and "(No output)" helps nobody.
            // `check --help` and `check --version` exit UNKNOWN, as the
            // monitoring-plugins guidelines (and their test suite) want.
            let check = cli::is_check(args.clone());
            if !e.use_stderr() {
                return if check { ExitCode::from(State::Unknown.code()) } else { ExitCode::SUCCESS };
            }
            if check {
                // The error and what clap says with it ("[possible values:
                // checkmk]"), up to the first blank line, on one line.
                let text = e.to_string();
                let first: Vec<&str> = text.lines().take_while(|l| !l.trim().is_empty()).map(str::trim).collect();
                let first = first.join(" ").trim_start_matches("error: ").to_string();
                let mut out = output::stdout();
                let _ = writeln!(out, "LICUSAGE UNKNOWN - {}", output::escape::plugin(&first)).and_then(|_| out.flush());
                return ExitCode::from(State::Unknown.code());
            }
            return ExitCode::from(Exit::Usage as u8);
        }
    };
    // Started with stdout closed (`>&-`), every write would vanish and the run
    // look successful: say so instead (a cron `-q record` writes nothing).
    // `serve` never writes to stdout (supervisors often give it /dev/null read-write).
    let silent =
        (matches!(invocation.task, Task::Record { .. }) && invocation.options.quiet) || matches!(invocation.task, Task::Serve { .. });
    if !silent && stdout_is_closed() {
        eprintln!("licusage: error: standard output is closed: nothing could be written");
        let code = if matches!(invocation.task, Task::Check { .. }) { State::Unknown.code() } else { Exit::SourceFailed as u8 };
        return ExitCode::from(code);
    }
    match run(invocation) {
        Ok(code) => code,
        Err(_) if output::stdout_closed() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("licusage: error: {}", output::escape::text(&format!("{e:#}")));
            let exit = if e.downcast_ref::<UsageError>().is_some() { Exit::Usage } else { Exit::SourceFailed };
            exit.into()
        }
    }
}

/// Whether licusage was started with stdout closed. Rust's runtime opens
/// `/dev/null` read-write in place of a closed standard descriptor, which a
/// shell's `> /dev/null` never does (it opens it write-only): on Linux that
/// tells the two apart.
#[cfg(target_os = "linux")]
fn stdout_is_closed() -> bool {
    let target = std::fs::read_link("/proc/self/fd/1").ok();
    let flags = std::fs::read_to_string("/proc/self/fdinfo/1")
        .ok()
        .and_then(|info| info.lines().find_map(|l| l.strip_prefix("flags:")).and_then(|f| u32::from_str_radix(f.trim(), 8).ok()));
    const O_ACCMODE: u32 = 0o3;
    const O_RDWR: u32 = 0o2;
    target.is_some_and(|t| t == std::path::Path::new("/dev/null")) && flags.is_some_and(|f| f & O_ACCMODE == O_RDWR)
}

#[cfg(not(target_os = "linux"))]
fn stdout_is_closed() -> bool {
    false
}
fn run(invocation: Invocation) -> Result<ExitCode> {
    let Invocation { options, task } = invocation;
    let exit = match task {
        Task::Show { sources, filter } => commands::show::run(&options, &sources, &filter)?,
        Task::Vendor { kind, table, filter } => commands::show::one_off(&options, &kind, table, &filter)?,
        Task::Holders { sources, filter, idle, redact, usage: None } => commands::holders::run(&options, &sources, &filter, idle, redact)?,
        Task::Holders { sources, filter, usage: Some(since), redact, .. } => {
            commands::holders::usage(&options, &sources, &filter, since, redact)?
        }
        Task::Check { sources, filter, overrides, skip_unknown, denials } => {
            return Ok(commands::check::run(&options, &sources, &filter, *overrides, skip_unknown, denials))
        }
        Task::Record { sources, filter } => commands::record::run(&options, &sources, &filter)?,
        Task::HistoryMigrate { to, from, password_env, password_command } => {
            commands::history::migrate(&options, &to, from, password_env, password_command)?
        }
        Task::History { filter, since, names } => commands::history::run(&options, &filter, since, &names)?,
        Task::Diff { old, new } => commands::diff::run(&options, &old, &new)?,
        Task::Sources { names } => commands::sources::run(&options, names)?,
        Task::Completions(shell) => commands::completions::run(&options, shell)?,
        Task::ConfigPath => commands::config::path(&options)?,
        Task::ConfigCheck => commands::config::check(&options)?,
        Task::ConfigInit { path, force } => commands::config::init(&options, path, force)?,
        Task::Notify { sources, filter, dry_run, digest: None } => commands::notify::run(&options, &sources, &filter, dry_run)?,
        Task::Notify { sources, filter, dry_run, digest: Some(idle) } => {
            commands::notify::digest(&options, &sources, &filter, idle, dry_run)?
        }
        Task::Plan { sources, filter, since } => commands::plan::run(&options, &sources, &filter, since)?,
        Task::Report { sources, filter, since, idle, output } => {
            commands::report::run(&options, &sources, &filter, since, idle, output.as_deref())?
        }
        Task::Serve { sources, filter, listen, refresh } => commands::serve::run(&options, sources, filter, listen, refresh)?,
    };
    Ok(exit.into())
}
