//! Goose Pod's domain types.
//!
//! Every stage of the pipeline (ingest → write → voice → publish) hands its results on
//! as values of these types. This crate does no I/O: it only describes data and the
//! rules that keep it valid.

pub mod article;

pub use article::Article;
