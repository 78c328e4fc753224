//! The server's integration tests: one binary (link once), one module per area.

mod access;
mod assets;
mod governance;
mod helpers;
mod holes;
mod mail;
mod pages;
mod people;
mod process;
mod records;
mod smtp_sink;
mod startup;
mod sync;
