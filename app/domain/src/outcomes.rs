//! The outcome tracker as screens show it: goals in the person's words and their history,
//! graded steps in order (and moving one), measures with their observations in three voices,
//! the plain-words summary of each measure (and where the voices disagree), the points of its
//! chart, goal attainment scaling and its T-score, and the positive risk plan's review.
//!
//! Everything here reads a [`RecordSet`] and is deterministic: the same records give the same
//! answer whatever order they arrived in (observations are sorted before anything is counted).

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::calendar::Date;
use crate::records::kinds::{GOALS, MEASURES, OBSERVATIONS, STEPS};
use crate::records::{Record, RecordSet, Value};
use crate::screens::short_name;

/// The kinds only the tracker's own page shows. They grow by the day, so every other page of
/// a person's record is sent without them, and the device pulls them once the page is up
/// (`records::pull::Snapshot::leaving_out`).
pub const TRACKER_ONLY: &[&str] = &[OBSERVATIONS];

// ---- Goals

/// A goal's status in words a person reads.
pub fn status_words(status: &str) -> &'static str {
    match status {
        "achieved" => "Achieved",
        "paused" => "Paused",
        "let_go" => "Let go",
        _ => "Working on it",
    }
}

/// The goals worked on now (not removed), then the others (achieved, paused, let go) as
/// history, newest change first; each in the order they were made.
pub fn goals_by_status(set: &RecordSet) -> (Vec<&Record>, Vec<&Record>) {
    let live: Vec<&Record> = set.of_kind(GOALS).filter(|g| !g.deleted).collect();
    let (active, mut past): (Vec<&Record>, Vec<&Record>) = live
        .into_iter()
        .partition(|g| g.text("status") == "active" || g.text("status").is_empty());
    past.sort_by(|a, b| {
        b.date("status_on")
            .cmp(&a.date("status_on"))
            .then(a.id.cmp(&b.id))
    });
    (active, past)
}

// ---- Steps

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepState {
    /// Reached (on the date, when recorded).
    Reached(Option<Date>),
    /// The first step not yet reached: the one being worked on.
    Current,
    /// Still to come.
    Later,
}

impl StepState {
    pub fn words(self) -> String {
        match self {
            StepState::Reached(Some(d)) => {
                format!("Reached {}", crate::calendar::london_date_label(d))
            }
            StepState::Reached(None) => "Reached".to_owned(),
            StepState::Current => "Working on this now".to_owned(),
            StepState::Later => "Still to come".to_owned(),
        }
    }
}

/// A step as screens show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepView {
    pub id: Uuid,
    pub text: String,
    /// Its place (`None`: never moved, kept in the order it was made).
    pub position: Option<i64>,
    pub state: StepState,
}

/// The steps of `goal` (not removed) in their order: by place, those never placed after, in
/// the order they were made (ids are UUID v7s); the first not reached is the current one.
pub fn ordered_steps(set: &RecordSet, goal: Uuid) -> Vec<StepView> {
    let mut steps: Vec<&Record> = set.children(STEPS, goal).filter(|s| !s.deleted).collect();
    steps.sort_by_key(|s| (s.number("position").unwrap_or(i64::MAX), s.id));
    let mut current_given = false;
    steps
        .into_iter()
        .map(|s| {
            let state = if s.flag("done") {
                StepState::Reached(s.date("reached_on"))
            } else if !current_given {
                current_given = true;
                StepState::Current
            } else {
                StepState::Later
            };
            StepView {
                id: s.id,
                text: s.text("text").to_owned(),
                position: s.number("position"),
                state,
            }
        })
        .collect()
}

/// The step being worked on now, if any is left.
pub fn current_step(set: &RecordSet, goal: Uuid) -> Option<StepView> {
    ordered_steps(set, goal)
        .into_iter()
        .find(|s| s.state == StepState::Current)
}

/// The gap between the places given to steps, so that one added later goes after them all.
pub const STEP_GAP: i64 = 10;

