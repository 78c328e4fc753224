//! The loop that keeps one device's copy of a person's record in step with the server, as a
//! state machine without I/O: the browser feeds it what happened ([`Event`]) and does what it
//! answers ([`Command`]).
//!
//! ```text
//!            edit / poke / online / timer
//!   Idle ───────────────────────────────▶ Pushing ──ok, nothing left──▶ Pulling ──ok, at the end──▶ Idle
//!    ▲                                      │  ▲ ok, more to push          │  ▲ ok, more to pull
//!    │                                      │  └───────────                │  └───────────
//!    │                             failed   ▼                     failed   ▼
//!    └──── timer / online / edit ──── Offline (no answer)  or  Waiting (refused: the reason is shown)
//!
//!   any state ──another tab took the plan over──▶ Stopped (for good)
//! ```
//!
//! A round is one push of everything waiting, then pulls to the newest version. Something that
//! asks for a round while one runs (an edit, a poke) makes the machine go round once more when
//! it ends, so nothing waits for the next timer.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    /// In step with the server, as far as it knows.
    Idle,
    /// Sending the edits waiting on the device.
    Pushing,
    /// Fetching what changed on the server.
    Pulling,
    /// The server refused the last request; trying again later.
    Waiting,
    /// The server could not be reached; trying again later, or when the device says it is back.
    Offline,
    /// Another tab edits this record now; this one does nothing more.
    Stopped,
}

/// Why a request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Failure {
    /// No answer (no signal, the server down): nothing is wrong with what was sent.
    Unreachable,
    /// An answer refusing it (its message is shown to the person).
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// The engine started on this page.
    Started,
    /// The person made an edit.
    Edited,
    /// The server said the record changed (or asked every device to pull).
    Poked,
    /// The browser says it is online again.
    WentOnline,
    /// The browser says it is offline.
    WentOffline,
    /// The retry timer fired.
    Timer,
    /// A push was answered: `more` when edits are still waiting to be sent.
    Pushed {
        more: bool,
    },
    /// A pull was answered: `more` when the device is not at the newest version yet.
    Pulled {
        more: bool,
    },
    Failed(Failure),
    /// Another tab of this browser took the record over.
    TakenOver,
}

/// What the browser should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    Push,
    Pull,
    /// Try again after this many milliseconds (the timer then sends [`Event::Timer`]).
    RetryIn(u64),
    /// Nothing for now.
    Wait,
}

/// Waits between tries after failures: 2 s, doubling, at most 30 s.
pub const RETRY_MIN_MS: u64 = 2_000;
pub const RETRY_MAX_MS: u64 = 30_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    state: State,
    /// Asked for another round while this one runs.
    again: bool,
    failures: u32,
}

impl Default for Machine {
    fn default() -> Self {
        Self::new()
    }
}

