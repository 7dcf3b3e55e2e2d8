//! Checks a file before any parser touches it.
