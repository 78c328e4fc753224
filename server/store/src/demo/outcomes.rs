//! The outcome tracker of the three demo people: their goals in their own words, graded steps,
//! measures, and seven months of observations in three voices up to yesterday, so that the
//! charts tell the stories of `shared/DOMAIN.md`:
//!
//! * **Maggie** (reablement with a worried relative): prompts needed at breakfast fall from 3 to
//!   1 and her daughter Ruth takes over less and less, as staff, Ruth and Maggie all record;
//!   Maggie's confidence rises; a second goal (the walk to the corner shop) starts later; getting
//!   back to church is an achieved goal in her history.
//! * **Dan** (late-night community access): a staged positive risk plan for the late bus home;
//!   the support ratio steps down 2:1, 1:1, none as the stages move on, steps back for two weeks
//!   after a missed check-in, then down again once the risk plan is reviewed.
//! * **Priya** (fluctuating mental health): her confidence about going back to work at the
//!   library rises, dips for a few weeks while she is unwell, and recovers; so do the sessions
//!   she does on her own.
//!
//! Nothing is typed in as a list of values: each measure follows a few points of a curve per
//! voice, and the days observed and a little noise come from a small generator (splitmix64)
//! started from [`SEED`], so the same day gives the same data. Dates count back from the day
//! the demo is loaded; how many edits each writer makes does not depend on that day, so loading
//! the demo again later is answered from the stored outcomes and changes nothing.
//!
//! Each writer writes through their own demo device as themself: staff in their own voice, or
//! the person's words written down with them (Dan and Priya have no account of their own, so
//! staff write down all of theirs); members only as themselves; the person only in their own.

use std::collections::BTreeMap;

use domain::PersonId;
use domain::access::UserId;
use domain::audit::Editor;
use domain::calendar::Date;
use domain::records::authority::{AnyOp, Mutation};
use domain::records::kinds::{GOALS, MEASURES, OBSERVATIONS, STEPS};
use domain::records::{RecordOp, SCHEMA_VERSION, Value};
use domain::sync::{ClientId, MAX_PUSH_BATCH};
use uuid::Uuid;

use super::{ACCOUNTS, DAN, MAGGIE, PRIYA, user};

/// The seed of the demo's observations.
pub const SEED: u64 = 0x0C1E_C1E0_2026_0009;

/// How many weeks of observations each person has, up to the day before the demo is loaded
/// (31 weeks: a little over seven months).
pub const WEEKS: i64 = 31;

/// The days observed: `DAYS` days up to yesterday.
const DAYS: i64 = WEEKS * 7;
/// Each writer's edits are sent this many days at a time.
const BATCH_DAYS: i64 = 7;

// ---- A small generator of its own (splitmix64): no dependency, the same everywhere.

#[derive(Debug, Clone)]
struct SplitMix(u64);

impl SplitMix {
    /// A generator for one stream of `seed` (a person and a series, say): streams are
    /// independent, so adding one changes none of the others.
    fn stream(seed: u64, a: u64, b: u64) -> SplitMix {
        SplitMix(
            seed ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F),
        )
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number from 0 to `n - 1` (`n` small: the bias is negligible).
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A number from 0 up to (not including) 1.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Noise from `-spread` to `spread`, most often near 0 (triangular).
    fn noise(&mut self, spread: f64) -> f64 {
        (self.unit() + self.unit() - 1.0) * spread
    }

    /// `count` different days of a week (0 to 6), in order.
    fn days_of_week(&mut self, count: u64) -> Vec<i64> {
        let mut days: Vec<i64> = (0..7).collect();
        for i in (1..days.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            days.swap(i, j);
        }
        days.truncate(count.min(7) as usize);
        days.sort_unstable();
        days
    }
}

// ---- How a measure goes, voice by voice

/// A level over the weeks: `(week, level)` points joined by straight lines, flat beyond the
/// first and the last. A step from one stage to the next is two points a few hours apart.
type Curve = &'static [(f64, f64)];

fn level(curve: Curve, week: f64) -> f64 {
    let Some(&(mut at, mut value)) = curve.first() else {
        return 0.0;
    };
    if week <= at {
        return value;
    }
    for &(next_at, next_value) in curve.iter().skip(1) {
        if week <= next_at {
            let t = (week - at) / (next_at - at).max(f64::EPSILON);
            return value + t * (next_value - value);
        }
        (at, value) = (next_at, next_value);
    }
    value
}

/// One voice's observations of one measure.
struct Series {
    measure: Uuid,
    /// `person`, `member` or `staff`.
    voice: &'static str,
    /// Who writes them down (a writer of the story).
    writer: usize,
    /// For the person's voice: the share (in percent) that staff write down with them.
    by_staff: u64,
    /// How many a week, at least and at most.
    per_week: (u64, u64),
    /// The first week observed (when the measure was agreed).
    from_week: i64,
    curve: Curve,
    /// How far a day's value may stray from the curve.
    noise: f64,
    /// The lowest and highest values the measure takes.
    range: (i64, i64),
    /// A note on the first observation of these weeks.
    notes: &'static [(i64, &'static str)],
}

impl Series {
    /// Observations of `measure` in `voice` written by `writer`, two to four a week from the
    /// first week, following `curve` within `range`, straying from it by up to `noise`.
    fn of(
        measure: Uuid,
        voice: &'static str,
        writer: usize,
        range: (i64, i64),
        noise: f64,
        curve: Curve,
    ) -> Series {
        Series {
            measure,
            voice,
            writer,
            by_staff: 0,
            per_week: (2, 4),
            from_week: 0,
            curve,
            noise,
            range,
            notes: &[],
        }
    }

    fn by_staff(self, percent: u64) -> Series {
        Series {
            by_staff: percent,
            ..self
        }
    }

    fn per_week(self, least: u64, most: u64) -> Series {
        Series {
            per_week: (least, most),
            ..self
        }
    }

    fn starting(self, week: i64) -> Series {
        Series {
            from_week: week,
            ..self
        }
    }

    fn notes(self, notes: &'static [(i64, &'static str)]) -> Series {
        Series { notes, ..self }
    }
}

// ---- Who writes

/// A demo account writing in the outcome tracker, through a device of its own.
#[derive(Debug, Clone)]
struct Writer {
    user: UserId,
    name: &'static str,
    client: ClientId,
}

/// The demo device of writer `n` of person `person` (1 to 3): from
/// `0x0193_0000_0000_7000_8000_0000_0000_0f10` on, sixteen a person.
fn client(person: u128, n: u128) -> ClientId {
    ClientId(Uuid::from_u128(
        0x0193_0000_0000_7000_8000_0000_0000_0f00 + (person << 4) + n,
    ))
}

fn writer(person: u128, n: u128, id: UserId) -> Writer {
    let name = ACCOUNTS
        .iter()
        .find(|a| a.id == id)
        .map_or("Circle", |a| a.name);
    Writer {
        user: id,
        name,
        client: client(person, n),
    }
}

// ---- A person's story, as edits

/// One edit of the story: on which day (from the first), before the day's observations
/// (`rank` 0) or among them (1), by whom.
struct Entry {
    day: i64,
    rank: u8,
    writer: usize,
    op: RecordOp,
}

struct Story {
    person: PersonId,
    /// 1 for Maggie, 2 for Dan, 3 for Priya: their ids and devices.
    number: u128,
    seed: u64,
    start: Date,
    writers: Vec<Writer>,
    entries: Vec<Entry>,
    ids: u128,
    series: u64,
}

