//! End-to-end tests: the built `rolex` binary against a moto server, a real
//! Secret Service (when the test runner provides one) and real shells.

mod harness;
mod world;

mod core;
mod errors;
mod generated;
mod secrets;
mod shells;
