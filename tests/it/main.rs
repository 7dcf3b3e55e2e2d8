//! The one integration test binary.

mod check;
mod support;
mod template;
