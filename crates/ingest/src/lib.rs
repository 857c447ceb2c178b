//! Ingest: the first stage of Goose Pod's pipeline.
//!
//! Bytes come in from the network ([`fetch`], guarded against private addresses) or from
//! local files ([`source`]); [`charset`] turns them into text whatever their encoding;
//! [`extract()`] turns a page into a clean [`Article`](goosepod_core::Article).
//!
//! Extraction is a pure function of its inputs (bytes, URL, content type): it never does
//! I/O, so it is tested and benchmarked without a network.

pub mod charset;
pub mod extract;
pub mod feed;
pub mod fetch;
pub mod guard;
pub mod similar;
pub mod source;
pub mod topics;

pub use extract::{ExtractError, extract};
pub use feed::{FeedError, FeedItem, ParsedFeed, parse_feed, poll_feed};
