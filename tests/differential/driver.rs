//! Running one case on both sides, comparing after every step.

use crate::native::Native;
use crate::ops::{Call, Case, Whence};
use crate::outcome::Outcome;
use crate::tree;
use crate::virt::Virt;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// How often each kind of call had each kind of result, when counted.
pub static STATS: Mutex<BTreeMap<String, u64>> = Mutex::new(BTreeMap::new());

fn count(call: &Call, outcome: &Outcome) {
    let kind = format!("{call:?}");
    let kind = kind.split(['(', ' ']).next().unwrap_or_default();
    let result = match outcome {
        Outcome::Ok(v) => {
            let v = format!("{v:?}");
            format!("ok {}", v.split(['(', ' ']).next().unwrap_or_default())
        }
        Outcome::Err(e) => e.clone(),
        Outcome::WouldBlock => "would block".into(),
    };
    *STATS
        .lock()
        .unwrap()
        .entry(format!("{kind:<16} {result}"))
        .or_default() += 1;
}

/// Run `case` natively and through vfd; the first difference, with the
/// steps that led to it, is the error.
pub fn run(case: &Case) -> Result<(), String> {
    let _no_spawn = crate::SPAWN_GUARD.read().unwrap_or_else(|e| e.into_inner());
    let native_tree = tree::new_tree();
    let vfd_tree = tree::new_tree();
    let mut native = Native::new(native_tree.path(), case.limit);
    let mut virt = Virt::new(vfd_tree.path(), case.limit);
    let mut log = String::new();
    let fail = |log: &str, what: String| {
        Err(format!(
            "Linux and vfd differ (table limit {}).\nsteps (call: Linux's result):\n{log}{what}",
            case.limit
        ))
    };
    if let Err(what) = compare_state(&mut native, &mut virt) {
        return fail(&log, format!("before any step: {what}"));
    }
    for (step, op) in case.ops.iter().enumerate() {
        let call = op.resolve(step, &native.open_numbers(), native.freed());
        let linux = native.call(&call);
        let vfd = virt.call(&call);
        if linux != vfd {
            let what = format!(
                "step {step}: {call:?}\n  Linux: {linux:?}\n  vfd:   {vfd:?}\n  (op {op:?})"
            );
            return fail(&log, what);
        }
        writeln!(log, "  {step}: {call:?}: {linux:?}").unwrap();
        count(&call, &linux);
        if let Err(what) = compare_state(&mut native, &mut virt) {
            return fail(&log, format!("after step {step}: {what}"));
        }
        let (a, b) = (
            tree::snapshot(native_tree.path()),
            tree::snapshot(vfd_tree.path()),
        );
        if a != b {
            return fail(
                &log,
                format!("after step {step}, the trees differ:\n  Linux: {a:?}\n  vfd:   {b:?}"),
            );
        }
    }
    Ok(())
}

/// The same numbers open, and for each the same offset (a seek by 0 from
/// the current position; ESPIPE for pipes), status flags, close-on-exec
/// and access mode. These queries change nothing.
fn compare_state(native: &mut Native, virt: &mut Virt) -> Result<(), String> {
    let open = native.open_numbers();
    let vfd_open = virt.open_numbers();
    if open != vfd_open {
        return Err(format!("open numbers: Linux {open:?}, vfd {vfd_open:?}"));
    }
    for fd in open {
        for call in [
            Call::Seek(fd, 0, Whence::Cur),
            Call::GetStatusFlags(fd),
            Call::GetFdFlags(fd),
            Call::GetAccessMode(fd),
        ] {
            let (linux, vfd) = (native.call(&call), virt.call(&call));
            if linux != vfd {
                return Err(format!("{call:?}\n  Linux: {linux:?}\n  vfd:   {vfd:?}"));
            }
            debug_assert!(!matches!(linux, Outcome::WouldBlock));
        }
    }
    Ok(())
}
