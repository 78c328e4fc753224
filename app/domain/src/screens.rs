//! What screens say, and to whom: the wording that depends on who is reading, decided here and
//! tested, so that pages only show it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::access::{Action, Actor, CircleRole, Subject, Topic, authorize};

/// Who is reading a person's record, as far as what the screen says goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reader {
    /// The person themself: it is their plan.
    ThePerson,
    /// Staff of the person's service: they write every part of it.
    Staff,
    /// Someone in the person's circle, who writes the topics shared with them (none, perhaps).
    Member { writes: BTreeSet<Topic> },
}

/// The parts of a record the plan pages (the plan and the involvement plan) show and edit.
pub const PLAN_TOPICS: [Topic; 4] = [
    Topic::AboutMe,
    Topic::GoalsAndProgress,
    Topic::MeetingsAndReviews,
    Topic::Involvement,
];

impl Reader {
    /// How `actor` stands to `subject`'s record.
    pub fn of(actor: &Actor, subject: Subject) -> Reader {
        let is_the_person = actor
            .circles
            .iter()
            .any(|m| m.person == subject.person && m.role == CircleRole::Person);
        if is_the_person {
            return Reader::ThePerson;
        }
        // Staff of the service may write every topic; no member may write one not shared.
        let writes: BTreeSet<Topic> = Topic::ALL
            .into_iter()
            .filter(|t| authorize(actor, subject, *t, Action::Write).is_ok())
            .collect();
        if actor.is_staff() && writes.len() == Topic::ALL.len() {
            Reader::Staff
        } else {
            Reader::Member { writes }
        }
    }

    /// Whether this reader may change anything the plan page shows.
    pub fn edits_the_plan(&self) -> bool {
        match self {
            Reader::ThePerson | Reader::Staff => true,
            Reader::Member { writes } => PLAN_TOPICS.iter().any(|t| writes.contains(t)),
        }
    }

    /// Whether this reader may record a view in `voice` (a key of
    /// [`crate::records::kinds::VOICES`]): the person and members speak only for themselves;
    /// staff give their own view, or write down the person's with them.
    pub fn may_speak_as(&self, voice: &str) -> bool {
        match self {
            Reader::ThePerson => voice == "person",
            Reader::Member { .. } => voice == "member",
            Reader::Staff => voice == "staff" || voice == "person",
        }
    }

    /// Whether this reader records progress (writes goals and their observations).
    pub fn records_progress(&self) -> bool {
        match self {
            Reader::ThePerson | Reader::Staff => true,
            Reader::Member { writes } => writes.contains(&Topic::GoalsAndProgress),
        }
    }

    /// The voice this reader's own observations are in.
    pub fn own_voice(&self) -> &'static str {
        match self {
            Reader::ThePerson => "person",
            Reader::Member { .. } => "member",
            Reader::Staff => "staff",
        }
    }
}

/// The words of the link from a person's page to their plan, worded for the reader: "Edit my
/// plan" for the person, "Edit Maggie's plan" for staff, "Add to Maggie's goals" for someone in
/// the circle who may write them. `None` when the reader may change nothing there: the link is
/// not shown.
pub fn plan_link(reader: &Reader, name: &str) -> Option<String> {
    match reader {
        Reader::ThePerson => Some("Edit my plan".to_owned()),
        Reader::Staff => Some(format!("Edit {}", possessive(name, "plan"))),
        Reader::Member { writes } if writes.contains(&Topic::GoalsAndProgress) => {
            Some(format!("Add to {}", possessive(name, "goals")))
        }
        Reader::Member { .. } if reader.edits_the_plan() => {
            Some(format!("Add to {}", possessive(name, "plan")))
        }
        Reader::Member { .. } => None,
    }
}

/// The words of the link to the page where the circle and who sees what are set: "My circle:
/// who sees what" for the person, "Maggie's circle: who sees what" for staff.
pub fn circle_link(reader: &Reader, name: &str) -> String {
    match reader {
        Reader::ThePerson => "My circle: who sees what".to_owned(),
        _ => format!("{}: who sees what", possessive(name, "circle")),
    }
}

