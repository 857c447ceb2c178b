//! One module per subcommand.

pub mod extract;
pub mod load;
pub mod output;
pub mod script;
pub mod speak;
