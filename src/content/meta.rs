//! The front-matter fields of each kind of document, as typed values.
//!
//! Every struct rejects fields it does not know; `extra` is the one free-form
//! map, handed to templates as it is. Values are checked for shape here
//! (dates, enumerations, quoted ids); whether the ids they name exist is
//! checked when the handbook is linked.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// A text value. Accepts YAML strings, integers and booleans as written, but
/// refuses a bare decimal number: YAML reads `5.10` as 5.1, which would
/// silently turn one control id (or version) into another.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Text(pub String);

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a text value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Err(E::custom(format!(
                    "{v} is a number in YAML, which drops trailing zeros (5.10 reads as 5.1): \
                     put ids and versions in quotes, e.g. \"5.10\""
                )))
            }
        }
        d.deserialize_any(V)
    }
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub jiff::civil::Date);

impl Date {
    /// Parses `YYYY-MM-DD`, refusing other shapes and impossible dates.
    pub fn parse(text: &str) -> Result<Date, String> {
        let t = text.trim();
        let shaped = t.len() == 10
            && t.char_indices().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !shaped {
            return Err(format!("`{t}` is not a date: write it YYYY-MM-DD"));
        }
        t.parse::<jiff::civil::Date>()
            .map(Date)
            .map_err(|_| format!("`{t}` is not a real date"))
    }

    /// Days from `self` to `other` (negative when `other` is earlier).
    pub fn days_until(self, other: Date) -> i32 {
        let (a, b) = (self.0, other.0);
        // Both are valid civil dates, so the span always fits in days.
        a.until(b).map(|s| s.get_days()).unwrap_or(0)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Parse inside the visitor, so the YAML reader tags errors with their line.
        struct V;
        impl Visitor<'_> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

/// A document's language, as a BCP 47 tag (`de`, `pt-PT`, `ja`), when it
/// differs from the book's: the page's `lang` attribute, and how search
/// reads its words.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Language(pub String);

impl Language {
    /// Checks the shape of a language tag: a 2–3 letter language (every
    /// language registered has one) and subtags of 1–8 letters or digits,
    /// joined by `-`.
    pub fn parse(text: &str) -> Result<Language, String> {
        let tag = text.trim();
        let mut parts = tag.split('-');
        let primary = parts.next().unwrap_or("");
        let primary_ok =
            matches!(primary.len(), 2..=3) && primary.bytes().all(|b| b.is_ascii_alphabetic());
        let rest_ok = parts
            .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        if primary_ok && rest_ok {
            Ok(Language(tag.to_owned()))
        } else {
            Err(format!(
                "`{tag}` is not a language tag: write one such as `de`, `pt-PT` or `ja`"
            ))
        }
    }

    /// The primary language, lower case (`pt` of `pt-PT`).
    pub fn primary(&self) -> String {
        primary(&self.0)
    }
}

/// The primary language of a tag, lower case (`pt` of `pt-PT`).
pub fn primary(tag: &str) -> String {
    tag.split('-').next().unwrap_or("").to_ascii_lowercase()
}

impl<'de> Deserialize<'de> for Language {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Text::deserialize(d)?;
        Language::parse(&text).map_err(de::Error::custom)
    }
}

/// Who must read a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Everyone (`audience: all`).
    All,
    /// These role ids.
    Roles(Vec<Text>),
}

impl<'de> Deserialize<'de> for Audience {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Audience;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`all` or a list of role ids")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Audience, E> {
                if v.trim() == "all" {
                    Ok(Audience::All)
                } else {
                    Err(E::custom(format!(
                        "audience must be `all` or a list of role ids, not `{v}`; \
                         for one role write [{v}]"
                    )))
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Audience, A::Error> {
                let mut roles = Vec::new();
                while let Some(role) = seq.next_element::<Text>()? {
                    if &*role == "all" {
                        return Ok(Audience::All);
                    }
                    roles.push(role);
                }
                Ok(Audience::Roles(roles))
            }
        }
        d.deserialize_any(V)
    }
}