/// Records of the demo outcome tracker: from `0x0193_0000_0000_7000_8000_0000_0011_0000`
/// (Maggie), `…_0012_0000` (Dan) and `…_0013_0000` (Priya), in the order they are made.
fn record_id(person: u128, n: u128) -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0010_0000 + (person << 16) + n)
}

fn text(t: &str) -> Value {
    Value::Text(t.to_owned())
}

fn choice(key: &str) -> Value {
    Value::Choice(key.to_owned())
}

fn create(kind: &str, id: Uuid, parent: Option<Uuid>, fields: Vec<(&str, Value)>) -> RecordOp {
    RecordOp::Create {
        kind: kind.to_owned(),
        id,
        parent,
        topic: None,
        fields: fields
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<BTreeMap<_, _>>(),
    }
}

impl Story {
    fn new(person: PersonId, number: u128, seed: u64, start: Date, writers: Vec<Writer>) -> Self {
        Story {
            person,
            number,
            seed,
            start,
            writers,
            entries: Vec::new(),
            ids: 0,
            series: 0,
        }
    }

    fn id(&mut self) -> Uuid {
        self.ids += 1;
        record_id(self.number, self.ids)
    }

    fn date(&self, day: i64) -> Date {
        self.start.add_days(day).unwrap_or(self.start)
    }

    fn edit(&mut self, day: i64, writer: usize, op: RecordOp) {
        self.entries.push(Entry {
            day,
            rank: 0,
            writer,
            op,
        });
    }

    fn goal(&mut self, day: i64, fields: Vec<(&str, Value)>) -> Uuid {
        let id = self.id();
        self.edit(day, 0, create(GOALS, id, None, fields));
        id
    }

    /// Steps of `goal` placed 10, 20, 30…, each with the day it was reached, if it was.
    fn steps(&mut self, day: i64, goal: Uuid, steps: &[(&str, Option<i64>)]) {
        for (n, (words, reached)) in steps.iter().enumerate() {
            let id = self.id();
            let position = (n as i64 + 1) * 10;
            self.edit(
                day,
                0,
                create(
                    STEPS,
                    id,
                    Some(goal),
                    vec![("text", text(words)), ("position", Value::Number(position))],
                ),
            );
            if let Some(on) = reached {
                self.set(
                    *on,
                    STEPS,
                    id,
                    "done",
                    Value::Flag(false),
                    Value::Flag(true),
                );
                let date = Value::Date(self.date(*on));
                self.set(*on, STEPS, id, "reached_on", Value::Empty, date);
            }
        }
    }

    fn measure(&mut self, day: i64, goal: Uuid, fields: Vec<(&str, Value)>) -> Uuid {
        let id = self.id();
        self.edit(day, 0, create(MEASURES, id, Some(goal), fields));
        id
    }

    /// A change staff make to a field on `day`, from `before`.
    fn set(&mut self, day: i64, kind: &str, id: Uuid, field: &str, before: Value, after: Value) {
        self.edit(
            day,
            0,
            RecordOp::Set {
                kind: kind.to_owned(),
                id,
                field: field.to_owned(),
                before,
                after,
            },
        );
    }

    /// The observations of `series`: each week from its first, a few days picked by the
    /// generator, the value of its curve that day with a little noise, within its range.
    fn observe(&mut self, series: Series) {
        self.series += 1;
        let mut rng = SplitMix::stream(self.seed, self.number as u64, self.series);
        for week in series.from_week..WEEKS {
            let (least, most) = series.per_week;
            let count = least + rng.below(most - least + 1);
            let mut noted = false;
            for in_week in rng.days_of_week(count) {
                let day = week * 7 + in_week;
                let at = day as f64 / 7.0;
                let raw = level(series.curve, at) + rng.noise(series.noise);
                let value = (raw.round() as i64).clamp(series.range.0, series.range.1);
                let writer = if series.voice == "person" && rng.below(100) < series.by_staff {
                    0
                } else {
                    series.writer
                };
                let mut fields = vec![
                    ("value", Value::Number(value)),
                    ("observed_on", Value::Date(self.date(day))),
                    ("voice", choice(series.voice)),
                ];
                if !noted && let Some((_, note)) = series.notes.iter().find(|(w, _)| *w == week) {
                    fields.push(("note", text(note)));
                    noted = true;
                }
                let id = self.id();
                self.entries.push(Entry {
                    day,
                    rank: 1,
                    writer,
                    op: create(OBSERVATIONS, id, Some(series.measure), fields),
                });
            }
        }
    }

    /// The story as pushes: each writer's edits numbered from 1 in the order they happen, sent
    /// a week at a time (at most [`MAX_PUSH_BATCH`] a push), week by week, staff first, each
    /// push stamped at 7pm on the last day it covers.
    fn pushes(self) -> Vec<DemoPush> {
        let Story {
            person,
            start,
            writers,
            mut entries,
            ..
        } = self;
        entries.sort_by_key(|e| (e.day, e.rank));
        let mut seqs = vec![0u64; writers.len()];
        let mut weeks: BTreeMap<(i64, usize), Vec<(i64, Mutation)>> = BTreeMap::new();
        for entry in entries {
            let Some(w) = writers.get(entry.writer) else {
                continue;
            };
            seqs[entry.writer] += 1;
            weeks
                .entry((entry.day.div_euclid(BATCH_DAYS), entry.writer))
                .or_default()
                .push((
                    entry.day,
                    Mutation {
                        client: w.client,
                        seq: seqs[entry.writer],
                        schema: SCHEMA_VERSION,
                        op: AnyOp::Record(entry.op),
                    },
                ));
        }
        let mut pushes = Vec::new();
        for ((_, n), list) in weeks {
            let w = &writers[n];
            for chunk in list.chunks(MAX_PUSH_BATCH) {
                let last = chunk.iter().map(|(day, _)| *day).max().unwrap_or(0);
                let on = start.add_days(last).unwrap_or(start);
                let at_ms = domain::calendar::london_local_to_ms(on, 19, 0)
                    .unwrap_or_else(|_| domain::calendar::london_midnight_ms(on));
                pushes.push(DemoPush {
                    person,
                    client: w.client,
                    editor: Editor {
                        user: Some(w.user),
                        name: w.name.to_owned(),
                        device: "Demo".to_owned(),
                        at_ms,
                    },
                    mutations: chunk.iter().map(|(_, m)| m.clone()).collect(),
                });
            }
        }
        pushes
    }
}

/// One push of the demo outcome tracker: one writer's edits to one person's record, as that
/// writer, through their demo device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPush {
    pub person: PersonId,
    pub client: ClientId,
    pub editor: Editor,
    pub mutations: Vec<Mutation>,
}

/// The demo outcome tracker when loaded on `today` (the UK date), as pushes in the order they
/// are sent: every goal, step and measure is written by staff before anyone observes it.
/// Observations run from `WEEKS` weeks ago up to yesterday.
pub fn outcome_pushes(today: Date) -> Vec<DemoPush> {
    let start = today.add_days(-DAYS).unwrap_or(today);
    [maggie(start), dan(start), priya(start)]
        .into_iter()
        .flat_map(Story::pushes)
        .collect()
}

