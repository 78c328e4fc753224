//! One module per page, named after its URL.

mod account;
mod admin;
mod audit;
mod circle;
mod devices;
mod home;
mod invitation;
mod not_found;
mod person;
mod plan;
mod sign_in;
mod summary;

pub use account::AccountPage;
pub use admin::AdminPageView;
pub use audit::AuditPageView;
pub use circle::CirclePageView;
pub use devices::DevicesPage;
pub use home::HomePage;
pub use invitation::InvitationPage;
pub use not_found::NotFound;
pub use person::PersonPage;
pub use plan::{PlanPage, PlanRoute};
pub use sign_in::SignInPage;
pub use summary::SummaryPage;
