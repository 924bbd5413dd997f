//! Name rules: how command and event names are qualified, split and matched.

/// Puts the caller's namespace in front of a command name that has no dot:
/// `"open"` from plugin `Me` becomes `"Me.open"`. Names with a dot are left alone.
pub fn qualify(namespace: &str, name: &str) -> String {
    if name.contains('.') {
        name.to_owned()
    } else {
        [namespace, ".", name].concat()
    }
}

/// Splits `"Plugin.command"` at its first dot. A name with more dots keeps them in the
/// command part, where no handler can match (handlers are registered without a plugin part).
pub fn split_command(full: &str) -> Option<(&str, &str)> {
    full.split_once('.')
}

/// The full name of an event a plugin publishes: always `"<Plugin>." + event`.
pub fn event_name(publisher: &str, event: &str) -> String {
    [publisher, ".", event].concat()
}

/// Whether `event` belongs to `plugin`'s namespace (`"App.ready"` belongs to `App`, not to `A`).
pub fn in_namespace(plugin: &str, event: &str) -> bool {
    event
        .strip_prefix(plugin)
        .is_some_and(|rest| rest.starts_with('.'))
}

/// How a data value appears in the third change event's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataLabel {
    /// A string value, quoted: `data.key:'text'`.
    Text(String),
    /// Any other value, as JavaScript's `String(value)` spells it: `data.key:true`.
    Other(String),
}

/// The three events published when plugin data changes, in publication order:
/// `"<P>.data"`, `"<P>.data.<key>"` and `"<P>.data.<key>:<value>"`.
pub fn data_event_names(plugin: &str, key: &str, label: &DataLabel) -> [String; 3] {
    let value = match label {
        DataLabel::Text(text) => ["'", text, "'"].concat(),
        DataLabel::Other(text) => text.clone(),
    };
    [
        [plugin, ".data"].concat(),
        [plugin, ".data.", key].concat(),
        [plugin, ".data.", key, ":", &value].concat(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unqualified_command_gets_the_callers_namespace() {
        assert_eq!(qualify("Me", "open"), "Me.open");
        assert_eq!(qualify("Me", "Other.open"), "Other.open");
    }

    #[test]
    fn a_name_with_two_dots_keeps_the_rest_in_the_command_part() {
        assert_eq!(split_command("A.b.c"), Some(("A", "b.c")));
        assert_eq!(split_command("nodot"), None);
    }

    #[test]
    fn namespace_matching_is_by_prefix_and_dot_not_by_pattern() {
        assert!(in_namespace("App", "App.ready"));
        assert!(!in_namespace("A", "App.ready"));
        assert!(!in_namespace("Lab(", "Lab.x"));
        assert!(in_namespace("Lab(", "Lab(.x"));
    }

    #[test]
    fn data_events_quote_string_values_only() {
        assert_eq!(
            data_event_names("P", "open", &DataLabel::Other("true".into())),
            ["P.data", "P.data.open", "P.data.open:true"]
        );
        assert_eq!(
            data_event_names("P", "lang", &DataLabel::Text("en".into()))[2],
            "P.data.lang:'en'"
        );
    }
}
