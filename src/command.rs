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
    Failed { message: String, stdout: Vec<u8> },
}

/// [`run`], with the stdout of a program that failed, and `env` set for it
/// (`LC_ALL=C` for a tool whose output is read as text).
pub async fn run_status(label: &str, words: &[String], timeout: Duration, stderr: Stderr, env: &[(&str, &str)]) -> Result<Ran, String> {
    let (program, args) = words.split_first().ok_or_else(|| format!("{label} is empty"))?;
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(match stderr {
            Stderr::Shown => Stdio::piped(),
            Stderr::Hidden => Stdio::null(),
        })
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("{label}: cannot run `{program}`: {e}"))?;
    let (Some(mut out), err) = (child.stdout.take(), child.stderr.take()) else {
        return Err(format!("{label} `{program}`: no output pipe"));
    };
    let work = async {
        let mut stdout = Vec::new();
        let mut errors = Vec::new();
        let mut limited = (&mut out).take(MAX_DOCUMENT + 1);
        let read_out = limited.read_to_end(&mut stdout);
        let read_err = async {
            if let Some(err) = err {
                // Read to the end (a program blocked on a full stderr pipe would never exit), keep the start.
                let mut sink = err.take(STDERR_CAP);
                let _ = sink.read_to_end(&mut errors).await;
                let _ = tokio::io::copy(&mut sink.into_inner(), &mut tokio::io::sink()).await;
            }
        };
        let (read, ()) = tokio::join!(read_out, read_err);
        read.map_err(|e| format!("{label} `{program}`: reading its output: {e}"))?;
        if stdout.len() as u64 > MAX_DOCUMENT {
            return Err(format!("{label} `{program}` printed more than {} MiB: refused", MAX_DOCUMENT >> 20));
        }
        let status = child.wait().await.map_err(|e| format!("{label} `{program}`: {e}"))?;
        Ok((status, stdout, errors))
    };
    let (status, stdout, errors) = match tokio::time::timeout(timeout, work).await {
        Ok(done) => done?,
        // The child is dropped with the future, and killed.
        Err(_) => return Err(format!("{label} `{program}` did not finish within {}: killed", humantime::format_duration(timeout))),
    };
    if !status.success() {
        let code = status.code().map(|c| format!("exit code {c}")).unwrap_or_else(|| "killed by a signal".into());
        let said = String::from_utf8_lossy(&errors);
        let message = match said.lines().map(str::trim).rfind(|l| !l.is_empty()) {
            Some(line) => format!("{label} `{program}` failed ({code}): {line}"),
            None => format!("{label} `{program}` failed ({code})"),
        };
        return Ok(Ran::Failed { message, stdout });
    }
    Ok(Ran::Ok(stdout))
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
}
