//! ismsbook turns an ISMS kept as Markdown files into a cross-linked HTML
//! handbook: policies, one page per ISO/IEC 27001:2022 Annex A control and
//! its ISO/IEC 27002 guidance, the Statement of Applicability, and roles.
//!
//! The build is a pipeline, one module per stage (see [`pipeline`]):
//! [`config`] → [`content`] (load) → [`handbook`] (link and validate, with
//! [`markdown`] bodies) → [`render`] (through a [`theme`]) → [`site`]
//! (atomic output). Problems travel as [`diagnostics`] to [`cli`], the one
//! place that prints them. [`init`] scaffolds a new handbook.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod fs;
pub mod handbook;
pub mod highlight;
pub mod init;
pub mod markdown;
pub mod pipeline;
pub mod render;
pub mod risk;
pub mod sanitize;
pub mod search;
pub mod serve;
pub mod site;
pub mod theme;
