//! The session cache as the front binary reads it: the entries, and on
//! Linux the kernel keyring that holds them. rolex-core's own files.

#[path = "../cache/entry.rs"]
mod entry;
#[cfg(target_os = "linux")]
#[path = "../cache/kernel.rs"]
pub mod kernel;

pub use entry::*;