/// Writes the demo outcome tracker ([`outcome_pushes`]) through the records engine, each edit
/// as its writer made it: loading it again is answered from the stored outcomes and changes
/// nothing. An edit refused (or left unanswered) is an error.
pub async fn load_outcomes(store: &dyn crate::Store, today: Date) -> Result<(), crate::StoreError> {
    for push in outcome_pushes(today) {
        let acks = store
            .push(
                push.person,
                push.client,
                &push.mutations,
                &|_, _| Ok(()),
                &push.editor,
            )
            .await?;
        if acks.len() != push.mutations.len() {
            return Err(crate::StoreError::Corrupt(format!(
                "demo outcome edits of {} were not all answered ({} of {})",
                push.editor.name,
                acks.len(),
                push.mutations.len()
            )));
        }
        super::all_applied(&acks, &format!("demo outcome edit of {}", push.editor.name))?;
    }
    Ok(())
}

// ---- Maggie: reablement with a worried relative

const ASHA: usize = 0;
const RUTH: usize = 1;
const MAGGIE_HERSELF: usize = 2;

fn maggie(start: Date) -> Story {
    let mut s = Story::new(
        MAGGIE,
        1,
        SEED,
        start,
        vec![
            writer(1, 0, user(1)),
            writer(1, 1, user(8)),
            writer(1, 2, user(7)),
        ],
    );
    let review = Value::Date(s.date(DAYS + 24));
    let breakfast = s.goal(
        0,
        vec![
            ("wording", text("I want to make my own breakfast again")),
            ("written_by", text("Maggie, with Asha")),
            (
                "why",
                text(
                    "Breakfast is how I start my day, my way, with the radio on. I don't want \
                     Ruth doing it for me.",
                ),
            ),
            (
                "helpers",
                text(
                    "Asha and the Riverside team on weekday mornings; Ruth on Saturdays, using \
                     the same prompts",
                ),
            ),
            ("review_date", review.clone()),
            (
                "prompts",
                text(
                    "What's the first step?\nShall I wait while you try?\nWhat would help right \
                     now?",
                ),
            ),
            ("gas_m2", text("Someone else makes my breakfast every day")),
            (
                "gas_m1",
                text("I make breakfast with a prompt at every step"),
            ),
            (
                "gas_0",
                text("I make porridge and tea with one or two prompts"),
            ),
            (
                "gas_p1",
                text("I make breakfast with no prompts on most days"),
            ),
            (
                "gas_p2",
                text("I make breakfast on my own, and Sunday lunch for Ruth"),
            ),
            ("gas_level", choice("m1")),
        ],
    );
    s.steps(
        0,
        breakfast,
        &[
            (
                "Fill the kettle with the small jug and switch it on",
                Some(19),
            ),
            ("Make a cup of tea, sitting on the perching stool", Some(58)),
            ("Make porridge in the microwave with one prompt", Some(113)),
            ("Make porridge and tea with no prompts", None),
            (
                "Make a cooked breakfast at the weekend, with Ruth there",
                None,
            ),
        ],
    );
    s.set(
        141,
        GOALS,
        breakfast,
        "gas_level",
        choice("m1"),
        choice("0"),
    );
    let church = s.goal(
        0,
        vec![
            ("wording", text("Get back to church on Sundays")),
            ("written_by", text("Maggie")),
            (
                "why",
                text("Church is where I see my friends, and I've been going for fifty years."),
            ),
            (
                "helpers",
                text("Bernice next door walks with me; Ruth brings me home"),
            ),
        ],
    );
    s.steps(
        0,
        church,
        &[
            ("Walk to Bernice's gate with my frame", Some(12)),
            ("Walk to church with Bernice; Ruth brings me home", Some(61)),
        ],
    );
    s.set(
        84,
        GOALS,
        church,
        "status",
        choice("active"),
        choice("achieved"),
    );
    s.set(
        84,
        GOALS,
        church,
        "status_reason",
        Value::Empty,
        text("I've been every Sunday for a month: Bernice walks with me and Ruth picks me up."),
    );
    let on = Value::Date(s.date(84));
    s.set(84, GOALS, church, "status_on", Value::Empty, on);
    let prompts = s.measure(
        0,
        breakfast,
        vec![
            ("measure", choice("prompts")),
            ("baseline", Value::Number(3)),
            ("target", Value::Number(1)),
        ],
    );
    let takeovers = s.measure(
        0,
        breakfast,
        vec![
            ("measure", choice("takeovers")),
            (
                "about",
                text("Ruth doing a kitchen task for me, in the last week"),
            ),
            ("baseline", Value::Number(4)),
            ("target", Value::Number(0)),
        ],
    );
    let confidence = s.measure(
        0,
        breakfast,
        vec![
            ("measure", choice("confidence")),
            ("about", text("making breakfast on my own")),
            ("baseline", Value::Number(2)),
            ("target", Value::Number(4)),
        ],
    );
    // The walk to the corner shop, agreed six weeks in.
    let shop_day = 42;
    let shop = s.goal(
        shop_day,
        vec![
            ("wording", text("Walk to the corner shop on my own")),
            ("written_by", text("Maggie")),
            (
                "why",
                text("To choose my own bread, and have a chat with Mr Aziz at the shop."),
            ),
            (
                "helpers",
                text("Asha walks with me, then a step behind, then waits at the corner"),
            ),
            ("review_date", review),
            ("gas_m2", text("I don't go out on my own")),
            ("gas_m1", text("I walk to the shop with someone beside me")),
            (
                "gas_0",
                text("I walk to the shop while Asha waits at the corner"),
            ),
            (
                "gas_p1",
                text("I walk there and back on my own twice a week"),
            ),
            (
                "gas_p2",
                text("I walk to the shop on my own whenever I like, and carry my shopping home"),
            ),
            ("gas_level", choice("m2")),
        ],
    );
    s.steps(
        shop_day,
        shop,
        &[
            ("Walk to the end of the road with Asha", Some(82)),
            ("Walk to the shop with Asha a step behind", Some(139)),
            ("Walk to the shop while Asha waits at the corner", None),
            (
                "Walk there and back on my own, and ring Ruth when I'm home",
                None,
            ),
        ],
    );
    s.set(139, GOALS, shop, "gas_level", choice("m2"), choice("m1"));
    let walks = s.measure(
        shop_day,
        shop,
        vec![
            ("measure", choice("journeys")),
            ("about", text("to the corner shop, in a week")),
            ("baseline", Value::Number(0)),
            ("target", Value::Number(3)),
        ],
    );

    let from = shop_day / 7;
    let maggie_series = [
        // Prompts at breakfast: 3 falling to 1; Ruth sees more need at first, Maggie less.
        Series::of(
            prompts,
            "staff",
            ASHA,
            (0, 6),
            0.6,
            &[
                (0.0, 3.2),
                (6.0, 2.9),
                (14.0, 2.0),
                (22.0, 1.2),
                (31.0, 1.0),
            ],
        )
        .notes(&[
            (2, "Filled the kettle herself with the small jug"),
            (
                9,
                "Made her tea sitting on the stool; one prompt to turn the hob off",
            ),
            (16, "Made porridge with one prompt"),
            (27, "Made porridge and tea; only asked where the honey was"),
        ]),
        Series::of(
            prompts,
            "member",
            RUTH,
            (0, 6),
            0.6,
            &[
                (0.0, 3.9),
                (10.0, 3.1),
                (20.0, 1.7),
                (26.0, 1.1),
                (31.0, 1.0),
            ],
        )
        .notes(&[
            (4, "I waited while Mum tried first. Hard, but she did it"),
            (20, "Mum made my tea as well as hers"),
        ]),
        Series::of(
            prompts,
            "person",
            MAGGIE_HERSELF,
            (0, 6),
            0.6,
            &[(0.0, 2.7), (14.0, 1.8), (24.0, 1.0), (31.0, 0.9)],
        )
        .by_staff(15)
        .notes(&[
            (
                12,
                "I did the porridge myself. Asha only reminded me about the timer",
            ),
            (29, "No help needed today"),
        ]),
        // Ruth doing things for her: 4 a week falling to none.
        Series::of(
            takeovers,
            "member",
            RUTH,
            (0, 10),
            0.5,
            &[
                (0.0, 3.7),
                (8.0, 2.6),
                (16.0, 1.2),
                (24.0, 0.2),
                (31.0, 0.0),
            ],
        )
        .notes(&[
            (3, "I did the washing up before she could: old habits"),
            (18, "Didn't take over once this week"),
        ]),
        Series::of(
            takeovers,
            "person",
            MAGGIE_HERSELF,
            (0, 10),
            0.5,
            &[
                (0.0, 4.4),
                (8.0, 3.4),
                (16.0, 1.8),
                (24.0, 0.5),
                (31.0, 0.1),
            ],
        )
        .by_staff(15)
        .notes(&[(7, "Ruth made my tea again. I told her I'd rather do it")]),
        Series::of(
            takeovers,
            "staff",
            ASHA,
            (0, 10),
            0.5,
            &[
                (0.0, 4.0),
                (8.0, 3.0),
                (16.0, 1.5),
                (24.0, 0.4),
                (31.0, 0.1),
            ],
        )
        .notes(&[(
            12,
            "Ruth used the prompts on Saturday and waited while Maggie tried",
        )]),
        // Confidence: mostly in Maggie's own words, rising.
        Series::of(
            confidence,
            "person",
            MAGGIE_HERSELF,
            (1, 5),
            0.5,
            &[
                (0.0, 2.0),
                (8.0, 2.6),
                (16.0, 3.4),
                (24.0, 4.0),
                (31.0, 4.2),
            ],
        )
        .by_staff(20)
        .notes(&[(1, "Worried about the kettle"), (22, "I'm getting there")]),
        Series::of(
            confidence,
            "staff",
            ASHA,
            (1, 5),
            0.5,
            &[
                (0.0, 1.8),
                (8.0, 2.4),
                (16.0, 3.2),
                (24.0, 3.8),
                (31.0, 4.0),
            ],
        )
        .per_week(1, 1),
        Series::of(
            confidence,
            "member",
            RUTH,
            (1, 5),
            0.5,
            &[
                (0.0, 1.5),
                (10.0, 2.0),
                (18.0, 2.8),
                (26.0, 3.4),
                (31.0, 3.7),
            ],
        )
        .per_week(1, 1)
        .notes(&[(25, "She doesn't ask me to check the hob any more")]),
        // Walks to the corner shop, from when the goal was agreed.
        Series::of(
            walks,
            "staff",
            ASHA,
            (0, 7),
            0.5,
            &[
                (6.0, 0.0),
                (10.0, 0.8),
                (16.0, 1.5),
                (24.0, 2.2),
                (31.0, 2.8),
            ],
        )
        .starting(from)
        .notes(&[
            (
                12,
                "Walked to the end of the road and back; a rest on the wall",
            ),
            (20, "Walked to the shop with Asha a step behind"),
        ]),
        Series::of(
            walks,
            "member",
            RUTH,
            (0, 7),
            0.5,
            &[
                (6.0, 0.0),
                (12.0, 0.6),
                (18.0, 1.4),
                (26.0, 2.1),
                (31.0, 2.6),
            ],
        )
        .starting(from),
        Series::of(
            walks,
            "person",
            MAGGIE_HERSELF,
            (0, 7),
            0.5,
            &[
                (6.0, 0.2),
                (10.0, 1.0),
                (16.0, 1.8),
                (24.0, 2.5),
                (31.0, 3.0),
            ],
        )
        .by_staff(15)
        .starting(from)
        .notes(&[(
            25,
            "Went to the shop while Asha waited at the corner. Mr Aziz says hello",
        )]),
    ];
    for series in maggie_series {
        s.observe(series);
    }
    s
}

