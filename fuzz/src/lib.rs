//! rolex's pure modules, compiled as they are (by path) so that the fuzz
//! targets exercise the real code without building the AWS SDK.

#![allow(dead_code, unused_imports)]

#[path = "../../src/config/mod.rs"]
pub mod config;
#[path = "../../src/env.rs"]
pub mod env;
#[path = "../../src/error.rs"]
pub mod error;
#[path = "../../src/process.rs"]
pub mod process;
#[path = "../../src/template.rs"]
pub mod template;
#[path = "../../src/terminal.rs"]
pub mod terminal;
