//! Server functions, grouped by resource. Each is a line or two: get a service from context and
//! call it. Types returned here are wire types (serde), never database rows.

pub mod people;
