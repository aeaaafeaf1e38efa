//! Counterexamples the differential test found, shrunk, kept as tests.
//!
//! Each is the minimal sequence proptest reported, pasted as it printed it;
//! the comment says what differed.

#![allow(unused_imports)]

use crate::ops::Fd::*;
use crate::ops::Op::*;
use crate::ops::Times::*;
use crate::ops::Whence::*;
use crate::ops::*;

/// Run `case` on both sides, at both levels, and through a guest on the
/// wasm build too; a difference fails the test.
fn check(case: &Case) {
    for run in [
        crate::driver::run,
        crate::guest::run,
        crate::guest::run_composed,
    ] {
        if let Err(why) = run(case) {
            panic!("{why}");
        }
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
            Symlink {
                target: "a",
                dir: Num(AT_FDCWD),
                path: "new",
            },
            Readlink {
                dir: Num(AT_FDCWD),
                path: "new",
            },
            Link {
                dir: Num(AT_FDCWD),
                path: "sub/y",
                new_dir: Num(AT_FDCWD),
                new_path: "sub/z",
            },
            SetTimesAt {
                dir: Num(AT_FDCWD),
                path: "new",
                times: Explicit,
                follow: false,
            },
            SetTimesAt {
                dir: Num(AT_FDCWD),
                path: "sub/z",
                times: Mixed,
                follow: true,
            },
            SetTimesAt {
                dir: Num(AT_FDCWD),
                path: "nodir/x",
                times: Omit,
                follow: true,
            },
            SetTimes {
                fd: Num(20),
                times: Explicit,
            },
            SetTimes {
                fd: Num(20),
                times: Now,
            },
        ],
    });
}

/// Found at the guest level: the guest library refused a negative
/// `F_DUPFD` minimum with EINVAL before the host could see that the number
/// is not open (Linux: EBADF first).
#[test]
fn dup_min_negative_minimum_on_a_closed_number_is_ebadf() {
    check(&Case {
        limit: 64,
        ops: vec![DupMin(Freed(0), 2147483648, false)],
    });
}

/// Found at the guest level: a `SEEK_SET` offset past `i64::MAX` (a
/// negative `off_t` in C) was EINVAL in the guest library whatever the
/// number; Linux says EBADF for a closed number and ESPIPE for a pipe.
#[test]
fn seek_set_to_a_negative_offset_is_ebadf_or_espipe_first() {
    check(&Case {
        limit: 64,
        ops: vec![
            Seek(Num(NEVER), -1, Set),
            Pipe(false, false, false),
            Seek(Nth(0), i64::MIN, Set),
            Seek(Nth(1), -1, Set),
        ],
    });
}

/// Found while writing the guest level: `openat` with a negative
/// directory and an absolute path opens the path on Linux, which ignores
/// the directory; the guest library must not refuse the number first.
#[test]
fn openat_ignores_a_negative_directory_for_an_absolute_path() {
    check(&Case {
        limit: 64,
        ops: vec![
            OpenAt {
                dir: Num(u32::MAX),
                path: "/data/a",
                flags: OpenBits(R),
            },
            OpenAt {
                dir: Num(u32::MAX),
                path: "a",
                flags: OpenBits(R),
            },
        ],
    });
}

/// Found at the guest level: the guest library refused a negative number
/// (here 2^31 as an `int`) with EBADF itself, ahead of the offset check
/// Linux makes first (EINVAL for an offset past `i64::MAX`).
#[test]
fn pwrite_past_the_largest_offset_is_einval_before_ebadf() {
    check(&Case {
        limit: 64,
        ops: vec![
            Pwrite(Num(1 << 31), 0, 1 << 63),
            Pread(Num(u32::MAX), 1, u64::MAX),
        ],
    });
}

/// Found with the directory calls: cap-std reads `sub/` as `sub/.`, so
/// rmdir of a full directory with a trailing slash was EINVAL (Linux:
/// ENOTEMPTY), and of an empty one refused to remove it.
#[test]
fn rmdir_with_a_trailing_slash_is_rmdir_of_the_directory() {
    check(&Case {
        limit: 64,
        ops: vec![
            RemoveDir {
                dir: Num(AT_FDCWD),
                path: "sub/",
            },
            Mkdir {
                dir: Num(AT_FDCWD),
                path: "newdir",
            },
            RemoveDir {
                dir: Num(AT_FDCWD),
                path: "newdir/",
            },
        ],
    });
}

/// Found with the directory calls: fstatat of `file/` stat'ed the file
/// (Linux: ENOTDIR), and a trailing slash follows a final symlink even
/// with AT_SYMLINK_NOFOLLOW.
#[test]
fn stat_at_with_a_trailing_slash_wants_a_directory() {
    check(&Case {
        limit: 64,
        ops: vec![
            StatAt {
                dir: Num(AT_FDCWD),
                path: "a/",
                follow: true,
            },
            StatAt {
                dir: Num(AT_FDCWD),
                path: "dlink/",
                follow: false,
            },
        ],
    });
}

/// Found with the directory calls: Linux looks up both parents of a
/// rename (ENOENT, ENOTDIR, EBADF) before it looks at either name or
/// compares mounts.
#[test]
fn rename_looks_up_both_parents_first() {
    check(&Case {
        limit: 64,
        ops: vec![
            Rename {
                dir: Num(AT_FDCWD),
                path: "link/",
                new_dir: Num(AT_FDCWD),
                new_path: "newdir/x",
            },
            Rename {
                dir: Num(AT_FDCWD),
                path: "nodir/x",
                new_dir: Num(2),
                new_path: "new",
            },
            Rename {
                dir: Num(AT_FDCWD),
                path: "sub/",
                new_dir: Num(AT_FDCWD),
                new_path: "newdir/",
            },
        ],
    });
}

/// The wasm build moved an append description's offset to the end on a
/// write of nothing; Linux returns before it looks at the end.
#[test]
fn empty_append_write_keeps_the_offset() {
    check(&Case {
        limit: 64,
        ops: vec![
            Open {
                path: "a",
                flags: OpenBits(W),
            },
            SetStatusFlags(Nth(0), true, false),
            Open {
                path: "a",
                flags: OpenBits(0),
            },
            Read(Nth(0), 0),
            Write(Nth(1), 0),
        ],
    });
}

/// The wasm build handed `sub/` to wasi:filesystem's remove-directory-at,
/// which reads it as `sub/.` (`inval`); Linux removes `sub` (here, not
/// empty).
#[test]
fn rmdir_with_a_trailing_slash_on_the_wasm_build() {
    check(&Case {
        limit: 64,
        ops: vec![RemoveDir {
            dir: Num(4294967196),
            path: "sub/",
        }],
    });
}

/// The wasm build allowed a seek past ext4's largest file (16 TiB less
/// 4 KiB), where Linux on ext4 says `inval`.
#[test]
fn seek_past_the_largest_file() {
    check(&Case {
        limit: 64,
        ops: vec![
            Open {
                path: "sub/y",
                flags: OpenBits(0),
            },
            Seek(Nth(0), 17592186044416, Set),
        ],
    });
}
