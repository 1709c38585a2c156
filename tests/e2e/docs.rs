//! The documentation a clone carries: every relative link of README.md,
//! CHANGELOG.md and docs/*.md leads to a file of the repository (never
//! outside it), and every `#anchor` to a heading that exists.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap()
}

fn documents() -> Vec<PathBuf> {
    let root = root();
    let mut docs = vec![root.join("README.md"), root.join("CHANGELOG.md")];
    let mut more: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    more.sort();
    docs.extend(more);
    docs
}

/// Link targets of a Markdown text: `[text](target)`, outside code blocks.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].trim().to_string());
            rest = &after[end..];
        }
    }
    out
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(text: &str) -> Vec<String> {
    let mut in_code = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            out.push(slug(line.trim_start_matches('#')));
        }
    }
    out
}

fn check_link(doc: &Path, target: &str) -> Result<(), String> {
    if target.starts_with("http://")
        || target.starts_with("https://")
        || target.starts_with("mailto:")
    {
        return Ok(());
    }
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    let file = if path.is_empty() {
        doc.to_path_buf()
    } else {
        doc.parent().unwrap().join(path)
    };
    let real = file
        .canonicalize()
        .map_err(|_| format!("{target}: no such file"))?;
    if !real.starts_with(root()) {
        return Err(format!("{target}: outside the repository"));
    }
    if let Some(anchor) = anchor {
        let text = std::fs::read_to_string(&real).map_err(|e| format!("{target}: {e}"))?;
        if !anchors(&text).iter().any(|a| a == anchor) {
            return Err(format!("{target}: no heading with anchor #{anchor}"));
        }
    }
    Ok(())
}

#[test]
fn readme_and_docs_link_only_what_the_repository_has() {
    let mut bad = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        for target in links(&text) {
            checked += 1;
            if let Err(e) = check_link(&doc, &target) {
                bad.push(format!(
                    "{}: {e}",
                    doc.strip_prefix(root()).unwrap().display()
                ));
            }
        }
    }
    assert!(checked > 20, "only {checked} links found");
    assert!(bad.is_empty(), "broken links:\n{}", bad.join("\n"));
}

#[test]
fn the_link_check_catches_what_it_must() {
    let readme = root().join("README.md");
    assert!(check_link(&readme, "docs/profile-file.md").is_ok());
    assert!(check_link(&readme, "../shared/SPEC.md").is_err());
    assert!(check_link(&readme, "docs/nothing-here.md").is_err());
    assert!(check_link(&readme, "docs/profile-file.md#no-such-heading").is_err());
    assert!(check_link(&readme, "docs/profile-file.md#defaults").is_ok());
    assert_eq!(slug(" [sources.NAME]"), "sourcesname");
}
