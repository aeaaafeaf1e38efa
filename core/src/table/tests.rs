//! Unit tests for the descriptor table. Linux is the reference: every
//! expectation below is what a Linux process gets from the matching call
//! (`open`/`dup` for `insert`, `F_DUPFD` for `insert_from`, `dup2` for
//! `replace`, `close` for `remove`), with the table's limit standing for
//! `RLIMIT_NOFILE`.

use super::*;

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

/// The open numbers, in the order `iter` yields them.
fn open_fds<T>(table: &Table<T>) -> Vec<u32> {
    table.iter().map(|(fd, _)| fd).collect()
}

/// A table with limit `limit` whose numbers `0..n` are open, each holding
/// its own number as object.
fn filled(limit: u32, n: u32) -> Table<u32> {
    let mut table = Table::new(limit);
    for want in 0..n {
        assert_eq!(table.insert(want, false), Ok(want));
    }
    assert_eq!(table.len(), n as usize);
    table
}

/// Fill `table` with `insert` until it is full, checking that the numbers
/// come out as exactly `0..limit`, in order.
fn fill_to_limit(table: &mut Table<u32>) {
    let limit = table.max_fds();
    for want in table.len() as u32..limit {
        assert_eq!(table.insert(want, false), Ok(want), "limit {limit}");
    }
    assert_eq!(table.len(), limit as usize, "limit {limit}");
}

// ---------------------------------------------------------------------------
// Lowest-free allocation: open(2), dup(2)
// ---------------------------------------------------------------------------

#[test]
fn lowest_free_first_insert_is_zero_then_increasing() {
    let mut table = Table::new(DEFAULT_MAX_FDS);
    assert!(table.is_empty());
    for want in 0..10 {
        assert_eq!(table.insert(want, false), Ok(want));
    }
    assert_eq!(table.len(), 10);
    assert!(!table.is_empty());
}

#[test]
fn lowest_free_reuses_lowest_hole_not_highest_freed() {
    // wasmtime's preview 1 table hands out the highest freed number again;
    // POSIX (and vfd) must hand out the lowest free one.
    let mut table = filled(DEFAULT_MAX_FDS, 10);
    assert!(table.remove(3).is_ok());
    assert!(table.remove(7).is_ok()); // freed last, and the highest
    assert_eq!(table.insert(100, false), Ok(3));
    assert_eq!(table.insert(101, false), Ok(7));
    assert_eq!(table.insert(102, false), Ok(10));

    // The order of the closes does not matter either.
    assert!(table.remove(8).is_ok());
    assert!(table.remove(2).is_ok());
    assert_eq!(table.insert(103, false), Ok(2));
    assert_eq!(table.insert(104, false), Ok(8));
    assert_eq!(table.insert(105, false), Ok(11));
}

#[test]
fn lowest_free_reuses_zero_after_closing_it() {
    // The classic `close(0); open(...)` redirection idiom relies on this.
    let mut table = filled(DEFAULT_MAX_FDS, 3);
    assert!(table.remove(0).is_ok());
    assert_eq!(table.insert(9, false), Ok(0));
    assert_eq!(table.get(0).unwrap().object, 9);
}

#[test]
fn lowest_free_reuses_hole_in_middle_of_large_table() {
    let mut table = filled(DEFAULT_MAX_FDS, 1000);
    for fd in [999, 500, 130, 700] {
        assert!(table.remove(fd).is_ok());
    }
    assert_eq!(table.insert(0, false), Ok(130));
    assert_eq!(table.insert(0, false), Ok(500));
    assert_eq!(table.insert(0, false), Ok(700));
    assert_eq!(table.insert(0, false), Ok(999));
    assert_eq!(table.insert(0, false), Ok(1000));
}

// ---------------------------------------------------------------------------
// insert_from(min): fcntl(F_DUPFD)
// ---------------------------------------------------------------------------

#[test]
fn insert_from_lowest_free_at_or_above_min() {
    let mut table = filled(DEFAULT_MAX_FDS, 3); // 0 1 2
    assert_eq!(table.insert_from(10, 10, false), Ok(10));
    assert_eq!(table.insert_from(10, 11, false), Ok(11)); // 10 is taken now
    assert_eq!(table.insert_from(5, 5, false), Ok(5));
    assert_eq!(table.insert_from(0, 3, false), Ok(3)); // min 0 is plain insert
    assert_eq!(table.insert_from(2, 4, false), Ok(4)); // 2 and 3 are taken

    // A hole below `min` is ignored; one at `min` is taken.
    assert!(table.remove(1).is_ok());
    assert_eq!(table.insert_from(2, 6, false), Ok(6));
    assert_eq!(table.insert_from(1, 1, false), Ok(1));

    // Inserts without a minimum fill the gaps left below.
    assert_eq!(table.insert(7, false), Ok(7));
    assert_eq!(table.insert(8, false), Ok(8));
    assert_eq!(table.insert(9, false), Ok(9));
    assert_eq!(table.insert(12, false), Ok(12));
    assert_eq!(open_fds(&table), (0..13).collect::<Vec<_>>());
    for (fd, entry) in table.iter() {
        assert_eq!(entry.object, fd);
    }
}

#[test]
fn insert_from_min_at_or_above_limit_is_invalid() {
    let mut table = filled(10, 3);
    for min in [10, 11, 64, 1 << 20, u32::MAX] {
        assert_eq!(
            table.insert_from(min, 0, false),
            Err(Errno::Inval),
            "min {min}"
        );
    }
    assert_eq!(table.len(), 3);
    assert_eq!(open_fds(&table), [0, 1, 2]);

    // The last number below the limit is a valid minimum.
    assert_eq!(table.insert_from(9, 9, false), Ok(9));
    // A valid minimum with nothing free at or above it is EMFILE, not EINVAL.
    assert_eq!(table.insert_from(9, 0, false), Err(Errno::Mfile));
    assert_eq!(table.len(), 4);
}