/// Where a new step of a goal goes: after every step there.
pub fn next_position(steps: &[StepView]) -> i64 {
    (steps.len() as i64 + 1) * STEP_GAP
}

/// Moving step `id` one place earlier (`earlier`) or later: the places to write, as
/// `(step, before, after)`, only for the steps whose place changes. Every step is placed
/// `10, 20, 30…` in the new order, so steps never placed get a place too. Empty when the step
/// cannot move that way.
pub fn reorder(steps: &[StepView], id: Uuid, earlier: bool) -> Vec<(Uuid, Value, Value)> {
    let Some(at) = steps.iter().position(|s| s.id == id) else {
        return Vec::new();
    };
    let to = if earlier {
        match at.checked_sub(1) {
            Some(to) => to,
            None => return Vec::new(),
        }
    } else if at + 1 < steps.len() {
        at + 1
    } else {
        return Vec::new();
    };
    let mut order: Vec<&StepView> = steps.iter().collect();
    order.swap(at, to);
    order
        .iter()
        .enumerate()
        .filter_map(|(n, s)| {
            let place = (n as i64 + 1) * STEP_GAP;
            (s.position != Some(place)).then(|| {
                let before = s.position.map_or(Value::Empty, Value::Number);
                (s.id, before, Value::Number(place))
            })
        })
        .collect()
}

// ---- Measures

/// What a measure counts, and how it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureType {
    Prompts,
    Completions,
    Confidence,
    Ratio,
    Takeovers,
    Journeys,
    Count,
}

impl MeasureType {
    pub fn of(key: &str) -> MeasureType {
        match key {
            "completions" => MeasureType::Completions,
            "confidence" => MeasureType::Confidence,
            "ratio" => MeasureType::Ratio,
            "takeovers" => MeasureType::Takeovers,
            "journeys" => MeasureType::Journeys,
            "count" => MeasureType::Count,
            _ => MeasureType::Prompts,
        }
    }

    /// Its short name, as a summary starts ("Prompts needed").
    pub fn name(self) -> &'static str {
        match self {
            MeasureType::Prompts => "Prompts needed",
            MeasureType::Completions => "Done on my own, per week",
            MeasureType::Confidence => "Confidence",
            MeasureType::Ratio => "Support ratio",
            MeasureType::Takeovers => "Task takeovers",
            MeasureType::Journeys => "Journeys planned",
            MeasureType::Count => "Count",
        }
    }

    /// Whether fewer is better (prompts, takeovers, a lower ratio). A count of the person's own
    /// says which way in `better`.
    pub fn lower_is_better(self, better: &str) -> bool {
        match self {
            MeasureType::Prompts | MeasureType::Takeovers | MeasureType::Ratio => true,
            MeasureType::Count => better == "lower",
            _ => false,
        }
    }

    /// The values a person picks from with one tap, for the measures that have few; `None`
    /// for a number to type (with the quick picks of [`MeasureType::quick_values`]).
    pub fn choices(self) -> Option<&'static [(i64, &'static str)]> {
        match self {
            MeasureType::Confidence => Some(&[
                (1, "Very worried"),
                (2, "Worried"),
                (3, "OK"),
                (4, "Confident"),
                (5, "Very confident"),
            ]),
            MeasureType::Ratio => Some(&[(2, "2:1"), (1, "1:1"), (0, "None")]),
            _ => None,
        }
    }

    /// The values offered as one tap each for a count (0 to 6); any other is typed.
    pub fn quick_values(self) -> std::ops::RangeInclusive<i64> {
        0..=6
    }

    /// A value in words: "2:1", "4 of 5 (Confident)", "3 walks".
    pub fn value_words(self, value: i64, unit: &str) -> String {
        match self {
            MeasureType::Ratio => match value {
                0 => "no support".to_owned(),
                n => format!("{n}:1"),
            },
            MeasureType::Confidence => {
                let word = self
                    .choices()
                    .and_then(|c| c.iter().find(|(v, _)| *v == value))
                    .map_or("", |(_, w)| *w);
                format!("{value} of 5 ({word})")
            }
            MeasureType::Count if !unit.trim().is_empty() => format!("{value} {}", unit.trim()),
            _ => value.to_string(),
        }
    }

    /// The short form of a value, for a chart's axis and a summary: "2:1", "4", "3".
    pub fn short(self, value: i64) -> String {
        match self {
            MeasureType::Ratio => match value {
                0 => "none".to_owned(),
                n => format!("{n}:1"),
            },
            _ => value.to_string(),
        }
    }

    /// How far apart two voices may be and still agree.
    fn tolerance(self, span: i64) -> i64 {
        match self {
            MeasureType::Ratio => 0,
            MeasureType::Confidence => 1,
            _ => (span / 5).max(1),
        }
    }
}

