//! What rendering a body with raw HTML costs, by the shape of its HTML:
//! deep nesting (refused past `sanitize::MAX_DEPTH`), nesting just under
//! the limit repeated, wide tags, many siblings. Each body is about 550 kB.
//! With `--unbounded`, also ammonia alone on nested `<div>`s, as bodies
//! were sanitised before the limit.
//!
//! `cargo run --release --example sanitize-bench [-- --unbounded]`

use std::time::{Duration, Instant};

use ismsbook::markdown::{self, RawHtml, Resolution, Resolve};

struct KeepLinks;

impl Resolve for KeepLinks {
    fn resolve(&self, _dest: &str) -> Resolution {
        Resolution::Keep
    }
}

/// About `size` bytes of `unit`, repeated.
fn repeat_to(unit: &str, size: usize) -> String {
    unit.repeat(size / unit.len().max(1) + 1)
}

/// The fastest of three runs of `f`.
fn fastest(mut f: impl FnMut() -> bool) -> (Duration, bool) {
    let mut best = Duration::MAX;
    let mut ok = false;
    for _ in 0..3 {
        let start = Instant::now();
        ok = f();
        best = best.min(start.elapsed());
    }
    (best, ok)
}

fn nested(depth: usize, size: usize) -> String {
    let block = format!("{}x{}\n", "<div>".repeat(depth), "</div>".repeat(depth));
    repeat_to(&block, size)
}

fn main() {
    const SIZE: usize = 550_000;
    let unbounded = std::env::args().any(|a| a == "--unbounded");
    let shapes: Vec<(String, String)> = vec![
        ("50,000 nested <div>".into(), nested(50_000, 0)),
        ("10,000 nested <div>".into(), nested(10_000, 0)),
        ("250 nested <div>, repeated".into(), nested(250, SIZE)),
        ("100 nested <div>, repeated".into(), nested(100, SIZE)),
        (
            "63 nested table/tbody/tr/td, repeated".into(),
            repeat_to(
                &format!(
                    "{}x{}\n",
                    "<table><tbody><tr><td>".repeat(63),
                    "</td></tr></tbody></table>".repeat(63)
                ),
                SIZE,
            ),
        ),
        (
            "one tag, 50,000 attributes".into(),
            format!(
                "<div{}>x</div>\n",
                (0..50_000).map(|i| format!(" a{i}=x")).collect::<String>()
            ),
        ),
        (
            "tags of 500 attributes, repeated".into(),
            repeat_to(
                &format!(
                    "<div{}>x</div>\n",
                    (0..500).map(|i| format!(" a{i}=x")).collect::<String>()
                ),
                SIZE,
            ),
        ),
        (
            "<b> with distinct ids in paragraphs".into(),
            (0..30_000)
                .map(|i| format!("<p><b id=b{i}>x</p>"))
                .collect(),
        ),
        (
            "flat paragraphs with inline HTML".into(),
            repeat_to("Some <b>bold</b> and <i>italic</i> text.\n\n", SIZE),
        ),
    ];
    println!("| shape | kB | time | result |");
    println!("| --- | ---: | ---: | --- |");
    for (name, body) in &shapes {
        let (time, ok) = fastest(|| {
            markdown::render_with(body, &KeepLinks, RawHtml::Sanitize)
                .broken
                .is_empty()
        });
        println!(
            "| {name} | {} | {:.1} ms | {} |",
            body.len() / 1000,
            time.as_secs_f64() * 1000.0,
            if ok { "sanitised" } else { "refused" }
        );
    }
    if unbounded {
        println!("\nammonia alone (the cost before the limit):\n");
        println!("| nested <div> | kB | time |");
        println!("| ---: | ---: | ---: |");
        for depth in [2_500, 5_000, 10_000, 20_000] {
            let body = nested(depth, 0);
            let (time, _) = fastest(|| !ammonia::clean(&body).is_empty());
            println!(
                "| {depth} | {} | {:.1} ms |",
                body.len() / 1000,
                time.as_secs_f64() * 1000.0
            );
        }
    }
}
