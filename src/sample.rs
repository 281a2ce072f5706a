//! Deterministic generator of realistic sample data.
