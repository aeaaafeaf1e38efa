//! Unit tests of the dup family. Each expectation is what a Linux process
//! gets from the call named in the test, with the table's limit standing
//! for `RLIMIT_NOFILE` (checked by hand against `dup(2)`, `dup2(2)`,
//! `dup3(2)` and `fcntl(2)`, and in the differential test).

use super::*;
use std::rc::Rc;

/// A table with limit `limit` whose numbers `0..n` are open, each holding
/// an object named after its number.
fn filled(limit: u32, n: u32) -> Table<Rc<String>> {
    let mut table = Table::new(limit);
    for fd in 0..n {
        assert_eq!(table.insert(Rc::new(format!("obj{fd}")), false), Ok(fd));
    }
    table
}

fn object(table: &Table<Rc<String>>, fd: u32) -> &str {
    &table.get(fd).unwrap().object
}

#[test]
fn dup_takes_the_lowest_free_number_and_clears_cloexec() {
    // Linux: dup(2) returns the lowest-numbered unused descriptor; the new
    // one's FD_CLOEXEC is off whatever the old one's.
    let mut t = filled(16, 3);
    t.get_mut(1).unwrap().cloexec = true;
    t.remove(0).unwrap();
    assert_eq!(t.dup(1), Ok(0));
    assert_eq!(object(&t, 0), "obj1");
    assert!(!t.get(0).unwrap().cloexec);
    assert_eq!(t.dup(1), Ok(3));
}

#[test]
fn dup_shares_the_object() {
    let mut t = filled(16, 1);
    let fd = t.dup(0).unwrap();
    assert!(Rc::ptr_eq(
        &t.get(0).unwrap().object,
        &t.get(fd).unwrap().object
    ));
}

#[test]
fn dup_of_a_closed_number_is_ebadf_and_changes_nothing() {
    let mut t = filled(16, 2);
    assert_eq!(t.dup(5), Err(Errno::Badf));
    assert_eq!(t.dup(u32::MAX), Err(Errno::Badf));
    assert_eq!(t.len(), 2);
}

#[test]
fn dup_with_no_free_number_is_emfile() {
    let mut t = filled(2, 2);
    assert_eq!(t.dup(0), Err(Errno::Mfile));
}

#[test]
fn dup2_onto_itself_returns_it_if_open_else_ebadf() {
    // Linux: "If oldfd is a valid file descriptor, and newfd has the same
    // value as oldfd, then dup2() does nothing, and returns newfd."
    let mut t = filled(16, 2);
    t.get_mut(1).unwrap().cloexec = true;
    assert!(t.dup2(1, 1).unwrap().is_none());
    assert!(t.get(1).unwrap().cloexec, "dup2(fd, fd) keeps FD_CLOEXEC");
    assert_eq!(t.dup2(7, 7).unwrap_err(), Errno::Badf);
    assert_eq!(t.len(), 2);
}

#[test]
fn dup2_replaces_an_open_target_and_hands_back_what_it_held() {
    let mut t = filled(16, 3);
    t.get_mut(2).unwrap().cloexec = true;
    let displaced = t.dup2(0, 2).unwrap().expect("2 was open");
    assert_eq!(*displaced.object, "obj2");
    assert_eq!(object(&t, 2), "obj0");
    assert!(!t.get(2).unwrap().cloexec, "dup2 clears FD_CLOEXEC");
    assert_eq!(t.len(), 3);
}

#[test]
fn dup2_onto_a_free_number_fills_it() {
    let mut t = filled(16, 1);
    assert!(t.dup2(0, 9).unwrap().is_none());
    assert_eq!(object(&t, 9), "obj0");
    assert_eq!(t.insert(Rc::new("next".into()), false), Ok(1));
}

#[test]
fn dup2_of_a_closed_number_leaves_the_target_open() {
    // Linux looks up oldfd before it closes newfd: a bad oldfd is EBADF and
    // newfd is untouched.
    let mut t = filled(16, 3);
    assert_eq!(t.dup2(8, 2).unwrap_err(), Errno::Badf);
    assert_eq!(object(&t, 2), "obj2");
}

#[test]
fn dup2_to_a_target_at_or_above_the_limit_is_ebadf() {
    // Linux: newfd out of the allowed range is EBADF (not EINVAL).
    let mut t = filled(4, 1);
    assert_eq!(t.dup2(0, 4).unwrap_err(), Errno::Badf);
    assert_eq!(t.dup2(0, u32::MAX).unwrap_err(), Errno::Badf);
    assert_eq!(t.len(), 1);
}

