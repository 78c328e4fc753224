//! One module per page, named after its URL.

mod account;
mod admin;
mod audit;
mod circle;
mod decisions;
mod devices;
mod easy_read;
mod editing;
mod governance;
mod home;
mod invitation;
mod involvement;
mod manage_person;
mod meetings;
mod new_person;
mod not_found;
mod person;
mod plan;
mod progress;
mod sign_in;
mod summary;

use leptos::prelude::{AnyView, IntoAny};

pub use account::AccountPage;
pub use admin::AdminPageView;
pub use audit::AuditPageView;
pub use circle::CirclePageView;
pub use decisions::DecisionsPage;
pub use devices::DevicesPage;
pub use easy_read::EasyReadPage;
pub use governance::{
    GovernanceGridPage, GovernancePage, GovernanceReportPage, GovernanceSamplingPage,
};
pub use home::HomePage;
pub use invitation::InvitationPage;
pub use involvement::InvolvementPage;
pub use manage_person::ManagePersonPage;
pub use meetings::MeetingsPage;
pub use new_person::NewPersonPage;
pub use not_found::NotFound;
pub use person::PersonPage;
pub use plan::PlanPage;
pub use progress::{GoalCardPage, ProgressPage};
pub use sign_in::SignInPage;
pub use summary::SummaryPage;

/// The pages not in the app's frame (everything but the list of people and a person's page,
/// which everyone opens first) are routes loaded lazily: their code is in a wasm file of its
/// own (`cargo leptos build --split`), fetched when a page of its group is first opened (and
/// preloaded by the page the server sends), so a first visit downloads the frame and at most
/// one group of pages. Pages a person opens one after another share a group (one file, and
/// fewer files for the code groups share). The service worker keeps every part, so each page
/// still opens with no signal.
macro_rules! lazy_pages {
    ($($group:ident { $($(#[$doc:meta])* $route:ident($view:ident, $preload:ident) => $page:ident,)* })*) => {$($(
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $route;

        #[leptos::lazy($group)]
        fn $view(this: $route) -> AnyView {
            let _ = this;
            leptos::prelude::untrack(|| $page().into_any())
        }

        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(this: Self) -> AnyView {
                $view(this).await
            }

            // Hydration needs the page's code loaded before it starts: the router awaits this
            // first, then hydrates the page (a page still loading would not match the HTML).
            async fn preload() {
                #[cfg(target_arch = "wasm32")]
                $preload().await;
            }
        }
    )*)*};
}

lazy_pages! {
    // The plan editor, with the sync engine and meeting notes.
    plan {
        /// `/people/:id/plan`
        PlanRoute(plan_view, __preload_plan_view) => PlanPage,
    }
    // The involvement plan, decisions and the plan in easy read: the same engine (in the
    // code the groups share), and their own pages, which the plan editor does not load.
    involvement {
        /// `/people/:id/involvement`
        InvolvementRoute(involvement_view, __preload_involvement_view) => InvolvementPage,
        /// `/people/:id/decisions`
        DecisionsRoute(decisions_view, __preload_decisions_view) => DecisionsPage,
        /// `/people/:id/easy-read`
        EasyReadRoute(easy_read_view, __preload_easy_read_view) => EasyReadPage,
    }
    // The outcome tracker: goals and progress, and a goal's card.
    progress {
        /// `/people/:id/progress`
        ProgressRoute(progress_view, __preload_progress_view) => ProgressPage,
        /// `/people/:id/progress/card/:goal`
        GoalCardRoute(goal_card_view, __preload_goal_card_view) => GoalCardPage,
    }
    // Reviews and meetings: booking, agendas, the live notes, actions, summaries and the
    // disagreement log.
    meetings {
        /// `/people/:id/meetings`
        MeetingsRoute(meetings_view, __preload_meetings_view) => MeetingsPage,
    }
    // Managing a person's circle, and their printable summary.
    circle {
        /// `/people/:id/circle`
        CircleRoute(circle_view, __preload_circle_view) => CirclePageView,
        /// `/people/:id/summary`
        SummaryRoute(summary_view, __preload_summary_view) => SummaryPage,
    }
    // Accounts, devices, the audit trail, administration, adding people and managing their
    // support.
    staff {
        /// `/account`
        AccountRoute(account_view, __preload_account_view) => AccountPage,
        /// `/devices`
        DevicesRoute(devices_view, __preload_devices_view) => DevicesPage,
        /// `/audit`
        AuditRoute(audit_view, __preload_audit_view) => AuditPageView,
        /// `/governance`
        GovernanceRoute(governance_view, __preload_governance_view) => GovernancePage,
        /// `/governance/report`
        GovernanceReportRoute(governance_report_view, __preload_governance_report_view) => GovernanceReportPage,
        /// `/governance/grid`
        GovernanceGridRoute(governance_grid_view, __preload_governance_grid_view) => GovernanceGridPage,
        /// `/governance/sampling`
        GovernanceSamplingRoute(governance_sampling_view, __preload_governance_sampling_view) => GovernanceSamplingPage,
        /// `/admin`
        AdminRoute(admin_view, __preload_admin_view) => AdminPageView,
        /// `/people/new`
        NewPersonRoute(new_person_view, __preload_new_person_view) => NewPersonPage,
        /// `/people/:id/manage`
        ManagePersonRoute(manage_person_view, __preload_manage_person_view) => ManagePersonPage,
    }
    // Signing in and accepting an invitation (signed out).
    entry {
        /// `/sign-in`
        SignInRoute(sign_in_view, __preload_sign_in_view) => SignInPage,
        /// `/invitations/:token`
        InvitationRoute(invitation_view, __preload_invitation_view) => InvitationPage,
    }
}
