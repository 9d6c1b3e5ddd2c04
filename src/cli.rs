//! The command line: parse arguments, run a command, print its outcome.
//!
//! This is the one place that prints problems and chooses the exit code:
//! 0 success, 1 the handbook has errors (or writing failed; or warnings,
//! for `check --deny-warnings`; or `init` found files in its way), 2 the
//! command cannot run at all (bad arguments, no `book.toml`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{self, ConfigError};
use crate::content::history::Since;
use crate::content::meta::Date;
use crate::diagnostics::report::{self, Format};
use crate::diagnostics::{Diagnostics, Severity};
use crate::init;
use crate::pipeline::{self, BuildError};

/// Build an ISO/IEC 27001 information-security handbook from Markdown.
#[derive(Debug, Parser)]
#[command(name = "ismsbook", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the handbook into a folder of static HTML.
    Build(BuildArgs),
    /// Build into memory, serve over HTTP and rebuild and reload on every save.
    Serve(ServeArgs),
    /// Check the handbook as a build would, and report errors and warnings
    /// without writing anything (for CI).
    Check(CheckArgs),
    /// Start a new handbook: book.toml, a policy, control statements and
    /// roles, ready to build and to edit.
    Init(InitArgs),
}

/// Arguments of `ismsbook init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder of the new handbook; created if missing. Nothing in it is
    /// ever replaced.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Also copy the built-in theme to themes/default, to edit, and use it.
    #[arg(long)]
    pub theme: bool,
    /// The handbook's title.
    #[arg(long, value_parser = parse_name, default_value = init::DEFAULT_TITLE)]
    pub title: String,
    /// The organisation whose ISMS it is [default: a placeholder to replace
    /// in book.toml].
    #[arg(long, value_name = "NAME", value_parser = parse_name)]
    pub organization: Option<String>,
    /// The day the handbook starts, YYYY-MM-DD; the policy's first review
    /// is a year later [default: SOURCE_DATE_EPOCH if set, else today (UTC)].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<Date>,
}

/// Arguments of `ismsbook check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The handbook folder (the one holding book.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// How to write the problems found.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// The date that review deadlines are measured against, YYYY-MM-DD
    /// [default: SOURCE_DATE_EPOCH if set, else today (UTC)].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<Date>,
}

/// Arguments of `ismsbook serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The handbook folder (the one holding book.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Port to listen on (0: any free port).
    #[arg(short = 'p', long, default_value_t = 3000)]
    pub port: u16,
    /// Address to listen on. Anything but 127.0.0.1 or ::1 exposes your
    /// drafts to the network.
    #[arg(short = 'n', long = "hostname", default_value = "127.0.0.1")]
    pub host: String,
    /// Open the handbook in the default web browser.
    #[arg(long)]
    pub open: bool,
    /// The date that review deadlines are measured against, YYYY-MM-DD
    /// [default: SOURCE_DATE_EPOCH if set, else today (UTC)].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<Date>,
    /// Where the period of changes.html starts, overriding `[audit] since`
    /// of book.toml: the tag, branch or commit of the last audit, or a date
    /// (YYYY-MM-DD) [default: the last 12 months].
    #[arg(long, value_name = "TAG|COMMIT|DATE", value_parser = parse_since)]
    pub since: Option<Since>,
}

/// Arguments of `ismsbook build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The handbook folder (the one holding book.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Output folder [default: build-dir from book.toml, relative to DIR].
    #[arg(short = 'd', long = "dest-dir", value_name = "DEST")]
    pub dest: Option<PathBuf>,
    /// The date that review deadlines are measured against, YYYY-MM-DD
    /// [default: SOURCE_DATE_EPOCH if set, else today (UTC)].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<Date>,
    /// Open the built handbook in the default web browser.
    #[arg(long)]
    pub open: bool,
    /// Replace the output folder even if it holds files that ismsbook did
    /// not write (never the handbook's own folders, never a file).
    #[arg(long)]
    pub force: bool,
    /// Where the period of changes.html starts, overriding `[audit] since`
    /// of book.toml: the tag, branch or commit of the last audit, or a date
    /// (YYYY-MM-DD) [default: the last 12 months].
    #[arg(long, value_name = "TAG|COMMIT|DATE", value_parser = parse_since)]
    pub since: Option<Since>,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
}

