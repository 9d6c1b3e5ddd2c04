//! The floor of this pipeline: pulldown-cmark alone turning every Markdown
//! file of a content folder into an HTML file, on all cores. No front-matter
//! parsing, no links, no templates, no search index.
//!
//! `cargo run --release --example floor -- CONTENT_DIR OUT_DIR`

use std::path::{Path, PathBuf};

use rayon::prelude::*;

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read folder") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(src), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: floor CONTENT_DIR OUT_DIR");
        std::process::exit(2);
    };
    let (src, out) = (Path::new(src), Path::new(out));
    let mut files = Vec::new();
    markdown_files(src, &mut files);
    files.par_iter().for_each(|path| {
        let text = std::fs::read_to_string(path).expect("read file");
        let mut html = String::with_capacity(text.len() * 3 / 2);
        let parser = pulldown_cmark::Parser::new_ext(&text, pulldown_cmark::Options::ENABLE_TABLES);
        pulldown_cmark::html::push_html(&mut html, parser);
        let rel = path
            .strip_prefix(src)
            .expect("inside the folder")
            .with_extension("html");
        let target = out.join(rel);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).expect("create folder");
        }
        std::fs::write(target, html).expect("write file");
    });
    eprintln!("{} files", files.len());
}
