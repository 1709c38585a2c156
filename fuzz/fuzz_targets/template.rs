//! `{user}`-style templates: checking and rendering any template with any
//! values never panics, and a RoleSessionName is always one STS accepts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rolex_fuzz::template::{self, Values};

fuzz_target!(|input: (&str, &str, &str)| {
    let (text, user, reason) = input;
    let values = Values {
        user: user.to_string(),
        host: "host".into(),
        role: "role".into(),
        account: "123456789012".into(),
        reason: reason.to_string(),
    };
    let _ = template::check(text);
    let _ = template::render(text, &values, str::to_string);
    if template::check_session_name(text).is_ok() {
        let name = template::session_name(text, &values);
        assert!((2..=64).contains(&name.chars().count()), "{name:?}");
        assert!(name.chars().all(template::is_session_char), "{name:?}");
    }
});
