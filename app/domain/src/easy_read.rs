//! The easy-read view of a person's plan: large type, short sentences, one idea per line, a
//! symbol for each block, and the person's own words kept as they wrote them. It is made from
//! the records the reader has (so only what they may see), in the order the person reads it:
//! about me, my goals, the people who help me, how to talk with me, when we meet and how we
//! decide. A plan opens in it when block 2 ("How we'll communicate") asks for easy read
//! ([`crate::involvement::wants_easy_read`]).

use std::collections::BTreeSet;

use crate::PersonId;
use crate::access::Topic;
use crate::calendar::{Date, london_date_label_long};
use crate::involvement;
use crate::records::kinds::{COMMUNICATION, KindSpec, MEETING_RHYTHM};
use crate::records::views;
use crate::records::{Record, RecordSet, Value};

/// The picture at the top of a block. Each is a file in the site's `public/symbols/`, drawn
/// for Circle, plain shapes that print in black and white.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol {
    AboutMe,
    Goals,
    People,
    Talk,
    Meet,
    Decide,
}

impl Symbol {
    pub const ALL: [Symbol; 6] = [
        Symbol::AboutMe,
        Symbol::Goals,
        Symbol::People,
        Symbol::Talk,
        Symbol::Meet,
        Symbol::Decide,
    ];

    /// The file's path on the site (the service worker keeps every one for offline use).
    pub fn file(self) -> &'static str {
        match self {
            Symbol::AboutMe => "/symbols/about-me.svg",
            Symbol::Goals => "/symbols/goals.svg",
            Symbol::People => "/symbols/people.svg",
            Symbol::Talk => "/symbols/talk.svg",
            Symbol::Meet => "/symbols/meet.svg",
            Symbol::Decide => "/symbols/decide.svg",
        }
    }
}

/// How a line is marked beside its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Plain,
    /// A step done, a goal reached.
    Done,
    /// Something a person should not do.
    Dont,
    /// The one thing everyone should know.
    Important,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub mark: Mark,
}

/// A part of a block: an optional short heading, then one idea per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub heading: Option<String>,
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub symbol: Symbol,
    pub heading: &'static str,
    pub parts: Vec<Part>,
}

/// What a block says when nothing is written in it yet.
pub const NOTHING_YET: &str = "Nothing written here yet.";

/// `text` as one idea per line: each line written, and each sentence in it, on a line of its
/// own. The words are kept exactly; only the spaces between sentences go.
pub fn lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut start = 0;
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        for (i, (at, c)) in chars.iter().enumerate() {
            let ends_sentence = matches!(c, '.' | '!' | '?')
                && chars
                    .get(i + 1)
                    .is_some_and(|(_, next)| next.is_whitespace())
                && chars
                    .get(i + 2)
                    .is_some_and(|(_, after)| after.is_uppercase() || !after.is_alphabetic());
            if ends_sentence {
                let end = at + c.len_utf8();
                push_trimmed(&mut out, &line[start..end]);
                start = end;
            }
        }
        push_trimmed(&mut out, &line[start..]);
    }
    out
}

fn push_trimmed(out: &mut Vec<String>, piece: &str) {
    let piece = piece.trim();
    if !piece.is_empty() {
        out.push(piece.to_owned());
    }
}

fn plain(text: impl Into<String>) -> Line {
    Line {
        text: text.into(),
        mark: Mark::Plain,
    }
}

fn marked(text: impl Into<String>, mark: Mark) -> Line {
    Line {
        text: text.into(),
        mark,
    }
}

fn part(heading: Option<&str>, lines: Vec<Line>) -> Option<Part> {
    (!lines.is_empty()).then(|| Part {
        heading: heading.map(str::to_owned),
        lines,
    })
}

fn words(text: &str) -> Vec<Line> {
    marked_words(text, Mark::Plain)
}

fn marked_words(text: &str, mark: Mark) -> Vec<Line> {
    lines(text).into_iter().map(|t| marked(t, mark)).collect()
}

/// The plan of `person` in `set` in easy read: a block for each part the reader may see
/// (`topics`), in reading order. A block with nothing written in it says so.
pub fn plan(
    set: &RecordSet,
    person: PersonId,
    topics: &BTreeSet<Topic>,
    today: Date,
) -> Vec<Block> {
    let mut blocks = Vec::new();
    if topics.contains(&Topic::AboutMe) {
        blocks.push(block(Symbol::AboutMe, "About me", about_me(set, person)));
    }
    if topics.contains(&Topic::GoalsAndProgress) {
        blocks.push(block(Symbol::Goals, "My goals", goals(set)));
    }
    if topics.contains(&Topic::Involvement) {
        blocks.push(block(Symbol::People, "People who help me", people(set)));
        blocks.push(block(
            Symbol::Talk,
            "How to talk with me",
            talk(set, person),
        ));
        blocks.push(block(
            Symbol::Meet,
            "When we meet",
            meet(set, person, today),
        ));
        blocks.push(block(Symbol::Decide, "How we decide", decide(set, person)));
    }
    blocks
}

