//! The duration parser of profile files and `--duration`: any text gives a
//! length within STS's range, or an error.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rolex_fuzz::config;

fuzz_target!(|text: &str| {
    if let Ok(secs) = config::role_duration(text) {
        assert!(config::ROLE_DURATION.contains(&secs), "{text:?} -> {secs}");
    }
});
