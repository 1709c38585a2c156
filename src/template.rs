//! `{user}`-style templates for RoleSessionName, SourceIdentity and tags.

/// Placeholders a template may use.
pub const PLACEHOLDERS: &[&str] = &["user", "host", "role", "account", "reason"];

/// The values placeholders take for one switch.
#[derive(Debug, Clone, Default)]
pub struct Values {
    pub user: String,
    pub host: String,
    pub role: String,
    pub account: String,
    pub reason: String,
}

impl Values {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "user" => &self.user,
            "host" => &self.host,
            "role" => &self.role,
            "account" => &self.account,
            "reason" => &self.reason,
            _ => return None,
        })
    }
}

/// Checks that every `{...}` names a known placeholder and braces match.
pub fn check(template: &str) -> Result<(), String> {
    render_with(template, |name| {
        PLACEHOLDERS.contains(&name).then(String::new)
    })
    .map(|_| ())
}

/// Renders a template; `escape` maps each placeholder's value (for example to
/// keep only characters STS accepts).
pub fn render(template: &str, values: &Values, escape: impl Fn(&str) -> String) -> String {
    render_with(template, |name| values.get(name).map(&escape))
        .unwrap_or_else(|_| template.to_string())
}

fn render_with(template: &str, value: impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("a `}` without its `{`".into());
        }
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("a `{` without its `}`")?;
        let name = &after[..close];
        let v = value(name).ok_or_else(|| {
            format!(
                "unknown placeholder {{{name}}} (known: {})",
                PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        })?;
        out.push_str(&v);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// STS's RoleSessionName and SourceIdentity character set: `[\w+=,.@-]`.
pub fn is_session_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// Replaces characters STS would refuse with `-`.
pub fn session_safe(value: &str) -> String {
    value
        .chars()
        .map(|c| if is_session_char(c) { c } else { '-' })
        .collect()
}

/// Renders a RoleSessionName: unsafe characters replaced, cut to 64, and
/// padded when shorter than STS's minimum of 2.
pub fn session_name(template: &str, values: &Values) -> String {
    let mut name: String = render(template, values, session_safe)
        .chars()
        .take(64)
        .collect();
    if name.len() < 2 {
        name.push_str("-rolex");
    }
    name
}

/// Checks that a template's own text can make a valid RoleSessionName.
pub fn check_session_name(template: &str) -> Result<(), String> {
    check(template)?;
    let sample = Values {
        user: "u".into(),
        host: "h".into(),
        role: "r".into(),
        account: "123456789012".into(),
        reason: "x".into(),
    };
    let literal = render(template, &sample, |_| String::new());
    if let Some(bad) = literal.chars().find(|c| !is_session_char(*c)) {
        return Err(format!(
            "{bad:?} cannot be in a RoleSessionName (allowed: letters, digits and _+=,.@-)"
        ));
    }
    if literal.chars().count() > 64 {
        return Err("longer than the 64 characters STS allows in a RoleSessionName".into());
    }
    if render(template, &sample, str::to_string).chars().count() < 2 && !template.contains('{') {
        return Err("shorter than the 2 characters STS requires in a RoleSessionName".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_sanitises() {
        let v = Values {
            user: "alice smith".into(),
            host: "box".into(),
            role: "prod".into(),
            ..Default::default()
        };
        assert_eq!(session_name("{user}@{host}", &v), "alice-smith@box");
        assert_eq!(
            session_name(
                "{role}",
                &Values {
                    role: "p".into(),
                    ..Default::default()
                }
            ),
            "p-rolex"
        );
        assert_eq!(session_name(&"x".repeat(80), &v).len(), 64);
    }

    #[test]
    fn refuses_bad_templates() {
        assert!(
            check_session_name("{nope}")
                .unwrap_err()
                .contains("unknown placeholder")
        );
        assert!(
            check_session_name("a b")
                .unwrap_err()
                .contains("cannot be in")
        );
        assert!(check_session_name("{user").is_err());
        assert!(check_session_name("x").is_err());
        assert!(check_session_name("rolex-{user}").is_ok());
    }
}
