//! Calendar dates, UK local time and working days in England and Wales.
//!
//! Circle shows people deadlines that the law counts in working days ("a summary within 5
//! working days of the meeting", "a disagreement resolved within 20 working days"), and shows
//! moments as people in England read them on a clock on the wall. This module does both, with
//! no dependencies, so that it stays small enough to run in the browser as well as on the
//! server.
//!
//! Like the rest of this crate it is pure: it never reads the clock. Instants are milliseconds
//! since 1970-01-01 00:00 UTC (`i64`), as the rest of Circle stores them; the caller passes
//! "now" or "today" in.
//!
//! Three parts:
//!
//! * [`Date`]: a day on the calendar, with no time and no time zone. Written "YYYY-MM-DD" in
//!   text and JSON (as an HTML date input gives it).
//! * UK local time (Europe/London): GMT in winter, British Summer Time (UTC+1) in summer. See
//!   [`london_offset_minutes`] for the rule and its limits.
//! * Working days in England and Wales: Monday to Friday, less the bank holidays listed in
//!   [`ENGLAND_AND_WALES_BANK_HOLIDAYS`]. Bank holidays are decided each year by proclamation,
//!   so they are kept as data, not worked out; outside the years the list covers, every
//!   working-day function says so with [`CalendarError::BeyondKnownHolidays`] rather than
//!   guess.
//!
//! Date arithmetic uses Howard Hinnant's `days_from_civil` and `civil_from_days` algorithms
//! (proleptic Gregorian calendar).

use std::fmt;
use std::str::FromStr;

const MS_PER_SECOND: i64 = 1000;
const MS_PER_MINUTE: i64 = 60 * MS_PER_SECOND;
const MS_PER_HOUR: i64 = 60 * MS_PER_MINUTE;
const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;

const MONTHS_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
/// The month of `date` in words ("March").
pub fn month_name(date: Date) -> &'static str {
    MONTHS_LONG[usize::from(date.month().saturating_sub(1)) % 12]
}

const MONTHS_LONG: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Something about a date or time that Circle can't work with. The message is written for the
/// person using Circle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum CalendarError {
    /// Working days were asked about a date in a year that
    /// [`ENGLAND_AND_WALES_BANK_HOLIDAYS`] does not cover, so Circle can't know which days
    /// are bank holidays.
    #[error("{}", beyond_known_holidays_message(.year))]
    BeyondKnownHolidays { year: i32 },
    /// The text isn't written as a date ("YYYY-MM-DD").
    #[error("“{input}” isn't a date Circle can read: write it as year-month-day, like 2026-11-23")]
    NotADate { input: String },
    /// The text isn't written as a local date and time ("YYYY-MM-DDTHH:MM").
    #[error(
        "“{input}” isn't a date and time Circle can read: write it as year-month-day and \
         hours:minutes, like 2026-11-23T14:05"
    )]
    NotADateTime { input: String },
    /// The year, month and day are numbers, but not a day on the calendar (31 April, say).
    #[error("{}", no_such_day_message(.year, .month, .day))]
    NoSuchDay { year: i32, month: u8, day: u8 },
    /// The hours and minutes are not a time of day (25:00, say).
    #[error(
        "{hour:02}:{minute:02} isn't a time of day: hours go from 00 to 23 and minutes from 00 to 59"
    )]
    NoSuchTime { hour: u8, minute: u8 },
}

fn beyond_known_holidays_message(year: &i32) -> String {
    if *year < BANK_HOLIDAYS_FIRST_YEAR {
        format!(
            "Circle's list of bank holidays only starts in {BANK_HOLIDAYS_FIRST_YEAR}, so it \
             can't work out working days in {year}."
        )
    } else {
        format!(
            "Circle's list of bank holidays only goes up to {BANK_HOLIDAYS_LAST_YEAR}; ask your \
             administrator to update Circle to work out dates in {year}."
        )
    }
}

fn no_such_day_message(year: &i32, month: &u8, day: &u8) -> String {
    if !(Date::MIN.year..=Date::MAX.year).contains(year) {
        format!("Circle works with years from 1 to 9999, and {year} isn't one of them")
    } else if !(1..=12).contains(month) {
        format!("There's no month {month}: months go from 1 to 12")
    } else {
        let name = month_long(*month);
        format!(
            "{name} {year} has {} days, so there's no {day} {name} {year}",
            days_in_month(*year, *month)
        )
    }
}

fn month_short(month: u8) -> &'static str {
    usize::from(month)
        .checked_sub(1)
        .and_then(|m| MONTHS_SHORT.get(m))
        .copied()
        .unwrap_or("?")
}

fn month_long(month: u8) -> &'static str {
    usize::from(month)
        .checked_sub(1)
        .and_then(|m| MONTHS_LONG.get(m))
        .copied()
        .unwrap_or("?")
}

