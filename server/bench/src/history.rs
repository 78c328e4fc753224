//! Two years of someone's records, as the benchmarks' heavy person holds them: About me reviewed
//! every other month, goals worked through and archived, a monthly review with notes written
//! over several sittings, and daily observations. Observations are not a kind Circle has yet, so
//! the bench declares one of its own ([`OBSERVATION`]) and opens its stores knowing it.

use anyhow::{Context, Result, ensure};
use domain::PersonId;
use domain::access::Topic;
use domain::people::{ABOUT_ME_TEXT_MAX, STRENGTH_MAX};
use domain::records::authority::Mutation;
use domain::records::kinds::{self, ABOUT, GOALS, MEETINGS, STEPS};
use domain::records::{
    Catalog, FieldSpec, FieldType, KindSpec, Merge, Record, RecordOp, TopicRule, Value,
};
use domain::sync::ClientId;
use store::Store;
use uuid::Uuid;

use crate::workload::{Rng, client, create, mutation, prose, seed_edits, set, text};

/// A daily observation: what happened and, for some, a figure (fluids drunk, steps walked).
/// Written once and never changed, so it never conflicts.
pub static OBSERVATION: KindSpec = KindSpec {
    name: "observation",
    title: "observation",
    topic: TopicRule::Fixed(Topic::DailyLiving),
    parent: None,
    fields: &[
        FieldSpec {
            name: "what",
            label: "What happened",
            ty: FieldType::Text { max: 4_000 },
            merge: Merge::Once,
            required: true,
            default: kinds::Default::Empty,
            report: false,
        },
        FieldSpec {
            name: "value",
            label: "Figure",
            ty: FieldType::Number {
                min: 0,
                max: 100_000,
            },
            merge: Merge::Once,
            required: false,
            default: kinds::Default::Empty,
            report: false,
        },
    ],
    label_field: None,
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

/// The kinds the bench's stores know: Circle's, and observations.
/// What `records` weigh as the pull API sends them (JSON, UTF-8 bytes).
pub fn json_bytes(records: &[Record]) -> Result<usize> {
    let mut bytes = 0;
    for record in records {
        bytes += serde_json::to_string(record)?.len();
    }
    Ok(bytes)
}

pub fn catalog() -> Catalog {
    Catalog::standard().with(&OBSERVATION)
}

pub const MONTHS: usize = 24;
pub const OBSERVATIONS: usize = 2_000;
/// The length of a day's observation in the history, in characters (uniform in this range).
pub const OBSERVATION_CHARS: (usize, usize) = (2_000, 2_900);
pub const ARCHIVED_GOALS: usize = 50;
pub const ARCHIVED_STEPS: usize = 6;
pub const ACTIVE_GOALS: usize = 3;
pub const ACTIVE_STEPS: usize = 10;
pub const NOTE_SITTINGS: usize = 12;
pub const REVIEWS: usize = 12;
/// The least the heavy person's records must weigh (as the pull API sends them).
pub const AT_LEAST_BYTES: usize = 5 * 1024 * 1024;

/// The device that wrote the history.
const HISTORY_CLIENT: u128 = 9_001;
/// A device whose About-me edit crossed the last review: one conflict left to settle.
const LATE_CLIENT: u128 = 9_002;

/// A short observation as a phone on shift records it (about 300 characters): the edit the
/// heavy and the new person are both given.
pub fn shift_observation(id: Uuid, n: usize) -> RecordOp {
    let mut rng = Rng::new(n as u64 + 77);
    let what = format!("{n}: {}", prose(rng.between(250, 350), n));
    create(
        OBSERVATION.name,
        id,
        None,
        &[
            ("what", text(what)),
            (
                "value",
                Value::Number(i64::try_from(rng.below(2_500)).unwrap_or(0)),
            ),
        ],
    )
}

/// Writes edits as one device, numbering them.
struct Writer {
    client: ClientId,
    seq: u64,
    next_id: u128,
    edits: Vec<Mutation>,
}

impl Writer {
    fn new(client: ClientId) -> Self {
        Self {
            client,
            seq: 0,
            next_id: 0,
            edits: Vec::new(),
        }
    }

    fn op(&mut self, op: RecordOp) {
        self.seq += 1;
        self.edits.push(mutation(self.client, self.seq, op));
    }

    fn id(&mut self) -> Uuid {
        self.next_id += 1;
        Uuid::from_u128((self.client.0.as_u128() << 32) ^ self.next_id)
    }
}

/// What the history holds, counted as it was written.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub edits: usize,
    pub observations: usize,
    pub goals: usize,
    pub steps: usize,
    pub meetings: usize,
    pub notes_chars: usize,
}