/// Whose voice an observation is in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Voice {
    Person,
    Member,
    Staff,
}

impl Voice {
    pub fn of(key: &str) -> Voice {
        match key {
            "person" => Voice::Person,
            "member" => Voice::Member,
            _ => Voice::Staff,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Voice::Person => "person",
            Voice::Member => "member",
            Voice::Staff => "staff",
        }
    }

    pub const ALL: [Voice; 3] = [Voice::Person, Voice::Member, Voice::Staff];

    /// Its shape on a chart, so the voices read without colour.
    pub fn shape(self) -> &'static str {
        match self {
            Voice::Person => "circle",
            Voice::Member => "square",
            Voice::Staff => "triangle",
        }
    }
}

/// One observation as screens show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Observation {
    pub id: Uuid,
    pub on: Date,
    pub value: i64,
    pub voice: Voice,
    /// Who wrote it down (their name as it was then).
    pub by: String,
    pub note: String,
}

impl Observation {
    /// Whose view it is, in words: the person's name, the member's, or "staff (Asha Patel)".
    pub fn whose(&self, person: &str) -> String {
        match self.voice {
            // The person's own account writes their name in full; the page names them by
            // their first name.
            Voice::Person if self.by.is_empty() || short_name(&self.by) == short_name(person) => {
                person.to_owned()
            }
            Voice::Person => format!("{person} (written down by {})", self.by),
            Voice::Member => self.by.clone(),
            Voice::Staff if self.by.is_empty() => "Staff".to_owned(),
            Voice::Staff => format!("Staff ({})", self.by),
        }
    }
}

/// A measure with its observations, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureView {
    pub id: Uuid,
    pub goal: Uuid,
    pub ty: MeasureType,
    pub about: String,
    pub unit: String,
    pub better: String,
    pub baseline: Option<i64>,
    pub target: Option<i64>,
    pub observations: Vec<Observation>,
}

impl MeasureView {
    /// Its name in words: "Prompts needed: making breakfast".
    pub fn title(&self) -> String {
        let name = match self.ty {
            MeasureType::Count if !self.unit.trim().is_empty() => self.unit.trim(),
            ty => ty.name(),
        };
        if self.about.trim().is_empty() {
            name.to_owned()
        } else {
            format!("{name}: {}", self.about.trim())
        }
    }

    pub fn lower_is_better(&self) -> bool {
        self.ty.lower_is_better(&self.better)
    }

    pub fn words(&self, value: i64) -> String {
        self.ty.value_words(value, &self.unit)
    }
}

/// The observations of one measure, oldest first (by date, then voice, value and id, so the
/// order they arrived in never matters).
pub fn observations(set: &RecordSet, measure: Uuid) -> Vec<Observation> {
    let mut list: Vec<Observation> = set
        .children(OBSERVATIONS, measure)
        .filter(|o| !o.deleted)
        .filter_map(|o| {
            Some(Observation {
                id: o.id,
                on: o.date("observed_on")?,
                value: o.number("value")?,
                voice: Voice::of(o.text("voice")),
                by: o.created.by.clone(),
                note: o.text("note").to_owned(),
            })
        })
        .collect();
    list.sort_by_key(|o| (o.on, o.voice, o.value, o.id));
    list
}

