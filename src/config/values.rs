//! Checks of single values: durations, account ids, regions, role ARNs, and
//! did-you-mean suggestions for unknown names.

use std::ops::Range;

use super::ROLE_DURATION;

pub fn parse_duration(s: &str, range: Range<u32>, what: &str) -> Result<u32, String> {
    let d = humantime::parse_duration(s.trim()).map_err(|e| {
        format!("{what} {s:?} is not a duration ({e}); write it like 30m, 1h or 1h30m")
    })?;
    let secs = u32::try_from(d.as_secs()).unwrap_or(u32::MAX);
    if !range.contains(&secs) {
        return Err(format!(
            "{what} {s:?} is out of range: it must be from {} to {}",
            humantime::format_duration(std::time::Duration::from_secs(range.start.into())),
            humantime::format_duration(std::time::Duration::from_secs((range.end - 1).into()))
        ));
    }
    Ok(secs)
}

/// Parses a role session length from a flag or the file (15m..12h).
pub fn role_duration(s: &str) -> Result<u32, String> {
    parse_duration(s, ROLE_DURATION, "duration")
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// An AWS region name in every partition's shape: a 2 to 4 letter area,
/// one or more words, a number (`eu-west-1`, `us-gov-west-1`,
/// `cn-north-1`, `eusc-de-east-1`).
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [area, words @ .., number] = parts.as_slice() else {
        return false;
    };
    let letters = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    s.len() <= 32
        && (2..=4).contains(&area.len())
        && letters(area)
        && !words.is_empty()
        && words.iter().all(|w| letters(w))
        && (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Splits `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`.
pub fn parse_role_arn(arn: &str) -> Option<(String, String)> {
    let rest = arn.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let partition = parts.next()?;
    let service = parts.next()?;
    let region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    let name = resource.strip_prefix("role/")?;
    (partition.starts_with("aws")
        && service == "iam"
        && region.is_empty()
        && is_account_id(account)
        && !name.is_empty())
    .then(|| {
        (
            account.to_string(),
            name.rsplit('/').next().unwrap_or(name).to_string(),
        )
    })
}

/// "unknown X "name"", with a did-you-mean when one is close.
pub fn unknown<'a>(what: &str, name: &str, known: impl Iterator<Item = &'a String>) -> String {
    let known: Vec<&String> = known.collect();
    let mut msg = format!("unknown {what} {name:?}");
    if let Some(best) = closest(name, known.iter().map(|s| s.as_str())) {
        msg.push_str(&format!(" (did you mean {best:?}?)"));
    } else if !known.is_empty() && known.len() <= 8 {
        msg.push_str(&format!(
            " (known: {})",
            known
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    msg
}

/// The known name nearest to `name`, if it is near enough to be a typo.
pub fn closest<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4) && *d < k.len())
        .min()
        .map(|(_, k)| k)
}

pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}
