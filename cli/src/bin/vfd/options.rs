//! `-W` and `-C`: `KEY[=VALUE]` lists, comma-separated and repeatable, as
//! `wasmtime run` reads them, for the keys `vfd run` supports.

use anyhow::{Context, Result, bail};
use std::time::Duration;
use vfd_host::RunLimits;

/// The `-W` keys: what the guest's code may use.
pub const WASM_KEYS: &str =
    "max-memory-size=N, trap-on-grow-failure[=y|n], fuel=N, timeout=N|Ns|Nms|Nus|Nns";

/// The `-C` keys: how the guest is compiled.
pub const CODEGEN_KEYS: &str = "cache[=y|n]";

/// What `-C` sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Codegen {
    /// Keep compiled code between runs (on by default, as in `wasmtime run`).
    pub cache: bool,
}

impl Default for Codegen {
    fn default() -> Codegen {
        Codegen { cache: true }
    }
}

/// The run's limits from every `-W` given.
pub fn wasm_options(lists: &[String]) -> Result<RunLimits> {
    let mut limits = RunLimits::default();
    for (key, value) in pairs(lists) {
        let flag = || format!("-W {key}");
        match key {
            "max-memory-size" => limits.max_memory_size = Some(number(value).with_context(flag)?),
            "trap-on-grow-failure" => {
                limits.trap_on_grow_failure = yes_no(value).with_context(flag)?
            }
            "fuel" => limits.fuel = Some(number(value).with_context(flag)?),
            "timeout" => limits.timeout = Some(duration(value).with_context(flag)?),
            _ => bail!("-W {key}: unknown option (vfd run supports {WASM_KEYS})"),
        }
    }
    Ok(limits)
}

/// The compilation settings from every `-C` given.
pub fn codegen_options(lists: &[String]) -> Result<Codegen> {
    let mut codegen = Codegen::default();
    for (key, value) in pairs(lists) {
        match key {
            "cache" => codegen.cache = yes_no(value).with_context(|| format!("-C {key}"))?,
            _ => bail!("-C {key}: unknown option (vfd run supports {CODEGEN_KEYS})"),
        }
    }
    Ok(codegen)
}

/// Each `KEY[=VALUE]` of comma-separated lists.
fn pairs(lists: &[String]) -> impl Iterator<Item = (&str, Option<&str>)> {
    lists
        .iter()
        .flat_map(|list| list.split(','))
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (key, Some(value)),
            None => (pair, None),
        })
}

fn number<N: std::str::FromStr>(value: Option<&str>) -> Result<N> {
    let value = value.context("needs a value")?;
    value
        .parse()
        .ok()
        .with_context(|| format!("{value:?} is not a whole number"))
}

/// `y` or `n`; the key alone means `y`.
fn yes_no(value: Option<&str>) -> Result<bool> {
    match value {
        None | Some("y" | "yes" | "true") => Ok(true),
        Some("n" | "no" | "false") => Ok(false),
        Some(other) => bail!("{other:?} is not y or n"),
    }
}

/// `N` seconds, or `N` with a unit: `s`, `ms`, `us` or `ns`.
fn duration(value: Option<&str>) -> Result<Duration> {
    let value = value.context("needs a value")?;
    let digits = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (count, unit) = value.split_at(digits);
    let not_a_duration = || format!("{value:?} is not a duration (N, Ns, Nms, Nus or Nns)");
    let count: u64 = count.parse().ok().with_context(not_a_duration)?;
    Ok(match unit {
        "" | "s" => Duration::from_secs(count),
        "ms" => Duration::from_millis(count),
        "us" => Duration::from_micros(count),
        "ns" => Duration::from_nanos(count),
        _ => bail!(not_a_duration()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn wasm_options_read_lists_and_repeats() {
        let limits =
            wasm_options(&lists(&["fuel=10,max-memory-size=65536", "timeout=250ms"])).unwrap();
        assert_eq!(limits.fuel, Some(10));
        assert_eq!(limits.max_memory_size, Some(65536));
        assert_eq!(limits.timeout, Some(Duration::from_millis(250)));
        assert!(!limits.trap_on_grow_failure);
        let limits = wasm_options(&lists(&["trap-on-grow-failure", "timeout=3"])).unwrap();
        assert!(limits.trap_on_grow_failure);
        assert_eq!(limits.timeout, Some(Duration::from_secs(3)));
    }

    #[test]
    fn bad_options_are_clear_errors() {
        for (list, message) in [
            ("fuel", "-W fuel: needs a value"),
            ("fuel=lots", "-W fuel: \"lots\" is not a whole number"),
            ("timeout=1.5", "-W timeout: \"1.5\" is not a duration"),
            ("timeout=2m", "-W timeout: \"2m\" is not a duration"),
            ("timeout=", "-W timeout: \"\" is not a duration"),
            ("trap-on-grow-failure=maybe", "is not y or n"),
            (
                "epoch-interruption",
                "-W epoch-interruption: unknown option",
            ),
        ] {
            let error = format!("{:#}", wasm_options(&lists(&[list])).unwrap_err());
            assert!(error.contains(message), "{list}: {error}");
        }
        let error = format!(
            "{:#}",
            codegen_options(&lists(&["opt-level=2"])).unwrap_err()
        );
        assert!(error.contains("-C opt-level: unknown option"), "{error}");
    }

    #[test]
    fn the_cache_is_on_unless_turned_off() {
        assert!(codegen_options(&[]).unwrap().cache);
        assert!(!codegen_options(&lists(&["cache=n"])).unwrap().cache);
        assert!(codegen_options(&lists(&["cache=n,cache"])).unwrap().cache);
    }
}
