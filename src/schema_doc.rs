//! Tests that the profile file's reference (docs/profile-file.md and
//! man/rolex.5) names every key the profile file accepts: the keys are read
//! from the serde schema itself, so a new key without documentation fails.

use std::fmt;

use serde::de::{self, Deserialize, Visitor};

/// Stops deserialising as soon as the struct's field names are known.
#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("stop")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop
    }
}

/// A deserializer that only records the field names serde asks it for.
#[derive(Default)]
struct FieldNames(Option<&'static [&'static str]>);

impl<'de> de::Deserializer<'de> for &mut FieldNames {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        self.0 = Some(fields);
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

/// The keys of a `#[derive(Deserialize)]` struct.
pub fn fields_of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    let mut names = FieldNames::default();
    let _ = T::deserialize(&mut names);
    names.0.expect("a struct")
}

#[cfg(test)]
mod tests {
    fn read(path: &str) -> String {
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
            .unwrap()
    }

    #[test]
    fn the_reference_names_every_key_of_the_profile_file() {
        let markdown = read("docs/profile-file.md");
        let man = read("man/rolex.5");
        let tables = crate::config::schema_tables();
        assert!(tables.iter().map(|(_, f)| f.len()).sum::<usize>() > 25);
        let mut missing = Vec::new();
        for (table, fields) in tables {
            for key in fields {
                let in_md =
                    markdown.contains(&format!("`{key}`")) || markdown.contains(&format!("[{key}"));
                let in_man =
                    man.contains(&format!("\\fB{key}\\fR")) || man.contains(&format!(".SH [{key}"));
                if !in_md {
                    missing.push(format!("docs/profile-file.md: {table} {key}"));
                }
                if !in_man {
                    missing.push(format!("man/rolex.5: {table} {key}"));
                }
            }
        }
        assert!(missing.is_empty(), "undocumented keys: {missing:#?}");
    }

    #[test]
    fn the_recorder_sees_a_struct_s_keys() {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Two {
            a: u8,
            b_c: String,
        }
        assert_eq!(super::fields_of::<Two>(), ["a", "b_c"]);
    }
}
