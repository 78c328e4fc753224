//! The self-score grid: ten dimensions of involvement, each scored 0, 1 or 2 a quarter, with a
//! target of 17 of 20 or more. A dimension the records can score ([`Dimension::figure`]) is
//! scored from the quarter's governance figure, with the reason shown ("18 of 20 summaries sent
//! within 5 working days (90%): 2"); the others are scored by a manager, with the evidence in
//! their words. Where a dimension's figure has nothing to count in the quarter, a manager
//! scores it too.

use super::{Count, Figure, Month};
use crate::calendar::Date;

/// One dimension of the grid.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Dimension {
    ConsentAndCapacity,
    AdvocacyTriggers,
    MeetingCadence,
    Accessibility,
    Summaries,
    Disagreements,
    Outcomes,
    Governance,
    InformationGovernance,
    Training,
}

/// The most a grid can score, and the target.
pub const MAX_TOTAL: u32 = 20;
pub const TARGET_TOTAL: u32 = 17;

/// A dimension scores 2 from the records when at least this share met the rule, 1 from
/// [`ONE_FROM_PERCENT`], else 0.
pub const TWO_FROM_PERCENT: u64 = 90;
pub const ONE_FROM_PERCENT: u64 = 60;

/// The longest evidence note, in characters.
pub const EVIDENCE_MAX: usize = 2_000;

impl Dimension {
    pub const ALL: [Dimension; 10] = [
        Dimension::ConsentAndCapacity,
        Dimension::AdvocacyTriggers,
        Dimension::MeetingCadence,
        Dimension::Accessibility,
        Dimension::Summaries,
        Dimension::Disagreements,
        Dimension::Outcomes,
        Dimension::Governance,
        Dimension::InformationGovernance,
        Dimension::Training,
    ];

    /// Its name in forms, files and the store.
    pub fn key(self) -> &'static str {
        match self {
            Dimension::ConsentAndCapacity => "consent_capacity",
            Dimension::AdvocacyTriggers => "advocacy_triggers",
            Dimension::MeetingCadence => "meeting_cadence",
            Dimension::Accessibility => "accessibility",
            Dimension::Summaries => "summaries",
            Dimension::Disagreements => "disagreements",
            Dimension::Outcomes => "outcomes",
            Dimension::Governance => "governance",
            Dimension::InformationGovernance => "information_governance",
            Dimension::Training => "training",
        }
    }

    pub fn of(key: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.key() == key)
    }

    pub fn title(self) -> &'static str {
        match self {
            Dimension::ConsentAndCapacity => "Consent and capacity",
            Dimension::AdvocacyTriggers => "Advocacy triggers",
            Dimension::MeetingCadence => "Meeting cadence",
            Dimension::Accessibility => "Accessibility",
            Dimension::Summaries => "Summaries",
            Dimension::Disagreements => "Disagreements",
            Dimension::Outcomes => "Outcomes",
            Dimension::Governance => "Governance",
            Dimension::InformationGovernance => "Information governance",
            Dimension::Training => "Training",
        }
    }

    /// What scores 0, 1 and 2.
    pub fn levels(self) -> [&'static str; 3] {
        match self {
            Dimension::ConsentAndCapacity => {
                ["Generic", "Documented", "Decision-specific and reviewed"]
            }
            Dimension::AdvocacyTriggers => ["Unclear", "Ad hoc", "Listed in the plan and met"],
            Dimension::MeetingCadence => [
                "Infrequent",
                "Monthly",
                "Monthly mini-reviews and a quarterly deep dive",
            ],
            Dimension::Accessibility => [
                "Spoken only",
                "Some formats",
                "Easy read, BSL or translation, and checked",
            ],
            Dimension::Summaries => [
                "Slow",
                "Within 10 days",
                "Within 5 working days and tracked",
            ],
            Dimension::Disagreements => ["Hidden", "Noted", "Logged, with respectful escalation"],
            Dimension::Outcomes => ["Stories", "Some measures", "Dated, sourced and placed"],
            Dimension::Governance => [
                "Minutes only",
                "A report",
                "A dashboard and the nominated individual's case sampling",
            ],
            Dimension::InformationGovernance => [
                "Assumed",
                "A policy",
                "Consent logs, secure sharing and an audit trail",
            ],
            Dimension::Training => ["Induction", "Yearly", "Yearly, with reflective supervision"],
        }
    }

    /// The governance figure that scores it from the records, if any.
    pub fn figure(self) -> Option<Figure> {
        match self {
            Dimension::AdvocacyTriggers => Some(Figure::Advocates),
            Dimension::Summaries => Some(Figure::Summaries),
            Dimension::Disagreements => Some(Figure::Disagreements),
            _ => None,
        }
    }
}

