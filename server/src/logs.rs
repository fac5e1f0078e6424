//! The log filter (STYLE §8, issue 8): `RUST_LOG` as the operator wrote it (default
//! `info,sqlx=warn`), with the SIP stack kept quiet.
//!
//! rsipstack writes every SIP message it sends or receives raw at `info`: full phone numbers
//! in the request URI and `To`, and the trunk's digest `Authorization` header. Unless
//! `RUST_LOG` names `rsipstack` itself (an operator debugging the trunk, on purpose), it is
//! held at `warn`, so raw SIP never reaches the log by default or by a plain `RUST_LOG=debug`.

/// What the server logs when `RUST_LOG` is unset.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn";

/// The level the SIP stack is held at unless named.
const QUIET_SIP_STACK: &str = "rsipstack=warn";

/// The filter directives for `rust_log` (the `RUST_LOG` variable, if set).
pub fn filter_directives(rust_log: Option<&str>) -> String {
    let base = rust_log
        .map(str::trim)
        .filter(|directives| !directives.is_empty())
        .unwrap_or(DEFAULT_FILTER);
    if base.contains("rsipstack") {
        base.to_string()
    } else {
        format!("{base},{QUIET_SIP_STACK}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sip_stack_is_held_at_warn_by_default_and_under_any_broad_level() {
        assert_eq!(filter_directives(None), "info,sqlx=warn,rsipstack=warn");
        assert_eq!(filter_directives(Some("")), "info,sqlx=warn,rsipstack=warn");
        assert_eq!(filter_directives(Some("debug")), "debug,rsipstack=warn");
        assert_eq!(
            filter_directives(Some("trace,media_bridge=debug")),
            "trace,media_bridge=debug,rsipstack=warn"
        );
    }

    #[test]
    fn an_operator_who_names_the_sip_stack_gets_what_they_asked_for() {
        assert_eq!(
            filter_directives(Some("info,rsipstack=trace")),
            "info,rsipstack=trace"
        );
    }

    #[test]
    fn every_result_is_a_valid_filter() {
        for rust_log in [
            None,
            Some("debug"),
            Some("info,rsipstack=trace"),
            Some(" warn "),
        ] {
            let directives = filter_directives(rust_log);
            assert!(
                tracing_subscriber::EnvFilter::try_new(&directives).is_ok(),
                "{directives}"
            );
        }
    }
}
