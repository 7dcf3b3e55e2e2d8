//! The one integration test binary.

mod check;
mod cli;
mod samples;
mod feedback;
mod support;
mod template;