/// A calendar quarter: January to March is the first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub quarter: u8,
}

impl Quarter {
    pub fn of(date: Date) -> Quarter {
        Quarter {
            year: date.year(),
            quarter: (date.month() - 1) / 3 + 1,
        }
    }

    /// Its three months, in order.
    pub fn months(self) -> [Month; 3] {
        let first = Month {
            year: self.year,
            month: (self.quarter.clamp(1, 4) - 1) * 3 + 1,
        };
        [first, first.next(), first.next().next()]
    }

    pub fn previous(self) -> Quarter {
        if self.quarter <= 1 {
            Quarter {
                year: self.year - 1,
                quarter: 4,
            }
        } else {
            Quarter {
                year: self.year,
                quarter: self.quarter - 1,
            }
        }
    }

    /// The `n` quarters up to and including this one, newest first.
    pub fn back(self, n: usize) -> Vec<Quarter> {
        let mut out = vec![self];
        while out.len() < n {
            let before = out[out.len() - 1].previous();
            out.push(before);
        }
        out
    }

    /// "October to December 2026".
    pub fn words(self) -> String {
        let [first, _, last] = self.months();
        let name = |m: Month| m.first_day().map_or("", crate::calendar::month_name);
        format!("{} to {} {}", name(first), name(last), self.year)
    }
}

impl std::fmt::Display for Quarter {
    /// "2026-Q4".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-Q{}", self.year, self.quarter)
    }
}

impl std::str::FromStr for Quarter {
    type Err = String;

    fn from_str(s: &str) -> Result<Quarter, String> {
        let bad = || format!("“{s}” is not a quarter: use the form 2026-Q4.");
        let (year, quarter) = s.trim().split_once("-Q").ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let quarter: u8 = quarter.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&quarter) || !(1900..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(Quarter { year, quarter })
    }
}

/// A score a manager gave a dimension for a quarter, with their evidence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ManualScore {
    pub quarter: Quarter,
    pub dimension: Dimension,
    pub score: u8,
    pub evidence: String,
    pub by_name: String,
    pub at_ms: i64,
}

/// A manager's score checked: 0, 1 or 2, with evidence (trimmed, at most [`EVIDENCE_MAX`]
/// characters). The error is said to the manager.
pub fn checked_score(score: &str, evidence: &str) -> Result<(u8, String), String> {
    let score = match score.trim() {
        "0" => 0,
        "1" => 1,
        "2" => 2,
        _ => return Err("Choose a score: 0, 1 or 2.".to_owned()),
    };
    let evidence = evidence.trim();
    if evidence.is_empty() {
        return Err("Say what the score rests on: the evidence.".to_owned());
    }
    if evidence.chars().count() > EVIDENCE_MAX {
        return Err(format!(
            "The evidence is too long: at most {EVIDENCE_MAX} characters."
        ));
    }
    Ok((score, evidence.to_owned()))
}

/// How a dimension was scored for a quarter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum How {
    /// From the records, with the reason in words.
    Records(String),
    /// By a manager: their evidence, who and when.
    Manager {
        evidence: String,
        by_name: String,
        at_ms: i64,
    },
    /// Not scored yet (for a dimension the records can score: nothing to count this quarter).
    NotScored,
}

/// One dimension's line of a quarter's grid.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Line {
    pub dimension: Dimension,
    pub score: Option<u8>,
    pub how: How,
}