/// The plan page's heading: "My plan" for the person, "Maggie's plan" for everyone else.
pub fn plan_heading(reader: &Reader, name: &str) -> String {
    match reader {
        Reader::ThePerson => "My plan".to_owned(),
        _ => capitalised(&possessive(name, "plan")),
    }
}

/// The involvement plan's heading: "My involvement plan" for the person, "Maggie's
/// involvement plan" for everyone else.
pub fn involvement_heading(reader: &Reader, name: &str) -> String {
    match reader {
        Reader::ThePerson => "My involvement plan".to_owned(),
        _ => capitalised(&possessive(name, "involvement plan")),
    }
}

/// The outcome tracker's heading: "My goals and progress" for the person, "Maggie's goals and
/// progress" for others.
pub fn progress_heading(reader: &Reader, name: &str) -> String {
    match reader {
        Reader::ThePerson => "My goals and progress".to_owned(),
        _ => capitalised(&possessive(name, "goals and progress")),
    }
}

/// The meetings page's heading: "My meetings and reviews" for the person, "Maggie's meetings
/// and reviews" for others.
pub fn meetings_heading(reader: &Reader, name: &str) -> String {
    match reader {
        Reader::ThePerson => "My meetings and reviews".to_owned(),
        _ => capitalised(&possessive(name, "meetings and reviews")),
    }
}

/// The decisions page's heading: "My decisions" for the person, "Dan's decisions" for others.
pub fn decisions_heading(reader: &Reader, name: &str) -> String {
    match reader {
        Reader::ThePerson => "My decisions".to_owned(),
        _ => capitalised(&possessive(name, "decisions")),
    }
}

/// The easy-read plan's heading, and the words of the link to it: "My plan in easy read" for
/// the person, "Dan's plan in easy read" for everyone else.
pub fn easy_read_heading(reader: &Reader, name: &str) -> String {
    match reader {
        Reader::ThePerson => "My plan in easy read".to_owned(),
        _ => capitalised(&possessive(name, "plan in easy read")),
    }
}

/// "Maggie's goals"; "James's plan" (the apostrophe and s of British usage, whatever the last
/// letter).
pub fn possessive(name: &str, thing: &str) -> String {
    format!("{}'s {thing}", name.trim())
}

pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The name the header shows on a phone, where a full name does not fit: the first word of it
/// ("Grace" for "Grace Mensah"); the whole of a one-word name.
pub fn short_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or("")
}

