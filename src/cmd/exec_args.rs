//! `rolex exec ROLE CMD...` without `--`: say what is missing and show the
//! command line that works, instead of clap's "unexpected argument".

use std::ffi::OsString;

use crate::error::{UserError, usage};

/// Options of `exec` that take a value (the next word is not a positional).
const VALUED: &[&str] = &["--reason", "--token", "--duration", "--region"];

/// A usage error when `args` (the whole argv) is an `exec` whose command was
/// not put after `--`; `None` when that is not what went wrong.
pub fn missing_dashes(args: &[OsString]) -> Option<UserError> {
    let args: Vec<String> = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if args.first().map(String::as_str) != Some("exec") || args.iter().any(|a| a == "--") {
        return None;
    }
    let mut options = Vec::new();
    let mut positionals = Vec::new();
    let mut words = args[1..].iter();
    while let Some(word) = words.next() {
        if !positionals.is_empty() && !word.starts_with('-') {
            positionals.push(word.clone());
            positionals.extend(words.by_ref().cloned());
            break;
        }
        if word.starts_with('-') {
            if matches!(word.as_str(), "-h" | "--help") {
                return None;
            }
            options.push(shown(word));
            if VALUED.contains(&word.as_str())
                && let Some(value) = words.next()
            {
                options.push(if word == "--token" {
                    "CODE".to_string()
                } else {
                    shown(value)
                });
            }
        } else {
            positionals.push(word.clone());
        }
    }
    let (role, command) = match positionals.split_first() {
        Some((role, command)) if !command.is_empty() => (role.clone(), command.to_vec()),
        Some((role, _)) => (role.clone(), vec!["CMD [ARG...]".to_string()]),
        None => ("ROLE".to_string(), vec!["CMD [ARG...]".to_string()]),
    };
    let mut line = vec!["rolex exec".to_string(), shown(&role)];
    line.extend(options);
    line.push("--".to_string());
    line.extend(command.iter().map(|w| {
        if w == "CMD [ARG...]" {
            w.clone()
        } else {
            shown(w)
        }
    }));
    Some(usage("`rolex exec` takes the command to run after `--`").hint(line.join(" ")))
}

/// A word as the operator would type it again in a POSIX shell.
fn shown(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:@=,+%".contains(c));
    if plain {
        word.to_string()
    } else {
        crate::output::sh_quote(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(line: &str) -> Option<String> {
        let args: Vec<OsString> = std::iter::once("rolex")
            .chain(line.split(' '))
            .map(OsString::from)
            .collect();
        missing_dashes(&args).map(|e| e.hint.unwrap())
    }

    #[test]
    fn puts_the_dashes_after_the_role_and_its_options() {
        assert_eq!(
            hint("exec prod-admin aws s3 ls").as_deref(),
            Some("rolex exec prod-admin -- aws s3 ls")
        );
        assert_eq!(
            hint("exec --region eu-west-1 prod-admin aws s3 ls --recursive").as_deref(),
            Some("rolex exec prod-admin --region eu-west-1 -- aws s3 ls --recursive")
        );
        assert_eq!(
            hint("exec prod-admin").as_deref(),
            Some("rolex exec prod-admin -- CMD [ARG...]")
        );
    }

    #[test]
    fn never_repeats_the_mfa_code() {
        let h = hint("exec --token 123456 prod aws s3 ls").unwrap();
        assert!(!h.contains("123456"), "{h}");
        assert_eq!(h, "rolex exec prod --token CODE -- aws s3 ls");
    }

    #[test]
    fn leaves_other_mistakes_to_clap() {
        assert_eq!(hint("exec prod -- aws"), None);
        assert_eq!(hint("env prod aws"), None);
        assert_eq!(hint("exec --help"), None);
    }
}