#[test]
fn insert_from_min_at_or_above_limit_is_invalid_even_when_full() {
    let mut table = filled(4, 4);
    assert_eq!(table.insert_from(4, 0, false), Err(Errno::Inval));
    assert_eq!(table.insert_from(3, 0, false), Err(Errno::Mfile));
    assert_eq!(table.insert_from(0, 0, false), Err(Errno::Mfile));
}

#[test]
fn insert_from_above_current_slots_grows_table() {
    let mut table = filled(DEFAULT_MAX_FDS, 2);
    assert_eq!(table.insert_from(1023, 7, true), Ok(1023));
    let entry = table.get(1023).unwrap();
    assert_eq!(entry.object, 7);
    assert!(entry.cloexec);
    assert_eq!(table.insert_from(1000, 8, false), Ok(1000));
    assert_eq!(table.insert(2, false), Ok(2));
    assert_eq!(open_fds(&table), [0, 1, 2, 1000, 1023]);
}

// ---------------------------------------------------------------------------
// The limit: EMFILE for new numbers
// ---------------------------------------------------------------------------

#[test]
fn full_at_limit_is_emfile() {
    let mut table = filled(5, 5);
    assert_eq!(table.insert(5, false), Err(Errno::Mfile));
    assert_eq!(table.insert_from(0, 5, false), Err(Errno::Mfile));
    assert_eq!(table.insert_from(4, 5, false), Err(Errno::Mfile));
    assert_eq!(table.len(), 5);
    assert_eq!(open_fds(&table), [0, 1, 2, 3, 4]);

    // A close makes room again, at the closed number.
    assert!(table.remove(2).is_ok());
    assert_eq!(table.insert(20, false), Ok(2));
    assert_eq!(table.insert(21, false), Err(Errno::Mfile));
}

#[test]
fn full_at_limit_still_allows_replace_below_limit() {
    // dup2 onto an open number needs no new number: it works on a full table.
    let mut table = filled(3, 3);
    let old = table.replace(1, 99, true).unwrap().unwrap();
    assert_eq!(old.object, 1);
    assert_eq!(table.get(1).unwrap().object, 99);
    assert_eq!(table.len(), 3);
    assert_eq!(table.insert(0, false), Err(Errno::Mfile));
}

#[test]
fn check_room_is_full_exactly_when_insert_would_be() {
    let mut table = filled(3, 2);
    assert_eq!(table.check_room(), Ok(()));
    assert_eq!(table.insert(2, false), Ok(2));
    assert_eq!(table.check_room(), Err(Errno::Mfile));
    assert!(table.remove(0).is_ok());
    assert_eq!(table.check_room(), Ok(()));
    assert_eq!(Table::<u32>::new(0).check_room(), Err(Errno::Mfile));
}

#[test]
fn insert_pair_takes_the_two_lowest_free_numbers() {
    let mut table = filled(8, 4);
    assert!(table.remove(1).is_ok());
    assert_eq!(table.insert_pair(10, 11, true), Ok((1, 4)));
    assert!(table.get(1).unwrap().cloexec && table.get(4).unwrap().cloexec);
    assert_eq!(table.get(4).unwrap().object, 11);
}

#[test]
fn insert_pair_with_one_free_number_leaves_nothing_behind() {
    // pipe2(2) at RLIMIT_NOFILE - 1 open descriptors: EMFILE, and the one
    // free number is still free afterwards.
    let mut table = filled(4, 3);
    assert_eq!(table.insert_pair(10, 11, false), Err(Errno::Mfile));
    assert_eq!(open_fds(&table), [0, 1, 2]);
    assert_eq!(table.insert(12, false), Ok(3));
}

#[test]
fn default_limit_is_linux_default_rlimit() {
    assert_eq!(DEFAULT_MAX_FDS, 1024);
    let mut table = Table::new(DEFAULT_MAX_FDS);
    assert_eq!(table.max_fds(), 1024);
    fill_to_limit(&mut table);
    assert_eq!(table.insert(0, false), Err(Errno::Mfile));
}

// ---------------------------------------------------------------------------
// replace: dup2(2)
// ---------------------------------------------------------------------------

#[test]
fn replace_at_or_above_limit_is_badfd() {
    let mut table = filled(10, 2);
    for fd in [10, 11, 64, 1 << 20, u32::MAX] {
        assert!(
            matches!(table.replace(fd, 0, false), Err(Errno::Badf)),
            "fd {fd}"
        );
        assert_eq!(table.get(fd).err(), Some(Errno::Badf));
    }
    assert_eq!(table.len(), 2);
    assert_eq!(open_fds(&table), [0, 1]);

    // The last number below the limit is a valid target.
    assert!(matches!(table.replace(9, 9, false), Ok(None)));
    assert_eq!(open_fds(&table), [0, 1, 9]);
}

#[test]
fn replace_returns_displaced_entry() {
    let mut table = Table::new(DEFAULT_MAX_FDS);
    let a = Rc::new("a");
    let b = Rc::new("b");
    assert_eq!(table.insert(a.clone(), true), Ok(0));
    assert_eq!(table.insert(Rc::new("other"), false), Ok(1));

    let displaced = table
        .replace(0, b.clone(), false)
        .unwrap()
        .expect("0 was open");
    assert!(Rc::ptr_eq(&displaced.object, &a));
    assert!(displaced.cloexec, "the displaced entry keeps its own flags");

    let now = table.get(0).unwrap();
    assert!(Rc::ptr_eq(&now.object, &b));
    assert!(!now.cloexec, "the new entry has the flags given to replace");
    assert_eq!(table.len(), 2);
    assert_eq!(*table.get(1).unwrap().object, "other");

    // The table let go of the displaced object: dropping it releases it.
    assert_eq!(Rc::strong_count(&a), 2);
    drop(displaced);
    assert_eq!(Rc::strong_count(&a), 1);
    assert_eq!(Rc::strong_count(&b), 2);
}

