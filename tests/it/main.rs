//! The one integration test binary.

mod check;
mod feedback;
mod support;
mod template;
