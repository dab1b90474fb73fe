//! The `quarry` binary: parses the command line and hands over to the `server` library.

use std::process::ExitCode;

use clap::Parser;
use server::config::{Cli, Command};

// Many small, short-lived allocations per request (JSON values, rows, headers): mimalloc serves
// them with far less CPU than glibc's allocator did under load.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // One TLS crypto provider, chosen explicitly, so no dependency's defaults can make TLS panic later.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Openapi) => {
            let doc = api::openapi_document(server::VERSION);
            println!("{}", serde_json::to_string_pretty(&doc).expect("the document serialises"));
            return ExitCode::SUCCESS;
        }
        Some(Command::Rsql { dialect, expr }) => {
            return match server::rsql_cli::run(&dialect, &expr) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprintln!("{message}");
                    ExitCode::FAILURE
                }
            };
        }
        Some(Command::Serve(args)) => *args,
        None => cli.serve,
    };
    let settings = match args.resolve() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("quarry: {e:#}");
            return ExitCode::from(2);
        }
    };
    server::init_logging(&settings);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match runtime.block_on(server::serve(settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("quarry: {e:#}");
            ExitCode::FAILURE
        }
    }
}
