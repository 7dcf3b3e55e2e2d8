//! Tier rules: serde config, compile, evaluate, trail.
