//! Case sampling: each quarter the nominated individual is offered two cases of each service
//! (site), drawn at random from the people supported there who were not sampled in the four
//! quarters before. The draw is seeded and kept with the list it was drawn from, so anyone can
//! draw again from the same seed and list and see the same cases come out ([`Draw::checks`]).
//! Each case sampled is then recorded with its findings and the follow-up actions.
//!
//! The randomness is the seed's alone, given in (the server makes it); the draw itself is
//! SplitMix64 over the list in id order, so it reads the same on every machine and in every
//! language.

use crate::governance::grid::Quarter;
use crate::{PersonId, ServiceId};

/// Cases offered per service per quarter.
pub const CASES_PER_DRAW: usize = 2;
/// A person sampled in this many quarters before is not drawn again (while others can be).
pub const RECENT_QUARTERS: usize = 4;
/// The longest findings or follow-up actions, in characters.
pub const FINDINGS_MAX: usize = 4_000;

/// One quarter's draw for one service, as kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Draw {
    pub service: ServiceId,
    pub quarter: Quarter,
    pub seed: u64,
    /// Those it was drawn from, in id order.
    pub candidates: Vec<PersonId>,
    /// The cases drawn, in the order drawn.
    pub drawn: Vec<PersonId>,
    pub by_name: String,
    pub at_ms: i64,
}

impl Draw {
    /// Whether drawing again from the seed and the list gives the cases kept.
    pub fn checks(&self) -> bool {
        draw(self.seed, &self.candidates) == self.drawn
    }

    /// The seed as it is shown and checked: 16 hexadecimal digits.
    pub fn seed_words(&self) -> String {
        format!("{:016x}", self.seed)
    }
}

/// Whom a quarter's draw is made from: `people` (those supported by the service now), less
/// anyone drawn in the [`RECENT_QUARTERS`] quarters before `quarter` (`earlier`, the service's
/// draws), in id order. When that would leave fewer than [`CASES_PER_DRAW`] (a small service,
/// everyone sampled lately), everyone is drawn from: a case sampled again beats no case.
pub fn candidates(people: &[PersonId], earlier: &[Draw], quarter: Quarter) -> Vec<PersonId> {
    let recent: Vec<Quarter> = quarter
        .back(RECENT_QUARTERS + 1)
        .into_iter()
        .skip(1)
        .collect();
    let sampled: Vec<PersonId> = earlier
        .iter()
        .filter(|d| recent.contains(&d.quarter))
        .flat_map(|d| d.drawn.iter().copied())
        .collect();
    let mut all: Vec<PersonId> = people.to_vec();
    all.sort();
    all.dedup();
    let fresh: Vec<PersonId> = all
        .iter()
        .copied()
        .filter(|p| !sampled.contains(p))
        .collect();
    if fresh.len() >= CASES_PER_DRAW {
        fresh
    } else {
        all
    }
}

/// "1 case", "2 cases".
pub fn cases_words(n: usize) -> String {
    if n == 1 {
        "1 case".to_owned()
    } else {
        format!("{n} cases")
    }
}

/// "1 person", "5 people".
pub fn people_words(n: usize) -> String {
    if n == 1 {
        "1 person".to_owned()
    } else {
        format!("{n} people")
    }
}

/// How many cases a draw from `candidates` people takes.
pub fn cases_from(candidates: usize) -> usize {
    candidates.min(CASES_PER_DRAW)
}

/// SplitMix64: the next number of the stream from `state`.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// [`CASES_PER_DRAW`] cases (fewer when there are fewer) from `candidates`, by `seed`: the list
/// in id order, each case taken at a place chosen by the next number of the stream from those
/// not yet taken (a Fisher–Yates shuffle, stopped early).
pub fn draw(seed: u64, candidates: &[PersonId]) -> Vec<PersonId> {
    let mut pool: Vec<PersonId> = candidates.to_vec();
    pool.sort();
    pool.dedup();
    let wanted = cases_from(pool.len());
    let mut state = seed;
    let mut drawn = Vec::new();
    while drawn.len() < wanted {
        let len = u64::try_from(pool.len()).unwrap_or(u64::MAX);
        let at = usize::try_from(next(&mut state) % len).unwrap_or(0);
        drawn.push(pool.remove(at));
    }
    drawn
}

/// What the nominated individual found in one case sampled, and what is to follow.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    pub quarter: Quarter,
    pub person: PersonId,
    pub findings: String,
    /// One a line.
    pub actions: String,
    pub by_name: String,
    pub at_ms: i64,
}

