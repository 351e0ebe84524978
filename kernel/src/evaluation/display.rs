//! How a cell's value is shown, and the trait the kernel imports to show it with one compile.
//!
//! evcxr compiles a cell ending in an expression `e` as `(e).evcxr_display();` first and, when
//! the value has no such method, again with `{:?}`: two compiles for most values. With the
//! bundled crates loaded, the kernel imports `threading::agent::DebugDisplay` (an
//! `evcxr_display` for every `Debug` type that prints what evcxr's fallback prints) under a
//! name of its own, so the first compile succeeds. When a notebook changes evcxr's display
//! settings (`:fmt {:x}`, `:types`), the name is re-imported as a trait with no methods, so
//! evcxr's own fallback shows values as asked; evcxr replaces an import of the same name.

/// The name the display trait is imported as in every cell.
const IMPORT_NAME: &str = "ThreadlabValueDisplay";

/// evcxr's default output format (`:fmt` with no argument).
const DEFAULT_FORMAT: &str = "{:?}";

/// evcxr's display settings, as the cells that ran have set them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DisplaySettings {
    format: String,
    types: bool,
}

impl Default for DisplaySettings {
    fn default() -> Self {
        DisplaySettings { format: DEFAULT_FORMAT.to_owned(), types: false }
    }
}

impl DisplaySettings {
    /// Follows the `:fmt` and `:types` commands of a cell that evcxr ran successfully; returns
    /// whether the import must change.
    pub(super) fn follow(&mut self, code: &str) -> bool {
        let before = self.shows_debug();
        for line in code.lines().map(str::trim) {
            let mut words = line.splitn(2, char::is_whitespace);
            match words.next() {
                Some(":fmt") => {
                    let format = words.next().map(str::trim).filter(|f| !f.is_empty());
                    self.format = format.unwrap_or(DEFAULT_FORMAT).to_owned();
                }
                Some(":types") => self.types = !self.types,
                _ => {}
            }
        }
        self.shows_debug() != before
    }

    /// Whether values are shown as evcxr shows them by default (`{:?}`, no types).
    fn shows_debug(&self) -> bool {
        self.format == DEFAULT_FORMAT && !self.types
    }

    /// The `use` line that matches the settings.
    pub(super) fn import(&self) -> String {
        let name = if self.shows_debug() { "DebugDisplay" } else { "NoDisplay" };
        format!("use threading::agent::{name} as {IMPORT_NAME};")
    }
}

#[cfg(test)]
mod tests {
    use super::DisplaySettings;

    #[test]
    fn debug_display_is_imported_only_with_evcxrs_default_settings() {
        let mut settings = DisplaySettings::default();
        assert!(settings.import().contains("DebugDisplay as ThreadlabValueDisplay"));
        assert!(!settings.follow("let x = 1;\nx"));
        assert!(settings.follow(":fmt {:#x}"));
        assert!(settings.import().contains("NoDisplay as ThreadlabValueDisplay"));
        assert!(!settings.follow(":types"), "still not the default");
        assert!(!settings.follow(":fmt"), "the format is back, but types are still shown");
        assert!(settings.follow(":types"));
        assert!(settings.import().contains("DebugDisplay"));
        assert!(!settings.follow(":fmt   {:?}  "), "an explicit default changes nothing");
    }
}