/// The measures of `goal` (not removed), in the order they were made, with their observations.
pub fn measures(set: &RecordSet, goal: Uuid) -> Vec<MeasureView> {
    set.children(MEASURES, goal)
        .filter(|m| !m.deleted)
        .map(|m| measure_view(set, m))
        .collect()
}

/// Measure `m` with its observations.
pub fn measure_view(set: &RecordSet, m: &Record) -> MeasureView {
    MeasureView {
        observations: observations(set, m.id),
        ..measure_of(m)
    }
}

/// Measure `m` as its record says (what it counts, its baseline and target), without its
/// observations.
pub fn measure_of(m: &Record) -> MeasureView {
    MeasureView {
        id: m.id,
        goal: m.parent.unwrap_or_default(),
        ty: MeasureType::of(m.text("measure")),
        about: m.text("about").to_owned(),
        unit: m.text("unit").to_owned(),
        better: m.text("better").to_owned(),
        baseline: m.number("baseline"),
        target: m.number("target"),
        observations: Vec::new(),
    }
}

/// How many days back from the newest observation count as "lately".
pub const RECENT_DAYS: i64 = 28;

/// The middle value (the lower of the two middle ones), `None` for none.
fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[(values.len() - 1) / 2])
}

/// What one voice has said lately: who (in words) and the middle of their recent values.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VoiceLevel {
    pub voice: Voice,
    pub who: String,
    pub level: i64,
}

/// A measure's story in plain words, and a disagreement worth talking about, if any.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// "Prompts needed: 3 → 1 since March; staff and Ruth agree".
    pub line: String,
    /// "Maggie says 4 of 5 (Confident) but staff see 2 of 5 (Worried): something to talk about".
    pub disagreement: Option<String>,
    /// Each voice heard lately.
    pub voices: Vec<VoiceLevel>,
}

/// The month of `date` in words, with the year when it isn't `year`.
fn month_words(date: Date, year: i32) -> String {
    let month = crate::calendar::month_name(date);
    if date.year() == year {
        month.to_owned()
    } else {
        format!("{month} {}", date.year())
    }
}