fn parse_since(s: &str) -> Result<Since, String> {
    Since::parse(s)
}

/// A title or name: one line of text, not blank.
fn parse_name(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("it must not be empty".to_owned())
    } else if s.chars().any(char::is_control) {
        Err("it must be one line, without control characters".to_owned())
    } else {
        Ok(s.trim().to_owned())
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build(&args),
        Command::Serve(args) => serve(args),
        Command::Check(args) => check(&args),
        Command::Init(args) => init(&args),
    }
}

fn init(args: &InitArgs) -> ExitCode {
    let today = match pipeline::today(args.today) {
        Ok(d) => d,
        Err(e) => return report_failure(&e),
    };
    let options = init::Options {
        dir: args.dir.clone(),
        theme: args.theme,
        title: args.title.clone(),
        organization: args
            .organization
            .clone()
            .unwrap_or_else(|| init::DEFAULT_ORGANIZATION.to_owned()),
        today,
    };
    let created = match init::init(&options) {
        Ok(created) => created,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let dir = &args.dir;
    let content = created
        .files
        .iter()
        .filter(|f| f.starts_with("content"))
        .count();
    eprintln!(
        "Created a new handbook in {}: book.toml, .gitignore and {content} files in content/",
        dir.display()
    );
    if let Some(theme) = &created.theme {
        eprintln!(
            "Copied the built-in theme to {} for editing; book.toml uses it",
            if dir == std::path::Path::new(".") {
                theme.clone()
            } else {
                dir.join(theme)
            }
            .display()
        );
    }
    eprintln!("\nNext steps:");
    if dir != std::path::Path::new(".") {
        eprintln!("  cd {}", shell_word(&dir.display().to_string()));
    }
    eprintln!("  ismsbook serve --open   preview it; a page reloads whenever you save its file");
    eprintln!(
        "  ismsbook check          list what is missing: statements for {} Annex A controls, \
         the records clauses 4–10 require, and who holds the {} roles",
        created.controls_without_statement, created.roles
    );
    eprintln!("  ismsbook build          write the site to book/");
    if args.organization.is_none() {
        eprintln!(
            "\nSet your organisation's name in book.toml (it is \"{}\" for now).",
            init::DEFAULT_ORGANIZATION
        );
    }
    ExitCode::SUCCESS
}

/// `word` as a shell would need it typed: quoted when it is not plain.
fn shell_word(word: &str) -> String {
    let plain = word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
    if plain && !word.is_empty() {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let dir = config::find_root(&args.dir);
    let result = pipeline::today(args.today).and_then(|today| pipeline::check(&dir, today));
    let (diagnostics, files) = match result {
        Ok(checked) => (checked.diagnostics, checked.files),
        // An invalid book.toml is a problem in a file like any other.
        Err(BuildError::Config(ConfigError::Invalid(d))) => (Diagnostics::from_iter(d), 1),
        Err(e) => return report_failure(&e),
    };
    let failed = diagnostics.has_errors() || (args.deny_warnings && !diagnostics.is_empty());
    let diagnostics = diagnostics.into_sorted();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = report::write(&mut out, &diagnostics, args.format);
    let summary = report::summary(&diagnostics, files);
    match args.format {
        Format::Human if diagnostics.is_empty() => {
            let _ = writeln!(out, "{summary}: the handbook is clean");
        }
        Format::Human => {
            let _ = writeln!(out, "\n{summary}");
        }
        // Machine formats keep stdout to themselves.
        Format::Json | Format::Github => eprintln!("{summary}"),
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    let today = match pipeline::today(args.today) {
        Ok(d) => d,
        Err(e) => return report_failure(&e),
    };
    // Ctrl-C ends the server; nothing is written to disk, so there is nothing to undo.
    let _ = ctrlc::set_handler(|| {
        eprintln!("\nStopped.");
        std::process::exit(0);
    });
    let options = crate::serve::Options {
        root: config::find_root(&args.dir),
        host: args.host,
        port: args.port,
        open: args.open,
        today,
        since: args.since,
    };
    let bound = crate::serve::bind(options).and_then(|bound| {
        warn_if_reachable(bound.address());
        bound.run()
    });
    match bound {
        Ok(()) => ExitCode::SUCCESS,
        Err(crate::serve::ServeError::Config(e)) => report_failure(&BuildError::Config(e)),
        Err(e) => {
            eprintln!("error: {e}");
            if let crate::serve::ServeError::Bind { source, .. } = &e
                && source.kind() == std::io::ErrorKind::AddrInUse
            {
                eprintln!(
                    "  another program (perhaps another `ismsbook serve`) uses that port: \
                     pick another with `-p`, or `-p 0` for any free port"
                );
            }
            ExitCode::from(1)
        }
    }
}

/// Warns when the preview can be reached from other computers: anything
/// but a loopback address.
fn warn_if_reachable(address: std::net::SocketAddr) {
    if !address.ip().is_loopback() {
        eprintln!(
            "warning: listening on {address}, so this preview, drafts included, is reachable \
             from the network by anyone who can reach this computer; use `-n 127.0.0.1` to keep \
             it to this computer"
        );
    }
}

fn build(args: &BuildArgs) -> ExitCode {
    let result = pipeline::today(args.today).and_then(|today| {
        let replace = match args.force {
            true => pipeline::Replace::AnyFolder,
            false => pipeline::Replace::EarlierBuilds,
        };
        pipeline::build(
            &config::find_root(&args.dir),
            args.dest.as_deref(),
            today,
            args.since.clone(),
            replace,
        )
    });
    match result {
        Ok(report) => {
            eprintln!(
                "Built {} files into {} in {} ms{}",
                report.files,
                report.destination.display(),
                report.elapsed.as_millis(),
                report::warnings_note(report.warnings.warning_count())
            );
            if args.open {
                open_in_browser(&report.destination.join("index.html"));
            }
            ExitCode::SUCCESS
        }
        Err(e) => report_failure(&e),
    }
}

/// Opens a page in the default browser; failing that, says where it is.
fn open_in_browser(page: &std::path::Path) {
    if let Err(e) = opener::open_browser(page) {
        eprintln!(
            "warning: could not start a web browser ({e}); open {} yourself",
            page.display()
        );
    }
}

/// Prints why a command failed, and picks the exit code.
fn report_failure(error: &BuildError) -> ExitCode {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    match error {
        BuildError::Problems(diagnostics) => {
            // The errors stopped the build; the warnings can wait for
            // `ismsbook check`, so they do not bury the errors.
            let count = diagnostics.error_count();
            let warnings = diagnostics.warning_count();
            let errors: Vec<_> = diagnostics
                .clone()
                .into_sorted()
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            let _ = report::write(&mut err, &errors, Format::Human);
            let _ = writeln!(
                err,
                "\nerror: {count} error{} found; nothing was written{}",
                if count == 1 { "" } else { "s" },
                match warnings {
                    0 => String::new(),
                    1 => " (and 1 warning: `ismsbook check` lists it)".to_owned(),
                    n => format!(" (and {n} warnings: `ismsbook check` lists them)"),
                }
            );
            ExitCode::from(1)
        }
        BuildError::Config(ConfigError::Invalid(d)) => {
            let _ = report::write(&mut err, d, Format::Human);
            ExitCode::from(1)
        }
        BuildError::Config(ConfigError::NotFound(_)) => {
            let _ = writeln!(err, "error: {error}");
            ExitCode::from(2)
        }
        other => {
            let _ = writeln!(err, "error: {other}");
            ExitCode::from(1)
        }
    }
}