// ---- Dan: late-night community access, a staged plan

const TOM: usize = 0;
const LEE: usize = 1;
/// The weeks Dan moved to stage 2 and stage 3.
const DAN_STAGE_2: i64 = 8 * 7;
const DAN_STAGE_3: i64 = 18 * 7;
/// The missed check-in, the review of the risk plan after it, and the return to stage 3.
const DAN_INCIDENT: i64 = 22 * 7 + 5;
const DAN_REVIEW: i64 = 23 * 7 + 3;
const DAN_BACK: i64 = 25 * 7 + 1;

fn dan(start: Date) -> Story {
    let mut s = Story::new(
        DAN,
        2,
        SEED,
        start,
        vec![writer(2, 0, user(2)), writer(2, 1, user(9))],
    );
    let controls = "My phone charged before I go out\nA bus pass, not cash\nI text Tom's team at 11pm \
                    and when I'm home\nA taxi is booked if I miss the last bus";
    let reviewed = Value::Date(s.date(0));
    let bus = s.goal(
        0,
        vec![
            ("wording", text("Get the late bus home on my own after a gig")),
            ("written_by", text("Dan, with Lee and Tom")),
            (
                "why",
                text(
                    "I want to live like other people my age: see the band, stay to the end, \
                     and get home without staff.",
                ),
            ),
            (
                "helpers",
                text(
                    "Tom plans the evenings with me; Lee makes sure I'm heard; my friend Kieran \
                     at the gigs",
                ),
            ),
            ("review_date", Value::Date(s.date(DAYS + 40))),
            (
                "prompts",
                text("Is your phone charged?\nHave you got your bus pass?\nWhat time is your check-in text?"),
            ),
            ("gas_m2", text("Staff come to the whole gig with me")),
            ("gas_m1", text("Staff meet me at the bus stop and ride home with me")),
            (
                "gas_0",
                text("I get the late bus on my own and text staff when I'm on it"),
            ),
            ("gas_p1", text("I come home on my own and text when I'm in")),
            ("gas_p2", text("I go to gigs in other towns and get home on my own")),
            ("gas_level", choice("m2")),
            (
                "go_right",
                text(
                    "I see my friends and the band, get home on my own, and feel proud. I stop \
                     missing the end of gigs.",
                ),
            ),
            (
                "go_wrong",
                text(
                    "I miss the last bus, my phone runs out, or someone at the bus station asks \
                     me for money or pressures me.",
                ),
            ),
            ("controls", text(controls)),
            (
                "escalate_on",
                Value::Texts(vec![
                    "missed_check_in".to_owned(),
                    "coercion".to_owned(),
                    "money".to_owned(),
                ]),
            ),
            (
                "escalation",
                text(
                    "If I miss a check-in, staff ring me twice, then ring Kieran. After 30 \
                     minutes they ring the on-call manager, who decides what to do next. If \
                     someone pressures me or asks for money, I text HELP and staff come to get me.",
                ),
            ),
            (
                "stages",
                text(
                    "Staff come to the gig with me\nStaff meet me at the bus stop\nI text staff \
                     when I'm on the bus\nI come home on my own and text when I'm in",
                ),
            ),
            ("stage", Value::Number(1)),
            ("risk_reviewed_on", reviewed.clone()),
        ],
    );
    s.steps(
        0,
        bus,
        &[
            (
                "Plan the evening with Tom: bus times, check-in times",
                Some(4),
            ),
            ("Go to a gig with staff and leave at the end", Some(26)),
            (
                "Get the bus with staff meeting me at the stop",
                Some(DAN_STAGE_2 + 9),
            ),
            (
                "Get the late bus on my own and text from it",
                Some(DAN_STAGE_3 + 5),
            ),
            ("Come home on my own and text when I'm in", None),
        ],
    );
    let stage = |n: i64| Value::Number(n);
    s.set(DAN_STAGE_2, GOALS, bus, "stage", stage(1), stage(2));
    s.set(
        DAN_STAGE_2,
        GOALS,
        bus,
        "gas_level",
        choice("m2"),
        choice("m1"),
    );
    s.set(DAN_STAGE_3, GOALS, bus, "stage", stage(2), stage(3));
    s.set(
        DAN_STAGE_3,
        GOALS,
        bus,
        "gas_level",
        choice("m1"),
        choice("0"),
    );
    let incident = Value::Date(s.date(DAN_INCIDENT));
    s.set(
        DAN_INCIDENT,
        GOALS,
        bus,
        "incident_on",
        Value::Empty,
        incident,
    );
    // The review after the missed check-in: two weeks back at stage 2, and a power bank.
    let after = Value::Date(s.date(DAN_REVIEW));
    s.set(DAN_REVIEW, GOALS, bus, "risk_reviewed_on", reviewed, after);
    s.set(
        DAN_REVIEW,
        GOALS,
        bus,
        "controls",
        text(controls),
        text(&format!(
            "{controls}\nA power bank in my jacket pocket (since my phone went flat)"
        )),
    );
    s.set(DAN_REVIEW, GOALS, bus, "stage", stage(3), stage(2));
    s.set(
        DAN_REVIEW,
        GOALS,
        bus,
        "gas_level",
        choice("0"),
        choice("m1"),
    );
    s.set(DAN_BACK, GOALS, bus, "stage", stage(2), stage(3));
    s.set(DAN_BACK, GOALS, bus, "gas_level", choice("m1"), choice("0"));

    let ratio = s.measure(
        0,
        bus,
        vec![
            ("measure", choice("ratio")),
            ("about", text("on a gig night")),
            ("baseline", Value::Number(2)),
            ("target", Value::Number(0)),
        ],
    );
    let evenings = s.measure(
        0,
        bus,
        vec![
            ("measure", choice("journeys")),
            (
                "about",
                text("evenings out planned for the next four weeks"),
            ),
            ("baseline", Value::Number(2)),
            ("target", Value::Number(6)),
        ],
    );
    let confidence = s.measure(
        0,
        bus,
        vec![
            ("measure", choice("confidence")),
            ("about", text("getting home on my own")),
            ("baseline", Value::Number(2)),
            ("target", Value::Number(4)),
        ],
    );
    // The support ratio steps with the stages: 2:1, then 1:1, then none; 1:1 again for two
    // weeks after the missed check-in. Lee hears of each change at his next check-in.
    const RATIO: Curve = &[
        (0.0, 2.0),
        (7.99, 2.0),
        (8.0, 1.0),
        (17.99, 1.0),
        (18.0, 0.0),
        (23.42, 0.0),
        (23.43, 1.0),
        (25.13, 1.0),
        (25.14, 0.0),
    ];
    const RATIO_HEARD: Curve = &[
        (0.0, 2.0),
        (8.39, 2.0),
        (8.4, 1.0),
        (18.39, 1.0),
        (18.4, 0.0),
        (23.79, 0.0),
        (23.8, 1.0),
        (25.49, 1.0),
        (25.5, 0.0),
    ];
    let dan_series = [
        Series::of(ratio, "staff", TOM, (0, 2), 0.0, RATIO).notes(&[
            (
                8,
                "First night with staff meeting Dan at the bus stop: it went well",
            ),
            (
                18,
                "Dan got the late bus on his own and texted from it at 11:10",
            ),
            (
                22,
                "Missed the 11pm check-in: his phone went flat. Dan got home safely and told \
                     us himself",
            ),
            (
                25,
                "Back to texting from the bus; he carries a power bank now",
            ),
        ]),
        Series::of(ratio, "person", TOM, (0, 2), 0.0, RATIO)
            .by_staff(100)
            .notes(&[(19, "I did it on my own!")]),
        Series::of(ratio, "member", LEE, (0, 2), 0.0, RATIO_HEARD).notes(&[(
            10,
            "Dan says staff meeting him at the stop feels fair for now",
        )]),
        Series::of(
            evenings,
            "staff",
            TOM,
            (0, 12),
            0.7,
            &[
                (0.0, 2.0),
                (8.0, 3.0),
                (18.0, 4.5),
                (22.7, 5.0),
                (23.0, 3.5),
                (25.0, 4.0),
                (31.0, 5.6),
            ],
        ),
        Series::of(
            evenings,
            "person",
            TOM,
            (0, 12),
            0.7,
            &[
                (0.0, 2.6),
                (8.0, 3.8),
                (18.0, 5.2),
                (22.7, 5.6),
                (23.0, 4.2),
                (25.0, 5.0),
                (31.0, 6.0),
            ],
        )
        .by_staff(100)
        .notes(&[(
            14,
            "The band's playing the Arts Centre next month. I want to go",
        )]),
        Series::of(
            evenings,
            "member",
            LEE,
            (0, 12),
            0.7,
            &[
                (0.0, 2.3),
                (8.0, 3.3),
                (18.0, 4.8),
                (23.2, 4.0),
                (25.0, 4.5),
                (31.0, 5.8),
            ],
        ),
        Series::of(
            confidence,
            "person",
            TOM,
            (1, 5),
            0.5,
            &[
                (0.0, 2.3),
                (8.0, 3.0),
                (18.0, 3.8),
                (22.6, 4.3),
                (22.8, 2.4),
                (24.0, 2.8),
                (26.0, 3.8),
                (31.0, 4.3),
            ],
        )
        .by_staff(100)
        .notes(&[
            (2, "I want to stay to the end like everyone else"),
            (23, "A bit shaky after my phone died, but I got home"),
        ]),
        Series::of(
            confidence,
            "staff",
            TOM,
            (1, 5),
            0.5,
            &[
                (0.0, 1.6),
                (8.0, 2.2),
                (18.0, 3.2),
                (22.6, 3.6),
                (22.8, 2.0),
                (25.0, 2.6),
                (28.0, 3.6),
                (31.0, 4.0),
            ],
        )
        .notes(&[(26, "Dan planned his own route home and his check-in times")]),
        Series::of(
            confidence,
            "member",
            LEE,
            (1, 5),
            0.5,
            &[
                (0.0, 3.0),
                (8.0, 3.5),
                (18.0, 4.2),
                (22.6, 4.4),
                (23.2, 3.2),
                (25.0, 3.8),
                (31.0, 4.4),
            ],
        )
        .notes(&[(10, "Dan says he feels ready for the next stage")]),
    ];
    for series in dan_series {
        s.observe(series);
    }
    s
}