/// Joins names as people say them: "Maggie, staff and Ruth".
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The plain-words summary of `measure` for a person named `person` (first name).
pub fn summarise(measure: &MeasureView, person: &str) -> Summary {
    let title = measure.title();
    let obs = &measure.observations;
    let (Some(first), Some(last)) = (obs.first(), obs.last()) else {
        let mut line = format!("{title}: nothing recorded yet");
        if let Some(b) = measure.baseline {
            line.push_str(&format!("; started at {}", measure.ty.short(b)));
        }
        if let Some(t) = measure.target {
            line.push_str(&format!(", aiming for {}", measure.ty.short(t)));
        }
        return Summary {
            line,
            disagreement: None,
            voices: Vec::new(),
        };
    };
    let newest = last.on.days_since_epoch();
    let oldest = first.on.days_since_epoch();
    let recent = |o: &&Observation| newest - o.on.days_since_epoch() < RECENT_DAYS;
    let early = |o: &&Observation| o.on.days_since_epoch() - oldest < RECENT_DAYS;
    let from = measure
        .baseline
        .or_else(|| median(obs.iter().filter(early).map(|o| o.value).collect()))
        .unwrap_or(first.value);
    let now = median(obs.iter().filter(recent).map(|o| o.value).collect()).unwrap_or(last.value);
    // Each voice lately: members by name (a circle may have several), the person, staff.
    let mut heard: BTreeMap<(Voice, String), Vec<i64>> = BTreeMap::new();
    for o in obs.iter().filter(recent) {
        let who = match o.voice {
            Voice::Person => person.to_owned(),
            Voice::Member => short_name(&o.by).to_owned(),
            Voice::Staff => "staff".to_owned(),
        };
        heard.entry((o.voice, who)).or_default().push(o.value);
    }
    let voices: Vec<VoiceLevel> = heard
        .into_iter()
        .filter_map(|((voice, who), values)| {
            Some(VoiceLevel {
                voice,
                who,
                level: median(values)?,
            })
        })
        .collect();
    let span = obs
        .iter()
        .map(|o| o.value)
        .chain(measure.baseline)
        .chain(measure.target)
        .fold((i64::MAX, i64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let tolerance = measure.ty.tolerance(span.1 - span.0);
    let lowest = voices.iter().min_by_key(|v| (v.level, v.voice));
    let highest = voices
        .iter()
        .max_by_key(|v| (v.level, std::cmp::Reverse(v.voice)));
    let mut line = format!(
        "{title}: {} → {} since {}",
        measure.ty.short(from),
        measure.ty.short(now),
        month_words(first.on, last.on.year())
    );
    let mut disagreement = None;
    match (lowest, highest) {
        (Some(lo), Some(hi)) if hi.level - lo.level > tolerance => {
            line.push_str("; views differ");
            disagreement = Some(format!(
                "{} {} {} but {} {} {}: something to talk about",
                crate::screens::capitalised(&hi.who),
                says(hi.voice),
                measure.words(hi.level),
                lo.who,
                says(lo.voice),
                measure.words(lo.level),
            ));
        }
        _ if voices.len() >= 2 => {
            let names: Vec<String> = voices.iter().map(|v| v.who.clone()).collect();
            line.push_str(&format!("; {} agree", and_list(&names)));
        }
        _ => {
            if let Some(v) = voices.first() {
                line.push_str(&format!("; only {} lately", recorded_by(v)));
            } else {
                line.push_str("; nothing recorded in the last four weeks");
            }
        }
    }
    Summary {
        line,
        disagreement,
        voices,
    }
}

fn says(voice: Voice) -> &'static str {
    match voice {
        Voice::Staff => "see",
        _ => "says",
    }
}

fn recorded_by(v: &VoiceLevel) -> String {
    match v.voice {
        Voice::Staff => "staff have recorded it".to_owned(),
        _ => format!("{} has recorded it", v.who),
    }
}

// ---- Charts

/// One point of a chart: a week (its Monday) and the middle value a voice gave in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Point {
    pub week: Date,
    pub voice: Voice,
    pub value: i64,
    /// How many observations it stands for.
    pub count: usize,
}

/// The points of a measure's chart: a voice's observations in one week become one point (the
/// middle value), so two years of daily observations are 104 points a voice, and the data
/// table beside the chart reads the same points.
pub fn weekly_points(measure: &MeasureView) -> Vec<Point> {
    let mut weeks: BTreeMap<(Date, Voice), Vec<i64>> = BTreeMap::new();
    for o in &measure.observations {
        weeks
            .entry((monday_of(o.on), o.voice))
            .or_default()
            .push(o.value);
    }
    weeks
        .into_iter()
        .filter_map(|((week, voice), values)| {
            let count = values.len();
            Some(Point {
                week,
                voice,
                value: median(values)?,
                count,
            })
        })
        .collect()
}

/// The Monday of `date`'s week.
pub fn monday_of(date: Date) -> Date {
    let back = i64::from(date.weekday() as u8);
    date.add_days(-back).unwrap_or(date)
}

/// A chart's frame: the dates it spans and the values it shows, so that the baseline and the
/// target are always on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    pub first: Date,
    pub last: Date,
    pub low: i64,
    pub high: i64,
}