/// The score a figure's count gives, and the reason: `None` when nothing was counted.
pub fn from_records(figure: Figure, count: Count) -> Option<(u8, String)> {
    let percent = count.percent()?;
    let score = if percent >= TWO_FROM_PERCENT {
        2
    } else if percent >= ONE_FROM_PERCENT {
        1
    } else {
        0
    };
    let words = match figure {
        Figure::Summaries => "summaries sent within 5 working days",
        Figure::Disagreements => "disagreements resolved within 20 working days",
        Figure::Advocates => "advocates engaged within 48 hours of a trigger",
        _ => "met the rule",
    };
    Some((
        score,
        format!(
            "{} of {} {words} ({percent}%): {score}. From the records: 2 from {TWO_FROM_PERCENT}%, 1 from {ONE_FROM_PERCENT}%.",
            count.met, count.counted
        ),
    ))
}

/// A quarter's grid: each dimension the records can score is scored from `counts` (the
/// quarter's count of each figure); the others, and one with nothing to count, from the
/// managers' `scores` of that quarter.
pub fn grid(quarter: Quarter, counts: &[(Figure, Count)], scores: &[ManualScore]) -> Vec<Line> {
    Dimension::ALL
        .into_iter()
        .map(|dimension| {
            let recorded = dimension.figure().and_then(|f| {
                let count = counts
                    .iter()
                    .filter(|(g, _)| *g == f)
                    .fold(Count::default(), |sum, (_, c)| sum + *c);
                from_records(f, count)
            });
            if let Some((score, reason)) = recorded {
                return Line {
                    dimension,
                    score: Some(score),
                    how: How::Records(reason),
                };
            }
            match scores
                .iter()
                .find(|s| s.quarter == quarter && s.dimension == dimension)
            {
                Some(s) => Line {
                    dimension,
                    score: Some(s.score),
                    how: How::Manager {
                        evidence: s.evidence.clone(),
                        by_name: s.by_name.clone(),
                        at_ms: s.at_ms,
                    },
                },
                None => Line {
                    dimension,
                    score: None,
                    how: How::NotScored,
                },
            }
        })
        .collect()
}

/// A grid's total, and how many dimensions are scored.
pub fn total(lines: &[Line]) -> (u32, usize) {
    (
        lines.iter().filter_map(|l| l.score).map(u32::from).sum(),
        lines.iter().filter(|l| l.score.is_some()).count(),
    )
}

/// "15 of 20: below the target of 17 (2 dimensions not scored yet)".
pub fn total_words(lines: &[Line]) -> String {
    let (total, scored) = total(lines);
    let standing = if total >= TARGET_TOTAL {
        format!("meets the target of {TARGET_TOTAL}")
    } else {
        format!("below the target of {TARGET_TOTAL}")
    };
    let missing = Dimension::ALL.len() - scored;
    let rest = match missing {
        0 => String::new(),
        1 => " (1 dimension not scored yet)".to_owned(),
        n => format!(" ({n} dimensions not scored yet)"),
    };
    format!("{total} of {MAX_TOTAL}: {standing}{rest}")
}

/// The grid as CSV (RFC 4180): a row per dimension, with its score, how it was scored and why.
pub fn to_csv(service: &str, quarter: Quarter, lines: &[Line]) -> String {
    use crate::audit::csv_cell;
    let mut out = String::from(
        "service,quarter,dimension,score,scored_by,reason_or_evidence,scored_at_uk\r\n",
    );
    for l in lines {
        let (by, why, at) = match &l.how {
            How::Records(reason) => (
                "Circle, from the records".to_owned(),
                reason.clone(),
                String::new(),
            ),
            How::Manager {
                evidence,
                by_name,
                at_ms,
            } => (
                by_name.clone(),
                evidence.clone(),
                crate::calendar::london_label_with_zone(*at_ms),
            ),
            How::NotScored => (String::new(), String::new(), String::new()),
        };
        let cells = [
            csv_cell(service),
            quarter.to_string(),
            csv_cell(l.dimension.title()),
            l.score.map(|s| s.to_string()).unwrap_or_default(),
            csv_cell(&by),
            csv_cell(&why),
            csv_cell(&at),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    let (total, _) = total(lines);
    out.push_str(&format!(
        "{},{quarter},Total,{total},,{},\r\n",
        csv_cell(service),
        csv_cell(&format!("target {TARGET_TOTAL} of {MAX_TOTAL}"))
    ));
    out
}

#[cfg(test)]
mod tests;