impl Machine {
    pub fn new() -> Self {
        Self {
            state: State::Idle,
            again: false,
            failures: 0,
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    /// Whether the last request reached the server.
    pub fn online(&self) -> bool {
        self.state != State::Offline
    }

    /// Whether a request is under way.
    pub fn busy(&self) -> bool {
        matches!(self.state, State::Pushing | State::Pulling)
    }

    /// Takes what happened; `waiting` says whether edits are waiting to be sent.
    pub fn on(&mut self, event: Event, waiting: bool) -> Command {
        use State::*;
        if self.state == Stopped {
            return Command::Wait;
        }
        match (self.state, event) {
            (_, Event::TakenOver) => {
                self.state = Stopped;
                Command::Wait
            }
            // Asked for a round while one runs: go round once more at the end.
            (
                Pushing | Pulling,
                Event::Edited | Event::Poked | Event::WentOnline | Event::Started,
            ) => {
                self.again = true;
                Command::Wait
            }
            (Pushing | Pulling, Event::Timer | Event::WentOffline) => Command::Wait,
            (Pushing, Event::Pushed { more: true }) => Command::Push,
            (Pushing, Event::Pushed { more: false }) => self.start(Pulling),
            (Pulling, Event::Pulled { more: true }) => Command::Pull,
            (Pulling, Event::Pulled { more: false }) => {
                self.failures = 0;
                if self.again || waiting {
                    self.again = false;
                    self.round(waiting)
                } else {
                    self.state = Idle;
                    Command::Wait
                }
            }
            (Pushing | Pulling, Event::Failed(failure)) => {
                self.again = false;
                self.failures = self.failures.saturating_add(1);
                self.state = match failure {
                    Failure::Unreachable => Offline,
                    Failure::Refused => Waiting,
                };
                Command::RetryIn(self.retry_ms())
            }
            // An answer that arrives in another state is stale: nothing to do.
            (_, Event::Pushed { .. } | Event::Pulled { .. } | Event::Failed(_)) => Command::Wait,
            (Idle | Waiting, Event::WentOffline) => {
                self.state = Offline;
                Command::Wait
            }
            (Offline, Event::WentOffline) => Command::Wait,
            (
                Idle | Waiting | Offline,
                Event::Started | Event::Edited | Event::Poked | Event::WentOnline | Event::Timer,
            ) => self.round(waiting),
            (Stopped, _) => Command::Wait,
        }
    }

    /// Starts a round: push first when edits wait, else pull.
    fn round(&mut self, waiting: bool) -> Command {
        self.start(if waiting {
            State::Pushing
        } else {
            State::Pulling
        })
    }

    fn start(&mut self, state: State) -> Command {
        self.state = state;
        match state {
            State::Pushing => Command::Push,
            _ => Command::Pull,
        }
    }

    fn retry_ms(&self) -> u64 {
        let doublings = self.failures.saturating_sub(1).min(8);
        (RETRY_MIN_MS << doublings).min(RETRY_MAX_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_is_pushed_then_the_device_pulls_to_the_end_and_rests() {
        let mut m = Machine::new();
        assert_eq!(m.on(Event::Edited, true), Command::Push);
        assert_eq!(m.state(), State::Pushing);
        assert_eq!(m.on(Event::Pushed { more: false }, false), Command::Pull);
        assert_eq!(m.on(Event::Pulled { more: true }, false), Command::Pull);
        assert_eq!(m.on(Event::Pulled { more: false }, false), Command::Wait);
        assert_eq!(m.state(), State::Idle);
    }

    #[test]
    fn a_long_outbox_goes_in_several_pushes() {
        let mut m = Machine::new();
        m.on(Event::Started, true);
        assert_eq!(m.on(Event::Pushed { more: true }, true), Command::Push);
        assert_eq!(m.on(Event::Pushed { more: false }, false), Command::Pull);
    }

    #[test]
    fn an_edit_made_during_a_round_starts_another_when_it_ends() {
        let mut m = Machine::new();
        m.on(Event::Poked, false);
        assert_eq!(m.on(Event::Edited, true), Command::Wait);
        assert_eq!(m.on(Event::Pulled { more: false }, true), Command::Push);
        assert_eq!(m.state(), State::Pushing);
    }

    #[test]
    fn a_poke_during_a_round_pulls_again_when_it_ends() {
        let mut m = Machine::new();
        m.on(Event::Poked, false);
        m.on(Event::Poked, false);
        assert_eq!(m.on(Event::Pulled { more: false }, false), Command::Pull);
        assert_eq!(m.on(Event::Pulled { more: false }, false), Command::Wait);
    }

    #[test]
    fn no_answer_means_offline_and_tries_again_later_waiting_longer_each_time() {
        let mut m = Machine::new();
        m.on(Event::Edited, true);
        assert_eq!(
            m.on(Event::Failed(Failure::Unreachable), true),
            Command::RetryIn(2_000)
        );
        assert_eq!(m.state(), State::Offline);
        assert!(!m.online());
        assert_eq!(m.on(Event::Timer, true), Command::Push);
        assert_eq!(
            m.on(Event::Failed(Failure::Unreachable), true),
            Command::RetryIn(4_000)
        );
        for _ in 0..10 {
            m.on(Event::Timer, true);
            m.on(Event::Failed(Failure::Unreachable), true);
        }
        assert_eq!(m.on(Event::Timer, true), Command::Push);
        assert_eq!(
            m.on(Event::Failed(Failure::Unreachable), true),
            Command::RetryIn(RETRY_MAX_MS)
        );
        // Back online: at once, and the wait starts short again after a success.
        m.on(Event::WentOnline, true);
        m.on(Event::Pushed { more: false }, false);
        m.on(Event::Pulled { more: false }, false);
        m.on(Event::Edited, true);
        assert_eq!(
            m.on(Event::Failed(Failure::Unreachable), true),
            Command::RetryIn(2_000)
        );
    }

    #[test]
    fn a_refusal_waits_and_says_so_without_counting_as_offline() {
        let mut m = Machine::new();
        m.on(Event::Edited, true);
        m.on(Event::Failed(Failure::Refused), true);
        assert_eq!(m.state(), State::Waiting);
        assert!(m.online());
        assert_eq!(m.on(Event::Edited, true), Command::Push);
    }

    #[test]
    fn the_browser_going_offline_while_idle_is_shown_and_coming_back_syncs() {
        let mut m = Machine::new();
        assert_eq!(m.on(Event::WentOffline, false), Command::Wait);
        assert_eq!(m.state(), State::Offline);
        assert_eq!(m.on(Event::WentOnline, false), Command::Pull);
    }

    #[test]
    fn a_late_answer_in_another_state_changes_nothing() {
        let mut m = Machine::new();
        assert_eq!(m.on(Event::Pulled { more: true }, false), Command::Wait);
        assert_eq!(m.state(), State::Idle);
    }

    #[test]
    fn once_another_tab_takes_over_nothing_more_happens() {
        let mut m = Machine::new();
        m.on(Event::Edited, true);
        m.on(Event::TakenOver, true);
        assert_eq!(m.state(), State::Stopped);
        for event in [Event::Edited, Event::Poked, Event::Timer, Event::WentOnline] {
            assert_eq!(m.on(event, true), Command::Wait);
        }
    }
}