fn block(symbol: Symbol, heading: &'static str, parts: Vec<Part>) -> Block {
    let parts = if parts.is_empty() {
        vec![Part {
            heading: None,
            lines: vec![plain(NOTHING_YET)],
        }]
    } else {
        parts
    };
    Block {
        symbol,
        heading,
        parts,
    }
}

fn about_me(set: &RecordSet, person: PersonId) -> Vec<Part> {
    let about = views::about_me(views::about_me_of(set, person));
    let mut parts = Vec::new();
    parts.extend(part(
        Some("I am good at"),
        about
            .strengths
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| plain(s.trim()))
            .collect(),
    ));
    for section in about.sections() {
        parts.extend(part(Some(section.title), words(section.text)));
    }
    parts
}

fn goals(set: &RecordSet) -> Vec<Part> {
    views::goals(set)
        .into_iter()
        .filter(|g| !g.deleted && g.status != "let_go")
        .filter_map(|g| {
            let mut lines = Vec::new();
            match g.status.as_str() {
                "achieved" => lines.push(marked("I did it!", Mark::Done)),
                "paused" => lines.push(plain("This goal is on hold for now.")),
                _ => {}
            }
            for (_, text, done) in &g.steps {
                let mark = if *done { Mark::Done } else { Mark::Plain };
                lines.extend(marked_words(text, mark));
            }
            let heading = g.wording.trim();
            if heading.is_empty() {
                return None;
            }
            Some(Part {
                heading: Some(heading.to_owned()),
                lines,
            })
        })
        .collect()
}

fn people(set: &RecordSet) -> Vec<Part> {
    involvement::members(set)
        .into_iter()
        .filter(|m| m.involved && !m.name.trim().is_empty())
        .map(|m| {
            let heading = if m.relationship.trim().is_empty() {
                m.name.trim().to_owned()
            } else {
                format!("{}: {}", m.name.trim(), m.relationship.trim())
            };
            let mut said = words(&m.helps_with);
            said.extend(
                lines(&m.boundaries)
                    .into_iter()
                    .map(|t| marked(format!("Please don't: {t}"), Mark::Dont)),
            );
            Part {
                heading: Some(heading),
                lines: said,
            }
        })
        .collect()
}

/// The choices ticked in `field` of `record`, in their words ("Easy read, Pictures and
/// symbols"); `None` when none are.
fn ticked(kind: &KindSpec, record: &Record, field: &str) -> Option<String> {
    let spec = kind.field(field)?;
    let value = record.get(field);
    matches!(value, Value::Texts(keys) if !keys.is_empty()).then(|| spec.describe(value))
}

fn talk(set: &RecordSet, person: PersonId) -> Vec<Part> {
    let Some(r) = involvement::communication(set, person) else {
        return Vec::new();
    };
    let mut first = Vec::new();
    first.extend(marked_words(r.text("first_thing"), Mark::Important));
    if !r.text("language").trim().is_empty() {
        first.push(plain(format!("My language: {}", r.text("language").trim())));
    }
    if let Some(formats) = ticked(&COMMUNICATION, r, "formats") {
        first.push(plain(format!("I like: {formats}")));
    }
    if !r.text("best_time").trim().is_empty() {
        first.push(plain(format!("Best time: {}", r.text("best_time").trim())));
    }
    if let Value::Number(minutes) = r.get("longest_meeting") {
        first.push(plain(format!("Meetings: {minutes} minutes at most")));
    }
    let mut parts: Vec<Part> = part(None, first).into_iter().collect();
    parts.extend(part(Some("This helps me"), words(r.text("helps"))));
    parts.extend(part(
        Some("This upsets me"),
        marked_words(r.text("upsets"), Mark::Dont),
    ));
    parts.extend(part(
        Some("My family can contact"),
        words(r.text("family_contact")),
    ));
    parts
}

fn meet(set: &RecordSet, person: PersonId, today: Date) -> Vec<Part> {
    let record = involvement::rhythm(set, person);
    let dates = involvement::next_meetings(record, today, 3)
        .into_iter()
        .map(|(date, planned)| {
            plain(format!(
                "{}: {}",
                london_date_label_long(date),
                planned.words()
            ))
        })
        .collect();
    let mut parts: Vec<Part> = part(Some("Our next meetings"), dates).into_iter().collect();
    if let Some(r) = record {
        let mut between: Vec<Line> = Vec::new();
        if let Some(channels) = ticked(&MEETING_RHYTHM, r, "check_ins") {
            between.push(plain(format!("We check in by: {channels}")));
        }
        between.extend(words(r.text("check_in_notes")));
        parts.extend(part(Some("Between meetings"), between));
    }
    parts
}