#[test]
fn replace_with_clone_of_same_object_keeps_it_alive() {
    // dup2(fd, fd) is handled above the table; replacing an entry by another
    // entry for the same description must still leave exactly one entry.
    let mut table = Table::new(DEFAULT_MAX_FDS);
    let a = Rc::new(1);
    assert_eq!(table.insert(a.clone(), true), Ok(0));
    let displaced = table.replace(0, a.clone(), false).unwrap().unwrap();
    assert!(Rc::ptr_eq(&displaced.object, &a));
    drop(displaced);
    assert_eq!(Rc::strong_count(&a), 2);
    assert_eq!(table.len(), 1);
    assert!(!table.get(0).unwrap().cloexec);
}

#[test]
fn replace_on_free_number_fills_it_and_inserts_skip_it() {
    let mut table = Table::new(DEFAULT_MAX_FDS);
    assert!(matches!(table.replace(2, 2, true), Ok(None)));
    assert_eq!(table.len(), 1);
    assert_eq!(table.get(2).unwrap().object, 2);
    assert!(table.get(2).unwrap().cloexec);

    assert_eq!(table.insert(0, false), Ok(0));
    assert_eq!(table.insert(1, false), Ok(1));
    assert_eq!(table.insert(3, false), Ok(3)); // 2 skipped
    assert_eq!(table.len(), 4);

    // Far beyond what has been allocated so far.
    assert!(matches!(table.replace(900, 900, false), Ok(None)));
    assert_eq!(table.insert_from(899, 899, false), Ok(899));
    assert_eq!(table.insert_from(899, 901, false), Ok(901)); // 900 skipped
    assert_eq!(open_fds(&table), [0, 1, 2, 3, 899, 900, 901]);
    assert_eq!(table.len(), 7);
}

#[test]
fn replace_on_removed_number_fills_it() {
    let mut table = filled(DEFAULT_MAX_FDS, 5);
    assert!(table.remove(1).is_ok());
    assert!(matches!(table.replace(1, 11, false), Ok(None)));
    assert_eq!(table.get(1).unwrap().object, 11);
    assert_eq!(table.insert(5, false), Ok(5));
}

#[test]
fn replace_fills_last_free_number_then_table_is_full() {
    let mut table = filled(4, 3);
    assert!(matches!(table.replace(3, 3, false), Ok(None)));
    assert_eq!(table.insert(0, false), Err(Errno::Mfile));
    assert!(table.remove(3).is_ok());
    assert_eq!(table.insert(3, false), Ok(3));
}

// ---------------------------------------------------------------------------
// remove: close(2)
// ---------------------------------------------------------------------------

#[test]
fn remove_returns_entry() {
    let mut table = Table::new(DEFAULT_MAX_FDS);
    assert_eq!(table.insert("zero", false), Ok(0));
    assert_eq!(table.insert("one", true), Ok(1));
    let entry = table.remove(1).unwrap();
    assert_eq!(entry.object, "one");
    assert!(entry.cloexec);
    assert_eq!(table.len(), 1);
    assert_eq!(table.get(1).err(), Some(Errno::Badf));
}

#[test]
fn remove_of_free_number_is_badfd_and_changes_nothing() {
    let mut table = Table::new(10);
    for (obj, cloexec) in [("a", false), ("b", true), ("c", false)] {
        table.insert(obj, cloexec).unwrap();
    }
    assert!(table.remove(1).is_ok());
    let before: Vec<(u32, &str, bool)> = vec![(0, "a", false), (2, "c", false)];

    // Never opened (inside and beyond the allocated slots), already closed,
    // at and above the limit.
    for fd in [1, 3, 9, 10, 64, 4096, 1 << 20, u32::MAX] {
        assert!(matches!(table.remove(fd), Err(Errno::Badf)), "fd {fd}");
        assert_eq!(table.len(), 2, "fd {fd}");
        let now: Vec<(u32, &str, bool)> = table
            .iter()
            .map(|(fd, e)| (fd, e.object, e.cloexec))
            .collect();
        assert_eq!(now, before, "fd {fd}");
    }

    // And the free numbers are still free, lowest first.
    assert_eq!(table.insert("d", false), Ok(1));
    assert_eq!(table.insert("e", false), Ok(3));
}

#[test]
fn remove_twice_is_badfd_second_time() {
    let mut table = filled(DEFAULT_MAX_FDS, 3);
    assert_eq!(table.remove(1).map(|e| e.object), Ok(1));
    assert!(matches!(table.remove(1), Err(Errno::Badf)));
    assert_eq!(table.len(), 2);
}

#[test]
fn remove_everything_empties_table() {
    let mut table = filled(100, 100);
    for fd in (0..100).rev() {
        assert_eq!(table.remove(fd).map(|e| e.object), Ok(fd));
    }
    assert!(table.is_empty());
    assert_eq!(table.iter().count(), 0);
    assert_eq!(table.insert(0, false), Ok(0));
}

// ---------------------------------------------------------------------------
// get / get_mut: EBADF for anything not open
// ---------------------------------------------------------------------------

#[test]
fn get_badfd_for_never_opened_removed_and_huge() {
    let mut table = filled(DEFAULT_MAX_FDS, 4);
    assert!(table.remove(2).is_ok());

    assert_eq!(table.get(0).unwrap().object, 0);
    assert_eq!(table.get(3).unwrap().object, 3);
    for fd in [
        2,       // removed
        4,       // never opened, next to the open ones
        500,     // never opened, far off
        1023,    // last number below the limit
        1024,    // the limit
        1 << 20, // largest limit
        u32::MAX - 1,
        u32::MAX,
    ] {
        assert_eq!(table.get(fd).err(), Some(Errno::Badf), "fd {fd}");
    }

    // An empty table knows no number at all.
    let empty: Table<u32> = Table::new(DEFAULT_MAX_FDS);
    for fd in [0, 1, 1023, u32::MAX] {
        assert_eq!(empty.get(fd).err(), Some(Errno::Badf), "fd {fd}");
    }
}