impl Finding {
    /// The follow-up actions, one a line, without blank ones.
    pub fn action_lines(&self) -> Vec<&str> {
        self.actions
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

/// Findings and follow-up actions checked: findings said (trimmed), each at most
/// [`FINDINGS_MAX`] characters. The error is said to the nominated individual.
pub fn checked_finding(findings: &str, actions: &str) -> Result<(String, String), String> {
    let (findings, actions) = (findings.trim(), actions.trim());
    if findings.is_empty() {
        return Err("Write what you found in this case.".to_owned());
    }
    if findings.chars().count() > FINDINGS_MAX || actions.chars().count() > FINDINGS_MAX {
        return Err(format!(
            "That is too long: at most {FINDINGS_MAX} characters for the findings and for the actions."
        ));
    }
    Ok((findings.to_owned(), actions.to_owned()))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use uuid::Uuid;

    use super::*;

    fn person(n: u128) -> PersonId {
        PersonId(Uuid::from_u128(n))
    }

    fn quarter(q: &str) -> Quarter {
        q.parse().expect("quarter")
    }

    fn drawn(q: &str, people: &[u128]) -> Draw {
        Draw {
            service: ServiceId(Uuid::from_u128(1)),
            quarter: quarter(q),
            seed: 7,
            candidates: Vec::new(),
            drawn: people.iter().map(|n| person(*n)).collect(),
            by_name: "Sam".to_owned(),
            at_ms: 0,
        }
    }

    #[test]
    fn a_draw_is_the_same_from_the_same_seed_and_list_whatever_order_the_list_came_in() {
        let list: Vec<PersonId> = (1..=10).map(person).collect();
        let mut shuffled = list.clone();
        shuffled.reverse();
        let once = draw(0x5eed, &list);
        assert_eq!(once.len(), 2);
        assert_ne!(once[0], once[1]);
        assert_eq!(draw(0x5eed, &shuffled), once);
        // The stream is SplitMix64's: its first number from seed 0 is well known.
        let mut state = 0;
        assert_eq!(next(&mut state), 0xe220_a839_7b1d_cdaf);
        // Another seed, another draw (for these two seeds, as it happens).
        assert_ne!(draw(0x5eee, &list), once);
    }

    #[test]
    fn a_kept_draw_checks_only_while_its_cases_are_the_ones_its_seed_gives() {
        let candidates: Vec<PersonId> = (1..=6).map(person).collect();
        let mut kept = Draw {
            service: ServiceId(Uuid::from_u128(1)),
            quarter: quarter("2026-Q4"),
            seed: 42,
            drawn: draw(42, &candidates),
            candidates,
            by_name: "Sam".to_owned(),
            at_ms: 0,
        };
        assert!(kept.checks());
        assert_eq!(kept.seed_words(), "000000000000002a");
        // Someone changed a case after the draw: it no longer checks.
        kept.drawn[0] = person(99);
        assert!(!kept.checks());
    }

    #[test]
    fn people_sampled_in_the_four_quarters_before_are_left_out_unless_too_few_would_be_left() {
        let people: Vec<PersonId> = (1..=5).map(person).collect();
        let earlier = [
            drawn("2026-Q3", &[1, 2]),
            drawn("2025-Q4", &[3]),
            // Five quarters before: sampled long enough ago.
            drawn("2025-Q3", &[4]),
        ];
        assert_eq!(
            candidates(&people, &earlier, quarter("2026-Q4")),
            vec![person(4), person(5)]
        );
        // Only one left who was not sampled lately: everyone is drawn from.
        let more = [drawn("2026-Q3", &[1, 2]), drawn("2026-Q2", &[3, 4])];
        assert_eq!(candidates(&people, &more, quarter("2026-Q4")), people);
        // A quarter's own draw does not count against it.
        assert_eq!(
            candidates(&people, &[drawn("2026-Q4", &[1, 2])], quarter("2026-Q4")).len(),
            5
        );
    }

    #[test]
    fn a_service_with_fewer_people_than_cases_gives_what_it_has() {
        assert_eq!(draw(1, &[person(3)]), vec![person(3)]);
        assert_eq!(cases_words(cases_from(1)), "1 case");
        assert_eq!(cases_words(cases_from(7)), "2 cases");
        assert!(draw(1, &[]).is_empty());
    }

    #[test]
    fn findings_are_needed_and_bounded_and_actions_read_one_a_line() {
        assert!(checked_finding("  ", "Call Ruth").is_err());
        assert!(checked_finding(&"x".repeat(FINDINGS_MAX + 1), "").is_err());
        let (findings, actions) =
            checked_finding(" Summary late twice ", "Remind Asha\n\n  Check in May ")
                .expect("fine");
        assert_eq!(findings, "Summary late twice");
        let finding = Finding {
            quarter: quarter("2026-Q4"),
            person: person(1),
            findings,
            actions,
            by_name: "Sam".to_owned(),
            at_ms: 0,
        };
        assert_eq!(finding.action_lines(), vec!["Remind Asha", "Check in May"]);
    }

    proptest! {
        /// Every draw takes distinct cases from its list: two, or all of a shorter list.
        #[test]
        fn a_draw_takes_distinct_cases_from_its_list(seed in any::<u64>(), n in 0u128..40) {
            let list: Vec<PersonId> = (0..n).map(person).collect();
            let cases = draw(seed, &list);
            prop_assert_eq!(cases.len(), list.len().min(CASES_PER_DRAW));
            prop_assert!(cases.iter().all(|c| list.contains(c)));
            let mut unique = cases.clone();
            unique.dedup();
            prop_assert_eq!(unique.len(), cases.len());
        }
    }
}