#[test]
fn dup2_onto_the_last_free_number_of_a_full_table_succeeds() {
    // dup2 needs no new number, so it works where dup is EMFILE.
    let mut t = filled(3, 3);
    t.remove(1).unwrap();
    assert!(t.dup2(0, 1).unwrap().is_none());
    assert_eq!(t.dup(0), Err(Errno::Mfile));
}

#[test]
fn dup3_onto_itself_is_einval_open_or_not() {
    // Linux: "If oldfd equals newfd, then dup3() fails with EINVAL."
    let mut t = filled(16, 2);
    assert_eq!(t.dup3(1, 1, false).unwrap_err(), Errno::Inval);
    assert_eq!(t.dup3(9, 9, true).unwrap_err(), Errno::Inval);
    assert_eq!(t.len(), 2);
}

#[test]
fn dup3_sets_cloexec_as_asked() {
    let mut t = filled(16, 1);
    assert!(t.dup3(0, 5, true).unwrap().is_none());
    assert!(t.get(5).unwrap().cloexec);
    t.dup3(0, 5, false).unwrap();
    assert!(!t.get(5).unwrap().cloexec);
}

#[test]
fn dup_min_takes_the_lowest_free_number_at_or_above_min() {
    // Linux F_DUPFD: "the lowest-numbered available file descriptor
    // greater than or equal to arg".
    let mut t = filled(16, 6);
    t.remove(2).unwrap();
    assert_eq!(t.dup_min(0, 3, false), Ok(6));
    assert_eq!(t.dup_min(0, 0, true), Ok(2));
    assert!(t.get(2).unwrap().cloexec, "F_DUPFD_CLOEXEC");
    assert!(!t.get(6).unwrap().cloexec);
}

#[test]
fn dup_min_checks_the_number_before_the_minimum() {
    // Linux's fcntl looks the descriptor up before F_DUPFD checks arg
    // against RLIMIT_NOFILE: a closed fd with a bad minimum is EBADF.
    let mut t = filled(4, 1);
    assert_eq!(t.dup_min(3, 4, false), Err(Errno::Badf));
    assert_eq!(t.dup_min(0, 4, false), Err(Errno::Inval));
    assert_eq!(t.dup_min(0, u32::MAX, false), Err(Errno::Inval));
}

#[test]
fn dup_min_with_nothing_free_at_or_above_min_is_emfile() {
    let mut t = filled(4, 3);
    t.remove(0).unwrap();
    assert_eq!(t.dup_min(1, 3, false), Ok(3));
    assert_eq!(t.dup_min(1, 1, false), Err(Errno::Mfile));
}

#[test]
fn renumber_moves_the_object_as_dup2_and_close_and_frees_the_source() {
    // preview 1's fd_renumber: `to` takes over `from`'s description,
    // `from` is closed, as dup2(from, to) and close(from) on Linux (the
    // preview 1 differential test's oracle): `to`'s close-on-exec flag is
    // clear, as after dup2.
    let mut t = filled(16, 5);
    t.get_mut(4).unwrap().cloexec = true;
    t.get_mut(1).unwrap().cloexec = true;
    let displaced = t.renumber(4, 1).unwrap().unwrap();
    assert_eq!(&*displaced.object, "obj1");
    assert_eq!(object(&t, 1), "obj4");
    assert!(!t.get(1).unwrap().cloexec);
    assert_eq!(t.get(4).err(), Some(Errno::Badf));
    assert_eq!(t.len(), 4);
    // The freed number is the lowest free one again.
    assert_eq!(t.insert(Rc::new("new".into()), false), Ok(4));
}

#[test]
fn renumber_needs_both_numbers_open_and_changes_nothing_otherwise() {
    // Unlike dup2, a closed target is EBADF (wasmtime-wasi and the WASI
    // test suite agree); a number at or above the limit is not open.
    let mut t = filled(16, 3);
    t.remove(1).unwrap();
    assert_eq!(t.renumber(0, 1).err(), Some(Errno::Badf));
    assert_eq!(t.renumber(1, 0).err(), Some(Errno::Badf));
    assert_eq!(t.renumber(0, u32::MAX).err(), Some(Errno::Badf));
    assert_eq!(t.renumber(u32::MAX, u32::MAX).err(), Some(Errno::Badf));
    assert_eq!((object(&t, 0), object(&t, 2), t.len()), ("obj0", "obj2", 2));
    // A number onto itself: nothing happens.
    assert!(t.renumber(2, 2).unwrap().is_none());
    assert_eq!(object(&t, 2), "obj2");
}