#[test]
fn get_mut_badfd_for_never_opened_removed_and_huge() {
    let mut table = filled(DEFAULT_MAX_FDS, 4);
    assert!(table.remove(2).is_ok());

    assert_eq!(table.get_mut(1).unwrap().object, 1);
    for fd in [2, 4, 500, 1023, 1024, 1 << 20, u32::MAX - 1, u32::MAX] {
        assert_eq!(table.get_mut(fd).err(), Some(Errno::Badf), "fd {fd}");
    }
    assert_eq!(table.len(), 3);

    let mut empty: Table<u32> = Table::new(DEFAULT_MAX_FDS);
    for fd in [0, 1, 1023, u32::MAX] {
        assert_eq!(empty.get_mut(fd).err(), Some(Errno::Badf), "fd {fd}");
    }
}

#[test]
fn get_after_drain_is_badfd() {
    let mut table = filled(DEFAULT_MAX_FDS, 4);
    let _ = table.drain();
    for fd in 0..4 {
        assert_eq!(table.get(fd).err(), Some(Errno::Badf), "fd {fd}");
        assert_eq!(table.get_mut(fd).err(), Some(Errno::Badf), "fd {fd}");
    }
}

// ---------------------------------------------------------------------------
// cloexec: the only per-number state
// ---------------------------------------------------------------------------

#[test]
fn cloexec_is_per_entry() {
    let mut table = Table::new(DEFAULT_MAX_FDS);
    let desc = Arc::new(String::from("description"));
    // open; dup; F_DUPFD_CLOEXEC; dup2 — four numbers, one description.
    assert_eq!(table.insert(desc.clone(), false), Ok(0));
    assert_eq!(table.insert(desc.clone(), false), Ok(1));
    assert_eq!(table.insert_from(5, desc.clone(), true), Ok(5));
    assert!(matches!(table.replace(7, desc.clone(), false), Ok(None)));

    for (_, entry) in table.iter() {
        assert!(Arc::ptr_eq(&entry.object, &desc));
    }
    assert_eq!(Arc::strong_count(&desc), 5);

    // FD_CLOEXEC set on 1 only.
    table.get_mut(1).unwrap().cloexec = true;
    assert!(!table.get(0).unwrap().cloexec);
    assert!(table.get(1).unwrap().cloexec);
    assert!(table.get(5).unwrap().cloexec);
    assert!(!table.get(7).unwrap().cloexec);

    // FD_CLOEXEC cleared on 5 only.
    table.get_mut(5).unwrap().cloexec = false;
    assert!(table.get(1).unwrap().cloexec);
    assert!(!table.get(5).unwrap().cloexec);

    // Still one shared description behind every number.
    for (_, entry) in table.iter() {
        assert!(Arc::ptr_eq(&entry.object, &desc));
    }
    assert_eq!(Arc::strong_count(&desc), 5);
}

#[test]
fn cloexec_is_given_per_call() {
    let mut table = Table::new(DEFAULT_MAX_FDS);
    assert_eq!(table.insert(0, true), Ok(0));
    assert_eq!(table.insert(1, false), Ok(1));
    assert_eq!(table.insert_from(3, 3, true), Ok(3));
    assert_eq!(table.insert_from(3, 4, false), Ok(4));
    assert!(matches!(table.replace(6, 6, true), Ok(None)));
    assert!(matches!(table.replace(7, 7, false), Ok(None)));
    let flags: Vec<(u32, bool)> = table.iter().map(|(fd, e)| (fd, e.cloexec)).collect();
    assert_eq!(
        flags,
        [
            (0, true),
            (1, false),
            (3, true),
            (4, false),
            (6, true),
            (7, false)
        ]
    );
}

#[test]
fn cloexec_does_not_survive_number_reuse() {
    // A closed number reused by a later open carries the new call's flag,
    // not the one the previous holder had.
    let mut table = Table::new(DEFAULT_MAX_FDS);
    assert_eq!(table.insert(0, true), Ok(0));
    assert!(table.remove(0).is_ok());
    assert_eq!(table.insert(1, false), Ok(0));
    assert!(!table.get(0).unwrap().cloexec);
}

// ---------------------------------------------------------------------------
// Limits that are not multiples of the bitmap word
// ---------------------------------------------------------------------------

#[test]
fn limits_not_multiple_of_64_fill_exactly_to_limit() {
    for limit in [
        1, 2, 63, 64, 65, 100, 127, 128, 129, 4095, 4096, 4097, 4159, 4160, 4161, 8193,
    ] {
        let mut table = Table::new(limit);
        assert_eq!(table.max_fds(), limit);
        fill_to_limit(&mut table);
        assert_eq!(table.insert(0, false), Err(Errno::Mfile), "limit {limit}");
        assert_eq!(
            table.insert_from(limit - 1, 0, false),
            Err(Errno::Mfile),
            "limit {limit}"
        );
        assert_eq!(
            table.insert_from(limit, 0, false),
            Err(Errno::Inval),
            "limit {limit}"
        );
        assert!(
            matches!(table.replace(limit, 0, false), Err(Errno::Badf)),
            "limit {limit}"
        );
        assert_eq!(table.len(), limit as usize, "limit {limit}");
        assert_eq!(
            table.iter().last().map(|(fd, _)| fd),
            Some(limit - 1),
            "limit {limit}"
        );

        // Freeing the last number makes exactly that one available again.
        assert!(table.remove(limit - 1).is_ok());
        assert_eq!(table.insert(0, false), Ok(limit - 1), "limit {limit}");
        assert_eq!(table.insert(0, false), Err(Errno::Mfile), "limit {limit}");
    }
}

#[test]
fn limits_not_multiple_of_64_insert_from_fills_exactly_to_limit() {
    for limit in [1, 63, 65, 100, 4097] {
        let mut table: Table<u32> = Table::new(limit);
        let min = limit / 2;
        for want in min..limit {
            assert_eq!(
                table.insert_from(min, want, false),
                Ok(want),
                "limit {limit}"
            );
        }
        assert_eq!(
            table.insert_from(min, 0, false),
            Err(Errno::Mfile),
            "limit {limit}"
        );
        // Below `min` is still free.
        for want in 0..min {
            assert_eq!(table.insert(want, false), Ok(want), "limit {limit}");
        }
        assert_eq!(table.insert(0, false), Err(Errno::Mfile), "limit {limit}");
    }
}

