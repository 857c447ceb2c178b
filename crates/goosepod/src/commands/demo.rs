//! `goosepod demo`: a whole episode from a sample article built into the binary, for a
//! sample listener, on the offline writer and espeak-ng; optionally served on localhost.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use goosepod_core::Language;
use goosepod_ingest::source::Loaded;
use goosepod_voice::AudioFormat;

use super::episode::{self, Request};
use super::listener::ListenerArgs;
use super::voice::VoiceArgs;
use super::writer::WriterArgs;
use crate::config::{Settings, WriterChoice};
use crate::progress::Stages;

/// A sample article: an original news story written for the demo.
struct Sample {
    name: &'static str,
    html: &'static [u8],
    listener: &'static str,
    timezone: &'static str,
}

const ENGLISH: Sample = Sample {
    name: "en-harbor-battery.html",
    html: include_bytes!("../../../../samples/en-harbor-battery.html"),
    listener: "Norris",
    timezone: "America/New_York",
};

const CHINESE: Sample = Sample {
    name: "zh-rail-line.html",
    html: include_bytes!("../../../../samples/zh-rail-line.html"),
    listener: "Norris",
    timezone: "Asia/Shanghai",
};

/// Arguments of `goosepod demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The show's language: en-US (an English sample article) or zh-CN (a Chinese one).
    #[arg(long, default_value = "en-US", value_name = "L")]
    lang: Language,
    /// Where the episode goes.
    #[arg(
        short = 'o',
        long = "out-dir",
        default_value = "goosepod-demo",
        value_name = "DIR"
    )]
    out_dir: PathBuf,
    /// Serve the episode on 127.0.0.1 and print its address; stop with Ctrl-C.
    #[arg(long)]
    serve: bool,
    /// Port for --serve (0 picks a free one).
    #[arg(long, default_value_t = 8000, value_name = "PORT")]
    port: u16,
    /// Audio format: `mp3` (episode.mp3, the default) or `opus` (Opus in Ogg,
    /// episode.opus).
    #[arg(long, value_name = "FORMAT")]
    format: Option<AudioFormat>,
    /// Opus bit rate in kb/s (32–64 for speech; default 48).
    #[arg(long, value_name = "KBPS")]
    opus_bitrate: Option<u32>,
}

/// Runs `goosepod demo`.
pub fn run(args: Args) -> Result<ExitCode> {
    let sample = match args.lang {
        Language::ZhCn => &CHINESE,
        Language::EnUs => &ENGLISH,
    };
    let listener = ListenerArgs {
        name: Some(sample.listener.to_string()),
        lang: Some(args.lang),
        tz: Some(sample.timezone.to_string()),
        minutes: Some(3.0),
        ..ListenerArgs::default()
    };
    let voice = VoiceArgs {
        format: args.format,
        opus_bitrate: args.opus_bitrate,
        ..VoiceArgs::default()
    };
    let writer = WriterArgs {
        writer: Some(WriterChoice::Offline),
        ..WriterArgs::default()
    };
    let settings = Settings::default();
    let input = format!("samples/{}", sample.name);
    let request = Request {
        input: &input,
        settings: &settings,
        listener: &listener,
        writer: &writer,
        voice: &voice,
        out_dir: &args.out_dir,
        base_url: None,
    };
    let stages = Stages::new("demo");
    let made = episode::make(&request, &stages, || {
        Ok(Loaded {
            bytes: sample.html.into(),
            url: None,
            content_type: Some("text/html".to_string()),
            name: sample.name.trim_end_matches(".html").to_string(),
        })
    })?;
    episode::report(&made, &stages);
    if args.serve {
        serve(&made.dir, args.port)?;
    } else {
        let page = std::path::absolute(made.dir.join(goosepod_core::episode::files::PAGE))?;
        eprintln!(
            "demo: open file://{} in a browser, or run again with --serve",
            page.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Serves `dir` (with range requests, so the player can seek) until Ctrl-C.
fn serve(dir: &Path, port: u16) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address}"))?;
        let address = listener.local_addr()?;
        let app = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(dir));
        println!("http://{address}/");
        eprintln!(
            "demo: serving {} at http://{address}/ (Ctrl-C stops)",
            dir.display()
        );
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("the demo server failed")
    })
}