/// A policy's classification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Classification {
    /// May be shared outside the organisation.
    Public,
    /// For staff and contractors (the default).
    #[default]
    Internal,
    /// For named groups with a need to know.
    Confidential,
    /// For named people only.
    Restricted,
}

/// How far a control is implemented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// In place and operating.
    Implemented,
    /// Partly in place.
    Partial,
    /// Decided, not yet in place.
    Planned,
    /// Applicable but not in place.
    NotImplemented,
}

/// Free-form values under `extra:`, passed to templates unchanged.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Extra {
    /// `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// A decimal number.
    Float(f64),
    /// Text.
    String(String),
    /// A list.
    List(Vec<Extra>),
    /// A map with text keys.
    Map(BTreeMap<String, Extra>),
}

impl Default for Extra {
    fn default() -> Self {
        Extra::Map(BTreeMap::new())
    }
}

/// One entry of a policy's revision history.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    /// The version this entry produced.
    pub version: Text,
    /// When.
    pub date: Date,
    /// Who made the change.
    #[serde(default)]
    pub author: Option<Text>,
    /// What changed.
    pub change: Text,
    /// Who approved this version, and when.
    #[serde(default)]
    pub approved: Option<SignOff>,
}

/// A policy's approval: who (a person, with their role if wanted, e.g.
/// "Jane Doe (CEO)") and on which day. (A risk's acceptance names a role:
/// [`Approval`].)
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    /// Who approved.
    pub by: Text,
    /// When.
    pub date: Date,
}

/// One piece of evidence for a control: written as a map with `title` and
/// `link` or `location`, or as plain text, which is its title.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// What it is.
    pub title: Text,
    /// Where it can be opened.
    pub link: Option<Text>,
    /// Where it is kept, when it has no link (a system, a folder, a cabinet).
    pub location: Option<Text>,
}

/// [`Evidence`] written as a map.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceFields {
    title: Text,
    #[serde(default)]
    link: Option<Text>,
    #[serde(default)]
    location: Option<Text>,
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Evidence;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a title, or `title:` with `link:` or `location:`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Evidence, E> {
                Ok(Evidence {
                    title: Text(v.to_owned()),
                    link: None,
                    location: None,
                })
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Evidence, A::Error> {
                let f = EvidenceFields::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Evidence {
                    title: f.title,
                    link: f.link,
                    location: f.location,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Front matter of `policies/*.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyMeta {
    /// Title.
    pub title: Text,
    /// Id; defaults to the file stem.
    #[serde(default)]
    pub id: Option<Text>,
    /// Owning role id.
    pub owner: Text,
    /// Approving role id.
    #[serde(default)]
    pub approver: Option<Text>,
    /// Version label.
    #[serde(default)]
    pub version: Option<Text>,
    /// Date it took effect.
    #[serde(default)]
    pub effective: Option<Date>,
    /// Date of the next review.
    #[serde(default)]
    pub review: Option<Date>,
    /// Classification; internal by default.
    #[serde(default)]
    pub classification: Classification,
    /// Who must read it.
    #[serde(default)]
    pub audience: Option<Audience>,
    /// Annex A controls it addresses, as written.
    #[serde(default)]
    pub controls: Vec<Text>,
    /// Revision history.
    #[serde(default)]
    pub history: Vec<Revision>,
    /// Who approved the current version, and when.
    #[serde(default)]
    pub approved: Option<SignOff>,
    /// Clauses 4–10 it is documented information for (`6.1.2`, `6.1.3 d`).
    #[serde(default)]
    pub clauses: Vec<Text>,
    /// Language, when it differs from the book's.
    #[serde(default)]
    pub language: Option<Language>,
    /// When the document last changed, if git should not be asked.
    #[serde(default)]
    pub updated: Option<Date>,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: Extra,
}

/// Front matter of `controls/<id>.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlMeta {
    /// Whether the control applies; true by default.
    #[serde(default = "yes")]
    pub applicable: bool,
    /// Why it is included or excluded.
    #[serde(default)]
    pub justification: Option<Text>,
    /// Implementation status (required when applicable).
    #[serde(default)]
    pub status: Option<Status>,
    /// Owning role id.
    #[serde(default)]
    pub owner: Option<Text>,
    /// Ids of policies that address it.
    #[serde(default)]
    pub policies: Vec<Text>,
    /// Evidence that it operates.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Language, when it differs from the book's.
    #[serde(default)]
    pub language: Option<Language>,
    /// When the document last changed, if git should not be asked.
    #[serde(default)]
    pub updated: Option<Date>,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: Extra,
}

fn yes() -> bool {
    true
}

/// Front matter of `roles/*.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleMeta {
    /// Title.
    pub title: Text,
    /// Id; defaults to the file stem.
    #[serde(default)]
    pub id: Option<Text>,
    /// People or teams who hold the role.
    #[serde(default)]
    pub assignees: Vec<Text>,
    /// The role it reports to.
    #[serde(default)]
    pub reports_to: Option<Text>,
    /// Language, when it differs from the book's.
    #[serde(default)]
    pub language: Option<Language>,
    /// When the document last changed, if git should not be asked.
    #[serde(default)]
    pub updated: Option<Date>,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: Extra,
}

/// Front matter of `guidance/<id>.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuidanceMeta {
    /// Title; defaults to the control's title.
    #[serde(default)]
    pub title: Option<Text>,
    /// Language, when it differs from the book's.
    #[serde(default)]
    pub language: Option<Language>,
    /// When the document last changed, if git should not be asked.
    #[serde(default)]
    pub updated: Option<Date>,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: Extra,
}

/// Front matter of any other page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    /// Title.
    pub title: Text,
    /// Orders siblings: lower first, then by title.
    #[serde(default)]
    pub weight: Option<i64>,
    /// Owning role id, for a page that is a managed document or record.
    #[serde(default)]
    pub owner: Option<Text>,
    /// Version label.
    #[serde(default)]
    pub version: Option<Text>,
    /// Date of the next review.
    #[serde(default)]
    pub review: Option<Date>,
    /// Clauses 4–10 it is documented information for (`9.2.2`).
    #[serde(default)]
    pub clauses: Vec<Text>,
    /// Language, when it differs from the book's.
    #[serde(default)]
    pub language: Option<Language>,
    /// When the document last changed, if git should not be asked.
    #[serde(default)]
    pub updated: Option<Date>,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: Extra,
}