/// Whether `year` has a 29 February (Gregorian rules: every fourth year, except centuries not
/// divisible by 400).
pub const fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// How many days `month` (1 to 12) has in `year`; 0 for a month that doesn't exist.
pub const fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`). `month` is 1 to
/// 12 and `day` 1 to 31; the result for anything else is meaningless but does not panic.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month 1 to 12, day 1 to 31) `days` after 1970-01-01 (Howard
/// Hinnant's `civil_from_days`). Total for every day an `i64` of milliseconds can reach.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // The algorithm keeps `month` in 1..=12 and `day` in 1..=31.
    (year, month as u8, day as u8)
}

/// A day of the week.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    /// The weekday of the day `days` after 1970-01-01 (which was a Thursday).
    fn of_days_since_epoch(days: i64) -> Weekday {
        match (days + 3).rem_euclid(7) {
            0 => Weekday::Monday,
            1 => Weekday::Tuesday,
            2 => Weekday::Wednesday,
            3 => Weekday::Thursday,
            4 => Weekday::Friday,
            5 => Weekday::Saturday,
            _ => Weekday::Sunday,
        }
    }

    /// "Monday".
    pub const fn name(self) -> &'static str {
        match self {
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
            Weekday::Saturday => "Saturday",
            Weekday::Sunday => "Sunday",
        }
    }

    /// "Mon".
    pub const fn short_name(self) -> &'static str {
        match self {
            Weekday::Monday => "Mon",
            Weekday::Tuesday => "Tue",
            Weekday::Wednesday => "Wed",
            Weekday::Thursday => "Thu",
            Weekday::Friday => "Fri",
            Weekday::Saturday => "Sat",
            Weekday::Sunday => "Sun",
        }
    }

    /// Saturday or Sunday.
    pub const fn is_weekend(self) -> bool {
        matches!(self, Weekday::Saturday | Weekday::Sunday)
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A day on the calendar (proleptic Gregorian), with no time of day and no time zone: the date
/// of a meeting, the "from" of a form. Always a real day between 0001-01-01 and 9999-12-31, the
/// range the "YYYY-MM-DD" form can write.
///
/// Dates order from earliest to latest. In text and JSON a date is the string "YYYY-MM-DD".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order matters: the derived `Ord` compares year, then month, then day.
    year: i32,
    month: u8,
    day: u8,
}

/// A date from parts already known to be valid; only for the constant data in this module
/// (a test checks each one).
const fn ymd(year: i32, month: u8, day: u8) -> Date {
    Date { year, month, day }
}

impl Date {
    /// The earliest date there is: 0001-01-01.
    pub const MIN: Date = ymd(1, 1, 1);
    /// The latest date there is: 9999-12-31.
    pub const MAX: Date = ymd(9999, 12, 31);

    /// The date with this year, month (1 to 12) and day of the month (from 1), if there is
    /// one: 2027-02-29 is an error, 2028-02-29 is not.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, CalendarError> {
        let real = (Date::MIN.year..=Date::MAX.year).contains(&year)
            && day >= 1
            && day <= days_in_month(year, month);
        if real {
            Ok(Date { year, month, day })
        } else {
            Err(CalendarError::NoSuchDay { year, month, day })
        }
    }

    /// The year, 1 to 9999.
    pub const fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 (January) to 12 (December).
    pub const fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub const fn day(self) -> u8 {
        self.day
    }

    /// How many days after 1970-01-01 this date is (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        )
    }

    /// The date `days` after 1970-01-01 (before it if negative), or `None` if that is outside
    /// 0001-01-01 to 9999-12-31.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        if !(Date::MIN.days_since_epoch()..=Date::MAX.days_since_epoch()).contains(&days) {
            return None;
        }
        let (year, month, day) = civil_from_days(days);
        Some(Date {
            year: i32::try_from(year).ok()?,
            month,
            day,
        })
    }

    /// The date `days` later (earlier if negative), or `None` past 0001-01-01 or 9999-12-31.
    pub fn add_days(self, days: i64) -> Option<Date> {
        Date::from_days_since_epoch(self.days_since_epoch().checked_add(days)?)
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        Weekday::of_days_since_epoch(self.days_since_epoch())
    }

    /// Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        self.weekday().is_weekend()
    }

    /// The date in the UK (Europe/London) at the instant `ms`: between 23:00 and midnight UTC
    /// in summer it is already the next day in London. `None` only for instants outside years
    /// 1 to 9999.
    pub fn of_ms_in_london(ms: i64) -> Option<Date> {
        Date::from_days_since_epoch(london_wall_ms(ms).div_euclid(MS_PER_DAY))
    }
}

impl fmt::Display for Date {
    /// "2026-11-23".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The number written by `text` if it is only ASCII digits (no sign, no spaces).
fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// At most 40 characters of what someone typed, to quote back in an error.
fn quoted_input(text: &str) -> String {
    text.chars().take(40).collect()
}

impl FromStr for Date {
    type Err = CalendarError;

    /// Reads "YYYY-MM-DD" (four-digit year, two-digit month and day, as an HTML date input
    /// gives), ignoring spaces around it. A day that isn't on the calendar (2027-02-29) is
    /// [`CalendarError::NoSuchDay`]; anything else that isn't in that form is
    /// [`CalendarError::NotADate`].
    fn from_str(text: &str) -> Result<Date, CalendarError> {
        let text = text.trim();
        let parts = (text.len() == 10).then(|| {
            (
                text.get(0..4),
                text.get(4..5),
                text.get(5..7),
                text.get(7..8),
                text.get(8..10),
            )
        });
        let Some((Some(y), Some("-"), Some(m), Some("-"), Some(d))) = parts else {
            return Err(CalendarError::NotADate {
                input: quoted_input(text),
            });
        };
        let (Some(year), Some(month), Some(day)) = (digits(y), digits(m), digits(d)) else {
            return Err(CalendarError::NotADate {
                input: quoted_input(text),
            });
        };
        // Four digits fit an i32 and two fit a u8.
        let year = i32::try_from(year).unwrap_or(i32::MAX);
        let month = u8::try_from(month).unwrap_or(u8::MAX);
        let day = u8::try_from(day).unwrap_or(u8::MAX);
        Date::new(year, month, day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------
// UK local time
// ---------------------------------------------------------------------------------------------

/// The instant (ms) of 01:00 UTC on the last Sunday of `month` (March or October, both of 31
/// days) in `year`: when UK clocks change.
fn uk_clock_change_ms(year: i64, month: i64) -> i64 {
    let last_day = days_from_civil(year, month, 31);
    let days_back_to_sunday = (last_day + 4).rem_euclid(7); // 0 when the 31st is a Sunday
    (last_day - days_back_to_sunday)
        .saturating_mul(MS_PER_DAY)
        .saturating_add(MS_PER_HOUR)
}

/// How many minutes UK clocks (Europe/London) are ahead of UTC at the instant `ms`: 60 during
/// British Summer Time, otherwise 0 (Greenwich Mean Time).
///
/// The rule is the one in force since 1996 (the EU summer-time rule, kept in UK law): BST
/// starts at 01:00 UTC on the last Sunday of March (clocks go from 01:00 GMT to 02:00 BST) and
/// ends at 01:00 UTC on the last Sunday of October (clocks go from 02:00 BST back to 01:00
/// GMT). Before 1996 the UK used other rules (and in 1968–71 stayed on BST all year); those
/// years are out of scope, and this rule is applied to them anyway, so times before 1996 may be
/// an hour out. Should Parliament change the rule, this function must change with it.
pub fn london_offset_minutes(ms: i64) -> i32 {
    if is_bst(ms) { 60 } else { 0 }
}

fn is_bst(ms: i64) -> bool {
    // The clocks change in March and October, never near New Year, so the UTC year will do.
    let (year, _, _) = civil_from_days(ms.div_euclid(MS_PER_DAY));
    uk_clock_change_ms(year, 3) <= ms && ms < uk_clock_change_ms(year, 10)
}

/// "GMT" or "BST": what UK clocks are showing at the instant `ms`.
pub fn london_zone_abbreviation(ms: i64) -> &'static str {
    if is_bst(ms) { "BST" } else { "GMT" }
}

/// The instant `ms` as the wall-clock reading in London, itself counted as milliseconds since
/// 1970-01-01 00:00 (of the wall clock, not of UTC).
fn london_wall_ms(ms: i64) -> i64 {
    ms.saturating_add(i64::from(london_offset_minutes(ms)) * MS_PER_MINUTE)
}

/// The instant when London wall clocks show `wall_ms` (wall-clock milliseconds since
/// 1970-01-01 00:00). In the spring gap the time is read with GMT, which moves it forward an
/// hour; in the autumn fold the first (BST) reading wins.
fn instant_of_london_wall_ms(wall_ms: i64) -> i64 {
    let if_bst = wall_ms.saturating_sub(MS_PER_HOUR);
    if is_bst(if_bst) { if_bst } else { wall_ms }
}

/// "23 Nov 2026" for the wall-clock day containing `wall_ms`.
fn short_day_label(wall_ms: i64) -> String {
    let (year, month, day) = civil_from_days(wall_ms.div_euclid(MS_PER_DAY));
    format!("{day} {} {year}", month_short(month))
}

/// "14:05" for the wall-clock time of `wall_ms`.
fn clock_label(wall_ms: i64) -> String {
    let of_day = wall_ms.rem_euclid(MS_PER_DAY);
    format!(
        "{:02}:{:02}",
        of_day / MS_PER_HOUR,
        of_day % MS_PER_HOUR / MS_PER_MINUTE
    )
}

/// A moment as people in England read it: "23 Nov 2026, 14:05" (on the clock in London,
/// GMT or BST as it was at the time; seconds are dropped, not rounded). For screens, where
/// everyone reading is in England; see [`london_label_with_zone`] where that may not be so.
pub fn london_label(ms: i64) -> String {
    let wall = london_wall_ms(ms);
    format!("{}, {}", short_day_label(wall), clock_label(wall))
}

/// Like [`london_label`] with the clock named: "23 Nov 2026, 14:05 GMT", "1 Jul 2026, 09:30
/// BST". For exports and for the hour when clocks go back, when 01:30 happens twice.
pub fn london_label_with_zone(ms: i64) -> String {
    format!("{} {}", london_label(ms), london_zone_abbreviation(ms))
}

/// The time on London clocks at the instant `ms`: "14:05".
pub fn london_time_label(ms: i64) -> String {
    clock_label(london_wall_ms(ms))
}

/// A date as people in England write it on screens: "Mon 23 Nov 2026".
pub fn london_date_label(date: Date) -> String {
    format!(
        "{} {} {} {}",
        date.weekday().short_name(),
        date.day,
        month_short(date.month),
        date.year
    )
}

/// A date in full, for letters and summaries: "Monday 23 November 2026".
pub fn london_date_label_long(date: Date) -> String {
    format!(
        "{} {} {} {}",
        date.weekday().name(),
        date.day,
        month_long(date.month),
        date.year
    )
}

/// The instant (ms since 1970-01-01 UTC) when `date` begins in London: midnight GMT in winter,
/// 23:00 UTC the day before in summer. UK clocks change at 01:00 or 02:00, never at midnight,
/// so every date has exactly one midnight.
///
/// To turn a form's "from" and "to" dates into a range of instants, take
/// `london_midnight_ms(from)` up to (not including) `london_midnight_ms(to + 1 day)`: the day
/// the clocks change is 23 or 25 hours long, so don't add 24 hours.
pub fn london_midnight_ms(date: Date) -> i64 {
    instant_of_london_wall_ms(date.days_since_epoch() * MS_PER_DAY)
}

/// The instant when London clocks show `hour`:`minute` on `date`.
///
/// Two hours a year need a rule, and these are Circle's:
///
/// * **Spring forward** (last Sunday of March): clocks jump from 01:00 straight to 02:00, so
///   01:00 to 01:59 don't happen. Such a time is moved forward an hour: 01:30 is read as 02:30
///   BST (the same instant as 01:30 GMT), which is what someone who set an alarm for it would
///   see on the clock.
/// * **Fall back** (last Sunday of October): clocks go from 01:59 BST back to 01:00 GMT, so
///   01:00 to 01:59 happen twice. Such a time is read as the first of the two, BST: 01:30 is
///   00:30 UTC. (The second, GMT, one is an hour later.)
pub fn london_local_to_ms(date: Date, hour: u8, minute: u8) -> Result<i64, CalendarError> {
    if hour > 23 || minute > 59 {
        return Err(CalendarError::NoSuchTime { hour, minute });
    }
    let wall = date.days_since_epoch() * MS_PER_DAY
        + i64::from(hour) * MS_PER_HOUR
        + i64::from(minute) * MS_PER_MINUTE;
    Ok(instant_of_london_wall_ms(wall))
}

/// Reads a London wall-clock time as an HTML `datetime-local` input gives it,
/// "YYYY-MM-DDTHH:MM" (seconds, "…:SS" or "…:SS.sss", are accepted too), and returns the
/// instant in ms since 1970-01-01 UTC. Spaces around it are ignored.
///
/// In the hour that doesn't exist in spring the time moves forward an hour; in the hour that
/// happens twice in autumn the first (BST) one is taken. See [`london_local_to_ms`].
pub fn parse_london_local(input: &str) -> Result<i64, CalendarError> {
    let text = input.trim();
    let not_one = || CalendarError::NotADateTime {
        input: quoted_input(text),
    };
    let (date, time) = text.split_once('T').ok_or_else(not_one)?;
    let date: Date = date.parse().map_err(|e| match e {
        CalendarError::NoSuchDay { .. } => e,
        _ => not_one(),
    })?;
    let (hours_minutes, seconds) = match time.get(5..) {
        Some("") => (time, None),
        Some(rest) => (
            time.get(..5).ok_or_else(not_one)?,
            Some(rest.strip_prefix(':').ok_or_else(not_one)?),
        ),
        None => return Err(not_one()),
    };
    let (h, m) = hours_minutes.split_once(':').ok_or_else(not_one)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(not_one());
    }
    let hour = digits(h)
        .and_then(|h| u8::try_from(h).ok())
        .ok_or_else(not_one)?;
    let minute = digits(m)
        .and_then(|m| u8::try_from(m).ok())
        .ok_or_else(not_one)?;
    let extra_ms = match seconds {
        None => 0,
        Some(seconds) => {
            let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
            let whole = digits(whole)
                .filter(|_| whole.len() == 2)
                .ok_or_else(not_one)?;
            if whole > 59 || fraction.len() > 3 {
                return Err(not_one());
            }
            let millis = if fraction.is_empty() {
                0
            } else {
                let padded = format!("{fraction:0<3}");
                digits(&padded).ok_or_else(not_one)?
            };
            i64::from(whole) * MS_PER_SECOND + i64::from(millis)
        }
    };
    Ok(london_local_to_ms(date, hour, minute)? + extra_ms)
}

/// The instant `ms` as London wall-clock time in the form an HTML `datetime-local` input
/// takes, "2026-11-23T14:05", to fill one in. Reading it back with [`parse_london_local`] gives
/// the same minute, except in the repeated hour in autumn, when the GMT reading comes back as
/// the BST one an hour earlier.
pub fn london_local_input_value(ms: i64) -> String {
    let wall = london_wall_ms(ms);
    let (year, month, day) = civil_from_days(wall.div_euclid(MS_PER_DAY));
    format!("{year:04}-{month:02}-{day:02}T{}", clock_label(wall))
}

// ---------------------------------------------------------------------------------------------
// Working days in England and Wales
// ---------------------------------------------------------------------------------------------

/// The first year [`ENGLAND_AND_WALES_BANK_HOLIDAYS`] covers.
pub const BANK_HOLIDAYS_FIRST_YEAR: i32 = 2020;
/// The last year [`ENGLAND_AND_WALES_BANK_HOLIDAYS`] covers. Extend the list (from the same
/// source) before this year ends, and move this on.
pub const BANK_HOLIDAYS_LAST_YEAR: i32 = 2028;

/// Every bank holiday in England and Wales from 1 January 2020 to 31 December 2028 inclusive,
/// earliest first: the days as they are actually taken off, so a "substitute day" is listed
/// where Christmas, Boxing Day or New Year's Day falls at a weekend, and the weekend day itself
/// is not.
///
/// Source: GOV.UK, "UK bank holidays", <https://www.gov.uk/bank-holidays>, the "England and
/// Wales" division (Scotland and Northern Ireland have other days). Bank holidays are set by
/// the Banking and Financial Dealings Act 1971 and by royal proclamation, and can be moved or
/// added at a few months' notice (as in 2020, 2022 and 2023), so they are data, not a formula.
/// Years from 2026 on are the days announced or due under the usual pattern; check them against
/// GOV.UK when extending the list, and cover a new year by adding its days here and moving
/// [`BANK_HOLIDAYS_LAST_YEAR`] on.
pub const ENGLAND_AND_WALES_BANK_HOLIDAYS: &[Date] = &[
    // 2020
    ymd(2020, 1, 1),   // New Year's Day
    ymd(2020, 4, 10),  // Good Friday
    ymd(2020, 4, 13),  // Easter Monday
    ymd(2020, 5, 8),   // Early May bank holiday, moved from Mon 4 May for VE Day (75th)
    ymd(2020, 5, 25),  // Spring bank holiday
    ymd(2020, 8, 31),  // Summer bank holiday
    ymd(2020, 12, 25), // Christmas Day
    ymd(2020, 12, 28), // Boxing Day (substitute day: the 26th was a Saturday)
    // 2021
    ymd(2021, 1, 1),   // New Year's Day
    ymd(2021, 4, 2),   // Good Friday
    ymd(2021, 4, 5),   // Easter Monday
    ymd(2021, 5, 3),   // Early May bank holiday
    ymd(2021, 5, 31),  // Spring bank holiday
    ymd(2021, 8, 30),  // Summer bank holiday
    ymd(2021, 12, 27), // Christmas Day (substitute day: the 25th was a Saturday)
    ymd(2021, 12, 28), // Boxing Day (substitute day: the 26th was a Sunday)
    // 2022
    ymd(2022, 1, 3),   // New Year's Day (substitute day: the 1st was a Saturday)
    ymd(2022, 4, 15),  // Good Friday
    ymd(2022, 4, 18),  // Easter Monday
    ymd(2022, 5, 2),   // Early May bank holiday
    ymd(2022, 6, 2),   // Spring bank holiday, moved from Mon 30 May for the Platinum Jubilee
    ymd(2022, 6, 3),   // Platinum Jubilee bank holiday
    ymd(2022, 8, 29),  // Summer bank holiday
    ymd(2022, 9, 19),  // Bank holiday for the State Funeral of Queen Elizabeth II
    ymd(2022, 12, 26), // Boxing Day
    ymd(2022, 12, 27), // Christmas Day (substitute day: the 25th was a Sunday)
    // 2023
    ymd(2023, 1, 2),   // New Year's Day (substitute day: the 1st was a Sunday)
    ymd(2023, 4, 7),   // Good Friday
    ymd(2023, 4, 10),  // Easter Monday
    ymd(2023, 5, 1),   // Early May bank holiday
    ymd(2023, 5, 8),   // Bank holiday for the coronation of King Charles III
    ymd(2023, 5, 29),  // Spring bank holiday
    ymd(2023, 8, 28),  // Summer bank holiday
    ymd(2023, 12, 25), // Christmas Day
    ymd(2023, 12, 26), // Boxing Day
    // 2024
    ymd(2024, 1, 1),   // New Year's Day
    ymd(2024, 3, 29),  // Good Friday
    ymd(2024, 4, 1),   // Easter Monday
    ymd(2024, 5, 6),   // Early May bank holiday
    ymd(2024, 5, 27),  // Spring bank holiday
    ymd(2024, 8, 26),  // Summer bank holiday
    ymd(2024, 12, 25), // Christmas Day
    ymd(2024, 12, 26), // Boxing Day
    // 2025
    ymd(2025, 1, 1),   // New Year's Day
    ymd(2025, 4, 18),  // Good Friday
    ymd(2025, 4, 21),  // Easter Monday
    ymd(2025, 5, 5),   // Early May bank holiday
    ymd(2025, 5, 26),  // Spring bank holiday
    ymd(2025, 8, 25),  // Summer bank holiday
    ymd(2025, 12, 25), // Christmas Day
    ymd(2025, 12, 26), // Boxing Day
    // 2026
    ymd(2026, 1, 1),   // New Year's Day
    ymd(2026, 4, 3),   // Good Friday
    ymd(2026, 4, 6),   // Easter Monday
    ymd(2026, 5, 4),   // Early May bank holiday
    ymd(2026, 5, 25),  // Spring bank holiday
    ymd(2026, 8, 31),  // Summer bank holiday
    ymd(2026, 12, 25), // Christmas Day
    ymd(2026, 12, 28), // Boxing Day (substitute day: the 26th is a Saturday)
    // 2027
    ymd(2027, 1, 1),   // New Year's Day
    ymd(2027, 3, 26),  // Good Friday
    ymd(2027, 3, 29),  // Easter Monday
    ymd(2027, 5, 3),   // Early May bank holiday
    ymd(2027, 5, 31),  // Spring bank holiday
    ymd(2027, 8, 30),  // Summer bank holiday
    ymd(2027, 12, 27), // Christmas Day (substitute day: the 25th is a Saturday)
    ymd(2027, 12, 28), // Boxing Day (substitute day: the 26th is a Sunday)
    // 2028
    ymd(2028, 1, 3),   // New Year's Day (substitute day: the 1st is a Saturday)
    ymd(2028, 4, 14),  // Good Friday
    ymd(2028, 4, 17),  // Easter Monday
    ymd(2028, 5, 1),   // Early May bank holiday
    ymd(2028, 5, 29),  // Spring bank holiday
    ymd(2028, 8, 28),  // Summer bank holiday
    ymd(2028, 12, 25), // Christmas Day
    ymd(2028, 12, 26), // Boxing Day
];

/// `Ok` if `date` is in a year the list of bank holidays covers.
fn check_covered(date: Date) -> Result<(), CalendarError> {
    if (BANK_HOLIDAYS_FIRST_YEAR..=BANK_HOLIDAYS_LAST_YEAR).contains(&date.year) {
        Ok(())
    } else {
        Err(CalendarError::BeyondKnownHolidays { year: date.year })
    }
}

/// The day after `date`, which within the covered years always exists.
fn next_day(date: Date) -> Result<Date, CalendarError> {
    date.add_days(1)
        .ok_or(CalendarError::BeyondKnownHolidays { year: date.year })
}

/// Whether `date` is a bank holiday in England and Wales (as taken off: a substitute Monday is
/// one, the Saturday it stands in for is not). An error outside the years the list covers.
pub fn is_bank_holiday(date: Date) -> Result<bool, CalendarError> {
    check_covered(date)?;
    Ok(ENGLAND_AND_WALES_BANK_HOLIDAYS.binary_search(&date).is_ok())
}

/// Whether `date` is a working day in England and Wales: Monday to Friday and not a bank
/// holiday. An error outside the years the list of bank holidays covers.
pub fn is_working_day(date: Date) -> Result<bool, CalendarError> {
    Ok(!date.is_weekend() && !is_bank_holiday(date)?)
}

/// The date `n` working days after `date`: the day a thing "within `n` working days" of `date`
/// is due by.
///
/// `date` itself is never counted, whatever day it is: counting starts the next day, and only
/// working days count. So a summary due "within 5 working days" of a meeting on a Friday is due
/// the following Friday, and 1 working day after a Saturday is the Monday (or the Tuesday, if
/// that Monday is a bank holiday). With `n` = 0 the answer is `date` itself, even if that is
/// not a working day.
///
/// An error if `date` or the answer is outside the years the list of bank holidays covers.
pub fn add_working_days(date: Date, n: u32) -> Result<Date, CalendarError> {
    check_covered(date)?;
    let mut day = date;
    let mut left = n;
    while left > 0 {
        day = next_day(day)?;
        if is_working_day(day)? {
            left -= 1;
        }
    }
    Ok(day)
}

/// How many working days there are after `from`, up to and including `to`: how many working
/// days have passed since `from` when it is `to`. The inverse of [`add_working_days`]:
/// `working_days_between(d, add_working_days(d, n)?)` is `n`.
///
/// * `from` itself is never counted, `to` is if it's a working day: from a Friday to the next
///   Monday is 1; from Friday to Saturday is 0.
/// * The same date twice is 0.
/// * If `to` is before `from` the answer is negative: minus the working days after `to` up to
///   and including `from`, so swapping the dates only flips the sign.
///
/// An error if either date is outside the years the list of bank holidays covers.
pub fn working_days_between(from: Date, to: Date) -> Result<i64, CalendarError> {
    check_covered(from)?;
    check_covered(to)?;
    let (earlier, later, sign) = if from <= to {
        (from, to, 1)
    } else {
        (to, from, -1)
    };
    let mut count = 0;
    let mut day = earlier;
    while day < later {
        day = next_day(day)?;
        if is_working_day(day)? {
            count += 1;
        }
    }
    Ok(sign * count)
}

/// A duty to do something within a number of working days of a date: "a summary within 5
/// working days of the meeting". The screens ask it for its [`DeadlineStatus`] today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deadline {
    /// The day the clock starts from (the meeting); not itself counted.
    pub start: Date,
    /// How many working days after `start` it may be done by.
    pub working_days: u32,
    /// The day it was done, once it has been.
    pub done: Option<Date>,
}

impl Deadline {
    /// A deadline `working_days` working days after `start`, not yet done.
    pub fn new(start: Date, working_days: u32) -> Deadline {
        Deadline {
            start,
            working_days,
            done: None,
        }
    }

    /// The same deadline, done on `date`.
    pub fn done_on(self, date: Date) -> Deadline {
        Deadline {
            done: Some(date),
            ..self
        }
    }

    /// The last day it may be done on time. See [`add_working_days`].
    pub fn due(&self) -> Result<Date, CalendarError> {
        add_working_days(self.start, self.working_days)
    }

    /// Where it stands on `today` (the caller's date in London: see [`Date::of_ms_in_london`]).
    ///
    /// Done on or before the due date is on time. After the due date it is late by the number
    /// of working days after the due date up to and including the day it was done (or today),
    /// and at least 1: done on the Saturday after a Friday deadline is 1 working day late, as is
    /// the Monday. While not done, it is due with the working days left after today up to and
    /// including the due date (0 on the day itself).
    ///
    /// An error if a date needed is outside the years the list of bank holidays covers.
    pub fn status(&self, today: Date) -> Result<DeadlineStatus, CalendarError> {
        let due = self.due()?;
        let late_by = |day: Date| -> Result<u32, CalendarError> {
            let days = working_days_between(due, day)?.max(1);
            Ok(u32::try_from(days).unwrap_or(u32::MAX))
        };
        Ok(match self.done {
            Some(done) if done <= due => DeadlineStatus::DoneOnTime { due, done },
            Some(done) => DeadlineStatus::DoneLate {
                due,
                done,
                working_days_late: late_by(done)?,
            },
            None if today <= due => DeadlineStatus::Due {
                due,
                working_days_left: u32::try_from(working_days_between(today, due)?)
                    .unwrap_or(u32::MAX),
            },
            None => DeadlineStatus::Late {
                due,
                working_days_late: late_by(today)?,
            },
        })
    }
}

/// Where a [`Deadline`] stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DeadlineStatus {
    /// Not done, and there's still time: `working_days_left` working days after today up to
    /// and including `due` (0 means it's due today).
    Due { due: Date, working_days_left: u32 },
    /// Not done, and the due date has passed.
    Late { due: Date, working_days_late: u32 },
    /// Done on or before the due date.
    DoneOnTime { due: Date, done: Date },
    /// Done after the due date.
    DoneLate {
        due: Date,
        done: Date,
        working_days_late: u32,
    },
}

fn working_days_phrase(n: u32) -> String {
    if n == 1 {
        "1 working day".to_owned()
    } else {
        format!("{n} working days")
    }
}

impl DeadlineStatus {
    /// The last day it may be done on time.
    pub fn due(&self) -> Date {
        match *self {
            DeadlineStatus::Due { due, .. }
            | DeadlineStatus::Late { due, .. }
            | DeadlineStatus::DoneOnTime { due, .. }
            | DeadlineStatus::DoneLate { due, .. } => due,
        }
    }

    /// Not late: still due, or done on time.
    pub fn is_on_time(&self) -> bool {
        matches!(
            self,
            DeadlineStatus::Due { .. } | DeadlineStatus::DoneOnTime { .. }
        )
    }

    /// Done, on time or not.
    pub fn is_done(&self) -> bool {
        matches!(
            self,
            DeadlineStatus::DoneOnTime { .. } | DeadlineStatus::DoneLate { .. }
        )
    }

    /// What a screen shows, starting with `what` (say "Summary"): "Summary due today",
    /// "Summary due in 2 working days", "Summary 3 working days late", "Summary done on time",
    /// "Summary done 1 working day late".
    pub fn label(&self, what: &str) -> String {
        match *self {
            DeadlineStatus::Due {
                working_days_left: 0,
                ..
            } => format!("{what} due today"),
            DeadlineStatus::Due {
                working_days_left, ..
            } => format!("{what} due in {}", working_days_phrase(working_days_left)),
            DeadlineStatus::Late {
                working_days_late, ..
            } => format!("{what} {} late", working_days_phrase(working_days_late)),
            DeadlineStatus::DoneOnTime { .. } => format!("{what} done on time"),
            DeadlineStatus::DoneLate {
                working_days_late, ..
            } => format!(
                "{what} done {} late",
                working_days_phrase(working_days_late)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(text: &str) -> Date {
        text.parse().expect("a date in the test")
    }

    /// Milliseconds of a UTC moment written "YYYY-MM-DDTHH:MM".
    fn utc(text: &str) -> i64 {
        let (d, t) = text.split_once('T').expect("a T");
        let (h, m) = t.split_once(':').expect("a colon");
        date(d).days_since_epoch() * MS_PER_DAY
            + h.parse::<i64>().expect("hours") * MS_PER_HOUR
            + m.parse::<i64>().expect("minutes") * MS_PER_MINUTE
    }

    // --- Dates --------------------------------------------------------------------------

    #[test]
    fn dates_count_days_from_1970_as_the_audit_filter_does() {
        for (text, days) in [
            ("1970-01-01", 0),
            ("1970-01-02", 1),
            ("1969-12-31", -1),
            ("2000-02-29", 11_016),
            ("2026-11-23", 20_780),
        ] {
            let d = date(text);
            assert_eq!(d.days_since_epoch(), days, "{text}");
            assert_eq!(Date::from_days_since_epoch(days), Some(d), "{text}");
        }
        assert_eq!(
            Some(date("2026-11-23").days_since_epoch() * MS_PER_DAY),
            crate::audit::day_start_ms("2026-11-23")
        );
        assert_eq!(
            Date::from_days_since_epoch(Date::MAX.days_since_epoch() + 1),
            None
        );
        assert_eq!(
            Date::from_days_since_epoch(Date::MIN.days_since_epoch() - 1),
            None
        );
    }

    #[test]
    fn a_date_reads_and_writes_as_year_month_day() {
        let d = Date::new(2026, 3, 9).expect("a real day");
        assert_eq!(d.to_string(), "2026-03-09");
        assert_eq!(date(" 2026-03-09 "), d);
        assert_eq!((d.year(), d.month(), d.day()), (2026, 3, 9));
        assert_eq!(Date::MIN.to_string(), "0001-01-01");
        assert_eq!(Date::MAX.to_string(), "9999-12-31");
    }

    #[test]
    fn parsing_a_date_accepts_only_real_days_written_year_month_day() {
        let no_such_day = |year, month, day| Err(CalendarError::NoSuchDay { year, month, day });
        let not_a_date = |input: &str| {
            Err(CalendarError::NotADate {
                input: input.to_owned(),
            })
        };
        let table: [(&str, Result<Date, CalendarError>); 16] = [
            ("2028-02-29", Ok(ymd(2028, 2, 29))),
            ("2000-02-29", Ok(ymd(2000, 2, 29))),
            ("2027-02-29", no_such_day(2027, 2, 29)),
            ("1900-02-29", no_such_day(1900, 2, 29)),
            ("2026-04-31", no_such_day(2026, 4, 31)),
            ("2026-13-01", no_such_day(2026, 13, 1)),
            ("2026-00-10", no_such_day(2026, 0, 10)),
            ("2026-01-00", no_such_day(2026, 1, 0)),
            ("0000-01-01", no_such_day(0, 1, 1)),
            ("", not_a_date("")),
            ("2026-1-1", not_a_date("2026-1-1")),
            ("2026/01/01", not_a_date("2026/01/01")),
            ("+026-01-01", not_a_date("+026-01-01")),
            ("2026-01-+1", not_a_date("2026-01-+1")),
            ("23/11/2026", not_a_date("23/11/2026")),
            ("2026-11-23T14:05", not_a_date("2026-11-23T14:05")),
        ];
        for (text, expected) in table {
            assert_eq!(text.parse::<Date>(), expected, "{text}");
        }
    }

    #[test]
    fn errors_about_dates_are_written_for_people() {
        let message = |text: &str| text.parse::<Date>().expect_err("not a date").to_string();
        assert_eq!(
            message("2027-02-29"),
            "February 2027 has 28 days, so there's no 29 February 2027"
        );
        assert_eq!(
            message("2026-13-01"),
            "There's no month 13: months go from 1 to 12"
        );
        assert_eq!(
            message("soon"),
            "“soon” isn't a date Circle can read: write it as year-month-day, like 2026-11-23"
        );
    }

    #[test]
    fn dates_travel_through_json_as_plain_strings() {
        let d = ymd(2026, 11, 23);
        assert_eq!(serde_json::to_string(&d).expect("json"), "\"2026-11-23\"");
        assert_eq!(
            serde_json::from_str::<Date>("\"2026-11-23\"").expect("json"),
            d
        );
        assert!(serde_json::from_str::<Date>("\"2026-02-30\"").is_err());
        assert!(serde_json::from_str::<Date>("20261123").is_err());
    }

    #[test]
    fn dates_order_from_earliest_to_latest() {
        let mut dates = [date("2027-01-01"), date("2026-12-31"), date("2026-02-01")];
        dates.sort();
        assert_eq!(
            dates,
            [date("2026-02-01"), date("2026-12-31"), date("2027-01-01")]
        );
    }

    #[test]
    fn weekdays_follow_from_thursday_1_january_1970() {
        for (text, weekday) in [
            ("1970-01-01", Weekday::Thursday),
            ("1969-12-29", Weekday::Monday),
            ("2026-11-23", Weekday::Monday),
            ("2026-12-26", Weekday::Saturday),
            ("2027-03-28", Weekday::Sunday),
            ("2000-02-29", Weekday::Tuesday),
        ] {
            assert_eq!(date(text).weekday(), weekday, "{text}");
        }
        assert!(date("2026-12-27").is_weekend());
        assert!(!date("2026-12-28").is_weekend());
    }

    #[test]
    fn adding_days_crosses_months_years_and_leap_days() {
        for (from, days, to) in [
            ("2026-01-31", 1, "2026-02-01"),
            ("2028-02-28", 1, "2028-02-29"),
            ("2027-02-28", 1, "2027-03-01"),
            ("2026-12-31", 1, "2027-01-01"),
            ("2027-01-01", -1, "2026-12-31"),
            ("2026-11-23", 365, "2027-11-23"),
        ] {
            assert_eq!(date(from).add_days(days), Some(date(to)), "{from} + {days}");
        }
        assert_eq!(Date::MAX.add_days(1), None);
        assert_eq!(Date::MIN.add_days(-1), None);
        assert_eq!(Date::MIN.add_days(i64::MAX), None);
    }

    #[test]
    fn the_uk_date_of_an_instant_follows_london_not_utc() {
        for (instant, uk_date) in [
            ("2026-07-01T22:59", "2026-07-01"),
            ("2026-07-01T23:00", "2026-07-02"),
            ("2026-12-31T23:59", "2026-12-31"),
            ("2027-01-01T00:00", "2027-01-01"),
            ("2026-03-28T23:30", "2026-03-28"),
            ("2026-10-24T23:30", "2026-10-25"),
        ] {
            assert_eq!(
                Date::of_ms_in_london(utc(instant)),
                Some(date(uk_date)),
                "{instant}"
            );
        }
        assert_eq!(Date::of_ms_in_london(i64::MAX), None);
    }

    // --- UK local time --------------------------------------------------------------------

    #[test]
    fn summer_time_runs_from_the_last_sunday_of_march_to_the_last_sunday_of_october() {
        // The changes as tzdata's Europe/London has them, at 01:00 UTC each time.
        for (year, forward, back) in [
            (2020, "2020-03-29", "2020-10-25"),
            (2021, "2021-03-28", "2021-10-31"),
            (2022, "2022-03-27", "2022-10-30"),
            (2023, "2023-03-26", "2023-10-29"),
            (2024, "2024-03-31", "2024-10-27"),
            (2025, "2025-03-30", "2025-10-26"),
            (2026, "2026-03-29", "2026-10-25"),
            (2027, "2027-03-28", "2027-10-31"),
            (2028, "2028-03-26", "2028-10-29"),
        ] {
            let forward = utc(&format!("{forward}T01:00"));
            let back = utc(&format!("{back}T01:00"));
            assert_eq!(london_offset_minutes(forward - 1), 0, "{year}");
            assert_eq!(london_offset_minutes(forward), 60, "{year}");
            assert_eq!(london_offset_minutes(back - 1), 60, "{year}");
            assert_eq!(london_offset_minutes(back), 0, "{year}");
        }
        assert_eq!(london_offset_minutes(utc("2026-01-15T12:00")), 0);
        assert_eq!(london_offset_minutes(utc("2026-07-15T12:00")), 60);
    }

    #[test]
    fn clocks_go_forward_at_one_in_the_morning_utc_on_29_march_2026() {
        let change = utc("2026-03-29T01:00");
        assert_eq!(change, 1_774_746_000_000);
        for (ms, label, with_zone) in [
            (
                change - MS_PER_MINUTE,
                "29 Mar 2026, 00:59",
                "29 Mar 2026, 00:59 GMT",
            ),
            (change, "29 Mar 2026, 02:00", "29 Mar 2026, 02:00 BST"),
            (
                change + 30 * MS_PER_MINUTE,
                "29 Mar 2026, 02:30",
                "29 Mar 2026, 02:30 BST",
            ),
        ] {
            assert_eq!(london_label(ms), label);
            assert_eq!(london_label_with_zone(ms), with_zone);
        }
    }

    #[test]
    fn clocks_go_back_at_one_in_the_morning_utc_on_25_october_2026() {
        let change = utc("2026-10-25T01:00");
        assert_eq!(change, 1_792_890_000_000);
        for (ms, with_zone) in [
            (change - 30 * MS_PER_MINUTE, "25 Oct 2026, 01:30 BST"),
            (change - MS_PER_MINUTE, "25 Oct 2026, 01:59 BST"),
            (change, "25 Oct 2026, 01:00 GMT"),
            (change + 30 * MS_PER_MINUTE, "25 Oct 2026, 01:30 GMT"),
            (change + MS_PER_HOUR, "25 Oct 2026, 02:00 GMT"),
        ] {
            assert_eq!(london_label_with_zone(ms), with_zone);
        }
        assert_eq!(london_time_label(change - MS_PER_MINUTE), "01:59");
        assert_eq!(london_time_label(change), "01:00");
    }

    #[test]
    fn moments_read_as_people_in_england_read_them() {
        assert_eq!(london_label(1_795_442_700_000), "23 Nov 2026, 14:05");
        assert_eq!(
            london_label_with_zone(1_795_442_700_000),
            "23 Nov 2026, 14:05 GMT"
        );
        assert_eq!(london_label(utc("2026-07-01T23:30")), "2 Jul 2026, 00:30");
        assert_eq!(london_time_label(utc("2026-07-01T08:05")), "09:05");
        assert_eq!(london_label(0), "1 Jan 1970, 00:00");
        // Seconds are dropped, not rounded.
        assert_eq!(london_time_label(utc("2026-11-23T14:05") + 59_999), "14:05");
    }

    #[test]
    fn dates_are_labelled_with_their_weekday_short_and_long() {
        for (text, short, long) in [
            ("2026-11-23", "Mon 23 Nov 2026", "Monday 23 November 2026"),
            ("2026-12-25", "Fri 25 Dec 2026", "Friday 25 December 2026"),
            ("2027-03-07", "Sun 7 Mar 2027", "Sunday 7 March 2027"),
        ] {
            assert_eq!(london_date_label(date(text)), short);
            assert_eq!(london_date_label_long(date(text)), long);
        }
    }

    #[test]
    fn a_date_starts_at_midnight_gmt_in_winter_and_23_00_utc_the_day_before_in_summer() {
        for (text, instant) in [
            ("2026-11-23", "2026-11-23T00:00"),
            ("2026-07-02", "2026-07-01T23:00"),
            ("2026-03-29", "2026-03-29T00:00"), // the clocks go forward later that night
            ("2026-03-30", "2026-03-29T23:00"),
            ("2026-10-25", "2026-10-24T23:00"), // the clocks go back later that night
            ("2026-10-26", "2026-10-26T00:00"),
        ] {
            assert_eq!(london_midnight_ms(date(text)), utc(instant), "{text}");
            assert_eq!(Date::of_ms_in_london(utc(instant)), Some(date(text)));
        }
        // The day the clocks go forward is 23 hours long; the day they go back, 25.
        let length = |text: &str| {
            let d = date(text);
            let next = d.add_days(1).expect("a next day");
            (london_midnight_ms(next) - london_midnight_ms(d)) / MS_PER_HOUR
        };
        assert_eq!(length("2026-03-29"), 23);
        assert_eq!(length("2026-10-25"), 25);
        assert_eq!(length("2026-11-23"), 24);
    }

    #[test]
    fn a_local_time_is_read_as_london_clocks_show_it() {
        for (input, instant) in [
            ("2026-11-23T14:05", "2026-11-23T14:05"),
            ("2026-07-01T09:30", "2026-07-01T08:30"),
            ("2026-03-29T00:59", "2026-03-29T00:59"),
            ("2026-03-29T02:00", "2026-03-29T01:00"),
            ("2026-10-25T00:59", "2026-10-24T23:59"),
            ("2026-10-25T02:00", "2026-10-25T02:00"),
            (" 2026-11-23T14:05 ", "2026-11-23T14:05"),
        ] {
            assert_eq!(parse_london_local(input), Ok(utc(instant)), "{input}");
        }
        assert_eq!(
            parse_london_local("2026-11-23T14:05:30"),
            Ok(utc("2026-11-23T14:05") + 30_000)
        );
        assert_eq!(
            parse_london_local("2026-11-23T14:05:30.25"),
            Ok(utc("2026-11-23T14:05") + 30_250)
        );
    }

    #[test]
    fn a_local_time_in_the_spring_gap_moves_forward_an_hour() {
        // On 29 March 2026 London clocks jump from 01:00 GMT to 02:00 BST: 01:30 never shows.
        let read = parse_london_local("2026-03-29T01:30").expect("a time");
        assert_eq!(read, utc("2026-03-29T01:30"));
        assert_eq!(london_label_with_zone(read), "29 Mar 2026, 02:30 BST");
        assert_eq!(
            london_label_with_zone(parse_london_local("2026-03-29T01:00").expect("a time")),
            "29 Mar 2026, 02:00 BST"
        );
    }

    #[test]
    fn a_local_time_in_the_autumn_fold_is_read_as_the_first_bst_one() {
        // On 25 October 2026 London clocks show 01:00 to 01:59 twice, first BST then GMT.
        let read = parse_london_local("2026-10-25T01:30").expect("a time");
        assert_eq!(read, utc("2026-10-25T00:30"));
        assert_eq!(london_label_with_zone(read), "25 Oct 2026, 01:30 BST");
        assert_eq!(
            london_local_to_ms(date("2026-10-25"), 1, 0),
            Ok(utc("2026-10-25T00:00"))
        );
    }

    #[test]
    fn parsing_a_local_time_rejects_what_is_not_one() {
        for input in [
            "",
            "2026-11-23",
            "2026-11-23 14:05",
            "2026-11-23T1405",
            "2026-11-23T14:5",
            "2026-11-23T14:05:",
            "2026-11-23T14:05:6",
            "2026-11-23T14:05:60",
            "2026-11-23T14:05:00.1234",
            "2026-11-23T+4:05",
            "2026-11-23T14:05Z",
            "soon",
        ] {
            assert_eq!(
                parse_london_local(input),
                Err(CalendarError::NotADateTime {
                    input: input.trim().to_owned()
                }),
                "{input}"
            );
        }
        assert_eq!(
            parse_london_local("2026-11-23T24:00"),
            Err(CalendarError::NoSuchTime {
                hour: 24,
                minute: 0
            })
        );
        assert_eq!(
            parse_london_local("2027-02-29T09:00"),
            Err(CalendarError::NoSuchDay {
                year: 2027,
                month: 2,
                day: 29
            })
        );
    }

    #[test]
    fn a_moment_fills_a_datetime_local_input_in_london_time() {
        assert_eq!(
            london_local_input_value(utc("2026-11-23T14:05")),
            "2026-11-23T14:05"
        );
        assert_eq!(
            london_local_input_value(utc("2026-07-01T23:30")),
            "2026-07-02T00:30"
        );
    }

    // --- Bank holidays and working days ---------------------------------------------------

    /// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    fn easter_sunday(year: i32) -> Date {
        let a = year % 19;
        let b = year / 100;
        let c = year % 100;
        let d = b / 4;
        let e = b % 4;
        let f = (b + 8) / 25;
        let g = (b - f + 1) / 3;
        let h = (19 * a + b - d - g + 15) % 30;
        let i = c / 4;
        let k = c % 4;
        let l = (32 + 2 * e + 2 * i - h - k) % 7;
        let m = (a + 11 * h + 22 * l) / 451;
        let month = (h + l - 7 * m + 114) / 31;
        let day = (h + l - 7 * m + 114) % 31 + 1;
        Date::new(
            year,
            u8::try_from(month).expect("a month"),
            u8::try_from(day).expect("a day"),
        )
        .expect("Easter is a real day")
    }

    fn plus(d: Date, days: i64) -> Date {
        d.add_days(days).expect("a date in range")
    }

    /// The first `weekday` on or after `d`.
    fn on_or_after(d: Date, weekday: Weekday) -> Date {
        (0..7)
            .map(|n| plus(d, n))
            .find(|d| d.weekday() == weekday)
            .expect("a week has every weekday")
    }

    #[test]
    fn easter_sunday_by_the_anonymous_gregorian_algorithm_matches_known_dates() {
        for (year, easter) in [
            (2000, "2000-04-23"),
            (2019, "2019-04-21"),
            (2020, "2020-04-12"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2027, "2027-03-28"),
            (2038, "2038-04-25"),
        ] {
            assert_eq!(easter_sunday(year), date(easter), "{year}");
        }
    }

    #[test]
    fn every_listed_bank_holiday_is_a_real_weekday_in_order_and_in_the_covered_years() {
        for pair in ENGLAND_AND_WALES_BANK_HOLIDAYS.windows(2) {
            assert!(pair[0] < pair[1], "{} then {}", pair[0], pair[1]);
        }
        for &d in ENGLAND_AND_WALES_BANK_HOLIDAYS {
            assert_eq!(Date::new(d.year, d.month, d.day), Ok(d), "{d}");
            assert!(!d.is_weekend(), "{d} is a {}", d.weekday());
            assert!(
                (BANK_HOLIDAYS_FIRST_YEAR..=BANK_HOLIDAYS_LAST_YEAR).contains(&d.year),
                "{d}"
            );
        }
        for year in BANK_HOLIDAYS_FIRST_YEAR..=BANK_HOLIDAYS_LAST_YEAR {
            let count = ENGLAND_AND_WALES_BANK_HOLIDAYS
                .iter()
                .filter(|d| d.year == year)
                .count();
            let expected = match year {
                2022 => 10, // Platinum Jubilee and the State Funeral
                2023 => 9,  // the Coronation
                _ => 8,
            };
            assert_eq!(count, expected, "{year}");
        }
    }

    #[test]
    fn the_listed_bank_holidays_follow_the_rules_for_england_and_wales_and_the_special_days() {
        let mut expected = Vec::new();
        for year in BANK_HOLIDAYS_FIRST_YEAR..=BANK_HOLIDAYS_LAST_YEAR {
            let mut days = Vec::new();
            // Good Friday and Easter Monday.
            let easter = easter_sunday(year);
            days.push(plus(easter, -2));
            days.push(plus(easter, 1));
            // Early May: the first Monday, except 2020 (moved to Friday 8 May for VE Day).
            days.push(if year == 2020 {
                ymd(2020, 5, 8)
            } else {
                on_or_after(ymd(year, 5, 1), Weekday::Monday)
            });
            // Spring: the last Monday of May, except 2022 (Thursday 2 June, plus Friday 3
            // June, for the Platinum Jubilee).
            if year == 2022 {
                days.extend([ymd(2022, 6, 2), ymd(2022, 6, 3)]);
            } else {
                days.push(on_or_after(ymd(year, 5, 25), Weekday::Monday));
            }
            // Summer: the last Monday of August.
            days.push(on_or_after(ymd(year, 8, 25), Weekday::Monday));
            // One-offs.
            if year == 2022 {
                days.push(ymd(2022, 9, 19)); // State Funeral of Queen Elizabeth II
            }
            if year == 2023 {
                days.push(ymd(2023, 5, 8)); // Coronation of King Charles III
            }
            // New Year's Day, Christmas Day and Boxing Day: a day at a weekend is made up on
            // the next weekday that isn't already a holiday.
            let mut fixed = vec![ymd(year, 1, 1), ymd(year, 12, 25), ymd(year, 12, 26)];
            fixed.sort_by_key(|d| d.is_weekend());
            let mut taken: Vec<Date> = Vec::new();
            for d in fixed {
                let mut day = d;
                while day.is_weekend() || taken.contains(&day) {
                    day = plus(day, 1);
                }
                taken.push(day);
            }
            days.extend(taken);
            expected.extend(days);
        }
        expected.sort();
        assert_eq!(expected, ENGLAND_AND_WALES_BANK_HOLIDAYS);
    }

    #[test]
    fn the_special_bank_holidays_of_2020_to_2023_are_days_off_and_the_days_they_replaced_are_not() {
        for (text, holiday) in [
            ("2020-05-08", true),  // VE Day 75
            ("2020-05-04", false), // the early May Monday it replaced
            ("2022-06-02", true),  // Platinum Jubilee: spring bank holiday moved
            ("2022-06-03", true),  // Platinum Jubilee bank holiday
            ("2022-05-30", false), // the spring Monday it replaced
            ("2022-09-19", true),  // State Funeral of Queen Elizabeth II
            ("2023-05-08", true),  // Coronation of King Charles III
            ("2026-12-28", true),  // substitute for Boxing Day on a Saturday
            ("2026-12-26", false), // the Saturday itself
        ] {
            assert_eq!(is_bank_holiday(date(text)), Ok(holiday), "{text}");
            assert_eq!(
                is_working_day(date(text)),
                Ok(!holiday && !date(text).is_weekend()),
                "{text}"
            );
        }
    }

    #[test]
    fn working_days_after_a_date_do_not_count_the_date_itself() {
        for (start, n, due) in [
            ("2026-11-13", 5, "2026-11-20"), // a Friday meeting: due the following Friday
            ("2026-11-13", 1, "2026-11-16"), // Friday + 1 is Monday
            ("2026-11-14", 1, "2026-11-16"), // Saturday + 1 is Monday
            ("2026-11-15", 5, "2026-11-20"), // Sunday + 5 is Friday
            ("2026-11-16", 5, "2026-11-23"), // Monday + 5 is the next Monday
            ("2026-11-14", 0, "2026-11-14"), // 0 is the day itself, even a Saturday
            ("2026-11-23", 20, "2026-12-21"),
        ] {
            assert_eq!(
                add_working_days(date(start), n),
                Ok(date(due)),
                "{start} + {n}"
            );
        }
    }

    #[test]
    fn a_summary_due_over_christmas_skips_christmas_and_the_substitute_for_boxing_day() {
        // Tue 22 Dec 2026: Wed 23 (1), Thu 24 (2), Fri 25 Christmas, Sat 26 Boxing Day, Sun 27,
        // Mon 28 the substitute day, Tue 29 (3), Wed 30 (4), Thu 31 (5).
        assert_eq!(
            add_working_days(date("2026-12-22"), 5),
            Ok(date("2026-12-31"))
        );
        // 2027: Christmas and Boxing Day both at the weekend, so Mon 27 and Tue 28 are off.
        // Thu 23 (1), Fri 24 (2), Wed 29 (3), Thu 30 (4), Fri 31 (5).
        assert_eq!(
            add_working_days(date("2027-12-22"), 5),
            Ok(date("2027-12-31"))
        );
        // 2022: Boxing Day on Monday and Christmas' substitute on Tuesday 27th.
        assert_eq!(
            add_working_days(date("2022-12-23"), 1),
            Ok(date("2022-12-28"))
        );
    }

    #[test]
    fn a_summary_due_across_new_year_skips_new_years_day() {
        for (meeting, due) in [
            // Tue 29 Dec 2026: Wed 30 (1), Thu 31 (2), Fri 1 Jan off, Mon 4 (3), Tue 5 (4),
            // Wed 6 (5).
            ("2026-12-29", "2027-01-06"),
            // Thu 23 Dec 2021: Fri 24 (1), Mon 27 and Tue 28 off, Wed 29 (2), Thu 30 (3),
            // Fri 31 (4), Mon 3 Jan off (substitute), Tue 4 (5).
            ("2021-12-23", "2022-01-04"),
            // Wed 27 Dec 2023: Thu 28 (1), Fri 29 (2), Mon 1 Jan off, Tue 2 (3), Wed 3 (4),
            // Thu 4 (5).
            ("2023-12-27", "2024-01-04"),
        ] {
            assert_eq!(
                add_working_days(date(meeting), 5),
                Ok(date(due)),
                "{meeting}"
            );
        }
    }

    #[test]
    fn good_friday_and_easter_monday_2027_are_26_and_29_march() {
        for (text, working) in [
            ("2027-03-25", true),
            ("2027-03-26", false), // Good Friday
            ("2027-03-27", false),
            ("2027-03-28", false), // Easter Sunday
            ("2027-03-29", false), // Easter Monday
            ("2027-03-30", true),
        ] {
            assert_eq!(is_working_day(date(text)), Ok(working), "{text}");
        }
        assert_eq!(
            add_working_days(date("2027-03-25"), 1),
            Ok(date("2027-03-30"))
        );
        assert_eq!(
            working_days_between(date("2027-03-25"), date("2027-03-30")),
            Ok(1)
        );
    }

    #[test]
    fn the_late_may_and_august_bank_holidays_are_not_working_days() {
        for (start, n, due) in [
            ("2026-05-22", 1, "2026-05-26"), // Mon 25 May 2026, spring bank holiday
            ("2027-05-28", 1, "2027-06-01"), // Mon 31 May 2027
            ("2026-08-28", 5, "2026-09-07"), // Mon 31 Aug 2026, summer bank holiday
            ("2028-08-25", 1, "2028-08-29"), // Mon 28 Aug 2028
            ("2026-05-01", 1, "2026-05-05"), // Mon 4 May 2026, early May bank holiday
        ] {
            assert_eq!(
                add_working_days(date(start), n),
                Ok(date(due)),
                "{start} + {n}"
            );
        }
    }

    #[test]
    fn a_disagreement_due_in_20_working_days_runs_past_christmas_and_new_year() {
        // From Mon 14 Dec 2026, leaving out 25 and 28 Dec and 1 Jan.
        assert_eq!(
            add_working_days(date("2026-12-14"), 20),
            Ok(date("2027-01-14"))
        );
    }

    #[test]
    fn working_days_between_counts_after_the_first_date_up_to_and_including_the_second() {
        for (from, to, n) in [
            ("2026-11-23", "2026-11-23", 0),  // the same day
            ("2026-11-20", "2026-11-23", 1),  // Friday to Monday
            ("2026-11-20", "2026-11-21", 0),  // Friday to Saturday
            ("2026-11-21", "2026-11-23", 1),  // Saturday to Monday
            ("2026-11-13", "2026-11-20", 5),  // a week
            ("2026-11-20", "2026-11-13", -5), // backwards: the sign flips
            ("2026-11-23", "2026-11-20", -1),
            ("2026-12-22", "2026-12-31", 5),
            ("2026-12-24", "2026-12-28", 0), // Christmas, the weekend, the substitute day
            ("2026-01-01", "2027-01-01", 253),
        ] {
            assert_eq!(
                working_days_between(date(from), date(to)),
                Ok(n),
                "{from} to {to}"
            );
        }
    }

    #[test]
    fn dates_outside_the_list_of_bank_holidays_give_a_clear_error() {
        let after = CalendarError::BeyondKnownHolidays { year: 2029 };
        let before = CalendarError::BeyondKnownHolidays { year: 2019 };
        assert_eq!(is_working_day(date("2029-01-02")), Err(after.clone()));
        assert_eq!(is_bank_holiday(date("2019-12-25")), Err(before.clone()));
        assert_eq!(add_working_days(date("2029-01-02"), 1), Err(after.clone()));
        assert_eq!(add_working_days(date("2019-12-31"), 1), Err(before.clone()));
        // Fri 22 Dec 2028: Wed 27 (1), Thu 28 (2), Fri 29 (3), and then it's 2029.
        assert_eq!(
            add_working_days(date("2028-12-22"), 3),
            Ok(date("2028-12-29"))
        );
        assert_eq!(add_working_days(date("2028-12-22"), 5), Err(after.clone()));
        assert_eq!(
            working_days_between(date("2028-12-01"), date("2029-01-05")),
            Err(after.clone())
        );
        assert_eq!(
            working_days_between(date("2019-12-01"), date("2020-01-05")),
            Err(before.clone())
        );
        assert_eq!(
            after.to_string(),
            "Circle's list of bank holidays only goes up to 2028; ask your administrator to \
             update Circle to work out dates in 2029."
        );
        assert_eq!(
            before.to_string(),
            "Circle's list of bank holidays only starts in 2020, so it can't work out working \
             days in 2019."
        );
    }

    // --- Deadlines ------------------------------------------------------------------------

    #[test]
    fn a_deadline_says_whether_it_is_due_late_or_done_and_by_how_many_working_days() {
        // A meeting on Fri 13 Nov 2026; the summary is due within 5 working days: Fri 20 Nov.
        let summary = Deadline::new(date("2026-11-13"), 5);
        let due = date("2026-11-20");
        assert_eq!(summary.due(), Ok(due));
        let cases: [(Option<&str>, &str, DeadlineStatus, &str); 11] = [
            (
                None,
                "2026-11-13",
                DeadlineStatus::Due {
                    due,
                    working_days_left: 5,
                },
                "Summary due in 5 working days",
            ),
            (
                None,
                "2026-11-18",
                DeadlineStatus::Due {
                    due,
                    working_days_left: 2,
                },
                "Summary due in 2 working days",
            ),
            (
                None,
                "2026-11-19",
                DeadlineStatus::Due {
                    due,
                    working_days_left: 1,
                },
                "Summary due in 1 working day",
            ),
            (
                None,
                "2026-11-20",
                DeadlineStatus::Due {
                    due,
                    working_days_left: 0,
                },
                "Summary due today",
            ),
            (
                None,
                "2026-11-21",
                DeadlineStatus::Late {
                    due,
                    working_days_late: 1,
                },
                "Summary 1 working day late",
            ),
            (
                None,
                "2026-11-23",
                DeadlineStatus::Late {
                    due,
                    working_days_late: 1,
                },
                "Summary 1 working day late",
            ),
            (
                None,
                "2026-11-25",
                DeadlineStatus::Late {
                    due,
                    working_days_late: 3,
                },
                "Summary 3 working days late",
            ),
            (
                Some("2026-11-16"),
                "2026-11-25",
                DeadlineStatus::DoneOnTime {
                    due,
                    done: date("2026-11-16"),
                },
                "Summary done on time",
            ),
            (
                Some("2026-11-20"),
                "2026-11-20",
                DeadlineStatus::DoneOnTime { due, done: due },
                "Summary done on time",
            ),
            (
                Some("2026-11-22"),
                "2026-11-25",
                DeadlineStatus::DoneLate {
                    due,
                    done: date("2026-11-22"),
                    working_days_late: 1,
                },
                "Summary done 1 working day late",
            ),
            (
                Some("2026-11-24"),
                "2029-06-01",
                DeadlineStatus::DoneLate {
                    due,
                    done: date("2026-11-24"),
                    working_days_late: 2,
                },
                "Summary done 2 working days late",
            ),
        ];
        for (done, today, status, label) in cases {
            let deadline = match done {
                Some(done) => summary.done_on(date(done)),
                None => summary,
            };
            let got = deadline.status(date(today)).expect("a status");
            assert_eq!(got, status, "done {done:?}, today {today}");
            assert_eq!(got.label("Summary"), label);
            assert_eq!(got.due(), due);
            assert_eq!(got.is_done(), done.is_some());
            assert_eq!(
                got.is_on_time(),
                matches!(
                    got,
                    DeadlineStatus::Due { .. } | DeadlineStatus::DoneOnTime { .. }
                )
            );
        }
    }

    #[test]
    fn a_deadline_past_the_list_of_bank_holidays_says_so() {
        let deadline = Deadline::new(date("2028-12-22"), 20);
        assert_eq!(
            deadline.status(date("2028-12-27")),
            Err(CalendarError::BeyondKnownHolidays { year: 2029 })
        );
        let open = Deadline::new(date("2028-11-01"), 5);
        assert_eq!(
            open.status(date("2029-01-02")),
            Err(CalendarError::BeyondKnownHolidays { year: 2029 })
        );
    }

    #[test]
    fn deadlines_travel_through_json() {
        let deadline = Deadline::new(date("2026-11-13"), 5).done_on(date("2026-11-19"));
        let json = serde_json::to_string(&deadline).expect("json");
        assert_eq!(
            json,
            r#"{"start":"2026-11-13","working_days":5,"done":"2026-11-19"}"#
        );
        assert_eq!(
            serde_json::from_str::<Deadline>(&json).expect("json"),
            deadline
        );
    }

    // --- Properties -----------------------------------------------------------------------

    fn covered_days() -> std::ops::RangeInclusive<i64> {
        let first = ymd(BANK_HOLIDAYS_FIRST_YEAR, 1, 1).days_since_epoch();
        // Far enough before the end of the list for 30 working days to fit.
        let last = ymd(BANK_HOLIDAYS_LAST_YEAR, 11, 1).days_since_epoch();
        first..=last
    }

    proptest! {
        #[test]
        fn working_days_never_land_on_a_weekend_or_a_bank_holiday_and_count_back_to_n(
            start in covered_days(),
            n in 0u32..=30,
        ) {
            let start = Date::from_days_since_epoch(start).expect("a date");
            let due = add_working_days(start, n).expect("within the list");
            if n > 0 {
                prop_assert!(!due.is_weekend(), "{} is a {}", due, due.weekday());
                prop_assert!(!ENGLAND_AND_WALES_BANK_HOLIDAYS.contains(&due), "{}", due);
                prop_assert_eq!(is_working_day(due), Ok(true));
            } else {
                prop_assert_eq!(due, start);
            }
            prop_assert!(due >= start);
            prop_assert_eq!(working_days_between(start, due), Ok(i64::from(n)));
            prop_assert_eq!(working_days_between(due, start), Ok(-i64::from(n)));
        }

        #[test]
        fn dates_round_trip_through_days_and_text(
            days in Date::MIN.days_since_epoch()..=Date::MAX.days_since_epoch(),
        ) {
            let d = Date::from_days_since_epoch(days).expect("in range");
            prop_assert_eq!(d.days_since_epoch(), days);
            prop_assert_eq!(d.to_string().parse::<Date>(), Ok(d));
            prop_assert_eq!(Date::new(d.year(), d.month(), d.day()), Ok(d));
            if let Some(next) = d.add_days(1) {
                prop_assert!(next > d);
            }
        }

        #[test]
        fn a_moment_comes_back_from_its_datetime_local_value_except_in_the_repeated_hour(
            minutes in 0i64..(200 * 366 * 24 * 60),
        ) {
            // Whole minutes from 1970 to about 2170.
            let ms = minutes * MS_PER_MINUTE;
            let back = parse_london_local(&london_local_input_value(ms)).expect("a time");
            let in_second_pass_of_the_fold =
                london_offset_minutes(ms) == 0 && london_offset_minutes(ms - MS_PER_HOUR) == 60;
            if in_second_pass_of_the_fold {
                prop_assert_eq!(back, ms - MS_PER_HOUR);
            } else {
                prop_assert_eq!(back, ms);
            }
            prop_assert_eq!(london_label(back), london_label(ms));
        }

        #[test]
        fn labels_of_any_instant_never_panic(ms in any::<i64>()) {
            let _ = london_label_with_zone(ms);
            let _ = london_local_input_value(ms);
            let _ = Date::of_ms_in_london(ms);
            let offset = london_offset_minutes(ms);
            prop_assert!(offset == 0 || offset == 60);
        }
    }
}
