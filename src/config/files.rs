//! Reading the profile file and the files it includes, refusing what could
//! hang, exhaust rolex or let other users choose commands to run.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::schema::{FileText, RawFile, parse_raw};
use crate::error::{UserError, usage};

/// How deep `include`s may nest (the main file is depth 0).
pub const MAX_INCLUDE_DEPTH: usize = 16;
/// How many files one profile may be made of, includes counted.
pub const MAX_FILES: usize = 200;
/// The largest profile file read.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// The main file and every file it includes, in order: each file before the
/// files it includes, a file included twice read once.
pub fn read_all(path: &Path) -> Result<Vec<(FileText, RawFile)>, UserError> {
    let mut tree = Tree {
        files: Vec::new(),
        seen: BTreeSet::new(),
    };
    tree.read(path, 0)?;
    Ok(tree.files)
}

struct Tree {
    files: Vec<(FileText, RawFile)>,
    seen: BTreeSet<PathBuf>,
}

impl Tree {
    fn read(&mut self, path: &Path, depth: usize) -> Result<(), UserError> {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if !self.seen.insert(canonical) {
            return Ok(());
        }
        let file = FileText {
            path: path.to_path_buf(),
            text: read_text(path)?,
        };
        let raw = parse_raw(&file)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let includes: Vec<(PathBuf, Range<usize>)> = raw
            .include
            .iter()
            .map(|i| (dir.join(i.get_ref()), i.span()))
            .collect();
        self.files.push((file, raw));
        let me = self.files.len() - 1;
        for (inc, span) in includes {
            let refuse = |why: String| Err(self.files[me].0.error(span.clone(), why));
            if !inc.exists() {
                return refuse(format!("included file {} does not exist", inc.display()));
            }
            if depth + 1 > MAX_INCLUDE_DEPTH {
                return refuse(format!(
                    "includes nest more than {MAX_INCLUDE_DEPTH} files deep (at {})",
                    inc.display()
                ));
            }
            if self.files.len() >= MAX_FILES {
                return refuse(format!(
                    "the profile is made of more than {MAX_FILES} files (at {})",
                    inc.display()
                ));
            }
            self.read(&inc, depth + 1)?;
        }
        Ok(())
    }
}

/// A profile file's text: a regular file (a FIFO or a device could block or
/// never end), safe to trust (see [`check_permissions`]), of a sane size.
fn read_text(path: &Path) -> Result<String, UserError> {
    use std::io::Read;
    let cannot = |e: &dyn std::fmt::Display| {
        usage(format!(
            "{}: cannot read the profile file: {e}",
            path.display()
        ))
    };
    let meta = std::fs::metadata(path).map_err(|e| cannot(&e))?;
    if !meta.is_file() {
        return Err(usage(format!(
            "{}: not a regular file; a profile file must be one",
            path.display()
        )));
    }
    check_permissions(path)?;
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| cannot(&e))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(usage(format!(
            "{}: larger than {} KiB; that is not a profile file",
            path.display(),
            MAX_FILE_BYTES / 1024
        )));
    }
    Ok(text)
}

/// A profile file can name a command to run (`mfa_command`), so one that
/// other users could change is refused.
fn check_permissions(path: &Path) -> Result<(), UserError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let refuse = |why: String, fix: String| {
            Err(usage(format!(
                "{}: {why}, and a profile file can name commands to run",
                path.display()
            ))
            .hint(fix))
        };
        let meta = std::fs::metadata(path).map_err(|e| {
            usage(format!(
                "{}: cannot read the profile file: {e}",
                path.display()
            ))
        })?;
        if meta.mode() & 0o022 != 0 {
            return refuse(
                format!(
                    "the profile file is writable by other users (mode {:o})",
                    meta.mode() & 0o777
                ),
                format!("chmod go-w '{}'", path.display()),
            );
        }
        if let Some(me) = crate::process::my_uid()
            && meta.uid() != me
            && meta.uid() != 0
        {
            return refuse(
                format!(
                    "the profile file belongs to another user (uid {})",
                    meta.uid()
                ),
                "copy it to a file of your own".to_string(),
            );
        }
        check_folder(path, &refuse)?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Whoever may write the profile file's folder may put another file in its
/// place (unless the sticky bit keeps them from replacing ours).
#[cfg(unix)]
fn check_folder(
    path: &Path,
    refuse: &impl Fn(String, String) -> Result<(), UserError>,
) -> Result<(), UserError> {
    use std::os::unix::fs::MetadataExt;
    let dir = path
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    if let Some(dir) = dir
        && let Ok(dm) = std::fs::metadata(&dir)
    {
        let fix = || {
            format!(
                "keep the profile file in a folder of your own: chmod go-w '{}'",
                dir.display()
            )
        };
        if dm.mode() & 0o022 != 0 && dm.mode() & 0o1000 == 0 {
            return refuse(
                format!(
                    "its folder {} can be written by other users (mode {:o})",
                    dir.display(),
                    dm.mode() & 0o777
                ),
                fix(),
            );
        }
        if let Some(me) = crate::process::my_uid()
            && dm.uid() != me
            && dm.uid() != 0
        {
            return refuse(
                format!(
                    "its folder {} belongs to another user (uid {})",
                    dir.display(),
                    dm.uid()
                ),
                fix(),
            );
        }
    }
    Ok(())
}