// ---- Priya: fluctuating mental health, back to work at the library

const JO: usize = 0;
const ANIL: usize = 1;

fn priya(start: Date) -> Story {
    let mut s = Story::new(
        PRIYA,
        3,
        SEED,
        start,
        vec![writer(3, 0, user(3)), writer(3, 1, user(10))],
    );
    let library = s.goal(
        0,
        vec![
            ("wording", text("Go back to part-time work at the library")),
            ("written_by", text("Priya")),
            (
                "why",
                text(
                    "Work gives my week a shape. I loved the library before I was unwell, and I \
                     want my own money again.",
                ),
            ),
            (
                "helpers",
                text(
                    "Jo, my support worker; Marion, the library's volunteer coordinator; Anil, \
                     when I ask him",
                ),
            ),
            ("review_date", Value::Date(s.date(DAYS + 30))),
            ("gas_m2", text("I stop going to the library")),
            ("gas_m1", text("I go to the writing group at the library")),
            (
                "gas_0",
                text("I volunteer two mornings a week at the library"),
            ),
            ("gas_p1", text("I work one paid shift a week")),
            ("gas_p2", text("I work two paid shifts a week")),
            ("gas_level", choice("m1")),
        ],
    );
    s.steps(
        0,
        library,
        &[
            ("Go to the writing group at the library each week", Some(20)),
            ("Volunteer one morning a week at the library", Some(64)),
            ("Volunteer two mornings a week", Some(197)),
            ("Apply for the Saturday library assistant post", None),
            ("Start part-time paid work", None),
        ],
    );
    s.set(197, GOALS, library, "gas_level", choice("m1"), choice("0"));
    let confidence = s.measure(
        0,
        library,
        vec![
            ("measure", choice("confidence")),
            ("about", text("going back to work")),
            ("baseline", Value::Number(2)),
            ("target", Value::Number(4)),
        ],
    );
    let sessions = s.measure(
        0,
        library,
        vec![
            ("measure", choice("completions")),
            (
                "about",
                text("writing group and library mornings done on my own"),
            ),
            ("baseline", Value::Number(0)),
            ("target", Value::Number(3)),
        ],
    );
    // Rising, then a few weeks unwell from week 16, then recovering; Anil, worried, is slower
    // to see it.
    let priya_series = [
        Series::of(
            confidence,
            "person",
            JO,
            (1, 5),
            0.5,
            &[
                (0.0, 2.0),
                (6.0, 2.8),
                (14.0, 3.6),
                (15.6, 3.7),
                (16.4, 2.2),
                (17.2, 1.3),
                (19.4, 1.4),
                (21.0, 2.4),
                (24.0, 3.3),
                (28.0, 4.0),
                (31.0, 4.2),
            ],
        )
        .by_staff(100)
        .notes(&[
            (3, "Enjoyed the writing group. Read a poem out loud"),
            (17, "Feeling low this week. Keeping to my early signs plan"),
            (21, "Back at the writing group"),
            (28, "Did two mornings at the library this week"),
        ]),
        Series::of(
            confidence,
            "staff",
            JO,
            (1, 5),
            0.5,
            &[
                (0.0, 1.8),
                (6.0, 2.6),
                (14.0, 3.4),
                (15.4, 3.4),
                (16.2, 2.0),
                (17.0, 1.2),
                (19.6, 1.4),
                (21.5, 2.3),
                (25.0, 3.3),
                (31.0, 4.0),
            ],
        )
        .notes(&[
            (
                16,
                "Priya noticed her early signs herself; we followed her plan",
            ),
            (
                24,
                "Talking about the library again, and about the Saturday post",
            ),
        ]),
        Series::of(
            confidence,
            "member",
            ANIL,
            (1, 5),
            0.5,
            &[
                (0.0, 1.6),
                (6.0, 2.2),
                (14.0, 3.0),
                (16.2, 3.0),
                (17.2, 1.5),
                (20.5, 1.3),
                (23.0, 2.0),
                (27.0, 3.0),
                (31.0, 3.6),
            ],
        )
        .notes(&[
            (18, "Quieter than usual; we texted instead of visiting"),
            (26, "Sounded like herself again"),
        ]),
        Series::of(
            sessions,
            "person",
            JO,
            (0, 7),
            0.5,
            &[
                (0.0, 0.3),
                (3.0, 1.0),
                (9.0, 2.0),
                (15.6, 2.2),
                (16.4, 0.6),
                (17.2, 0.0),
                (19.5, 0.2),
                (21.0, 1.0),
                (25.0, 2.0),
                (28.0, 2.8),
                (31.0, 3.0),
            ],
        )
        .by_staff(100)
        .notes(&[(9, "My first volunteering morning at the library")]),
        Series::of(
            sessions,
            "staff",
            JO,
            (0, 7),
            0.5,
            &[
                (0.0, 0.2),
                (3.0, 1.0),
                (9.0, 2.0),
                (15.6, 2.1),
                (16.4, 0.6),
                (17.2, 0.0),
                (19.5, 0.2),
                (21.0, 1.0),
                (25.0, 2.0),
                (28.0, 2.8),
                (31.0, 3.0),
            ],
        )
        .notes(&[(
            29,
            "Marion at the library says Priya runs the returns desk on her own",
        )]),
        Series::of(
            sessions,
            "member",
            ANIL,
            (0, 7),
            0.5,
            &[
                (0.0, 0.2),
                (4.0, 0.8),
                (10.0, 1.7),
                (16.0, 1.8),
                (17.0, 0.3),
                (20.0, 0.0),
                (22.0, 0.8),
                (26.0, 1.8),
                (31.0, 2.7),
            ],
        ),
    ];
    for series in priya_series {
        s.observe(series);
    }
    s
}