/// Where a risk stands in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiskStatus {
    /// Found and recorded, not yet scored.
    Identified,
    /// Scored; treatment not yet under way.
    Assessed,
    /// Treatment actions are under way.
    Treating,
    /// The residual risk is accepted.
    Accepted,
    /// No longer relevant: kept for the record.
    Closed,
}

/// How a risk is treated (ISO/IEC 27005 options; common synonyms accepted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TreatmentOption {
    /// Change the risk with controls (also written `mitigate`).
    #[serde(alias = "mitigate", alias = "reduce")]
    Modify,
    /// Keep the risk as it is (also written `accept`).
    #[serde(alias = "accept", alias = "tolerate")]
    Retain,
    /// Stop the activity that gives rise to it.
    Avoid,
    /// Pass part of it to another party (also written `transfer`).
    #[serde(alias = "transfer")]
    Share,
}

/// Where a treatment action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    /// Agreed, not started.
    Planned,
    /// Started (also written `in progress`).
    #[serde(alias = "in progress", alias = "started")]
    InProgress,
    /// Finished.
    #[serde(alias = "completed", alias = "complete")]
    Done,
    /// Dropped.
    #[serde(alias = "canceled")]
    Cancelled,
}

/// A security property a risk threatens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cia {
    /// Confidentiality.
    Confidentiality,
    /// Integrity.
    Integrity,
    /// Availability.
    Availability,
}

/// A risk's score: positions on the likelihood and impact scales of
/// `[risk]` in `book.toml`, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Score {
    /// How likely, 1 = the lowest level of the likelihood scale.
    pub likelihood: u8,
    /// How bad, 1 = the lowest level of the impact scale.
    pub impact: u8,
}

