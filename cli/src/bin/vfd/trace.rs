//! `vfd run --trace`: vfd's call events (`vfd_host::trace`) printed as
//! strace prints system calls, one line per call:
//!
//! ```text
//! open-at(AT_FDCWD, "/data/a", O_RDONLY) = 3 <4.1us>
//! close(7) = -1 EBADF (Bad file descriptor) <310ns>
//! ```
//!
//! and, at exit, the guest's table: `vfd: table at exit: 3 ...`, one line
//! per open number. The subscriber is interested in vfd's two targets
//! only, so nothing else that uses `tracing` pays for it.

use anyhow::{Context, Result, bail};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata};
use vfd_host::trace::{CALL_TARGET, TABLE_TARGET};

/// What `--trace`, `--trace-calls` and `--trace-fds` ask for.
pub struct TraceOptions {
    /// Where the lines go: a file, else stderr.
    pub file: Option<PathBuf>,
    /// Only these calls (by the names the lines show), if given.
    pub calls: Option<HashSet<String>>,
    /// Only calls that take or make one of these numbers, if given.
    pub fds: Option<HashSet<u32>>,
}

impl TraceOptions {
    /// From the flags: `None` when tracing is off. Either filter turns it
    /// on, to stderr.
    pub fn from_flags(
        trace: Option<Option<PathBuf>>,
        calls: &[String],
        fds: &[String],
    ) -> Result<Option<TraceOptions>> {
        if trace.is_none() && calls.is_empty() && fds.is_empty() {
            return Ok(None);
        }
        let calls = (!calls.is_empty()).then(|| {
            calls
                .iter()
                .flat_map(|list| list.split(','))
                .map(str::to_owned)
                .collect()
        });
        let fds = if fds.is_empty() {
            None
        } else {
            let mut numbers = HashSet::new();
            for n in fds.iter().flat_map(|list| list.split(',')) {
                let fd = n
                    .parse()
                    .ok()
                    .with_context(|| format!("--trace-fds: {n:?} is not a descriptor number"))?;
                numbers.insert(fd);
            }
            Some(numbers)
        };
        Ok(Some(TraceOptions {
            file: trace.flatten(),
            calls,
            fds,
        }))
    }

    /// Install the printing subscriber for the whole process.
    pub fn install(self) -> Result<()> {
        let out: Box<dyn Write + Send> = match &self.file {
            Some(path) => Box::new(std::io::LineWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("--trace: cannot create {}", path.display()))?,
            )),
            None => Box::new(std::io::stderr()),
        };
        let printer = Printer {
            options: self,
            out: Mutex::new(out),
        };
        if tracing::subscriber::set_global_default(printer).is_err() {
            bail!("--trace: a tracing subscriber is already installed");
        }
        Ok(())
    }
}

/// The subscriber that prints.
struct Printer {
    options: TraceOptions,
    out: Mutex<Box<dyn Write + Send>>,
}

/// An event's fields, as text.
#[derive(Default)]
struct Fields {
    call: String,
    args: String,
    ret: String,
    errno: String,
    error: String,
    fds: String,
    elapsed_ns: u64,
    entry: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        let slot = match field.name() {
            "call" => &mut self.call,
            "args" => &mut self.args,
            "ret" => &mut self.ret,
            "errno" => &mut self.errno,
            "error" => &mut self.error,
            "fds" => &mut self.fds,
            _ => return,
        };
        value.clone_into(slot);
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "elapsed_ns" {
            self.elapsed_ns = value;
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "entry" {
            // `entry` is recorded with `%`: its Debug is its Display.
            let _ = write!(self.entry, "{value:?}");
        }
    }
}

impl Printer {
    fn wanted(&self, fields: &Fields) -> bool {
        if let Some(calls) = &self.options.calls
            && !calls.contains(&fields.call)
        {
            return false;
        }
        match &self.options.fds {
            Some(fds) => fields
                .fds
                .split(',')
                .filter_map(|n| n.parse().ok())
                .any(|n| fds.contains(&n)),
            None => true,
        }
    }

    fn line(&self, meta: &Metadata<'_>, fields: &Fields) -> Option<String> {
        if meta.target() == TABLE_TARGET {
            return Some(format!("vfd: table at exit: {}", fields.entry));
        }
        if !self.wanted(fields) {
            return None;
        }
        let mut line = format!("{}({}) = {}", fields.call, fields.args, fields.ret);
        if !fields.errno.is_empty() {
            let _ = write!(line, " {} ({})", fields.errno, fields.error);
        }
        let _ = write!(line, " <{}>", elapsed(fields.elapsed_ns));
        Some(line)
    }
}

/// A duration as strace's `-T` would show it, in a readable unit.
fn elapsed(ns: u64) -> String {
    match ns {
        0..1_000 => format!("{ns}ns"),
        1_000..1_000_000 => format!("{:.1}us", ns as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1}ms", ns as f64 / 1e6),
        _ => format!("{:.2}s", ns as f64 / 1e9),
    }
}

fn ours(meta: &Metadata<'_>) -> bool {
    meta.target() == CALL_TARGET || meta.target() == TABLE_TARGET
}

impl tracing::Subscriber for Printer {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if ours(meta) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        ours(meta)
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        // vfd makes no spans; every span is the same to this subscriber.
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        if let Some(line) = self.line(event.metadata(), &fields) {
            let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
            // A trace that cannot be written (a closed stderr) must not
            // stop the guest.
            let _ = writeln!(out, "{line}");
        }
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_strace_minded_people_expect() {
        assert_eq!(elapsed(310), "310ns");
        assert_eq!(elapsed(4_100), "4.1us");
        assert_eq!(elapsed(2_500_000), "2.5ms");
        assert_eq!(elapsed(3_000_000_000), "3.00s");
    }

    #[test]
    fn filters_are_read_from_lists() {
        let options =
            TraceOptions::from_flags(None, &["close,dup2".into()], &["3".into(), "5".into()])
                .unwrap()
                .unwrap();
        assert_eq!(options.calls.unwrap().len(), 2);
        assert_eq!(options.fds.unwrap(), HashSet::from([3, 5]));
        assert!(TraceOptions::from_flags(None, &[], &[]).unwrap().is_none());
        let error = TraceOptions::from_flags(None, &[], &["x".into()])
            .err()
            .unwrap();
        assert!(format!("{error:#}").contains("--trace-fds: \"x\" is not a descriptor number"));
    }
}
