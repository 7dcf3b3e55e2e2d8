//! Tests of the rules: loading, scoring, tiers, trail, findings, description.
