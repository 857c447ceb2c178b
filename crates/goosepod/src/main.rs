//! `goosepod`: personal news podcasts from the command line.
//!
//! This binary only parses arguments, sets up logging and wires the library crates
//! together; everything worth testing lives in those crates.

mod commands;
mod config;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Goose Pod turns news articles into a personal two-host podcast.
#[derive(Debug, Parser)]
#[command(name = "goosepod", version, about)]
struct Cli {
    /// Config file (TOML); default: ~/.config/goosepod/config.toml if it exists.
    #[arg(long, global = true, env = "GOOSEPOD_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Extract the article from web pages or local files.
    Extract(commands::extract::Args),
    /// Write an episode script for one listener from a web page or local file.
    Script(commands::script::Args),
    /// Speak an episode.json: MP3, transcripts (WebVTT, SRT) and chapters.
    Speak(commands::speak::Args),
    /// Make a whole episode from a web page or local file: page, audio, transcripts.
    Episode(commands::episode::Args),
    /// Make a demo episode from a built-in sample article; --serve shows it on localhost.
    Demo(commands::demo::Args),
    /// Run the service: web pages, private podcast feeds, the API, polling, the daily
    /// schedule and episode workers.
    Serve(commands::service::ServeArgs),
    /// Administer listeners (`user add EMAIL`).
    User(commands::service::UserArgs),
    /// Administer sources (`source add --user EMAIL URL`).
    Source(commands::service::SourceArgs),
    /// Poll sources, queue due deliveries and run every due job, then exit.
    RunOnce(commands::service::RunOnceArgs),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("GOOSEPOD_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result =
        config::Settings::load(cli.config.as_deref()).and_then(|settings| match cli.command {
            Command::Extract(args) => commands::extract::run(args, &settings),
            Command::Script(args) => commands::script::run(args, &settings),
            Command::Speak(args) => commands::speak::run(args, &settings),
            Command::Episode(args) => commands::episode::run(args, &settings),
            Command::Demo(args) => commands::demo::run(args),
            Command::Serve(args) => commands::service::serve(args, &settings),
            Command::User(args) => commands::service::user(args, &settings),
            Command::Source(args) => commands::service::source(args, &settings),
            Command::RunOnce(args) => commands::service::run_once(args, &settings),
        });
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("goosepod: {err:#}");
            ExitCode::FAILURE
        }
    }
}
