//! `rolex aws-config [--write] [--prefix P]`: one AWS config profile per
//! rolex role, `credential_process = <rolex> credential-process ROLE`, so
//! any AWS SDK, the AWS CLI or an IDE uses rolex (and calls it again when
//! the session nears its end). Printed, or kept in a marked block of the AWS
//! config file; every byte outside the block stays as it was.

use std::path::{Path, PathBuf};

use super::Ctx;
use crate::error::{UserError, failed, usage};

pub const BEGIN: &str = "# >>> rolex managed profiles >>>";
pub const END: &str = "# <<< rolex managed profiles <<<";

pub fn aws_config(ctx: &Ctx, write: bool, prefix: &str) -> anyhow::Result<i32> {
    check_name(prefix, "--prefix")?;
    let exe = rolex_path(ctx)?;
    let block = render(ctx, &exe, prefix);
    if !write {
        out!("{block}");
        return Ok(0);
    }
    let path = super::import::aws_config_path(ctx)
        .ok_or_else(|| usage("no AWS config file: set AWS_CONFIG_FILE or HOME"))?;
    let path = path.canonicalize().unwrap_or(path);
    let old =
        match std::fs::read(&path) {
            Ok(bytes) => Some(String::from_utf8(bytes).map_err(|_| {
                failed(format!("{} is not UTF-8 text; not changed", path.display()))
            })?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(failed(format!("cannot read {}: {e}", path.display())).into()),
        };
    let text = old.as_deref().unwrap_or_default();
    let new = merge(text, &block, &path)?;
    if old.as_deref() == Some(new.as_str()) {
        eprintln!("rolex: {} is up to date", path.display());
        return Ok(0);
    }
    write_beside(&path, &new)?;
    eprintln!(
        "rolex: wrote {} profile(s) into the rolex block of {}",
        profile_names(&block).len(),
        path.display()
    );
    Ok(0)
}

/// Profile and role names that an INI section and a command line take as
/// they are.
fn check_name(name: &str, what: &str) -> Result<(), UserError> {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_.@+=,-".contains(c))
    {
        Ok(())
    } else {
        Err(usage(format!(
            "{what} {name:?} cannot be an AWS profile name: use letters, digits and _.@+=,-"
        )))
    }
}

/// The marked block: one profile per role, in name order.
fn render(ctx: &Ctx, exe: &str, prefix: &str) -> String {
    let mut out = format!(
        "{BEGIN}\n# Written by `rolex aws-config --write`: run it again after changing rolex roles.\n# Changes made inside this block are lost then.\n"
    );
    if ctx.config.roles.is_empty() {
        eprintln!("rolex: the profile file has no roles; the block is empty");
    }
    for (name, role) in &ctx.config.roles {
        if let Err(e) = check_name(name, "role") {
            eprintln!("rolex: skipped: {}", e.message);
            continue;
        }
        out.push_str(&format!(
            "\n[profile {prefix}{name}]\ncredential_process = {exe} credential-process {name}\n"
        ));
        if let Some(region) = role.region.as_ref().or(ctx.config.defaults.region.as_ref()) {
            out.push_str(&format!("region = {region}\n"));
        }
    }
    out.push_str(END);
    out.push('\n');
    out
}

/// The absolute path of this rolex, written so that the AWS CLI (shlex),
/// the SDKs that use a shell, and those that split on spaces all read it
/// whole. A name found on PATH that is this binary is preferred to the
/// resolved file (a package manager's symbolic link outlives upgrades).
fn rolex_path(ctx: &Ctx) -> Result<String, UserError> {
    let exe = super::rolex_exe()
        .map_err(|e| failed(format!("cannot find the path of rolex itself: {e}")))?;
    let real = exe.canonicalize().unwrap_or_else(|_| exe.clone());
    let argv0 = std::env::args_os().next().map(PathBuf::from);
    let candidates = argv0.into_iter().flat_map(|a| {
        if a.is_absolute() {
            vec![a]
        } else if a.components().count() == 1 {
            std::env::split_paths(ctx.env.get("PATH").unwrap_or_default())
                .map(|d| d.join(&a))
                .filter(|p| p.is_absolute())
                .collect()
        } else {
            Vec::new()
        }
    });
    let mut chosen = exe.clone();
    for c in candidates {
        if c.canonicalize().ok().as_ref() == Some(&real) {
            chosen = c;
            break;
        }
    }
    quote_path(&chosen)
}

fn quote_path(path: &Path) -> Result<String, UserError> {
    let text = path
        .to_str()
        .ok_or_else(|| failed(format!("the path of rolex {} is not UTF-8", path.display())))?;
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./-+:@,=".contains(c);
    if text.chars().all(plain) {
        return Ok(text.to_string());
    }
    if cfg!(windows) && !text.contains('"') {
        return Ok(format!("\"{text}\""));
    }
    if !text.contains('\'') && !text.contains('\n') {
        return Ok(format!("'{text}'"));
    }
    Err(failed(format!(
        "the path of rolex {text:?} cannot be written into a credential_process line"
    ))
    .hint("install rolex in a folder whose path has no quote or newline"))
}

/// Positions of the block's first and last byte in `text` (the end marker's
/// line included, with its newline), if the file has the block.
fn find_block(text: &str, path: &Path) -> Result<Option<(usize, usize)>, UserError> {
    let mut begin = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == BEGIN {
            if begin.is_some() {
                return Err(broken(path, "two begin markers"));
            }
            begin = Some(pos);
        } else if bare == END {
            let Some(b) = begin else {
                return Err(broken(path, "an end marker without a begin marker"));
            };
            if text[pos + line.len()..]
                .lines()
                .any(|l| l.trim_end() == BEGIN)
            {
                return Err(broken(path, "two rolex blocks"));
            }
            return Ok(Some((b, pos + line.len())));
        }
        pos += line.len();
    }
    match begin {
        Some(_) => Err(broken(path, "a begin marker without an end marker")),
        None => Ok(None),
    }
}