#[test]
fn limit_one_holds_only_fd_zero() {
    let mut table = Table::new(1);
    assert_eq!(table.insert_from(1, 0, false), Err(Errno::Inval));
    assert!(matches!(table.replace(1, 0, false), Err(Errno::Badf)));
    assert_eq!(table.insert(0, false), Ok(0));
    assert_eq!(table.insert(1, false), Err(Errno::Mfile));
    assert_eq!(table.insert_from(0, 1, false), Err(Errno::Mfile));
    assert_eq!(
        table.replace(0, 2, false).unwrap().map(|e| e.object),
        Some(0)
    );
    assert_eq!(table.remove(0).map(|e| e.object), Ok(2));
    assert!(table.is_empty());
}

#[test]
fn zero_limit_refuses_every_number() {
    let mut table: Table<u32> = Table::new(0);
    assert_eq!(table.max_fds(), 0);
    // F_DUPFD with any minimum is EINVAL, dup2 onto any number EBADF.
    assert_eq!(table.insert_from(0, 0, false), Err(Errno::Inval));
    assert!(matches!(table.replace(0, 0, false), Err(Errno::Badf)));
    assert!(matches!(table.remove(0), Err(Errno::Badf)));
    assert_eq!(table.get(0).err(), Some(Errno::Badf));
    assert!(table.is_empty());
}

#[test]
fn zero_limit_insert_is_emfile() {
    // With RLIMIT_NOFILE at 0, Linux's open(2) and dup(2) fail with EMFILE;
    // only fcntl(F_DUPFD, 0) is EINVAL.
    let mut table: Table<u32> = Table::new(0);
    assert_eq!(table.insert(0, false), Err(Errno::Mfile));
    assert!(table.is_empty());
}

// ---------------------------------------------------------------------------
// new: the limit is clamped to MAX_MAX_FDS
// ---------------------------------------------------------------------------

#[test]
fn new_clamps_to_max_max_fds() {
    assert_eq!(MAX_MAX_FDS, 1 << 20);
    for asked in [u32::MAX, u32::MAX - 1, MAX_MAX_FDS + 1, 1 << 31] {
        assert_eq!(
            Table::<()>::new(asked).max_fds(),
            MAX_MAX_FDS,
            "asked {asked}"
        );
    }
    assert_eq!(Table::<()>::new(MAX_MAX_FDS).max_fds(), MAX_MAX_FDS);
    assert_eq!(Table::<()>::new(MAX_MAX_FDS - 1).max_fds(), MAX_MAX_FDS - 1);

    let mut table = Table::new(u32::MAX);
    assert_eq!(table.insert_from(MAX_MAX_FDS, (), false), Err(Errno::Inval));
    assert_eq!(table.insert_from(u32::MAX, (), false), Err(Errno::Inval));
    assert!(matches!(
        table.replace(MAX_MAX_FDS, (), false),
        Err(Errno::Badf)
    ));
    assert!(matches!(
        table.replace(u32::MAX, (), false),
        Err(Errno::Badf)
    ));
    assert_eq!(
        table.insert_from(MAX_MAX_FDS - 1, (), false),
        Ok(MAX_MAX_FDS - 1)
    );
    assert_eq!(
        table.insert_from(MAX_MAX_FDS - 1, (), false),
        Err(Errno::Mfile)
    );
    assert_eq!(table.insert((), false), Ok(0));
    assert_eq!(table.len(), 2);
}

#[test]
fn new_clamped_table_fills_exactly_to_max_max_fds() {
    let mut table = Table::new(u32::MAX);
    for want in 0..MAX_MAX_FDS {
        assert_eq!(table.insert((), false), Ok(want));
    }
    assert_eq!(table.insert((), false), Err(Errno::Mfile));
    assert_eq!(table.len(), MAX_MAX_FDS as usize);
    // A hole in the very last summary block is still found.
    assert!(table.remove(MAX_MAX_FDS - 100).is_ok());
    assert_eq!(table.insert((), false), Ok(MAX_MAX_FDS - 100));
}

// ---------------------------------------------------------------------------
// iter and drain
// ---------------------------------------------------------------------------

#[test]
fn iter_yields_increasing_order() {
    let mut table = Table::new(DEFAULT_MAX_FDS);
    // Open numbers in a scrambled order, with holes, across words.
    for fd in [700, 3, 65, 1023, 64, 17, 0, 200] {
        assert!(matches!(table.replace(fd, fd, fd % 2 == 1), Ok(None)));
    }
    assert_eq!(table.insert_from(500, 500, false), Ok(500));
    assert_eq!(table.insert(1, true), Ok(1));
    assert!(table.remove(65).is_ok());

    let seen: Vec<(u32, u32, bool)> = table
        .iter()
        .map(|(fd, e)| (fd, e.object, e.cloexec))
        .collect();
    let mut want = seen.clone();
    want.sort();
    assert_eq!(seen, want);
    assert_eq!(open_fds(&table), [0, 1, 3, 17, 64, 200, 500, 700, 1023]);
    for (fd, object, cloexec) in seen {
        let expect_cloexec = if fd == 1 {
            true
        } else if fd == 500 {
            false
        } else {
            fd % 2 == 1
        };
        assert_eq!(object, fd);
        assert_eq!(cloexec, expect_cloexec, "fd {fd}");
    }
    assert_eq!(table.iter().count(), table.len());
}

#[test]
fn iter_on_empty_table_yields_nothing() {
    let table: Table<u32> = Table::new(DEFAULT_MAX_FDS);
    assert_eq!(table.iter().count(), 0);
    let mut table = filled(DEFAULT_MAX_FDS, 5);
    for fd in 0..5 {
        assert!(table.remove(fd).is_ok());
    }
    assert_eq!(table.iter().count(), 0);
}

