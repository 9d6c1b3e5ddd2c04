//! Generates a synthetic ISMS handbook of N documents, deterministically.
//!
//! `cargo run --release --example gen-handbook -- OUT_DIR N [SEED] [--flat]`
//!
//! The mix (the default): 93 control statements, one guidance page per 100 documents (at
//! most 93), one role per 200 documents (at least 12), one risk per 20
//! documents (500 at 10,000), 40% policies, the rest procedures in folders.
//! Every document has full front matter and a body of about 2.5 kB (risks
//! about 1 kB): headings, paragraphs, lists, a table, a code block, typed
//! links and relative links to other documents. Risks have all three
//! scores, existing and planned controls, two actions and, for one in
//! three, an acceptance; statements' justifications link a risk that lists
//! them.
//!
//! The flat layout (`--flat`): N policies in one folder, `policies/`, of
//! about 2.5 kB each (front matter included), a third of them with a code
//! block, and the 12 roles they name (owner, approver, audience; a third of
//! the policies are for everyone). Their links go to other policies,
//! controls and roles.
//!
//! Either way, the same N, seed and layout always give the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const WORDS: &[&str] = &[
    "access",
    "account",
    "administrator",
    "alert",
    "application",
    "approval",
    "asset",
    "audit",
    "authentication",
    "authorisation",
    "availability",
    "backup",
    "baseline",
    "breach",
    "business",
    "capacity",
    "certificate",
    "change",
    "classification",
    "cloud",
    "compliance",
    "confidential",
    "configuration",
    "container",
    "continuity",
    "contract",
    "control",
    "credential",
    "customer",
    "cryptography",
    "data",
    "database",
    "deletion",
    "deployment",
    "device",
    "disaster",
    "document",
    "employee",
    "encryption",
    "endpoint",
    "environment",
    "evidence",
    "exception",
    "firewall",
    "governance",
    "incident",
    "information",
    "infrastructure",
    "integrity",
    "inventory",
    "key",
    "laptop",
    "leaver",
    "licence",
    "logging",
    "malware",
    "management",
    "monitoring",
    "network",
    "office",
    "onboarding",
    "owner",
    "password",
    "patch",
    "payment",
    "personal",
    "physical",
    "policy",
    "privilege",
    "procedure",
    "process",
    "production",
    "protection",
    "provider",
    "record",
    "recovery",
    "release",
    "remote",
    "request",
    "resilience",
    "restore",
    "retention",
    "review",
    "risk",
    "role",
    "secret",
    "secure",
    "security",
    "segregation",
    "server",
    "service",
    "software",
    "staff",
    "storage",
    "supplier",
    "system",
    "team",
    "testing",
    "threat",
    "token",
    "training",
    "transfer",
    "user",
    "visitor",
    "vulnerability",
    "workstation",
    "café",
    "naïve",
];
const VERBS: &[&str] = &[
    "approves",
    "reviews",
    "records",
    "monitors",
    "encrypts",
    "restricts",
    "documents",
    "tests",
    "escalates",
    "rotates",
    "revokes",
    "assesses",
    "verifies",
    "retains",
    "reports",
    "classifies",
];
const TOPICS: &[&str] = &[
    "access",
    "backup",
    "cloud",
    "crypto",
    "hr",
    "incident",
    "logging",
    "network",
    "physical",
    "supplier",
    "development",
    "assets",
];
const CLASSIFICATIONS: &[&str] = &["public", "internal", "confidential", "restricted"];
const STATUSES: &[&str] = &[
    "implemented",
    "implemented",
    "implemented",
    "partial",
    "planned",
    "not-implemented",
];

/// xorshift64*: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