// ---- For the benchmark

/// `days` days of observations from `start`, for the benchmark: for each day, one observation
/// of each of `measures` (which must exist: they are the observations' parents), in the order
/// of `measures`. The voices take turns: on day `d` the `i`th measure is observed in voice
/// `person`, `member`, `staff` by `(d + i) % 3`. Values wander from 1 to 5 (at most one up or
/// down a day, each measure on its own), fit for any measure but a support ratio (0 to 2); no
/// notes. Ids are UUID v7s timed at noon of each day, their random bits from `seed`. The same
/// arguments always give the same edits.
///
/// They are creations only, as whoever pushes them: through the sync route, staff may give
/// the `person` and `staff` voices but not `member`; [`crate::Store::sync_push`] checks none.
pub fn daily_observations(seed: u64, measures: &[Uuid], start: Date, days: u32) -> Vec<RecordOp> {
    let mut rng = SplitMix::stream(seed, 0xDA11, measures.len() as u64);
    let mut values: Vec<i64> = measures.iter().map(|_| 1 + rng.below(5) as i64).collect();
    let mut ops = Vec::with_capacity(measures.len() * days as usize);
    for d in 0..i64::from(days) {
        let Some(on) = start.add_days(d) else {
            break;
        };
        let noon = domain::calendar::london_midnight_ms(on) + 12 * 3_600_000;
        for (i, (measure, value)) in measures.iter().zip(values.iter_mut()).enumerate() {
            *value = (*value + rng.below(3) as i64 - 1).clamp(1, 5);
            let voice = ["person", "member", "staff"][(d as usize + i) % 3];
            let ms = u128::try_from(noon + i as i64).unwrap_or(0) & ((1 << 48) - 1);
            let bits = u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64());
            let id = Uuid::from_u128(
                ms << 80
                    | 0x7 << 76
                    | (bits & 0x0fff) << 64
                    | 0b10 << 62
                    | (bits >> 64) & ((1 << 62) - 1),
            );
            ops.push(create(
                OBSERVATIONS,
                id,
                Some(*measure),
                vec![
                    ("value", Value::Number(*value)),
                    ("observed_on", Value::Date(on)),
                    ("voice", choice(voice)),
                ],
            ));
        }
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::access::CircleRole;
    use domain::outcomes::{self, MeasureView, Voice};
    use domain::records::Outcome;
    use domain::records::authority::Authority;
    use domain::records::engine;
    use domain::records::kinds::{Catalog, MEASURE_MAX};
    use domain::records::{Record, RecordSet, Stamp};
    use domain::screens::Reader;
    use std::collections::BTreeSet;

    fn today() -> Date {
        Date::new(2026, 12, 5).expect("a date")
    }

    fn start(today: Date) -> Date {
        today.add_days(-DAYS).expect("a date")
    }

    /// Who a demo account is, as far as the voices they may give go.
    fn reader_of(id: Option<UserId>) -> Reader {
        let account = ACCOUNTS
            .iter()
            .find(|a| Some(a.id) == id)
            .expect("a demo account");
        match account.circle {
            _ if !account.staff.is_empty() => Reader::Staff,
            Some((_, CircleRole::Person, _)) => Reader::ThePerson,
            _ => Reader::Member {
                writes: BTreeSet::new(),
            },
        }
    }

    /// Each person's records once the demo's pushes have gone through the records authority
    /// as the store runs it, with the voice rule the sync route puts every edit to. Every edit
    /// must be applied: none refused, none merged away, no conflict.
    fn applied(today: Date) -> BTreeMap<PersonId, RecordSet> {
        let catalog = Catalog::standard();
        let mut authorities: BTreeMap<PersonId, Authority<'_>> = BTreeMap::new();
        for push in outcome_pushes(today) {
            assert!(push.mutations.len() <= MAX_PUSH_BATCH);
            let reader = reader_of(push.editor.user);
            let allowed = |_: &RecordSet, op: &RecordOp| {
                engine::voices_allowed(op, &catalog, |voice| reader.may_speak_as(voice))
            };
            let authority = authorities.entry(push.person).or_insert_with(|| {
                Authority::resume(&catalog, push.person, RecordSet::new(), 0, [])
            });
            let stamp = Stamp {
                by: push.editor.name.clone(),
                at_ms: push.editor.at_ms,
            };
            let decided = authority.push(&push.mutations, &allowed, &stamp);
            assert_eq!(decided.len(), push.mutations.len(), "{}", push.editor.name);
            for d in decided {
                assert_eq!(
                    d.ack.outcome,
                    Outcome::Applied,
                    "edit {} of {}",
                    d.ack.seq,
                    push.editor.name
                );
            }
        }
        authorities
            .into_iter()
            .map(|(person, a)| (person, a.records().clone()))
            .collect()
    }

    fn measure_of<'a>(set: &'a RecordSet, ty: &str) -> &'a Record {
        set.of_kind(MEASURES)
            .find(|m| m.text("measure") == ty)
            .unwrap_or_else(|| panic!("a {ty} measure"))
    }

    fn view(set: &RecordSet, ty: &str) -> MeasureView {
        outcomes::measure_view(set, measure_of(set, ty))
    }

    #[test]
    fn the_same_seed_and_day_give_the_same_edits_and_another_day_the_same_numbers() {
        assert_eq!(outcome_pushes(today()), outcome_pushes(today()));
        // Loaded again months later: the same devices, numbers and records, so every edit is
        // answered from its stored outcome.
        let later = Date::new(2027, 6, 30).expect("a date");
        let (now, then) = (outcome_pushes(today()), outcome_pushes(later));
        assert_eq!(now.len(), then.len());
        for (a, b) in now.iter().zip(&then) {
            assert_eq!((a.person, a.client), (b.person, b.client));
            let targets = |p: &DemoPush| -> Vec<(u64, Uuid)> {
                p.mutations
                    .iter()
                    .map(|m| match &m.op {
                        AnyOp::Record(op) => (m.seq, op.target().id),
                        AnyOp::Plan(_) => (m.seq, Uuid::nil()),
                    })
                    .collect()
            };
            assert_eq!(targets(a), targets(b));
        }
        // Each device numbers its edits 1, 2, 3… in the order they are sent.
        let mut last: BTreeMap<ClientId, u64> = BTreeMap::new();
        for push in &now {
            for m in &push.mutations {
                let seq = last.entry(m.client).or_insert(0);
                assert_eq!(m.seq, *seq + 1);
                *seq = m.seq;
            }
        }
        assert_eq!(last.len(), 7, "one device per person and writer");
    }

    #[test]
    fn every_edit_is_applied_by_the_engine_in_its_writers_own_voice() {
        // Whatever the day: across a leap day and the clocks changing too.
        for day in [(2028, 3, 1), (2027, 10, 31)] {
            let (y, m, d) = day;
            assert_eq!(applied(Date::new(y, m, d).expect("a date")).len(), 3);
        }
        let sets = applied(today());
        assert_eq!(sets.len(), 3);
        let ids: BTreeSet<Uuid> = sets.values().flat_map(|s| s.iter().map(|r| r.id)).collect();
        let count: usize = sets.values().map(RecordSet::len).sum();
        assert_eq!(ids.len(), count, "every record has its own id");
        for id in &ids {
            let low = id.as_u128() & 0xffff_ffff;
            assert!(low > 0xffff, "clear of the other demo ids: {id}");
        }
    }

    #[test]
    fn each_person_has_six_months_of_observations_in_all_three_voices() {
        let sets = applied(today());
        let first = start(today());
        let yesterday = today().add_days(-1).expect("a date");
        for (person, set) in &sets {
            let spans = set.of_kind(MEASURES).any(|m| {
                let list = outcomes::observations(set, m.id);
                Voice::ALL.iter().all(|voice| {
                    let days: Vec<i64> = list
                        .iter()
                        .filter(|o| o.voice == *voice)
                        .map(|o| o.on.days_since_epoch())
                        .collect();
                    match (days.first(), days.last()) {
                        (Some(a), Some(b)) => {
                            b - a >= 183
                                && *a - first.days_since_epoch() < 7
                                && yesterday.days_since_epoch() - b < 7
                        }
                        _ => false,
                    }
                })
            });
            assert!(spans, "{person:?}");
        }
    }

    #[test]
    fn values_dates_and_notes_stay_in_range() {
        let sets = applied(today());
        let first = start(today());
        for set in sets.values() {
            for m in set.of_kind(MEASURES) {
                let view = outcomes::measure_view(set, m);
                let range = match m.text("measure") {
                    "confidence" => 1..=5,
                    "ratio" => 0..=2,
                    _ => 0..=MEASURE_MAX,
                };
                assert!(!view.observations.is_empty());
                for o in &view.observations {
                    assert!(range.contains(&o.value), "{} {}", view.title(), o.value);
                    assert!(o.on >= first && o.on < today(), "{}", o.on);
                    assert!(o.note.chars().count() <= 280);
                }
                let notes = view.observations.iter().filter(|o| !o.note.is_empty());
                assert!(
                    notes.count() < view.observations.len() / 5,
                    "notes on a few"
                );
            }
        }
    }

    #[test]
    fn maggie_needs_fewer_prompts_and_ruth_takes_over_less_as_everyone_agrees() {
        let sets = applied(today());
        let set = &sets[&MAGGIE];
        let prompts = outcomes::summarise(&view(set, "prompts"), "Maggie");
        assert!(
            prompts.line.starts_with("Prompts needed: 3 → 1 since "),
            "{}",
            prompts.line
        );
        assert!(
            prompts.line.ends_with("; Maggie, Ruth and staff agree"),
            "{}",
            prompts.line
        );
        assert_eq!(prompts.disagreement, None);
        let takeovers = outcomes::summarise(&view(set, "takeovers"), "Maggie");
        assert!(
            takeovers.line.contains(": 4 → 0 since "),
            "{}",
            takeovers.line
        );
        assert!(takeovers.line.ends_with("agree"), "{}", takeovers.line);
        let confidence = view(set, "confidence");
        let mine = confidence
            .observations
            .iter()
            .filter(|o| o.voice == Voice::Person)
            .count();
        assert!(
            mine * 2 > confidence.observations.len(),
            "mostly Maggie's own voice"
        );
        // Her goals: two worked on, one achieved; steps reached in order.
        let (active, past) = outcomes::goals_by_status(set);
        assert_eq!(active.len(), 2);
        assert_eq!(past.len(), 1);
        assert_eq!(past[0].text("status"), "achieved");
        assert!(!past[0].text("status_reason").is_empty());
        let breakfast = active
            .iter()
            .find(|g| g.text("wording").contains("breakfast"))
            .expect("the breakfast goal");
        let steps = outcomes::ordered_steps(set, breakfast.id);
        assert_eq!(steps.len(), 5);
        assert!(matches!(
            steps[2].state,
            outcomes::StepState::Reached(Some(_))
        ));
        assert_eq!(steps[3].state, outcomes::StepState::Current);
        assert_eq!(breakfast.lines("prompts").len(), 3);
        assert_eq!(outcomes::gas_level(breakfast), Some(0));
    }

    #[test]
    fn dans_support_steps_down_with_the_stages_and_his_risk_plan_was_reviewed() {
        let sets = applied(today());
        let set = &sets[&DAN];
        let ratio = view(set, "ratio");
        let staff: Vec<i64> = outcomes::weekly_points(&ratio)
            .into_iter()
            .filter(|p| p.voice == Voice::Staff)
            .map(|p| p.value)
            .collect();
        assert_eq!(staff.first(), Some(&2));
        assert!(staff.contains(&1));
        assert_eq!(staff.last(), Some(&0));
        let summary = outcomes::summarise(&ratio, "Dan");
        assert!(
            summary.line.contains("2:1 → none since"),
            "{}",
            summary.line
        );
        assert!(
            summary.line.ends_with("Dan, Lee and staff agree"),
            "{}",
            summary.line
        );
        let goal = set.of_kind(GOALS).next().expect("Dan's goal");
        let stages = outcomes::stages(goal);
        assert_eq!(stages.len(), 4);
        assert!(stages[2].2, "at stage 3");
        assert!(outcomes::has_risk_plan(goal));
        assert!(!outcomes::risk_review_due(goal));
        assert_eq!(
            goal.get("escalate_on"),
            &Value::Texts(vec![
                "missed_check_in".into(),
                "coercion".into(),
                "money".into()
            ])
        );
    }

    #[test]
    fn priyas_confidence_dips_for_a_few_weeks_and_recovers() {
        let sets = applied(today());
        let confidence = view(&sets[&PRIYA], "confidence");
        for voice in Voice::ALL {
            let weeks: Vec<i64> = outcomes::weekly_points(&confidence)
                .into_iter()
                .filter(|p| p.voice == voice)
                .map(|p| p.value)
                .collect();
            let dip = (1..weeks.len().saturating_sub(1)).any(|j| {
                weeks[..j].iter().any(|v| v - weeks[j] >= 2)
                    && weeks[j + 1..].iter().any(|v| v - weeks[j] >= 2)
            });
            assert!(dip, "{voice:?}: {weeks:?}");
            // The dip is in the middle, and over by the end.
            let (before, during, after) = (&weeks[..14], &weeks[15..23], &weeks[26..]);
            let low = during.iter().min().copied().unwrap_or(0);
            assert!(
                before.iter().max() >= Some(&(low + 2)),
                "{voice:?}: {weeks:?}"
            );
            assert!(
                after.iter().min() >= Some(&(low + 1)),
                "{voice:?}: {weeks:?}"
            );
            assert!(weeks.last() >= Some(&3), "{voice:?}: {weeks:?}");
        }
        let summary = outcomes::summarise(&confidence, "Priya");
        assert!(summary.line.ends_with("agree"), "{}", summary.line);
    }

    #[test]
    fn daily_observations_are_the_same_for_a_seed_and_the_engine_takes_them() {
        let catalog = Catalog::standard();
        let goal = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0001);
        let measures: Vec<Uuid> = (2..5)
            .map(|n| Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0000 + n))
            .collect();
        let begin = Date::new(2026, 1, 1).expect("a date");
        let ops = daily_observations(7, &measures, begin, 60);
        assert_eq!(ops, daily_observations(7, &measures, begin, 60));
        assert_ne!(ops, daily_observations(8, &measures, begin, 60));
        assert_eq!(ops.len(), 180);
        let mut all = vec![create(GOALS, goal, None, vec![("wording", text("Goal"))])];
        for m in &measures {
            all.push(create(
                MEASURES,
                *m,
                Some(goal),
                vec![("measure", choice("count"))],
            ));
        }
        all.extend(ops);
        let client = ClientId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_00c1));
        let batch = crate::demo::numbered(client, all);
        let mut authority = Authority::resume(&catalog, MAGGIE, RecordSet::new(), 0, []);
        let decided = authority.push(&batch, &|_, _| Ok(()), &Stamp::default());
        assert!(decided.iter().all(|d| d.ack.outcome == Outcome::Applied));
        let set = authority.records();
        assert_eq!(set.of_kind(OBSERVATIONS).count(), 180);
        for m in &measures {
            let list = outcomes::observations(set, *m);
            assert_eq!(list.len(), 60);
            assert!(list.iter().all(|o| (1..=5).contains(&o.value)));
            for voice in Voice::ALL {
                assert_eq!(list.iter().filter(|o| o.voice == voice).count(), 20);
            }
        }
    }

    #[tokio::test]
    async fn loading_the_demo_outcomes_twice_changes_nothing() {
        let path = std::env::temp_dir().join(format!("circle-demo-outcomes-{}.db", Uuid::now_v7()));
        let store = crate::connect(&format!("sqlite:{}", path.display()))
            .await
            .expect("a store");
        crate::load_demo(store.as_ref()).await.expect("the demo");
        load_outcomes(store.as_ref(), today())
            .await
            .expect("loaded");
        let (records, version) = store.records(MAGGIE, None).await.expect("records");
        assert!(records.iter().any(|r| r.kind == OBSERVATIONS));
        load_outcomes(store.as_ref(), today()).await.expect("again");
        let later = Date::new(2027, 1, 20).expect("a date");
        load_outcomes(store.as_ref(), later).await.expect("later");
        let (again, version_again) = store.records(MAGGIE, None).await.expect("records");
        assert_eq!(version_again, version);
        assert_eq!(again.len(), records.len());
        store.close().await;
        for end in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{end}", path.display()));
        }
    }
}