/// The heavy person's records, once stored.
#[derive(Debug, Clone)]
pub struct Heavy {
    pub counts: Counts,
    /// Records held and their size as the pull API sends them (JSON).
    pub records: usize,
    pub bytes: usize,
    pub version: u64,
}

/// The history's edits for `person`, whose About me starts as `about` (as imported).
fn two_years(person: PersonId, about: &Record) -> Result<(Vec<Mutation>, Mutation, Counts)> {
    let mut w = Writer::new(client(HISTORY_CLIENT));
    let mut rng = Rng::new(2_024);
    let mut counts = Counts::default();
    let mut about_now: Vec<(String, Value)> = crate::workload::ABOUT_ME_FIELDS
        .iter()
        .map(|f| ((*f).to_owned(), about.get(f).clone()))
        .collect();
    let about_set = |w: &mut Writer, about_now: &mut [(String, Value)], i: usize, after: String| {
        let (field, before) = &mut about_now[i];
        let after = text(after);
        w.op(set(ABOUT, person.0, field, before.clone(), after.clone()));
        *before = after;
    };
    let strengths: Vec<String> = (0..8).map(|i| prose(STRENGTH_MAX - 10 - i, i)).collect();
    w.op(set(
        ABOUT,
        person.0,
        "strengths",
        about.get("strengths").clone(),
        Value::Texts(strengths),
    ));

    let near_max = |i: usize| prose(ABOUT_ME_TEXT_MAX - 150 + (i * 37) % 140, i);
    let mut goals_made = 0;
    let mut observations = 0;
    let mut wishes_before_last_review = Value::Empty;
    for month in 0..MONTHS {
        // The day-to-day: observations, most days several.
        let due = OBSERVATIONS * (month + 1) / MONTHS;
        while observations < due {
            let id = w.id();
            let (low, high) = OBSERVATION_CHARS;
            let what = prose(rng.between(low, high), observations);
            let value = Value::Number(i64::try_from(rng.below(2_500)).unwrap_or(0));
            w.op(create(
                OBSERVATION.name,
                id,
                None,
                &[("what", text(what)), ("value", value)],
            ));
            observations += 1;
        }
        // Goals worked through one at a time: made, given steps, half of them done, reworded,
        // then archived (achieved, or let go).
        let due = ARCHIVED_GOALS * (month + 1) / MONTHS;
        while goals_made < due {
            let g = goals_made;
            let goal = w.id();
            let wording = prose(100 + (g * 13) % 100, g);
            w.op(create(
                GOALS,
                goal,
                None,
                &[("wording", text(wording.clone()))],
            ));
            for s in 0..ARCHIVED_STEPS {
                let step = w.id();
                let words = prose(60 + (s * 17) % 60, g + s);
                w.op(create(STEPS, step, Some(goal), &[("text", text(words))]));
                if s.is_multiple_of(2) {
                    w.op(set(
                        STEPS,
                        step,
                        "done",
                        Value::Flag(false),
                        Value::Flag(true),
                    ));
                }
                counts.steps += 1;
            }
            let reworded = prose(120 + (g * 7) % 80, g + 1);
            w.op(set(GOALS, goal, "wording", text(wording), text(reworded)));
            let status = if g.is_multiple_of(5) {
                "let_go"
            } else {
                "achieved"
            };
            w.op(set(
                GOALS,
                goal,
                "status",
                Value::Choice("active".into()),
                Value::Choice(status.into()),
            ));
            goals_made += 1;
            counts.goals += 1;
        }
        // The monthly review, its notes typed over several sittings (one rewrites a sentence).
        let meeting = w.id();
        let title = format!("Monthly review {}", month + 1);
        w.op(create(MEETINGS, meeting, None, &[("title", text(title))]));
        counts.meetings += 1;
        let doc = domain::notes::device_doc_id(w.client.0);
        let mut state = Vec::new();
        for sitting in 0..NOTE_SITTINGS {
            let typed = domain::notes::shared_text(&state);
            let wanted = if sitting == NOTE_SITTINGS / 2 {
                let rest: String = typed.chars().skip(60).collect();
                format!("{}{rest}", prose(60, month + 500))
            } else {
                format!("{typed}\n{}", prose(450, month * NOTE_SITTINGS + sitting))
            };
            let update =
                domain::notes::edit_shared(&state, doc, &wanted).context("the notes changed")?;
            domain::notes::merge_shared(&mut state, &update).context("merge the notes")?;
            w.op(RecordOp::EditText {
                kind: MEETINGS.into(),
                id: meeting,
                field: "notes".into(),
                update,
            });
        }
        counts.notes_chars += domain::notes::shared_text(&state).chars().count();
        // About me, reviewed every other month, the texts growing each time.
        if month % 2 == 1 {
            let review = month / 2;
            if review + 1 == REVIEWS {
                wishes_before_last_review = about_now[4].1.clone();
            }
            for f in 0..about_now.len() {
                let len = ABOUT_ME_TEXT_MAX * (review + 1) / (REVIEWS + 1);
                about_set(&mut w, &mut about_now, f, prose(len, review * 5 + f));
            }
        }
    }
    for f in 0..about_now.len() {
        about_set(&mut w, &mut about_now, f, near_max(f));
    }
    // The goals being worked on now.
    for g in 0..ACTIVE_GOALS {
        let goal = w.id();
        let wording = prose(140, 900 + g);
        w.op(create(GOALS, goal, None, &[("wording", text(wording))]));
        for s in 0..ACTIVE_STEPS {
            let step = w.id();
            let words = prose(60 + (s * 17) % 60, 900 + g + s);
            w.op(create(STEPS, step, Some(goal), &[("text", text(words))]));
            if s % 3 == 0 {
                w.op(set(
                    STEPS,
                    step,
                    "done",
                    Value::Flag(false),
                    Value::Flag(true),
                ));
            }
            counts.steps += 1;
        }
        counts.goals += 1;
    }
    counts.observations = observations;
    counts.edits = w.edits.len() + 1;
    let late = mutation(
        client(LATE_CLIENT),
        1,
        set(
            ABOUT,
            person.0,
            "wishes",
            wishes_before_last_review,
            text(near_max(40)),
        ),
    );
    Ok((w.edits, late, counts))
}

/// Writes two years of records for `person` (imported already) through `Store::sync_push`, in
/// batches of at most `MAX_PUSH_BATCH`, and checks what the store then holds.
pub async fn seed_heavy(store: &dyn Store, person: PersonId) -> Result<Heavy> {
    let (records, _) = store
        .records(person, None)
        .await
        .context("read the person")?;
    let about = records
        .iter()
        .find(|r| r.kind == ABOUT)
        .context("the imported person has an About me")?;
    let (edits, late, counts) = two_years(person, about)?;
    let tally = seed_edits(store, person, client(HISTORY_CLIENT), &edits).await?;
    ensure!(
        tally.rejected == 0 && tally.conflicts == 0 && tally.merged == 0,
        "the history broke a rule: {tally}"
    );
    let tally = seed_edits(store, person, late.client, &[late]).await?;
    ensure!(tally.conflicts == 1, "expected one conflict, got {tally}");
    let (records, version) = store.records(person, None).await.context("read back")?;
    let bytes = json_bytes(&records)?;
    ensure!(
        bytes >= AT_LEAST_BYTES,
        "the heavy person's records weigh only {bytes} bytes"
    );
    Ok(Heavy {
        counts,
        records: records.len(),
        bytes,
        version,
    })
}
