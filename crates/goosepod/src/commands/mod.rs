//! One module per subcommand.

pub mod demo;
pub mod episode;
pub mod extract;
pub mod listener;
pub mod load;
pub mod output;
pub mod script;
pub mod service;
pub mod speak;
pub mod voice;
pub mod writer;
