//! One module per page, named after its URL.

mod home;
mod not_found;
mod person;

pub use home::HomePage;
pub use not_found::NotFound;
pub use person::PersonPage;