impl Frame {
    pub fn of(measure: &MeasureView, points: &[Point]) -> Option<Frame> {
        let first = points.iter().map(|p| p.week).min()?;
        let last = points.iter().map(|p| p.week).max()?;
        let values = points
            .iter()
            .map(|p| p.value)
            .chain(measure.baseline)
            .chain(measure.target);
        let (mut low, mut high) =
            values.fold((i64::MAX, i64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        match measure.ty {
            MeasureType::Confidence => {
                low = 1;
                high = 5;
            }
            MeasureType::Ratio => {
                low = 0;
                high = 2;
            }
            _ => {
                low = low.min(0);
                if high <= low {
                    high = low + 1;
                }
            }
        }
        Some(Frame {
            first,
            last,
            low,
            high,
        })
    }

    /// Where `date` falls across the chart, 0 to `width`.
    pub fn x(&self, date: Date, width: f64) -> f64 {
        let span = (self.last.days_since_epoch() - self.first.days_since_epoch()).max(1) as f64;
        (date.days_since_epoch() - self.first.days_since_epoch()) as f64 / span * width
    }

    /// Where `value` falls up the chart, `height` (bottom) to 0 (top).
    pub fn y(&self, value: i64, height: f64) -> f64 {
        let span = (self.high - self.low).max(1) as f64;
        height - (value - self.low) as f64 / span * height
    }

    /// The values marked on the axis: at most six, whole numbers, always the top and bottom.
    pub fn ticks(&self) -> Vec<i64> {
        let span = (self.high - self.low).max(1);
        let step = ((span + 4) / 5).max(1);
        let mut ticks: Vec<i64> = (0..)
            .map(|n| self.low + n * step)
            .take_while(|v| *v < self.high)
            .collect();
        ticks.push(self.high);
        ticks
    }
}

/// How many of a measure's newest observations are listed under its chart.
pub const LATEST_SHOWN: usize = 3;

/// Everything the tracker shows of one measure that is worked out from its observations: the
/// points of its chart, its summary and its newest observations. A device works it out from
/// the observations it holds; the server sends it worked out with the tracker's page, so that
/// the page does not carry (and the phone does not hydrate from) every observation ever made:
/// the device pulls those once the page is up, and works the figures out itself from then on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Figures {
    pub measure: Uuid,
    pub points: Vec<Point>,
    pub summary: Summary,
    /// Newest first, at most [`LATEST_SHOWN`].
    pub latest: Vec<Observation>,
}

impl Figures {
    /// The figures of `measure`, for a person named `person` (first name).
    pub fn of(measure: &MeasureView, person: &str) -> Figures {
        Figures {
            measure: measure.id,
            points: weekly_points(measure),
            summary: summarise(measure, person),
            latest: measure
                .observations
                .iter()
                .rev()
                .take(LATEST_SHOWN)
                .cloned()
                .collect(),
        }
    }
}

impl Figures {
    /// These figures (as the server sent them) with observations the device holds of the
    /// measure while it does not yet hold them all (recorded here before its first pull):
    /// they are listed among the newest, so what was just saved shows at once; the chart and
    /// summary wait for the rest.
    pub fn with_held(mut self, held: Vec<Observation>) -> Figures {
        if held.is_empty() {
            return self;
        }
        self.latest.extend(held);
        self.latest
            .sort_by_key(|o| std::cmp::Reverse((o.on, o.voice, o.value, o.id)));
        self.latest.dedup_by_key(|o| o.id);
        self.latest.truncate(LATEST_SHOWN);
        self
    }
}

/// The figures of every measure in `set` (not removed), for a person named `person`.
pub fn figures(set: &RecordSet, person: &str) -> Vec<Figures> {
    set.of_kind(MEASURES)
        .filter(|m| !m.deleted)
        .map(|m| Figures::of(&measure_view(set, m), person))
        .collect()
}

// ---- Goal attainment scaling

/// The level of a goal on its scale, −2 to +2 (`None`: not scored).
pub fn gas_level(goal: &Record) -> Option<i64> {
    match goal.text("gas_level") {
        "m2" => Some(-2),
        "m1" => Some(-1),
        "0" => Some(0),
        "p1" => Some(1),
        "p2" => Some(2),
        _ => None,
    }
}

/// The words describing each level of a goal's scale, −2 first: level, field, words.
pub fn gas_scale(goal: &Record) -> Vec<(i64, &'static str, String)> {
    [
        (-2, "gas_m2"),
        (-1, "gas_m1"),
        (0, "gas_0"),
        (1, "gas_p1"),
        (2, "gas_p2"),
    ]
    .into_iter()
    .map(|(level, field)| (level, field, goal.text(field).to_owned()))
    .collect()
}

/// The correlation between goals assumed by the Kiresuk–Sherman formula.
pub const GAS_RHO: f64 = 0.3;

/// The goal attainment T-score of `levels` (each −2 to +2, weighted equally): 50 when every
/// goal is at its expected outcome, 10 a standard deviation.
/// `T = 50 + 10 Σx / √((1 − ρ) n + ρ n²)`.
pub fn t_score(levels: &[i64]) -> Option<f64> {
    if levels.is_empty() {
        return None;
    }
    let n = levels.len() as f64;
    let sum: i64 = levels.iter().sum();
    let denominator = ((1.0 - GAS_RHO) * n + GAS_RHO * n * n).sqrt();
    Some(50.0 + 10.0 * sum as f64 / denominator)
}

/// The T-score across the goals worked on now that have a level, and how many those are.
pub fn t_score_of(set: &RecordSet) -> Option<(f64, usize)> {
    let (active, _) = goals_by_status(set);
    let levels: Vec<i64> = active.iter().filter_map(|g| gas_level(g)).collect();
    t_score(&levels).map(|t| (t, levels.len()))
}

// ---- Positive risk plan

/// Whether a goal's risk plan is due to be looked at again: an incident since it was last
/// reviewed (or never reviewed since one).
pub fn risk_review_due(goal: &Record) -> bool {
    match (goal.date("incident_on"), goal.date("risk_reviewed_on")) {
        (Some(incident), Some(reviewed)) => incident >= reviewed,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Whether the goal has a risk plan written at all.
pub fn has_risk_plan(goal: &Record) -> bool {
    ["go_right", "go_wrong", "controls", "stages"]
        .iter()
        .any(|f| !goal.text(f).trim().is_empty())
}

/// The stages towards independence, with which is current: `(number, words, current)`.
pub fn stages(goal: &Record) -> Vec<(usize, String, bool)> {
    let current = goal.number("stage");
    goal.lines("stages")
        .into_iter()
        .enumerate()
        .map(|(n, words)| (n + 1, words, current == Some(n as i64 + 1)))
        .collect()
}

// ---- Goal cards

/// One goal on a card to print or read in easy read: the person's words, why, who helps, the
/// step being worked on, the agreed prompts and the stage of the risk plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalCard {
    pub words: String,
    pub why: String,
    pub helpers: String,
    pub current_step: Option<String>,
    /// Steps reached, of how many.
    pub reached: (usize, usize),
    pub prompts: Vec<String>,
    pub stage: Option<String>,
}

/// The card of `goal`, if it is there and not removed.
pub fn card(set: &RecordSet, goal: Uuid) -> Option<GoalCard> {
    let g = set.find(GOALS, goal).filter(|g| !g.deleted)?;
    let steps = ordered_steps(set, goal);
    Some(GoalCard {
        words: g.text("wording").to_owned(),
        why: g.text("why").to_owned(),
        helpers: g.text("helpers").to_owned(),
        current_step: steps
            .iter()
            .find(|s| s.state == StepState::Current)
            .map(|s| s.text.clone()),
        reached: (
            steps
                .iter()
                .filter(|s| matches!(s.state, StepState::Reached(_)))
                .count(),
            steps.len(),
        ),
        prompts: g.lines("prompts"),
        stage: stages(g)
            .into_iter()
            .find(|(_, _, current)| *current)
            .map(|(_, words, _)| words),
    })
}

#[cfg(test)]
mod tests;
