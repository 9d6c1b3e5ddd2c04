//! The command line: parse arguments, run a command, print its outcome.
//!
//! This is the one place that prints problems and chooses the exit code:
//! 0 success, 1 the handbook has errors (or writing failed), 2 the command
//! cannot run at all (bad arguments, no `book.toml`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::ConfigError;
use crate::content::meta::Date;
use crate::diagnostics::Diagnostic;
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
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build(&args),
        Command::Serve(args) => serve(args),
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
        root: args.dir,
        host: args.host,
        port: args.port,
        open: args.open,
        today,
    };
    match crate::serve::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(crate::serve::ServeError::Config(e)) => report_failure(&BuildError::Config(e)),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn build(args: &BuildArgs) -> ExitCode {
    let result = pipeline::today(args.today)
        .and_then(|today| pipeline::build(&args.dir, args.dest.as_deref(), today));
    match result {
        Ok(report) => {
            eprintln!(
                "Built {} files into {} in {} ms",
                report.files,
                report.destination.display(),
                report.elapsed.as_millis()
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
            let count = diagnostics.error_count();
            print_diagnostics(&mut err, diagnostics.clone().into_sorted());
            let _ = writeln!(
                err,
                "error: {count} problem{} found; nothing was written",
                if count == 1 { "" } else { "s" }
            );
            ExitCode::from(1)
        }
        BuildError::Config(ConfigError::Invalid(d)) => {
            print_diagnostics(&mut err, vec![d.clone()]);
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

fn print_diagnostics(out: &mut impl Write, diagnostics: Vec<Diagnostic>) {
    for d in diagnostics {
        let _ = writeln!(out, "{d}");
    }
}
