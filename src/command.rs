//! Running a program for its output: a secret command (`*_command`) and a
//! source that reads a program's output (`flexlm`'s `command`). No shell: the
//! words are the program and its arguments. The program runs at most the
//! timeout and is killed past it; what it prints is capped.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt;

use crate::payload::MAX_DOCUMENT;

/// What a failed program printed on stderr, at most (its last line is shown).
const STDERR_CAP: u64 = 64 * 1024;

/// Whether what the program printed on stderr may appear in an error: never
/// for a secret command (it may echo the secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stderr {
    Shown,
    Hidden,
}

/// Run `words` (program and arguments) for at most `timeout` and return its
/// stdout. `label` names it in errors (`token_command`, `command`). A
/// non-zero exit, a signal, a timeout or more than 64 MiB of output is an
/// error; with [`Stderr::Shown`], a failure's error ends with the last line
/// the program printed on stderr.
pub async fn run(label: &str, words: &[String], timeout: Duration, stderr: Stderr) -> Result<Vec<u8>, String> {
    match run_status(label, words, timeout, stderr, &[]).await? {
        Ran::Ok(out) => Ok(out),
        Ran::Failed { message, .. } => Err(message),
    }
}

/// How a program that ran ended.
#[derive(Debug)]
pub enum Ran {
    /// Exit code 0: its stdout.
    Ok(Vec<u8>),
    /// Another exit code or a signal: the error, and what it printed on stdout
    /// (a tool may say why there).
    Failed { message: String, stdout: Vec<u8>, stderr: String },
}

/// What a program gets besides its arguments.
#[derive(Debug, Default)]
pub struct Feed<'a> {
    /// Variables set for it.
    pub env: &'a [(&'a str, &'a str)],
    /// Whether it starts with no other variable (nothing of ours to read).
    pub clear_env: bool,
    /// Its standard input (else /dev/null).
    pub stdin: Option<Vec<u8>>,
}

/// [`run`], with the stdout of a program that failed, and `env` set for it
/// (`LC_ALL=C` for a tool whose output is read as text). The program runs in
/// a process group of its own, killed whole when the run ends: at the
/// timeout, at once when its output passes the cap, and once it has exited
/// (a child it left behind holding the output pipe is not waited for).
pub async fn run_status(label: &str, words: &[String], timeout: Duration, stderr: Stderr, env: &[(&str, &str)]) -> Result<Ran, String> {
    run_fed(label, words, timeout, stderr, Feed { env, ..Feed::default() }).await
}