/// A decision recorded by a role: accepting a residual risk, or approving
/// a treatment plan.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The role that decided.
    pub by: Text,
    /// When.
    pub date: Date,
    /// When the decision lapses and must be made again.
    #[serde(default)]
    pub expires: Option<Date>,
    /// Conditions or reasons, in a sentence.
    #[serde(default)]
    pub note: Option<Text>,
}

/// One action of a risk's treatment plan.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionMeta {
    /// What is to be done.
    pub title: Text,
    /// The role responsible.
    pub owner: Text,
    /// When it is due.
    pub due: Date,
    /// Where it stands; planned by default.
    #[serde(default = "planned")]
    pub status: ActionStatus,
    /// Annex A controls it puts in place.
    #[serde(default)]
    pub controls: Vec<Text>,
}

fn planned() -> ActionStatus {
    ActionStatus::Planned
}

/// How a risk is treated.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreatmentMeta {
    /// The option chosen.
    #[serde(default)]
    pub option: Option<TreatmentOption>,
    /// Annex A controls to be put in place for it.
    #[serde(default)]
    pub controls: Vec<Text>,
    /// The actions of the plan.
    #[serde(default)]
    pub actions: Vec<ActionMeta>,
    /// The risk owner's approval of the plan.
    #[serde(default)]
    pub approved: Option<Approval>,
}

/// Front matter of `risks/*.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskMeta {
    /// Title: the risk in a line.
    pub title: Text,
    /// Id; defaults to the file stem (`R-01`).
    #[serde(default)]
    pub id: Option<Text>,
    /// The risk owner (role id).
    pub owner: Text,
    /// Where it stands.
    pub status: RiskStatus,
    /// When it was last reviewed.
    pub reviewed: Date,
    /// When it is next reviewed; by default `reviewed` plus the
    /// `review-months` of `[risk]`.
    #[serde(default)]
    pub next_review: Option<Date>,
    /// What is at risk.
    #[serde(default)]
    pub assets: Vec<Text>,
    /// Who or what could cause harm.
    #[serde(default)]
    pub threats: Vec<Text>,
    /// The weaknesses a threat would exploit.
    #[serde(default)]
    pub vulnerabilities: Vec<Text>,
    /// The properties threatened.
    #[serde(default)]
    pub cia: Vec<Cia>,
    /// The score without any control.
    #[serde(default)]
    pub inherent: Option<Score>,
    /// The score with the controls in place today.
    #[serde(default)]
    pub current: Option<Score>,
    /// The score expected once the treatment is done.
    #[serde(default)]
    pub residual: Option<Score>,
    /// Annex A controls in place that already reduce it.
    #[serde(default)]
    pub existing_controls: Vec<Text>,
    /// How it is treated.
    #[serde(default)]
    pub treatment: TreatmentMeta,
    /// The acceptance of the residual risk.
    #[serde(default)]
    pub acceptance: Option<Approval>,
    /// Language, when it differs from the book's.
    #[serde(default)]
    pub language: Option<Language>,
    /// When the document last changed, if git should not be asked.
    #[serde(default)]
    pub updated: Option<Date>,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_real_and_shaped() {
        assert!(Date::parse("2026-02-28").is_ok());
        assert!(
            Date::parse("2026-02-30")
                .unwrap_err()
                .contains("not a real date")
        );
        assert!(
            Date::parse("28/02/2026")
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
        assert!(Date::parse("2026-2-28").is_err());
    }

    #[test]
    fn language_tags_are_checked_for_shape() {
        assert_eq!(Language::parse("pt-PT").unwrap().primary(), "pt");
        assert_eq!(Language::parse(" de ").unwrap().0, "de");
        assert!(Language::parse("zh-Hant-TW").is_ok());
        for bad in ["", "German", "german language", "d", "de_DE", "de-", "x1"] {
            assert!(
                Language::parse(bad)
                    .unwrap_err()
                    .contains("not a language tag"),
                "{bad}"
            );
        }
    }

    #[test]
    fn days_between_dates() {
        let a = Date::parse("2026-11-24").unwrap();
        let b = Date::parse("2026-12-24").unwrap();
        assert_eq!(a.days_until(b), 30);
        assert_eq!(b.days_until(a), -30);
    }
}
