//! The command line: `server [serve]`, `server seed-demo`, `server migrate`, `server help`.

use crate::{Application, Config, StartupError, open_store, shutdown_signal};

pub const USAGE: &str = "\
Circle: involvement plans and outcomes, with the person at the centre.

Usage: server [COMMAND]

Commands:
  serve       Start Circle (the default)
  seed-demo   Load the demo dataset into the configured database (safe to repeat)
  migrate     Create or update the database schema, then exit
  help        Show this help

Settings (environment variables):
  DATABASE_URL      sqlite:<path> or postgres://user@host:port/db (default: SQLite in CIRCLE_DATA_DIR)
  CIRCLE_DATA_DIR   directory of the embedded database (default: data)
  CIRCLE_DEMO       auto: load demo data into a new embedded database (default); off: never
  CIRCLE_PUBLIC_URL the address people use; https://... marks the session cookie Secure
  CIRCLE_SMTP_URL   the email relay: smtp://user:password@relay:587?tls=required or smtps://...:465
                    (unset: no email; agendas and summaries are shared in Circle only)
  CIRCLE_MAIL_FROM  who letters come from, e.g. Circle <circle@example.org> (with CIRCLE_SMTP_URL)
  LEPTOS_SITE_ADDR  address to listen on (default: 127.0.0.1:3000)
  LEPTOS_SITE_ROOT  directory of the built site (default: target/site)
  RUST_LOG          log filter (default: info)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Serve,
    SeedDemo,
    Migrate,
    Help,
}

impl Command {
    pub fn parse(args: &[String]) -> Result<Self, StartupError> {
        match args
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            [] | ["serve"] => Ok(Command::Serve),
            ["seed-demo"] => Ok(Command::SeedDemo),
            ["migrate"] => Ok(Command::Migrate),
            ["help" | "--help" | "-h"] => Ok(Command::Help),
            other => Err(StartupError::Config(format!(
                "unknown command `{}`; run `server help` for the commands",
                other.join(" ")
            ))),
        }
    }
}

pub async fn run(args: &[String]) -> Result<(), StartupError> {
    let command = Command::parse(args)?;
    if command == Command::Help {
        #[allow(clippy::print_stdout, reason = "help is the command's output")]
        {
            println!("{USAGE}");
        }
        return Ok(());
    }
    let config = Config::from_env()?;
    match command {
        Command::Serve => {
            Application::build(config)
                .await?
                .run_until(shutdown_signal())
                .await
        }
        Command::SeedDemo => {
            let config = Config {
                demo: crate::DemoData::Never,
                ..config
            };
            let store = open_store(&config).await?;
            store::load_demo_with_plans(store.as_ref()).await?;
            store.close().await;
            tracing::info!("loaded the demo dataset");
            Ok(())
        }
        Command::Migrate => {
            let config = Config {
                demo: crate::DemoData::Never,
                ..config
            };
            open_store(&config).await?.close().await;
            tracing::info!("the database schema is up to date");
            Ok(())
        }
        Command::Help => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, StartupError> {
        Command::parse(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn no_arguments_means_serve() {
        assert_eq!(parse(&[]).expect("parse"), Command::Serve);
        assert_eq!(parse(&["seed-demo"]).expect("parse"), Command::SeedDemo);
    }

    #[test]
    fn an_unknown_command_points_to_help() {
        let err = parse(&["sede-demo"]).expect_err("refused");
        assert!(err.to_string().contains("run `server help`"), "{err}");
    }
}