/// [`run_status`] with what [`Feed`] gives the program.
pub async fn run_fed(label: &str, words: &[String], timeout: Duration, stderr: Stderr, feed: Feed<'_>) -> Result<Ran, String> {
    let (program, args) = words.split_first().ok_or_else(|| format!("{label} is empty"))?;
    let mut command = tokio::process::Command::new(program);
    if feed.clear_env {
        command.env_clear();
    }
    command
        .args(args)
        .envs(feed.env.iter().copied())
        .stdin(if feed.stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(match stderr {
            Stderr::Shown => Stdio::piped(),
            Stderr::Hidden => Stdio::null(),
        })
        .kill_on_drop(true);
    #[cfg(unix)]
    command.process_group(0);
    let mut child = command.spawn().map_err(|e| format!("{label}: cannot run `{program}`: {e}"))?;
    let _group = Group(child.id());
    let (Some(out), err) = (child.stdout.take(), child.stderr.take()) else {
        return Err(format!("{label} `{program}`: no output pipe"));
    };
    let named = format!("{label} `{program}`");
    let input = child.stdin.take().zip(feed.stdin);
    let (status, stdout, errors) = match tokio::time::timeout(timeout, collect(&named, &mut child, input, out, err)).await {
        Ok(done) => done?,
        // The child is dropped with the future, and its group killed.
        Err(_) => return Err(format!("{named} did not finish within {}: killed", humantime::format_duration(timeout))),
    };
    if !status.success() {
        let code = status.code().map(|c| format!("exit code {c}")).unwrap_or_else(|| "killed by a signal".into());
        let said = String::from_utf8_lossy(&errors);
        let message = match said.lines().map(str::trim).rfind(|l| !l.is_empty()) {
            Some(line) => format!("{named} failed ({code}): {line}"),
            None => format!("{named} failed ({code})"),
        };
        return Ok(Ran::Failed { message, stdout, stderr: said.into_owned() });
    }
    Ok(Ran::Ok(stdout))
}

/// How long the output pipes may stay open once the program has exited.
const AFTER_EXIT: Duration = Duration::from_millis(500);

/// The program's exit, stdout (at most the cap: more is an error at once)
/// and the start of its stderr.
async fn collect(
    named: &str,
    child: &mut tokio::process::Child,
    input: Option<(tokio::process::ChildStdin, Vec<u8>)>,
    mut out: tokio::process::ChildStdout,
    err: Option<tokio::process::ChildStderr>,
) -> Result<(std::process::ExitStatus, Vec<u8>, Vec<u8>), String> {
    let mut stdout = Vec::new();
    let mut errors = Vec::new();
    // Written while the output is read (a full pipe either way would stall
    // both), then closed; a program that stops reading is not an error here.
    let write_in = async {
        if let Some((mut pipe, bytes)) = input {
            use tokio::io::AsyncWriteExt;
            let _ = pipe.write_all(&bytes).await;
        }
        Ok::<(), String>(())
    };
    let read_out = async {
        (&mut out).take(MAX_DOCUMENT + 1).read_to_end(&mut stdout).await.map_err(|e| format!("{named}: reading its output: {e}"))?;
        if stdout.len() as u64 > MAX_DOCUMENT {
            return Err(format!("{named} printed more than {} MiB: refused", MAX_DOCUMENT >> 20));
        }
        Ok(())
    };
    let read_err = async {
        if let Some(err) = err {
            // Read to the end (a program blocked on a full stderr pipe would never exit), keep the start.
            let mut sink = err.take(STDERR_CAP);
            let _ = sink.read_to_end(&mut errors).await;
            let _ = tokio::io::copy(&mut sink.into_inner(), &mut tokio::io::sink()).await;
        }
        Ok::<(), String>(())
    };
    // Past the cap, the error now: the program is killed, not waited for.
    let status = {
        let reading = async { tokio::try_join!(read_out, read_err, write_in).map(|_| ()) };
        tokio::pin!(reading);
        tokio::select! {
        read = &mut reading => {
            read?;
            child.wait().await.map_err(|e| format!("{named}: {e}"))?
        }
        status = child.wait() => {
            let status = status.map_err(|e| format!("{named}: {e}"))?;
            // What it printed is in the pipe; a child it left may hold the pipe open.
            if let Ok(read) = tokio::time::timeout(AFTER_EXIT, &mut reading).await {
                read?;
            }
            status
        }
        }
    };
    Ok((status, stdout, errors))
}

/// A program's process group, killed when dropped (the program and whatever
/// it started that stayed in its group).
struct Group(Option<u32>);

impl Drop for Group {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(pid) = self.0.and_then(|id| rustix::process::Pid::from_raw(id as i32)) {
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_sh(script: &str, timeout: Duration, stderr: Stderr) -> Result<Vec<u8>, String> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        let words = vec!["sh".to_string(), "-c".to_string(), script.to_string()];
        rt.block_on(run("command", &words, timeout, stderr))
    }

    #[test]
    fn output_and_failures() {
        assert_eq!(run_sh("printf 'a b\\n'", Duration::from_secs(5), Stderr::Shown), Ok(b"a b\n".to_vec()));
        let e = run_sh("echo half; echo 'lmgrd: no such server' >&2; exit 3", Duration::from_secs(5), Stderr::Shown);
        assert_eq!(e, Err("command `sh` failed (exit code 3): lmgrd: no such server".into()));
        let e = run_sh("echo secret >&2; exit 1", Duration::from_secs(5), Stderr::Hidden);
        assert_eq!(e, Err("command `sh` failed (exit code 1)".into()));
        let e = run_sh("sleep 30", Duration::from_millis(200), Stderr::Shown);
        assert_eq!(e, Err("command `sh` did not finish within 200ms: killed".into()));
    }

    /// A program that writes much on stderr is not blocked by a full pipe.
    #[test]
    fn chatty_stderr_does_not_block() {
        let out = run_sh("head -c 1000000 /dev/zero >&2; echo done", Duration::from_secs(20), Stderr::Shown);
        assert_eq!(out, Ok(b"done\n".to_vec()));
    }

    /// A program that exits leaving a child that holds its stdout: its
    /// output is taken, not lost to "did not finish" at the timeout.
    #[test]
    fn a_child_left_behind_does_not_hold_the_read() {
        let out = run_sh("echo out; sleep 60 &", Duration::from_secs(10), Stderr::Shown);
        assert_eq!(out, Ok(b"out\n".to_vec()));
    }

    /// Past the cap, refused at once (not at the timeout); at the timeout,
    /// the whole group dies, a wrapper's hung child included.
    #[test]
    fn the_cap_is_an_error_at_once_and_the_timeout_kills_the_group() {
        let e = run_sh("yes", Duration::from_secs(120), Stderr::Shown);
        assert_eq!(e, Err("command `sh` printed more than 64 MiB: refused".into()));
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { unreachable!("a temp dir: {dir:?}") };
        let pidfile = dir.path().join("pid");
        let script = format!("sleep 300 & echo $! > {}; wait", pidfile.display());
        let e = run_sh(&script, Duration::from_millis(500), Stderr::Shown);
        assert_eq!(e, Err("command `sh` did not finish within 500ms: killed".into()));
        let pid = std::fs::read_to_string(&pidfile).unwrap_or_default().trim().to_string();
        assert!(!pid.is_empty());
        // Gone, or a zombie waiting for init to reap it: not running.
        let running = || {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|s| s.rsplit(')').next().is_some_and(|r| !r.trim_start().starts_with('Z')))
        };
        for _ in 0..50 {
            if !running() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the wrapper's child {pid} still runs");
    }
}
