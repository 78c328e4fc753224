//! Reads the command line and runs it; everything else lives in the library.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    server::telemetry::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match server::cli::run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            #[allow(
                clippy::print_stderr,
                reason = "the one-line reason Circle could not start"
            )]
            {
                eprintln!("circle: {error}");
            }
            ExitCode::FAILURE
        }
    }
}