struct Plan {
    /// The flat layout: policies and the roles they name only.
    flat: bool,
    controls: Vec<String>,
    policies: usize,
    roles: usize,
    guidance: usize,
    risks: usize,
    pages: usize,
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let flat = args.iter().any(|a| a == "--flat");
    args.retain(|a| a != "--flat");
    let (Some(out), Some(n)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: gen-handbook OUT_DIR N [SEED] [--flat]");
        std::process::exit(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(27001);
    let controls: Vec<String> = include_str!("../src/catalog/data/iso27001-2022-annex-a.tsv")
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next().map(str::to_owned))
        .collect();
    let plan = if flat {
        Plan {
            flat,
            controls,
            policies: n.max(1),
            roles: 12,
            guidance: 0,
            risks: 0,
            pages: 0,
        }
    } else {
        let guidance = (n / 100).clamp(1, 93);
        let roles = (n / 200).max(12);
        let policies = (n * 2 / 5).max(1);
        let risks = (n / 20).max(1);
        let pages = n
            .saturating_sub(controls.len() + guidance + roles + policies + risks)
            .max(1);
        Plan {
            flat,
            controls,
            policies,
            roles,
            guidance,
            risks,
            pages,
        }
    };
    let out = Path::new(out);
    write_handbook(out, &plan, &mut Rng(seed.max(1)));
    let statements = if plan.flat { 0 } else { plan.controls.len() };
    eprintln!(
        "wrote {} documents to {}: {} policies, {statements} statements, {} roles, {} guidance, {} risks, {} pages",
        plan.policies + statements + plan.roles + plan.guidance + plan.risks + plan.pages,
        out.display(),
        plan.policies,
        plan.roles,
        plan.guidance,
        plan.risks,
        plan.pages
    );
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).expect("create folder");
    }
    fs::write(path, text).expect("write file");
}

fn policy_id(i: usize) -> String {
    format!("policy-{i:05}")
}
fn role_id(i: usize) -> String {
    format!("role-{i:04}")
}
fn risk_id(i: usize) -> String {
    format!("R-{i:04}")
}
fn page_rel(i: usize) -> String {
    format!(
        "procedures/{}/procedure-{i:05}.md",
        TOPICS[i % TOPICS.len()]
    )
}

