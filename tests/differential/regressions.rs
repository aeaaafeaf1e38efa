//! Counterexamples the differential test found, shrunk, kept as tests.
//!
//! Each is the minimal sequence proptest reported, pasted as it printed it;
//! the comment says what differed.

#![allow(unused_imports)]

use crate::ops::Fd::*;
use crate::ops::Op::*;
use crate::ops::Whence::*;
use crate::ops::*;

/// Run `case` on both sides; a difference fails the test.
fn check(case: &Case) {
    if let Err(why) = crate::driver::run(case) {
        panic!("{why}");
    }
}

/// Not a counterexample: every kind of step, on a file, a pipe and a
/// directory, with the numbers written out, so that a plain run goes
/// through each call's success path.
#[test]
fn every_call_once() {
    check(&Case {
        limit: 64,
        ops: vec![
            Open {
                path: "a",
                flags: OpenBits(R | W),
            },
            Pipe(false, false, false),
            Write(Num(5), 5),
            Read(Num(4), 3),
            Dup(Num(3)),
            Dup2(Num(3), Num(9)),
            Dup3(Num(9), Num(10), true),
            DupMin(Num(3), 20, true),
            Read(Num(9), 4),
            Seek(Num(6), 0, Cur),
            Write(Num(10), 4),
            Pread(Num(3), 40, 0),
            Pwrite(Num(20), 3, 30),
            Seek(Num(3), -2, End),
            Seek(Num(3), -1, Set),
            Truncate(Num(3), 10),
            Stat(Num(3)),
            GetFdFlags(Num(10)),
            SetFdFlags(Num(10), false),
            GetStatusFlags(Num(3)),
            SetStatusFlags(Num(3), true, true),
            Write(Num(6), 2),
            GetAccessMode(Num(5)),
            OpenAt {
                dir: Num(AT_FDCWD),
                path: "sub",
                flags: OpenBits(DIRECTORY),
            },
            OpenAt {
                dir: Num(7),
                path: "y",
                flags: OpenBits(0),
            },
            Read(Num(8), 20),
            Close(Num(3)),
            Close(Freed(0)),
            Close(Num(5)),
            Read(Num(4), 10),
            Read(Num(4), 10),
        ],
    });
}
