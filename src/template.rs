//! The issued form writer.