fn write_handbook(out: &Path, plan: &Plan, rng: &mut Rng) {
    let _ = fs::remove_dir_all(out.join("content"));
    write(
        &out.join("book.toml"),
        "[book]\ntitle = \"Synthetic Handbook\"\norganization = \"Benchmark Group plc\"\n\n\
         [iso27002]\nurl = \"https://standards.example/iso27002/{id}\"\n",
    );
    let content = out.join("content");
    write(
        &content.join("index.md"),
        "---\ntitle: Synthetic handbook\n---\nA generated handbook for benchmarks. Start with [](policy:policy-00000).\n",
    );
    for r in 0..plan.roles {
        let reports = if r == 0 {
            String::new()
        } else {
            format!("reports_to: {}\n", role_id(rng.below(r)))
        };
        let text = format!(
            "---\ntitle: \"{} {} lead {r}\"\nassignees: [\"Person {r}\", \"Team {}\"]\n{reports}---\n{}",
            capital(rng.pick(WORDS)),
            rng.pick(WORDS),
            r % 17,
            body(rng, plan, 3, "../", true)
        );
        write(&content.join(format!("roles/{}.md", role_id(r))), &text);
    }
    for p in 0..plan.policies {
        let controls: Vec<String> = (0..3)
            .map(|_| format!("\"{}\"", plan.controls[rng.below(plan.controls.len())]))
            .collect();
        let audience = if p % 3 == 0 {
            "all".to_owned()
        } else {
            format!(
                "[{}, {}]",
                role_id(rng.below(plan.roles)),
                role_id(rng.below(plan.roles))
            )
        };
        let text = format!(
            "---\ntitle: \"{} {} policy {p}\"\nowner: {}\napprover: {}\nversion: \"{}.{}\"\n\
             effective: 2025-{:02}-{:02}\nreview: 2027-{:02}-{:02}\nclassification: {}\n\
             audience: {audience}\ncontrols: [{}]\nhistory:\n  - {{version: \"1.0\", date: 2024-01-15, author: \"Author {p}\", change: \"First issue\"}}\n---\n{}",
            capital(rng.pick(WORDS)),
            rng.pick(WORDS),
            role_id(rng.below(plan.roles)),
            role_id(rng.below(plan.roles)),
            1 + rng.below(4),
            rng.below(10),
            1 + rng.below(12),
            1 + rng.below(28),
            1 + rng.below(12),
            1 + rng.below(28),
            rng.pick(CLASSIFICATIONS),
            controls.join(", "),
            if plan.flat {
                // About 2.5 kB with the front matter; a third with a code block.
                body(rng, plan, 4, "", p % 3 == 1)
            } else {
                body(rng, plan, 6, "../", true)
            }
        );
        write(
            &content.join(format!("policies/{}.md", policy_id(p))),
            &text,
        );
    }
    if plan.flat {
        return;
    }
    for (c, id) in plan.controls.iter().enumerate() {
        let head = if c % 31 == 30 {
            "applicable: false\njustification: \"Not relevant to the generated organisation.\"\n"
                .to_owned()
        } else {
            // Risk c lists control c, so the link holds (when there are enough risks).
            let risk = if plan.risks > c {
                format!("[{0}](risk:{0})", risk_id(c))
            } else {
                format!("R-{c:03}")
            };
            format!(
                "justification: \"Needed to treat risk {risk}.\"\nstatus: {}\nowner: {}\n",
                rng.pick(STATUSES),
                role_id(rng.below(plan.roles))
            )
        };
        let text = format!(
            "---\n{head}policies: [{}]\nevidence:\n  - {{title: \"Evidence {c}\", location: \"Records system, folder {c}\"}}\n---\n{}",
            policy_id(rng.below(plan.policies)),
            body(rng, plan, 2, "../", true)
        );
        write(&content.join(format!("controls/{id}.md")), &text);
    }
    for g in 0..plan.guidance {
        let id = &plan.controls[g * plan.controls.len() / plan.guidance.max(1)];
        write(
            &content.join(format!("guidance/{id}.md")),
            &format!("---\n---\n{}", body(rng, plan, 3, "../", true)),
        );
    }
    for i in 0..plan.risks {
        write(
            &content.join(format!("risks/{}.md", risk_id(i))),
            &risk(rng, plan, i),
        );
    }
    for i in 0..plan.pages {
        let text = format!(
            "---\ntitle: \"{} {} procedure {i}\"\nweight: {}\n---\n{}",
            capital(rng.pick(WORDS)),
            rng.pick(WORDS),
            rng.below(100),
            body(rng, plan, 6, "../../", true)
        );
        write(&content.join(page_rel(i)), &text);
    }
}