#[test]
fn drain_empties_and_returns_all_then_insert_starts_at_zero() {
    let mut table = Table::new(DEFAULT_MAX_FDS);
    let objects: Vec<Rc<u32>> = (0..6).map(Rc::new).collect();
    for object in &objects[..4] {
        table.insert(object.clone(), **object % 2 == 0).unwrap();
    }
    assert!(matches!(
        table.replace(900, objects[4].clone(), true),
        Ok(None)
    ));
    assert_eq!(table.insert_from(100, objects[5].clone(), false), Ok(100));
    assert!(table.remove(2).is_ok());

    let drained = table.drain();
    let got: Vec<(u32, u32, bool)> = drained
        .iter()
        .map(|(fd, e)| (*fd, *e.object, e.cloexec))
        .collect();
    assert_eq!(
        got,
        [
            (0, 0, true),
            (1, 1, false),
            (3, 3, false),
            (100, 5, false),
            (900, 4, true)
        ]
    );

    assert!(table.is_empty());
    assert_eq!(table.len(), 0);
    assert_eq!(table.iter().count(), 0);
    assert_eq!(table.max_fds(), DEFAULT_MAX_FDS, "drain keeps the limit");

    // The drained entries are the only remaining references from the table.
    drop(drained);
    for object in &objects {
        assert_eq!(Rc::strong_count(object), 1);
    }

    assert_eq!(table.insert(Rc::new(10), false), Ok(0));
    assert_eq!(table.insert(Rc::new(11), false), Ok(1));
    assert_eq!(table.insert(Rc::new(12), false), Ok(2));
    assert_eq!(table.insert_from(100, Rc::new(13), false), Ok(100));
    assert!(matches!(table.replace(900, Rc::new(14), false), Ok(None)));
    assert_eq!(table.len(), 5);
}

#[test]
fn drain_of_full_table_frees_every_number() {
    let mut table = filled(130, 130);
    assert_eq!(table.insert(0, false), Err(Errno::Mfile));
    let drained = table.drain();
    assert_eq!(drained.len(), 130);
    assert!(
        drained
            .iter()
            .enumerate()
            .all(|(i, (fd, e))| *fd == i as u32 && e.object == i as u32)
    );
    fill_to_limit(&mut table);
    assert_eq!(table.insert(0, false), Err(Errno::Mfile));
}

#[test]
fn drain_of_empty_table_returns_nothing() {
    let mut table: Table<u32> = Table::new(DEFAULT_MAX_FDS);
    assert!(table.drain().is_empty());
    assert!(table.drain().is_empty());
    assert_eq!(table.insert(0, false), Ok(0));
}

// ---------------------------------------------------------------------------
// The two-level bitmap
// ---------------------------------------------------------------------------

#[test]
fn bitmap_crosses_word_and_summary_boundaries() {
    // 64 is the first number of word 1; 4095 the last of summary block 0;
    // 4096 the first of block 1; 4160 the first of word 65.
    let holes = [64, 4095, 4096, 4160];
    for order in [holes, [4160, 4096, 4095, 64], [4095, 4160, 64, 4096]] {
        let mut table = filled(10_000, 5000);
        for fd in order {
            assert_eq!(table.remove(fd).map(|e| e.object), Ok(fd));
        }
        assert_eq!(table.len(), 4996);
        for want in holes {
            assert_eq!(
                table.insert(want + 10_000, false),
                Ok(want),
                "order {order:?}"
            );
        }
        assert_eq!(table.insert(0, false), Ok(5000));
        assert_eq!(table.insert(0, false), Ok(5001));
        assert_eq!(table.len(), 5002);
    }
}

#[test]
fn bitmap_word_edges_within_one_block() {
    let mut table = filled(DEFAULT_MAX_FDS, 300);
    for fd in [63, 127, 128, 191, 192, 255] {
        assert!(table.remove(fd).is_ok());
    }
    for want in [63, 127, 128, 191, 192, 255, 300] {
        assert_eq!(table.insert(0, false), Ok(want));
    }
}

#[test]
fn bitmap_full_summary_block_then_free_block() {
    // Exactly one full summary block: the next number is the first of the
    // next block.
    let mut table = filled(10_000, 4096);
    assert_eq!(table.insert(0, false), Ok(4096));
    assert_eq!(table.insert_from(4095, 0, false), Ok(4097));
    assert_eq!(table.insert_from(0, 0, false), Ok(4098));
    // Two full blocks.
    let mut table = filled(10_000, 8192);
    assert_eq!(table.insert(0, false), Ok(8192));
    // A limit that ends exactly at a block boundary.
    let mut table = filled(8192, 8192);
    assert_eq!(table.insert(0, false), Err(Errno::Mfile));
    assert_eq!(table.insert_from(4096, 0, false), Err(Errno::Mfile));
    assert!(table.remove(8191).is_ok());
    assert_eq!(table.insert_from(4096, 0, false), Ok(8191));
}

#[test]
fn bitmap_refills_word_after_clear() {
    // A word that becomes full, is partly freed and full again must be
    // skipped again, not reported as having room.
    let mut table = filled(DEFAULT_MAX_FDS, 200);
    for _ in 0..3 {
        assert!(table.remove(70).is_ok());
        assert_eq!(table.insert(0, false), Ok(70));
    }
    assert_eq!(table.insert(0, false), Ok(200));
    assert_eq!(table.insert_from(64, 0, false), Ok(201));
}

