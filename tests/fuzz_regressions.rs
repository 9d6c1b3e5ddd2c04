//! Inputs the fuzz targets (`fuzz/`) once crashed on, replayed through the
//! same code (`fuzz/harness.rs`): `tests/fixtures/fuzz/<target>/*`.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

#[path = "../fuzz/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::path::{Path, PathBuf};

/// The saved inputs of one target.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

#[test]
fn front_matter_inputs_parse_or_fail_with_a_place() {
    let inputs = inputs("front_matter");
    assert!(!inputs.is_empty(), "no saved inputs");
    for (file, bytes) in inputs {
        for (rel, parsed) in harness::RELS.iter().zip(harness::front_matter(&bytes)) {
            match parsed {
                Ok(doc) => {
                    // Every offset a document keeps points into its own text.
                    assert!(doc.text.contains(doc.front_matter()), "{}", file.display());
                    assert!(doc.text.ends_with(doc.body()), "{}: {rel}", file.display());
                    assert!(doc.body_line >= 1, "{}: {rel}", file.display());
                }
                Err(problems) => {
                    assert!(!problems.is_empty(), "{}: {rel}", file.display());
                    for e in problems {
                        assert!(e.line >= 1, "{}: {rel}: {e}", file.display());
                        assert!(
                            e.file.ends_with(rel),
                            "{}: {rel}: error names {}",
                            file.display(),
                            e.file.display()
                        );
                        assert!(!e.message.is_empty(), "{}: {rel}", file.display());
                    }
                }
            }
        }
    }
}

#[test]
fn no_front_matter_is_an_empty_front_matter_at_line_1() {
    // Minimised from the first `front_matter` crash: any file without
    // front matter, in a folder whose kind needs no field (guidance).
    let doc = harness::parse("guidance/5.1.md", b"\0").unwrap();
    assert_eq!(doc.front_matter(), "");
    assert_eq!(doc.body(), "\0");
    assert_eq!(doc.body_line, 1);
    assert_eq!(doc.locate("title", None).line, 1);
}
