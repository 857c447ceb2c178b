//! Writing command output without ever leaving a half-written file or directory behind:
//! the pipeline's [`goosepod_pipeline::output`], shared with the commands that write
//! single files.

pub use goosepod_pipeline::output::{ensure_replaceable, write_atomically};