#[test]
fn insert_from_min_inside_full_summary_block() {
    // 0..5000 open: block 0 (0..4096) full, block 1 full up to 5000.
    let mut table = filled(10_000, 5000);
    assert_eq!(table.insert_from(100, 0, false), Ok(5000));
    assert_eq!(table.insert_from(4095, 0, false), Ok(5001));
    assert_eq!(table.insert_from(4096 + 10, 0, false), Ok(5002));
    assert_eq!(table.insert_from(4999, 0, false), Ok(5003));

    // A hole below `min` in the same full block is ignored...
    assert!(table.remove(4000).is_ok());
    assert_eq!(table.insert_from(4001, 0, false), Ok(5004));
    // ...and one at or above `min` is found, in the same word as `min`...
    assert_eq!(table.insert_from(3990, 0, false), Ok(4000));
    // ...in a later word of the same block...
    assert!(table.remove(4090).is_ok());
    assert_eq!(table.insert_from(10, 0, false), Ok(4090));
    // ...and in the next block, past a full block.
    assert!(table.remove(4100).is_ok());
    assert_eq!(table.insert_from(5, 0, false), Ok(4100));
    assert_eq!(table.insert_from(4100, 0, false), Ok(5005));

    // `min` in the middle of a full word whose next word has room.
    assert!(table.remove(128).is_ok());
    assert_eq!(table.insert_from(70, 0, false), Ok(128));

    // `min` on the last bit of a full block's last word.
    assert_eq!(table.insert_from(4095, 0, false), Ok(5006));
    assert_eq!(table.len(), 5007);
}

#[test]
fn insert_from_min_inside_full_block_up_to_limit() {
    // Everything from `min` to the limit is open, with holes only below.
    let mut table = filled(5000, 5000);
    assert!(table.remove(10).is_ok());
    assert!(table.remove(4095).is_ok());
    assert_eq!(table.insert_from(4096, 0, false), Err(Errno::Mfile));
    assert_eq!(table.insert_from(4000, 0, false), Ok(4095));
    assert_eq!(table.insert_from(11, 0, false), Err(Errno::Mfile));
    assert_eq!(table.insert_from(0, 0, false), Ok(10));
    assert_eq!(table.insert(0, false), Err(Errno::Mfile));
}

// ---------------------------------------------------------------------------
// Randomized check against a naive model
// ---------------------------------------------------------------------------

