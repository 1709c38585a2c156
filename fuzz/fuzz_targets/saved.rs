//! The hook's saved state (`__rolex_saved`, handed back by the shell): any
//! text decodes to role variables only, or to nothing, and what decodes
//! encodes back to the same state.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rolex_fuzz::env::{ROLE_VARS, Saved};

fuzz_target!(|text: &str| {
    if let Some(saved) = Saved::decode(text) {
        assert!(saved.0.keys().all(|k| ROLE_VARS.contains(&k.as_str())));
        assert_eq!(Saved::decode(&saved.encode()), Some(saved));
    }
});