fn decide(set: &RecordSet, person: PersonId) -> Vec<Part> {
    let mut parts = vec![Part {
        heading: None,
        lines: vec![
            plain("Ask me first."),
            plain("Help me to decide."),
            plain("I can make my own choices."),
        ],
    }];
    if let Some(r) = involvement::deciding(set, person) {
        parts.extend(part(Some("How to ask me"), words(r.text("consent"))));
        parts.extend(part(Some("What helps me decide"), words(r.text("support"))));
        parts.extend(part(
            Some("If I can't decide, ask"),
            words(r.text("consult")),
        ));
        parts.extend(part(
            Some("Choose what limits me least"),
            words(r.text("least_restrictive")),
        ));
    }
    parts
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::records::Record;
    use crate::records::kinds::{ABOUT, COMMUNICATING, GOALS, MEMBERS, RHYTHM, STEPS};

    const PERSON: PersonId = PersonId(Uuid::from_u128(7));

    fn text(t: &str) -> Value {
        Value::Text(t.to_owned())
    }

    fn all_topics() -> BTreeSet<Topic> {
        Topic::ALL.into_iter().collect()
    }

    fn today() -> Date {
        Date::new(2026, 12, 5).expect("in the test data")
    }

    fn texts(block: &Block) -> Vec<String> {
        block
            .parts
            .iter()
            .flat_map(|p| {
                p.heading
                    .iter()
                    .cloned()
                    .chain(p.lines.iter().map(|l| l.text.clone()))
            })
            .collect()
    }

    #[test]
    fn each_sentence_and_each_written_line_is_a_line_of_its_own_with_the_words_kept() {
        assert_eq!(
            lines("A cup of tea first. Then one thing at a time!\n\n  Write it down for me?  "),
            vec![
                "A cup of tea first.",
                "Then one thing at a time!",
                "Write it down for me?"
            ]
        );
    }

    #[test]
    fn a_full_stop_inside_words_does_not_split_them() {
        assert_eq!(
            lines("Meet at 10.30 with Dr. smith"),
            vec!["Meet at 10.30 with Dr. smith"]
        );
        assert_eq!(
            lines("Call 07700 900123. Ask for Ruth"),
            vec!["Call 07700 900123.", "Ask for Ruth"]
        );
    }

    #[test]
    fn a_reader_sees_a_block_only_for_the_parts_shared_with_them() {
        let set = RecordSet::default();
        let only_goals = BTreeSet::from([Topic::GoalsAndProgress]);
        let blocks = plan(&set, PERSON, &only_goals, today());
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].heading, "My goals");
        assert_eq!(blocks[0].symbol, Symbol::Goals);
        let all = plan(&set, PERSON, &all_topics(), today());
        let symbols: Vec<Symbol> = all.iter().map(|b| b.symbol).collect();
        assert_eq!(symbols, Symbol::ALL);
    }

    #[test]
    fn an_empty_block_says_nothing_is_written_yet() {
        let blocks = plan(&RecordSet::default(), PERSON, &all_topics(), today());
        let about = &blocks[0];
        assert_eq!(texts(about), vec![NOTHING_YET]);
    }

    #[test]
    fn strengths_come_first_in_about_me_then_each_section_in_the_persons_words() {
        let set: RecordSet = [Record::for_test(
            ABOUT,
            PERSON.0,
            None,
            Topic::AboutMe,
            &[
                (
                    "strengths",
                    Value::Texts(vec!["Baking".into(), "Remembering birthdays".into()]),
                ),
                ("matters_to_me", text("My garden. My cat, Bramble.")),
            ],
        )]
        .into_iter()
        .collect();
        let blocks = plan(&set, PERSON, &all_topics(), today());
        assert_eq!(
            texts(&blocks[0]),
            vec![
                "I am good at",
                "Baking",
                "Remembering birthdays",
                "What matters to me",
                "My garden.",
                "My cat, Bramble."
            ]
        );
    }

    #[test]
    fn goals_show_their_steps_with_done_ones_marked_and_let_go_goals_left_out() {
        let walk = Uuid::from_u128(1);
        let old = Uuid::from_u128(2);
        let set: RecordSet = [
            Record::for_test(
                GOALS,
                walk,
                None,
                Topic::GoalsAndProgress,
                &[
                    ("wording", text("Walk to the shop")),
                    ("status", Value::Choice("active".into())),
                ],
            ),
            Record::for_test(
                STEPS,
                Uuid::from_u128(3),
                Some(walk),
                Topic::GoalsAndProgress,
                &[("text", text("New shoes")), ("done", Value::Flag(true))],
            ),
            Record::for_test(
                STEPS,
                Uuid::from_u128(4),
                Some(walk),
                Topic::GoalsAndProgress,
                &[("text", text("Walk to the gate"))],
            ),
            Record::for_test(
                GOALS,
                old,
                None,
                Topic::GoalsAndProgress,
                &[
                    ("wording", text("Swim")),
                    ("status", Value::Choice("let_go".into())),
                ],
            ),
        ]
        .into_iter()
        .collect();
        let blocks = plan(
            &set,
            PERSON,
            &BTreeSet::from([Topic::GoalsAndProgress]),
            today(),
        );
        let parts = &blocks[0].parts;
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].heading.as_deref(), Some("Walk to the shop"));
        assert_eq!(
            parts[0].lines,
            vec![marked("New shoes", Mark::Done), plain("Walk to the gate")]
        );
    }

    #[test]
    fn people_who_help_show_what_they_help_with_and_what_they_should_not_do() {
        let set: RecordSet = [
            Record::for_test(
                MEMBERS,
                Uuid::from_u128(1),
                None,
                Topic::Involvement,
                &[
                    ("name", text("Ruth")),
                    ("relationship", text("My daughter")),
                    ("involved", Value::Flag(true)),
                    ("helps_with", text("Shopping on Saturdays")),
                    ("boundaries", text("Don't decide things for me")),
                ],
            ),
            Record::for_test(
                MEMBERS,
                Uuid::from_u128(2),
                None,
                Topic::Involvement,
                &[("name", text("Sam")), ("involved", Value::Flag(false))],
            ),
        ]
        .into_iter()
        .collect();
        let blocks = plan(&set, PERSON, &BTreeSet::from([Topic::Involvement]), today());
        let people = &blocks[0];
        assert_eq!(people.symbol, Symbol::People);
        assert_eq!(
            people.parts.len(),
            1,
            "only those the person wants involved"
        );
        assert_eq!(
            people.parts[0].heading.as_deref(),
            Some("Ruth: My daughter")
        );
        assert_eq!(
            people.parts[0].lines,
            vec![
                plain("Shopping on Saturdays"),
                marked("Please don't: Don't decide things for me", Mark::Dont)
            ]
        );
    }

    #[test]
    fn how_to_talk_with_me_puts_the_one_thing_first_and_names_the_formats() {
        let set: RecordSet = [Record::for_test(
            COMMUNICATING,
            PERSON.0,
            None,
            Topic::Involvement,
            &[
                ("first_thing", text("Ask me first")),
                (
                    "formats",
                    Value::Texts(vec!["easy_read".into(), "pictures".into()]),
                ),
                ("longest_meeting", Value::Number(45)),
                ("upsets", text("Being told no without a reason")),
            ],
        )]
        .into_iter()
        .collect();
        let blocks = plan(&set, PERSON, &BTreeSet::from([Topic::Involvement]), today());
        let talk = blocks
            .iter()
            .find(|b| b.symbol == Symbol::Talk)
            .expect("in the test data");
        assert_eq!(
            talk.parts[0].lines[0],
            marked("Ask me first", Mark::Important)
        );
        assert_eq!(
            texts(talk),
            vec![
                "Ask me first",
                "I like: Easy read, Pictures and symbols",
                "Meetings: 45 minutes at most",
                "This upsets me",
                "Being told no without a reason"
            ]
        );
    }

    #[test]
    fn when_we_meet_lists_the_next_dates_the_rhythm_gives() {
        let set: RecordSet = [Record::for_test(
            RHYTHM,
            PERSON.0,
            None,
            Topic::Involvement,
            &[
                ("mini_review", Value::Choice("monthly".into())),
                ("deep_dive", Value::Choice("quarterly".into())),
                (
                    "starts_on",
                    Value::Date(Date::new(2026, 11, 12).expect("in the test data")),
                ),
            ],
        )]
        .into_iter()
        .collect();
        let blocks = plan(&set, PERSON, &BTreeSet::from([Topic::Involvement]), today());
        let meet = blocks
            .iter()
            .find(|b| b.symbol == Symbol::Meet)
            .expect("in the test data");
        assert_eq!(
            texts(meet),
            vec![
                "Our next meetings",
                "Saturday 12 December 2026: Mini-review",
                "Tuesday 12 January 2027: Mini-review",
                "Friday 12 February 2027: Deep-dive review"
            ]
        );
    }

    #[test]
    fn every_symbol_is_a_file_shipped_in_public() {
        let public = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public");
        for s in Symbol::ALL {
            let path = public.join(s.file().trim_start_matches('/'));
            let svg = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            assert!(svg.contains("<svg") && !svg.contains("<script"), "{path:?}");
        }
    }
}
