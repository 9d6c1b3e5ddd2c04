//! "Did you mean …?": the nearest spelling among what exists, and reading
//! serde's "unknown field" messages so that front matter and `book.toml`
//! can suggest the field that was meant.

/// The closest spelling of `word` among `candidates`, if one is close
/// enough to be what was meant (Jaro–Winkler similarity above 0.8, which
/// favours a shared beginning: `aprover` → `approver`, `polcy` → `policy`).
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// A field that a struct does not take, as serde reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField {
    /// The field as written.
    pub field: String,
    /// The fields the struct takes.
    pub expected: Vec<String>,
}

impl UnknownField {
    /// Reads serde's `unknown field `x`, expected one of `a`, `b``
    /// (also `expected `a` or `b``, and `there are no fields`).
    pub fn parse(message: &str) -> Option<UnknownField> {
        let rest = message.strip_prefix("unknown field `")?;
        let (field, rest) = rest.split_once('`')?;
        let expected = rest
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        Some(UnknownField {
            field: field.to_owned(),
            expected,
        })
    }

    /// The field probably meant, if one is close.
    pub fn meant(&self) -> Option<&str> {
        nearest(&self.field, self.expected.iter().map(String::as_str))
    }

    /// `unknown field `aprover`: did you mean `approver`?`, or the list of
    /// the fields `what` takes.
    pub fn explain(&self, what: &str) -> String {
        match self.meant() {
            Some(near) => format!("unknown field `{}`: did you mean `{near}`?", self.field),
            None if self.expected.is_empty() => {
                format!("unknown field `{}`: {what} takes no fields", self.field)
            }
            None => format!(
                "unknown field `{}`; {what} takes {}",
                self.field,
                self.expected
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// The field named by serde's `missing field `x``, if that is the message.
pub fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(field, _)| field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_shape_of_serdes_message() {
        let u = UnknownField::parse("unknown field `aprover`, expected one of `title`, `approver`")
            .unwrap();
        assert_eq!(u.field, "aprover");
        assert_eq!(u.expected, ["title", "approver"]);
        assert_eq!(u.meant(), Some("approver"));
        let two = UnknownField::parse("unknown field `x`, expected `a` or `b`").unwrap();
        assert_eq!(two.expected, ["a", "b"]);
        let none = UnknownField::parse("unknown field `x`, there are no fields").unwrap();
        assert!(none.expected.is_empty());
        assert_eq!(UnknownField::parse("invalid type"), None);
    }

    #[test]
    fn suggests_only_close_spellings() {
        let fields = ["title", "owner", "approver", "classification"];
        assert_eq!(nearest("clasification", fields), Some("classification"));
        assert_eq!(nearest("Owner", fields), Some("owner"));
        assert_eq!(nearest("colour", fields), None);
        assert_eq!(missing_field("missing field `title`"), Some("title"));
    }
}
