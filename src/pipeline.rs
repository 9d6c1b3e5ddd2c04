//! The build, stage by stage.
//!
//! 1. [`Config`]: read `book.toml`.
//! 2. [`content::load`]: read and parse every file of the content folder.
//! 3. [`handbook::link`]: resolve every reference into one [`Handbook`],
//!    rendering Markdown bodies with their links; reject it if anything is wrong.
//! 4. [`Theme::load`]: compile the templates (at the same time as 2–3).
//! 5. [`render::render`]: render every page into a staging [`Site`]; at the
//!    same time [`search::build`] and [`search::write`] add the search index.
//! 6. [`Site::commit`]: swap the staging folder into place.
//!
//! Problems from stages 2–5 are collected, not fatal one by one, so a run
//! reports all of them; the previous site is only replaced by a clean build.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{Config, ConfigError};
use crate::content::{self, meta::Date};
use crate::diagnostics::Diagnostics;
use crate::fs::{self, FsError};
use crate::handbook::{self, Handbook};
use crate::render;
use crate::search;
use crate::site::{Output, Site};
use crate::theme::{self, Theme};

/// Why a build did not produce a site.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// `book.toml` is missing or unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The sources have problems; nothing was written.
    #[error("{} error{} in the handbook", .0.error_count(), if .0.error_count() == 1 { "" } else { "s" })]
    Problems(Diagnostics),
    /// Writing the site failed.
    #[error(transparent)]
    Io(#[from] FsError),
    /// The date could not be worked out.
    #[error("{0}")]
    Date(String),
    /// The output folder would overwrite the sources.
    #[error("refusing to build into {}: it holds the handbook's own files; choose another output folder", .0.display())]
    UnsafeDestination(PathBuf),
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct Report {
    /// The output folder.
    pub destination: PathBuf,
    /// Files written.
    pub files: usize,
    /// Wall time.
    pub elapsed: Duration,
}

/// The date reviews are measured against: `--today`, else
/// `SOURCE_DATE_EPOCH` (for reproducible builds), else the clock (UTC).
pub fn today(flag: Option<Date>) -> Result<Date, BuildError> {
    if let Some(d) = flag {
        return Ok(d);
    }
    let utc = |ts: jiff::Timestamp| Date(jiff::tz::TimeZone::UTC.to_datetime(ts).date());
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| jiff::Timestamp::from_second(s).ok())
            .map(utc)
            .ok_or_else(|| {
                BuildError::Date(format!(
                    "SOURCE_DATE_EPOCH must be a number of seconds since 1970, not `{v}`"
                ))
            }),
        Err(_) => Ok(utc(jiff::Timestamp::now())),
    }
}

/// Stages 2–3: the content of the handbook configured by `config`.
pub fn load_content(config: &Config, today: Date) -> Result<Handbook, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let content = content::load(&config.src_dir(), &mut diagnostics);
    if !config.src_dir().is_dir() {
        diagnostics.error(
            &config.file(),
            crate::diagnostics::Position::START,
            format!(
                "content folder {} does not exist",
                config.src_dir().display()
            ),
        );
    }
    match handbook::link(config, &content, today, &mut diagnostics) {
        Some(h) if !diagnostics.has_errors() => Ok(h),
        _ => Err(diagnostics),
    }
}

/// Stages 2–4 for a loaded configuration: the theme and the linked handbook,
/// with the problems of both reported together.
pub fn prepare(config: &Config, today: Date) -> Result<(Theme, Handbook), BuildError> {
    let mut diagnostics = Diagnostics::new();
    let (theme, handbook) = rayon::join(
        || {
            let mut d = Diagnostics::new();
            (Theme::load(config, &mut d), d)
        },
        || load_content(config, today),
    );
    let (theme, theme_problems) = theme;
    diagnostics.extend(theme_problems);
    let handbook = match handbook {
        Ok(h) => Some(h),
        Err(d) => {
            diagnostics.extend(d);
            None
        }
    };
    match (theme, handbook) {
        (Some(theme), Some(handbook)) if !diagnostics.has_errors() => Ok((theme, handbook)),
        _ => Err(BuildError::Problems(diagnostics)),
    }
}

/// Stage 5: every page, `soa.csv`, static files, assets and the search
/// index written into `out`. Returns the number of files.
pub fn write_site(
    handbook: &Handbook,
    theme: &Theme,
    out: &dyn Output,
) -> Result<usize, BuildError> {
    let (pages, index) = rayon::join(
        || render::render(handbook, theme, out),
        || match handbook.config.html.search {
            true => search::write(&search::build(handbook), out),
            false => Ok(0),
        },
    );
    Ok(pages.map_err(BuildError::Problems)? + index?)
}

/// Builds the handbook at `root` into `destination` (default: its build-dir).
pub fn build(root: &Path, destination: Option<&Path>, today: Date) -> Result<Report, BuildError> {
    let started = Instant::now();
    let config = Config::load(root)?;
    let destination = destination.map_or_else(|| config.build_dir(), Path::to_path_buf);
    check_destination(&config, &destination)?;
    let (theme, handbook) = prepare(&config, today)?;

    let site = Site::create(&destination)?;
    let mut folders = render::all_paths(&handbook, &theme);
    folders.extend(search::folders());
    site.create_folders(folders.iter().map(String::as_str))?;
    let files = write_site(&handbook, &theme, &site)?;
    site.commit()?;
    Ok(Report {
        destination,
        files,
        elapsed: started.elapsed(),
    })
}

/// Refuses an output folder that is, or contains, the sources: replacing
/// it would delete the handbook.
fn check_destination(config: &Config, destination: &Path) -> Result<(), BuildError> {
    let absolute = |p: &Path| -> Result<PathBuf, FsError> {
        // The destination may not exist yet: resolve its nearest existing ancestor.
        let mut existing = p.to_path_buf();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.file_name(), existing.parent()) {
                (Some(name), Some(parent)) => {
                    rest.push(name.to_owned());
                    existing = if parent.as_os_str().is_empty() {
                        PathBuf::from(".")
                    } else {
                        parent.to_path_buf()
                    };
                }
                _ => break,
            }
        }
        let mut resolved = fs::canonicalize(&existing)?;
        resolved.extend(rest.iter().rev());
        Ok(resolved)
    };
    let dest = absolute(destination)?;
    let mut protected = vec![absolute(&config.root)?, absolute(&config.src_dir())?];
    if let Some(t) = theme::folder(config) {
        protected.push(absolute(&t)?);
    }
    if protected.iter().any(|p| p.starts_with(&dest)) {
        return Err(BuildError::UnsafeDestination(destination.to_path_buf()));
    }
    Ok(())
}
