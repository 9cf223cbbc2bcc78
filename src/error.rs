//! Errors the exit code depends on.

/// Invalid usage or configuration: nothing was read (exit 2, or 3 for `check`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Exit codes (docs/reference.md, Exit codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every source read.
    Ok = 0,
    /// At least one source failed; the others were rendered.
    SourceFailed = 1,
    /// Invalid usage or configuration.
    Usage = 2,
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e as u8)
    }
}