/// xorshift64*: tiny, deterministic, good enough to drive a model check.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> Self {
        XorShift(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The rules written the obvious way: a sorted map, and a linear scan for
/// the lowest free number.
struct Model {
    open: BTreeMap<u32, (u64, bool)>,
    limit: u32,
}

impl Model {
    fn lowest_free_from(&self, min: u32) -> Option<u32> {
        let mut candidate = min;
        for &fd in self.open.range(min..).map(|(fd, _)| fd) {
            if fd != candidate {
                break;
            }
            candidate += 1;
        }
        (candidate < self.limit).then_some(candidate)
    }

    fn insert_from(&mut self, min: u32, object: u64, cloexec: bool) -> Result<u32, Errno> {
        if min >= self.limit {
            return Err(Errno::Inval);
        }
        let fd = self.lowest_free_from(min).ok_or(Errno::Mfile)?;
        self.open.insert(fd, (object, cloexec));
        Ok(fd)
    }

    fn insert(&mut self, object: u64, cloexec: bool) -> Result<u32, Errno> {
        // open(2)/dup(2) are EMFILE when nothing is free; only F_DUPFD has
        // an EINVAL case.
        match self.insert_from(0, object, cloexec) {
            Err(Errno::Inval) => Err(Errno::Mfile),
            other => other,
        }
    }

    fn replace(
        &mut self,
        fd: u32,
        object: u64,
        cloexec: bool,
    ) -> Result<Option<(u64, bool)>, Errno> {
        if fd >= self.limit {
            return Err(Errno::Badf);
        }
        Ok(self.open.insert(fd, (object, cloexec)))
    }

    fn remove(&mut self, fd: u32) -> Result<(u64, bool), Errno> {
        self.open.remove(&fd).ok_or(Errno::Badf)
    }
}

#[derive(Default, Debug)]
struct Coverage {
    inserts: u64,
    reused_holes: u64,
    full: u64,
    invalid: u64,
    replaced_open: u64,
    replaced_free: u64,
    removed: u64,
    bad_removes: u64,
}

fn entry_view(entry: &Entry<u64>) -> (u64, bool) {
    (entry.object, entry.cloexec)
}

fn assert_same(table: &Table<u64>, model: &Model, context: &str) {
    assert_eq!(table.len(), model.open.len(), "{context}: len");
    assert_eq!(
        table.is_empty(),
        model.open.is_empty(),
        "{context}: is_empty"
    );
    let got: Vec<(u32, (u64, bool))> = table.iter().map(|(fd, e)| (fd, entry_view(e))).collect();
    let want: Vec<(u32, (u64, bool))> = model.open.iter().map(|(&fd, &v)| (fd, v)).collect();
    assert_eq!(got, want, "{context}: contents");
}

/// A number to aim an operation at: mostly an open one or a free one nearby,
/// sometimes the limit, just above it, or far out.
fn pick_fd(rng: &mut XorShift, model: &Model) -> u32 {
    let limit = model.limit;
    match rng.below(20) {
        0 => limit,
        1 => limit.saturating_add(1 + rng.below(100) as u32),
        2 => u32::MAX - rng.below(2) as u32,
        3..=5 => limit - 1 - rng.below(limit.min(70) as u64) as u32,
        6..=11 => {
            // An open number, if any, found from a random point.
            let start = rng.below(limit as u64) as u32;
            let found = model
                .open
                .range(start..)
                .next()
                .or_else(|| model.open.iter().next());
            found.map_or(start, |(&fd, _)| fd)
        }
        _ => rng.below(limit as u64 + 2) as u32,
    }
}

fn run_model_check(limit: u32, seed: u64, ops: u32) -> Coverage {
    let mut rng = XorShift::new(seed);
    let mut table: Table<u64> = Table::new(limit);
    let mut model = Model {
        open: BTreeMap::new(),
        limit,
    };
    let mut coverage = Coverage::default();
    // Alternate between filling and emptying phases long enough to reach
    // the limit and to come back down to a sparse table.
    let phase_len = (limit as u64 * 2).max(64);

    for step in 0..ops {
        let context = format!("limit {limit} seed {seed:#x} step {step}");
        let filling = (step as u64 / phase_len).is_multiple_of(2);
        let object = u64::from(step);
        let cloexec = rng.chance(50);
        let roll = rng.below(100);
        let (p_insert, p_insert_from, p_replace) = if filling { (45, 20, 15) } else { (10, 8, 7) };

        if roll < p_insert {
            let highest_before = model.open.keys().next_back().copied();
            let want = model.insert(object, cloexec);
            let got = table.insert(object, cloexec);
            assert_eq!(got, want, "{context}: insert");
            match got {
                Ok(fd) => {
                    coverage.inserts += 1;
                    if highest_before.is_some_and(|h| fd < h) {
                        coverage.reused_holes += 1;
                    }
                }
                Err(Errno::Mfile) => coverage.full += 1,
                Err(_) => {}
            }
        } else if roll < p_insert + p_insert_from {
            let min = if rng.chance(85) {
                rng.below(limit as u64) as u32
            } else {
                pick_fd(&mut rng, &model)
            };
            let want = model.insert_from(min, object, cloexec);
            let got = table.insert_from(min, object, cloexec);
            assert_eq!(got, want, "{context}: insert_from({min})");
            match got {
                Ok(_) => coverage.inserts += 1,
                Err(Errno::Mfile) => coverage.full += 1,
                Err(Errno::Inval) => coverage.invalid += 1,
                Err(e) => panic!("{context}: insert_from({min}) gave {e:?}"),
            }
        } else if roll < p_insert + p_insert_from + p_replace {
            let fd = pick_fd(&mut rng, &model);
            let want = model.replace(fd, object, cloexec);
            let got = table
                .replace(fd, object, cloexec)
                .map(|old| old.as_ref().map(entry_view));
            assert_eq!(got, want, "{context}: replace({fd})");
            match got {
                Ok(Some(_)) => coverage.replaced_open += 1,
                Ok(None) => coverage.replaced_free += 1,
                Err(_) => {}
            }
        } else if roll < 97 {
            let fd = pick_fd(&mut rng, &model);
            let want = model.remove(fd);
            let got = table.remove(fd).map(|e| entry_view(&e));
            assert_eq!(got, want, "{context}: remove({fd})");
            match got {
                Ok(_) => coverage.removed += 1,
                Err(_) => coverage.bad_removes += 1,
            }
        } else {
            // Flip FD_CLOEXEC on one number through get_mut.
            let fd = pick_fd(&mut rng, &model);
            let want = model.open.get_mut(&fd).map(|(_, c)| {
                *c = !*c;
                *c
            });
            let got = table.get_mut(fd).map(|e| {
                e.cloexec = !e.cloexec;
                e.cloexec
            });
            assert_eq!(got.ok(), want, "{context}: get_mut({fd})");
        }

        // Every step: the count, and a lookup of a few numbers.
        assert_eq!(table.len(), model.open.len(), "{context}: len");
        for _ in 0..2 {
            let fd = pick_fd(&mut rng, &model);
            let want = model.open.get(&fd).copied().ok_or(Errno::Badf);
            assert_eq!(table.get(fd).map(entry_view), want, "{context}: get({fd})");
        }
        if step % 251 == 0 {
            assert_same(&table, &model, &context);
        }
    }
    assert_same(&table, &model, &format!("limit {limit} seed {seed:#x} end"));

    // Drain returns exactly the model's contents, then numbering restarts.
    let drained: Vec<(u32, (u64, bool))> = table
        .drain()
        .iter()
        .map(|(fd, e)| (*fd, entry_view(e)))
        .collect();
    let want: Vec<(u32, (u64, bool))> = model.open.iter().map(|(&fd, &v)| (fd, v)).collect();
    assert_eq!(drained, want, "limit {limit} seed {seed:#x}: drain");
    assert!(table.is_empty());
    assert_eq!(table.insert(0, false), Ok(0));

    coverage
}

#[test]
fn model_check_matches_naive_lowest_free() {
    const OPS: u32 = 20_000;
    for limit in [1, 64, 100, 1024, 5000] {
        for seed in [0x9E37_79B9_7F4A_7C15, 0xD1B5_4A32_D192_ED03] {
            let coverage = run_model_check(limit, seed, OPS);
            // The run must have exercised the interesting paths, or it
            // proves little.
            let context = format!("limit {limit} seed {seed:#x}: {coverage:?}");
            assert!(coverage.full > 0, "{context}: never reached the limit");
            assert!(coverage.invalid > 0, "{context}: never hit EINVAL");
            assert!(
                coverage.replaced_open > 0,
                "{context}: no dup2 onto an open number"
            );
            assert!(
                coverage.replaced_free > 0,
                "{context}: no dup2 onto a free number"
            );
            assert!(coverage.removed > 0, "{context}: nothing closed");
            assert!(
                coverage.bad_removes > 0,
                "{context}: no close of a free number"
            );
            if limit > 1 {
                assert!(coverage.reused_holes > 0, "{context}: no hole reused");
            }
        }
    }
}

#[test]
fn model_finds_lowest_free_by_scan() {
    // The model itself: a wrong model would make the check above vacuous.
    let mut model = Model {
        open: BTreeMap::new(),
        limit: 5,
    };
    assert_eq!(model.insert(0, false), Ok(0));
    assert_eq!(model.insert_from(3, 0, false), Ok(3));
    assert_eq!(model.insert(0, false), Ok(1));
    assert_eq!(model.insert(0, false), Ok(2));
    assert_eq!(model.insert(0, false), Ok(4));
    assert_eq!(model.insert(0, false), Err(Errno::Mfile));
    assert_eq!(model.insert_from(5, 0, false), Err(Errno::Inval));
    assert_eq!(model.remove(2), Ok((0, false)));
    assert_eq!(model.insert_from(3, 0, false), Err(Errno::Mfile));
    assert_eq!(model.insert_from(1, 0, false), Ok(2));
}