/// One risk: full front matter and a short scenario.
fn risk(rng: &mut Rng, plan: &Plan, i: usize) -> String {
    let n = plan.controls.len();
    let score = |rng: &mut Rng, at_most: usize| {
        let l = 1 + rng.below(at_most);
        let i = 1 + rng.below(at_most);
        format!("{{likelihood: {l}, impact: {i}}}")
    };
    let (inherent, current, residual) = (score(rng, 5), score(rng, 4), score(rng, 2));
    let existing = [i % n, (i + 31) % n];
    let planned = [(i + 47) % n, (i + 62) % n];
    let quoted = |list: &[usize]| {
        list.iter()
            .map(|&c| format!("\"{}\"", plan.controls[c]))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let acceptance = if i % 3 == 0 {
        format!(
            "acceptance: {{by: {}, date: 2026-0{}-15, expires: 2027-0{}-15}}\n",
            role_id(0),
            1 + rng.below(9),
            1 + rng.below(9)
        )
    } else {
        String::new()
    };
    let mut actions = String::new();
    for &control in &planned {
        let _ = write!(
            actions,
            "    - title: \"{} the {} {}\"\n      owner: {}\n      due: 202{}-{:02}-{:02}\n      status: {}\n      controls: [\"{}\"]\n",
            capital(rng.pick(VERBS)),
            rng.pick(WORDS),
            rng.pick(WORDS),
            role_id(rng.below(plan.roles)),
            6 + rng.below(2),
            1 + rng.below(12),
            1 + rng.below(28),
            rng.pick(&["planned", "in progress", "done"]),
            plan.controls[control]
        );
    }
    format!(
        "---\ntitle: \"{} {} risk {i}\"\nowner: {}\nstatus: treating\nreviewed: 2026-{:02}-{:02}\n\
         cia: [confidentiality, integrity]\nassets: [\"{} {}\", \"{} data\"]\nthreats: [\"{} {}\"]\n\
         vulnerabilities: [\"{} {}\"]\ninherent: {inherent}\ncurrent: {current}\nresidual: {residual}\n\
         existing_controls: [{}]\ntreatment:\n  option: modify\n  controls: [{}]\n  actions:\n{actions}{acceptance}---\n{}",
        capital(rng.pick(WORDS)),
        rng.pick(WORDS),
        role_id(rng.below(plan.roles)),
        1 + rng.below(12),
        1 + rng.below(28),
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(WORDS),
        quoted(&existing),
        quoted(&planned),
        body(rng, plan, 2, "../", true)
    )
}

fn capital(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn sentence(rng: &mut Rng) -> String {
    let n = 8 + rng.below(10);
    let mut s = format!("The {} {}", rng.pick(WORDS), rng.pick(VERBS));
    for _ in 0..n {
        s.push(' ');
        s.push_str(rng.pick(WORDS));
    }
    s.push('.');
    s
}

/// A body of about `sections` × 400 bytes with every common Markdown
/// construct; without `code`, a numbered list takes the code block's place.
fn body(rng: &mut Rng, plan: &Plan, sections: usize, up: &str, code: bool) -> String {
    let mut b = String::with_capacity(sections * 450);
    for s in 0..sections {
        let _ = writeln!(b, "## {} {}\n", capital(rng.pick(WORDS)), rng.pick(WORDS));
        let _ = writeln!(b, "{} {}\n", sentence(rng), sentence(rng));
        match s % 4 {
            0 => {
                for _ in 0..3 {
                    let _ = writeln!(b, "- {}", sentence(rng));
                }
                b.push('\n');
            }
            1 => {
                let _ = writeln!(b, "| Item | Owner | Frequency |\n|---|---|---|");
                for _ in 0..3 {
                    let _ = writeln!(
                        b,
                        "| {} | [](role:{}) | {} |",
                        rng.pick(WORDS),
                        role_id(rng.below(plan.roles)),
                        rng.pick(&["monthly", "quarterly", "yearly"])
                    );
                }
                b.push('\n');
            }
            2 if !code => {
                for n in 1..=2 {
                    let _ = writeln!(b, "{n}. {}", sentence(rng));
                }
                b.push('\n');
            }
            2 => {
                let _ = writeln!(
                    b,
                    "```yaml\n{}: {}\nretention_days: {}\n```\n",
                    rng.pick(WORDS),
                    rng.pick(WORDS),
                    rng.below(400)
                );
            }
            _ => {
                let policy = policy_id(rng.below(plan.policies));
                let control = &plan.controls[rng.below(plan.controls.len())];
                let (what, target) = if plan.flat {
                    let other = policy_id(rng.below(plan.policies));
                    ("policy", format!("{up}{other}.md"))
                } else {
                    (
                        "procedure",
                        format!("{up}{}", page_rel(rng.below(plan.pages))),
                    )
                };
                let _ = writeln!(
                    b,
                    "See [](policy:{policy}), [](control:{control}) and the [{what}]({target}).\n",
                );
            }
        }
    }
    b
}
