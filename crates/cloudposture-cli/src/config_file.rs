//! The configuration file (TOML) and turning it, with a selection, into a plan.
//!
//! Every error names the file; TOML errors carry line and column, and errors the
//! engine finds (unknown rule, misspelt setting, bad value, unusable exception) are
//! located in the file too, so that the user goes straight to the line.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use cloudposture_core::{Config, ConfigError, EngineError, Plan, Registry, Selection, SettingsError};

/// A configuration and where it came from.
#[derive(Debug, Default)]
pub struct LoadedConfig {
    /// The file, when one was given.
    pub path: Option<PathBuf>,
    /// Its text (for locating errors).
    text: String,
    /// The parsed configuration.
    pub config: Config,
}

/// Reads and parses `path`; no file means the default configuration.
pub fn load(path: Option<&Path>) -> anyhow::Result<LoadedConfig> {
    let Some(path) = path else {
        return Ok(LoadedConfig::default());
    };
    let bytes = std::fs::read(path).with_context(|| format!("cannot read config `{}`", path.display()))?;
    let text =
        String::from_utf8(bytes).map_err(|_| anyhow!("config `{}` is not UTF-8 text", path.display()))?;
    let config = parse(&text).map_err(|e| anyhow!("config `{}`: {e}", path.display()))?;
    Ok(LoadedConfig {
        path: Some(path.to_path_buf()),
        text,
        config,
    })
}

/// Parses TOML text into a [`Config`]. The error is toml's, with line and column.
pub fn parse(text: &str) -> Result<Config, String> {
    toml::from_str::<Config>(text).map_err(|e| {
        // toml's message spans several lines (a caret under the culprit); keep it, but
        // without the trailing newline.
        e.to_string().trim_end().to_string()
    })
}

impl LoadedConfig {
    /// Selects and configures the rules. Errors from the configuration name the file
    /// and, where it can be found, the line.
    pub fn plan<'r>(&self, registry: &'r Registry, selection: &Selection) -> anyhow::Result<Plan<'r>> {
        Plan::new(registry, selection, &self.config).map_err(|e| match (&e, &self.path) {
            (EngineError::Config(c), Some(path)) => match locate(&self.text, c) {
                Some(line) => anyhow!("config `{}` line {line}: {e}", path.display()),
                None => anyhow!("config `{}`: {e}", path.display()),
            },
            _ => anyhow::Error::new(e),
        })
    }
}

type Located<'a, 'i> = (usize, &'a toml::Spanned<toml::de::DeValue<'i>>);

/// The entry `key` of `table`: where its key starts, and its value.
fn find<'a, 'i>(table: &'a toml::de::DeTable<'i>, key: &str) -> Option<Located<'a, 'i>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(k, v)| (k.span().start, v))
}

/// The 1-based line of what `error` is about.
fn locate(text: &str, error: &ConfigError) -> Option<usize> {
    let doc = toml::de::DeTable::parse(text).ok()?;
    let doc = doc.get_ref();
    let rule_table = |id: &str| {
        find(doc, "rules")?
            .1
            .get_ref()
            .as_table()?
            .iter()
            .find(|(k, _)| k.get_ref().eq_ignore_ascii_case(id))
            .map(|(k, v)| (k.span().start, v))
    };
    let offset = match error {
        ConfigError::UnknownRule { id } => rule_table(id)?.0,
        ConfigError::Settings(SettingsError::UnknownKey { rule, key, .. })
        | ConfigError::Settings(SettingsError::InvalidValue { rule, key, .. }) => {
            let (_, table) = rule_table(rule)?;
            // A path into a value (`destination_types[1]`) is found at its setting.
            let setting = key.split(['[', '.']).next().unwrap_or(key);
            find(table.get_ref().as_table()?, setting)?.0
        }
        ConfigError::InvalidException { index, .. } | ConfigError::ExceptionUnknownRule { index, .. } => {
            let (_, exceptions) = find(doc, "exceptions")?;
            let item = exceptions.get_ref().as_array()?.get(index.checked_sub(1)?)?;
            let table = item.get_ref().as_table()?;
            // The first key of the exception: its table header has no span of its own.
            table.iter().map(|(k, _)| k.span().start).min()?
        }
    };
    Some(text.get(..offset)?.matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_error(toml: &str) -> String {
        let registry = cloudposture_rules_aws::registry().unwrap();
        let loaded = LoadedConfig {
            path: Some(PathBuf::from("cp.toml")),
            text: toml.to_string(),
            config: parse(toml).unwrap(),
        };
        match loaded.plan(&registry, &Selection::all()) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn misspelt_setting_names_file_line_rule_and_key() {
        let err = plan_error("[rules.VPC-001]\nenabled = true\ntrafic_type = \"ALL\"\n");
        assert!(
            err.starts_with("config `cp.toml` line 3: rule `VPC-001` has no setting `trafic_type`"),
            "{err}"
        );
    }

    #[test]
    fn bad_value_and_unknown_rule_are_located() {
        let err = plan_error("\n[rules.VPC-001]\ntraffic_type = \"all\"\n");
        assert!(
            err.starts_with("config `cp.toml` line 3: rule `VPC-001` setting `traffic_type`"),
            "{err}"
        );
        let err = plan_error("[rules.VPC-001]\n\ndestination_types = [\"s3\", \"ftp\"]\n");
        assert!(
            err.starts_with(
                "config `cp.toml` line 3: rule `VPC-001` setting `destination_types[1]`: `ftp` is not allowed"
            ),
            "{err}"
        );
        let err = plan_error("[rules.VPC-999]\nenabled = false\n");
        assert!(
            err.starts_with("config `cp.toml` line 1: `[rules.VPC-999]` names no known rule"),
            "{err}"
        );
    }

    #[test]
    fn exceptions_are_located_by_position() {
        let err = plan_error(
            "[[exceptions]]\nrules = [\"VPC\"]\nreason = \"ok\"\n\n[[exceptions]]\nregions = [\"eu-west-1\"]\nreason = \" \"\n",
        );
        assert!(
            err.starts_with("config `cp.toml` line 6: exception 2: `reason` is empty"),
            "{err}"
        );
    }

    #[test]
    fn broken_toml_and_unknown_keys_carry_line_and_column() {
        let err = parse("[rules.VPC-001\n").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
        let err = parse("[[exceptions]]\nreason = \"x\"\nregion = [\"eu-west-1\"]\n").unwrap_err();
        assert!(
            err.contains("line 3") && err.contains("unknown field `region`"),
            "{err}"
        );
        let err = parse("[rules.VPC-001]\nrisk = \"severe\"\n").unwrap_err();
        assert!(err.contains("severe"), "{err}");
    }
}