/// The header's few words on this device's sync: "Online", "Offline", "Offline · 2 waiting".
/// Empty until the browser knows (a page with JavaScript off never does: nothing syncs there).
pub fn sync_chip(online: Option<bool>, waiting: Option<usize>) -> String {
    let Some(online) = online else {
        return String::new();
    };
    let state = if online { "Online" } else { "Offline" };
    match waiting.unwrap_or(0) {
        0 => state.to_owned(),
        n => format!("{state} · {n} waiting"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PersonId;
    use crate::access::{Membership, StaffRole, UserId};
    use crate::service::ServiceId;
    use uuid::Uuid;

    #[test]
    fn the_easy_read_plan_is_mine_for_the_person_and_named_for_everyone_else() {
        assert_eq!(
            easy_read_heading(&Reader::ThePerson, "Dan"),
            "My plan in easy read"
        );
        assert_eq!(
            easy_read_heading(&Reader::Staff, "Dan"),
            "Dan's plan in easy read"
        );
        let member = Reader::Member {
            writes: BTreeSet::new(),
        };
        assert_eq!(easy_read_heading(&member, "Dan"), "Dan's plan in easy read");
    }

    #[test]
    fn the_meetings_page_is_mine_for_the_person_and_named_for_everyone_else() {
        assert_eq!(
            meetings_heading(&Reader::ThePerson, "Dan"),
            "My meetings and reviews"
        );
        assert_eq!(
            meetings_heading(&Reader::Staff, "Priya Shah"),
            "Priya Shah's meetings and reviews"
        );
    }

    fn subject() -> Subject {
        Subject {
            person: PersonId(Uuid::from_u128(1)),
            service: ServiceId(Uuid::from_u128(2)),
        }
    }

    fn actor(staff: Vec<(ServiceId, StaffRole)>, circles: Vec<Membership>) -> Actor {
        Actor {
            user: UserId(Uuid::from_u128(3)),
            name: "Someone".into(),
            staff,
            circles,
        }
    }

    fn member(role: CircleRole, shared: &[Topic]) -> Membership {
        Membership {
            person: subject().person,
            role,
            shared: shared.iter().copied().collect(),
        }
    }

    #[test]
    fn the_person_is_offered_their_own_plan_to_edit() {
        let maggie = actor(vec![], vec![member(CircleRole::Person, &[])]);
        let reader = Reader::of(&maggie, subject());
        assert_eq!(reader, Reader::ThePerson);
        assert_eq!(
            plan_link(&reader, "Maggie").as_deref(),
            Some("Edit my plan")
        );
        assert_eq!(plan_heading(&reader, "Maggie"), "My plan");
    }

    #[test]
    fn staff_are_offered_the_persons_plan_by_name_not_as_their_own() {
        let asha = actor(vec![(subject().service, StaffRole::KeyWorker)], vec![]);
        let reader = Reader::of(&asha, subject());
        assert_eq!(reader, Reader::Staff);
        assert_eq!(
            plan_link(&reader, "Maggie").as_deref(),
            Some("Edit Maggie's plan")
        );
        assert_eq!(plan_heading(&reader, "Maggie"), "Maggie's plan");
    }

    #[test]
    fn a_relative_who_may_write_goals_is_offered_to_add_to_them() {
        let ruth = actor(
            vec![],
            vec![member(
                CircleRole::FamilyOrFriend,
                &[Topic::AboutMe, Topic::GoalsAndProgress, Topic::DailyLiving],
            )],
        );
        let reader = Reader::of(&ruth, subject());
        assert_eq!(
            plan_link(&reader, "Maggie").as_deref(),
            Some("Add to Maggie's goals")
        );
        assert_eq!(plan_heading(&reader, "Maggie"), "Maggie's plan");
    }

    #[test]
    fn a_member_shared_about_me_but_not_goals_is_offered_to_add_to_the_plan() {
        let lee = actor(
            vec![],
            vec![member(CircleRole::CareActAdvocate, &[Topic::AboutMe])],
        );
        assert_eq!(
            plan_link(&Reader::of(&lee, subject()), "Dan").as_deref(),
            Some("Add to Dan's plan")
        );
    }

    #[test]
    fn a_member_shared_nothing_the_plan_shows_is_offered_no_editor() {
        for shared in [&[][..], &[Topic::Health, Topic::Money][..]] {
            let reader = Reader::of(
                &actor(vec![], vec![member(CircleRole::CareActAdvocate, shared)]),
                subject(),
            );
            assert!(!reader.edits_the_plan(), "{shared:?}");
            assert_eq!(plan_link(&reader, "Dan"), None, "{shared:?}");
        }
    }

    #[test]
    fn staff_of_another_service_are_not_staff_of_this_record() {
        let tom = actor(
            vec![(ServiceId(Uuid::from_u128(9)), StaffRole::KeyWorker)],
            vec![],
        );
        assert_eq!(plan_link(&Reader::of(&tom, subject()), "Maggie"), None);
    }

    #[test]
    fn the_circle_is_the_persons_own_to_them_and_theirs_by_name_to_staff() {
        assert_eq!(
            circle_link(&Reader::ThePerson, "Maggie"),
            "My circle: who sees what"
        );
        assert_eq!(
            circle_link(&Reader::Staff, "Maggie"),
            "Maggie's circle: who sees what"
        );
    }

    #[test]
    fn the_header_gives_a_first_name_on_a_phone() {
        assert_eq!(short_name("Grace Mensah"), "Grace");
        assert_eq!(short_name("  Maggie "), "Maggie");
        assert_eq!(short_name(""), "");
    }

    #[test]
    fn the_sync_chip_says_nothing_until_the_browser_knows_then_online_offline_and_waiting() {
        assert_eq!(sync_chip(None, Some(3)), "");
        assert_eq!(sync_chip(Some(true), None), "Online");
        assert_eq!(sync_chip(Some(true), Some(0)), "Online");
        assert_eq!(sync_chip(Some(false), Some(0)), "Offline");
        assert_eq!(sync_chip(Some(false), Some(2)), "Offline · 2 waiting");
    }
}
