//! The profile-file loader, includes and all: the input is split at lines
//! `#---` into the main file and up to three files it may include
//! (`a.toml`, `b.toml`, `c.toml`, in the same folder). Any input must give a
//! Config or an error, never a panic or a hang.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rolex_fuzz::{config, env::Env};

/// A private folder for this fuzzing process.
fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("rolex-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        set_mode(&d, 0o700);
        d
    })
}

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let names = ["config.toml", "a.toml", "b.toml", "c.toml"];
    for name in names {
        let _ = std::fs::remove_file(dir().join(name));
    }
    for (part, name) in text.split("\n#---\n").zip(names) {
        let path = dir().join(name);
        std::fs::write(&path, part).unwrap();
        set_mode(&path, 0o600);
    }
    let mut env = Env::default();
    env.set(
        "ROLEX_CONFIG",
        dir().join("config.toml").display().to_string(),
    );
    if let Ok(c) = config::load(&env) {
        // What a loaded profile promises: every role's source exists.
        for role in c.roles.values() {
            assert!(c.sources.contains_key(&role.source), "{role:?}");
        }
    }
});
