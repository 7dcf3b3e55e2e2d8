//! Guarded file opening, sheet and header location.

pub mod guard;