fn broken(path: &Path, what: &str) -> UserError {
    failed(format!(
        "the rolex block in {} has {what}; not changed",
        path.display()
    ))
    .hint(format!(
        "remove the lines from {BEGIN:?} to {END:?} by hand, then run rolex aws-config --write again"
    ))
}

/// The profile names of the sections in `text` (`[profile x]` and `[x]`).
fn profile_names(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let s = l.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
            Some(s.strip_prefix("profile ").map_or(s, str::trim).to_string())
        })
        .collect()
}

/// The file's text with the block put in place of the old one, or after
/// everything else; refused when a profile outside it has one of its names.
fn merge(text: &str, block: &str, path: &Path) -> Result<String, UserError> {
    let (before, after) = match find_block(text, path)? {
        Some((b, e)) => (&text[..b], &text[e..]),
        None => (text, ""),
    };
    let ours = profile_names(block);
    let mut clashes: Vec<String> = profile_names(before)
        .into_iter()
        .chain(profile_names(after))
        .filter(|n| ours.contains(n))
        .collect();
    clashes.dedup();
    if !clashes.is_empty() {
        return Err(usage(format!(
            "{} already has profile(s) {} outside the rolex block; not changed",
            path.display(),
            clashes.join(", ")
        ))
        .hint("rename or remove them, or pick other names with --prefix"));
    }
    if text.len() == before.len() && !text.is_empty() {
        // No block yet: after the rest, separated by a blank line.
        let sep = if text.ends_with("\n\n") {
            ""
        } else if text.ends_with('\n') {
            "\n"
        } else {
            "\n\n"
        };
        return Ok(format!("{text}{sep}{block}"));
    }
    Ok(format!("{before}{block}{after}"))
}

/// Writes `text` to a new file beside `path` and renames it over `path`,
/// keeping the old file's mode (0600 for a new file).
fn write_beside(path: &Path, text: &str) -> Result<(), UserError> {
    crate::store::replace_file(path, text.as_bytes(), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: &str =
        "# >>> rolex managed profiles >>>\n[profile p]\nx = 1\n# <<< rolex managed profiles <<<\n";

    #[test]
    fn the_block_goes_after_the_rest_then_in_place() {
        let p = Path::new("/c");
        let text = "# mine\n[default]\nregion = eu-west-1";
        let first = merge(text, BLOCK, p).unwrap();
        assert_eq!(first, format!("{text}\n\n{BLOCK}"));
        let mut edited = first.replace("# mine", "# mine, edited");
        edited.push_str("[profile after]\n");
        let newer = BLOCK.replace("x = 1", "x = 2");
        let second = merge(&edited, &newer, p).unwrap();
        assert_eq!(second, edited.replace("x = 1", "x = 2"));
        assert_eq!(merge(&second, &newer, p).unwrap(), second);
        assert_eq!(merge("", BLOCK, p).unwrap(), BLOCK);
    }

    #[test]
    fn clashes_and_broken_blocks_are_refused() {
        let p = Path::new("/c");
        let e = merge("[profile p]\n", BLOCK, p).unwrap_err();
        assert!(e.message.contains("profile(s) p outside"), "{}", e.message);
        assert!(merge("[ p ]\n", BLOCK, p).is_err());
        assert!(merge("[profile q]\n", BLOCK, p).is_ok());
        let half = format!("{BEGIN}\n[profile p]\n");
        assert!(merge(&half, BLOCK, p).is_err());
        let twice = format!("{BLOCK}{BLOCK}");
        assert!(merge(&twice, BLOCK, p).is_err());
    }

    #[test]
    fn paths_are_quoted_for_shlex_and_shells() {
        assert_eq!(
            quote_path(Path::new("/usr/local/bin/rolex")).unwrap(),
            "/usr/local/bin/rolex"
        );
        assert_eq!(
            quote_path(Path::new("/opt/my tools/rolex")).unwrap(),
            "'/opt/my tools/rolex'"
        );
        assert!(quote_path(Path::new("/it's/rolex")).is_err());
        assert!(check_name("prod-admin", "role").is_ok());
        assert!(check_name("a]b", "role").is_err());
    }
}
