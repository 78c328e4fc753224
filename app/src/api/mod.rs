//! Server functions, grouped by resource. Each is a line or two: get a service from context and
//! call it. Types returned here are wire types (serde), never database rows.

pub mod account;
pub mod admin;
pub mod circle;
pub mod governance;
pub mod mail;
pub mod people;
pub mod plans;
