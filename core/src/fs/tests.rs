//! Unit tests of the path calls' rules against a fake directory tree in
//! memory. Each expectation is what Linux gives for the same call on the
//! same tree (checked by hand on ext4, and by the differential test for
//! the calls it generates): the fake only stores names, the rules under
//! test decide the order of the checks and the errno.

use super::*;
use crate::paths::{AT_FDCWD, Mounts, Resolved};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

#[derive(Debug, Clone)]
enum Node {
    Dir,
    File,
    Fifo,
    Link(String),
}

type Tree = Rc<RefCell<BTreeMap<Vec<String>, Node>>>;

/// A directory of the fake tree: `base` is where it is, `mount` which
/// mount it belongs to.
#[derive(Debug, Clone)]
struct Fake {
    tree: Tree,
    base: Vec<String>,
    writable: bool,
    mount: usize,
}

const MAX_SYMLINKS: usize = 40;

impl Fake {
    fn node(&self, path: &[String]) -> Option<Node> {
        self.tree.borrow().get(path).cloned()
    }

    /// The path `rel` leads to from `base`, as a kernel walk finds it:
    /// every component but the last must be a directory (symlinks
    /// followed), the last is followed if `follow` or a trailing slash
    /// asks; `..` never climbs above the mount's root.
    fn walk(
        &self,
        start: Vec<String>,
        rel: &str,
        follow: bool,
        hops: &mut usize,
    ) -> Result<Vec<String>, Errno> {
        let follow = follow || rel.ends_with('/');
        let comps: Vec<&str> = rel.split('/').filter(|c| !c.is_empty()).collect();
        let mut cur = start;
        for (i, c) in comps.iter().enumerate() {
            let last = i + 1 == comps.len();
            if !matches!(self.node(&cur), Some(Node::Dir)) {
                return Err(Errno::Notdir);
            }
            match *c {
                "." => continue,
                ".." => {
                    if cur.len() > self.base.len() {
                        cur.pop();
                    }
                    continue;
                }
                name => cur.push(name.to_owned()),
            }
            match self.node(&cur) {
                None => return Err(Errno::Noent),
                Some(Node::Link(target)) if !last || follow => {
                    *hops += 1;
                    if *hops > MAX_SYMLINKS {
                        return Err(Errno::Loop);
                    }
                    cur.pop();
                    cur = self.walk(cur, &target, true, hops)?;
                }
                _ => {}
            }
        }
        if rel.ends_with('/') && !matches!(self.node(&cur), Some(Node::Dir)) {
            return Err(Errno::Notdir);
        }
        Ok(cur)
    }

    fn lookup(&self, rel: &str, follow: bool) -> Result<Vec<String>, Errno> {
        self.walk(self.base.clone(), rel, follow, &mut 0)
    }

    /// The parent's path and the last name of `rel`, the parent looked up.
    fn parent_and_name(&self, rel: &str) -> Result<(Vec<String>, String), Errno> {
        let (parent, name) = crate::paths::split_last(rel);
        let parent = self.lookup(&format!("{parent}/."), true)?;
        Ok((parent, name.to_owned()))
    }
}

impl Dir for Fake {
    type Stat = Kind;

    fn stat(&self, rel: &str, follow: bool) -> Result<Kind, Errno> {
        let path = self.lookup(rel, follow)?;
        Ok(match self.node(&path) {
            Some(Node::Dir) => Kind::Directory,
            Some(Node::File) => Kind::RegularFile,
            Some(Node::Fifo) => Kind::Fifo,
            Some(Node::Link(_)) => Kind::Symlink,
            None => return Err(Errno::Noent),
        })
    }

    fn kind(stat: &Kind) -> Kind {
        *stat
    }

    fn read_link(&self, rel: &str) -> Result<String, Errno> {
        match self.node(&self.lookup(rel, false)?) {
            Some(Node::Link(target)) => Ok(target),
            _ => Err(Errno::Inval),
        }
    }

    fn writable(&self) -> bool {
        self.writable
    }

    fn mount(&self) -> usize {
        self.mount
    }

    fn mkdir(&self, rel: &str) -> Result<(), Errno> {
        let (mut path, name) = self.parent_and_name(rel)?;
        path.push(name);
        if self.node(&path).is_some() {
            return Err(Errno::Exist);
        }
        self.tree.borrow_mut().insert(path, Node::Dir);
        Ok(())
    }

    fn unlink(&self, rel: &str) -> Result<(), Errno> {
        let path = self.lookup(rel, false)?;
        if self.node(&path).is_some_and(|n| matches!(n, Node::Dir)) {
            return Err(Errno::Isdir);
        }
        self.tree.borrow_mut().remove(&path);
        Ok(())
    }

    fn remove_dir(&self, rel: &str) -> Result<(), Errno> {
        let path = self.lookup(rel, false)?;
        if !matches!(self.node(&path), Some(Node::Dir)) {
            return Err(Errno::Notdir);
        }
        let tree = self.tree.borrow();
        if tree
            .keys()
            .any(|k| k.len() > path.len() && k.starts_with(&path))
        {
            return Err(Errno::Notempty);
        }
        drop(tree);
        self.tree.borrow_mut().remove(&path);
        Ok(())
    }

    fn rename(&self, rel: &str, to: &Self, to_rel: &str) -> Result<(), Errno> {
        let from = self.lookup(rel, false)?;
        let (mut dest, name) = to.parent_and_name(to_rel)?;
        dest.push(name);
        let mut tree = self.tree.borrow_mut();
        let moved: Vec<_> = tree
            .keys()
            .filter(|k| k.starts_with(&from))
            .cloned()
            .collect();
        for key in moved {
            let node = tree.remove(&key).unwrap();
            let mut new = dest.clone();
            new.extend_from_slice(&key[from.len()..]);
            tree.insert(new, node);
        }
        Ok(())
    }

    fn symlink(&self, target: &str, rel: &str) -> Result<(), Errno> {
        let (mut path, name) = self.parent_and_name(rel)?;
        path.push(name);
        if self.node(&path).is_some() {
            return Err(Errno::Exist);
        }
        self.tree
            .borrow_mut()
            .insert(path, Node::Link(target.to_owned()));
        Ok(())
    }

    fn hard_link(&self, rel: &str, to: &Self, to_rel: &str) -> Result<(), Errno> {
        let from = self.lookup(rel, false)?;
        let node = self.node(&from).ok_or(Errno::Noent)?;
        if matches!(node, Node::Dir) {
            return Err(Errno::Perm);
        }
        let (mut dest, name) = to.parent_and_name(to_rel)?;
        dest.push(name);
        if self.node(&dest).is_some() {
            return Err(Errno::Exist);
        }
        self.tree.borrow_mut().insert(dest, node);
        Ok(())
    }

    fn set_times(&self, rel: &str, follow: bool, _times: &Times) -> Result<(), Errno> {
        self.lookup(rel, follow).map(drop)
    }
}

fn p(s: &str) -> Vec<String> {
    s.split('/')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A tree with two mounts: `/data` (writable, mount 1) and `/ro` (read
/// only, mount 2), each holding `dir/`, `dir/inner`, `file`, `link-dir ->
/// dir`, `link-file -> file`, `dangling -> missing`, `loop -> loop`.
fn fixture() -> (Mounts<Fake>, Tree) {
    let tree: Tree = Rc::default();
    let mut mounts = Mounts::default();
    for (name, writable, mount) in [("data", true, 1), ("ro", false, 2)] {
        let mut t = tree.borrow_mut();
        let base = p(name);
        t.insert(Vec::new(), Node::Dir);
        t.insert(base.clone(), Node::Dir);
        let at = |rel: &str| [base.clone(), p(rel)].concat();
        t.insert(at("dir"), Node::Dir);
        t.insert(at("dir/inner"), Node::File);
        t.insert(at("file"), Node::File);
        t.insert(at("link-dir"), Node::Link("dir".into()));
        t.insert(at("link-file"), Node::Link("file".into()));
        t.insert(at("dangling"), Node::Link("missing".into()));
        t.insert(at("loop"), Node::Link("loop".into()));
        drop(t);
        mounts.add(
            &format!("/{name}"),
            Fake {
                tree: tree.clone(),
                base,
                writable,
                mount,
            },
        );
    }
    (mounts, tree)
}

fn at<'a>(mounts: &'a Mounts<Fake>, path: &str) -> Resolved<'a, Fake> {
    resolve(mounts, "/", AT_FDCWD, path, |_| Err(Errno::Badf)).unwrap()
}

fn exists(tree: &Tree, path: &str) -> bool {
    tree.borrow().contains_key(&p(path))
}

#[test]
fn resolve_takes_absolute_paths_through_the_mounts_and_relative_ones_through_cwd_or_dir() {
    let (mounts, _) = fixture();
    let r = resolve(&mounts, "/data", AT_FDCWD, "dir/inner", |_| {
        Err(Errno::Badf)
    })
    .unwrap();
    assert_eq!((r.root.mount, r.rel.as_str()), (1, "dir/inner"));
    let r = resolve(&mounts, "/data", 7, "/ro/file", |_| Err(Errno::Badf)).unwrap();
    assert_eq!(
        (r.root.mount, r.rel.as_str()),
        (2, "file"),
        "an absolute path ignores dir"
    );
    let ro = at(&mounts, "/ro").root.clone();
    let r = resolve(&mounts, "/data", 5, "file", |fd| {
        assert_eq!(fd, 5);
        Ok(&ro)
    })
    .unwrap();
    assert_eq!(
        (r.root.mount, r.rel.as_str(), r.mount_point),
        (2, "file", false)
    );
}

#[test]
fn resolve_reports_the_paths_errors_before_looking_at_dir() {
    // Linux: getname() fails before the dirfd is looked up, so an empty
    // path with a bad dirfd is ENOENT, not EBADF.
    let (mounts, _) = fixture();
    let bad_dir = |_| -> Result<&Fake, Errno> { Err(Errno::Badf) };
    assert_eq!(
        resolve(&mounts, "/", 99, "", bad_dir).err(),
        Some(Errno::Noent)
    );
    assert_eq!(
        resolve(&mounts, "/", 99, "a\0b", bad_dir).err(),
        Some(Errno::Inval)
    );
    let long = "x/".repeat(2048);
    assert_eq!(
        resolve(&mounts, "/", 99, &long, bad_dir).err(),
        Some(Errno::Nametoolong)
    );
    assert_eq!(
        resolve(&mounts, "/", 99, "rel", bad_dir).err(),
        Some(Errno::Badf)
    );
    assert_eq!(
        resolve(&mounts, "/", AT_FDCWD, "/etc/passwd", bad_dir).err(),
        Some(Errno::Noent)
    );
}

#[test]
fn stat_at_with_a_trailing_slash_follows_and_wants_a_directory() {
    let (mounts, _) = fixture();
    assert_eq!(
        stat_at(&at(&mounts, "/data/link-dir"), false),
        Ok(Kind::Symlink)
    );
    assert_eq!(
        stat_at(&at(&mounts, "/data/link-dir/"), false),
        Ok(Kind::Directory)
    );
    assert_eq!(
        stat_at(&at(&mounts, "/data/file/"), true),
        Err(Errno::Notdir)
    );
    assert_eq!(
        stat_at(&at(&mounts, "/data/link-file/"), false),
        Err(Errno::Notdir)
    );
    assert_eq!(
        stat_at(&at(&mounts, "/data/dangling"), true),
        Err(Errno::Noent)
    );
    assert_eq!(stat_at(&at(&mounts, "/data/loop"), true), Err(Errno::Loop));
}

#[test]
fn unlink_with_a_trailing_slash_looks_at_the_name_itself() {
    // Linux: unlink("dir/") is EISDIR; unlink("file/") and
    // unlink("link-to-dir/") are ENOTDIR, and nothing is removed.
    let (mounts, tree) = fixture();
    assert_eq!(unlink_at(&at(&mounts, "/data/dir/")), Err(Errno::Isdir));
    assert_eq!(unlink_at(&at(&mounts, "/data/file/")), Err(Errno::Notdir));
    assert_eq!(
        unlink_at(&at(&mounts, "/data/link-dir/")),
        Err(Errno::Notdir)
    );
    assert_eq!(unlink_at(&at(&mounts, "/data/missing/")), Err(Errno::Noent));
    assert!(exists(&tree, "data/file") && exists(&tree, "data/link-dir"));
    assert_eq!(unlink_at(&at(&mounts, "/data/link-dir")), Ok(()));
    assert!(!exists(&tree, "data/link-dir") && exists(&tree, "data/dir"));
}

#[test]
fn remove_dir_of_a_mount_point_is_ebusy_first() {
    let (mounts, tree) = fixture();
    assert_eq!(remove_dir_at(&at(&mounts, "/data")), Err(Errno::Busy));
    assert_eq!(remove_dir_at(&at(&mounts, "/ro")), Err(Errno::Busy));
    assert_eq!(remove_dir_at(&at(&mounts, "/data/./")), Err(Errno::Busy));
    assert!(exists(&tree, "data"));
}

#[test]
fn remove_dir_with_a_trailing_slash_wants_a_directory_not_a_link_to_one() {
    let (mounts, tree) = fixture();
    assert_eq!(
        remove_dir_at(&at(&mounts, "/data/file/")),
        Err(Errno::Notdir)
    );
    assert_eq!(
        remove_dir_at(&at(&mounts, "/data/link-dir/")),
        Err(Errno::Notdir)
    );
    assert_eq!(
        remove_dir_at(&at(&mounts, "/data/dir/")),
        Err(Errno::Notempty)
    );
    tree.borrow_mut().remove(&p("data/dir/inner"));
    assert_eq!(remove_dir_at(&at(&mounts, "/data/dir//")), Ok(()));
    assert!(!exists(&tree, "data/dir"));
}

#[test]
fn rename_looks_up_both_parents_before_comparing_mounts() {
    // Linux: renameat() resolves the old parent, then the new one, and
    // only then reports EXDEV for different mounts.
    let (mounts, tree) = fixture();
    let rename = |from: &str, to: &str| rename_at(|| Ok(at(&mounts, from)), || Ok(at(&mounts, to)));
    assert_eq!(rename("/data/missing/x", "/ro/y"), Err(Errno::Noent));
    assert_eq!(rename("/data/file", "/ro/missing/y"), Err(Errno::Noent));
    assert_eq!(rename("/data/file/x", "/ro/y"), Err(Errno::Notdir));
    assert_eq!(rename("/data/file", "/ro/file"), Err(Errno::Xdev));
    assert_eq!(
        rename("/data", "/data/moved"),
        Err(Errno::Xdev),
        "a mount point"
    );
    assert_eq!(
        rename("/data/file", "/data"),
        Err(Errno::Xdev),
        "onto a mount point"
    );
    assert!(exists(&tree, "data/file"));
}

#[test]
fn rename_with_a_trailing_slash_on_either_name_is_for_directories() {
    let (mounts, tree) = fixture();
    let rename = |from: &str, to: &str| rename_at(|| Ok(at(&mounts, from)), || Ok(at(&mounts, to)));
    assert_eq!(rename("/data/file/", "/data/f2"), Err(Errno::Notdir));
    assert_eq!(rename("/data/file", "/data/f2/"), Err(Errno::Notdir));
    assert_eq!(rename("/data/link-dir/", "/data/d2"), Err(Errno::Notdir));
    assert_eq!(rename("/data/dir/", "/data/d2/"), Ok(()));
    assert!(exists(&tree, "data/d2/inner") && !exists(&tree, "data/dir"));
}

#[test]
fn rename_stops_at_the_first_failed_resolution() {
    let (mounts, _) = fixture();
    let mut second_resolved = false;
    let r = rename_at(
        || Err::<Resolved<'_, Fake>, _>(Errno::Badf),
        || {
            second_resolved = true;
            Ok(at(&mounts, "/data/x"))
        },
    );
    assert_eq!(r, Err(Errno::Badf));
    assert!(
        !second_resolved,
        "the new name is resolved after the old one's parent"
    );
}

#[test]
fn mkdir_creates_under_a_writable_mount() {
    let (mounts, tree) = fixture();
    assert_eq!(mkdir_at(&at(&mounts, "/data/new")), Ok(()));
    assert!(exists(&tree, "data/new"));
    assert_eq!(mkdir_at(&at(&mounts, "/data/new")), Err(Errno::Exist));
}

#[test]
fn read_only_mkdir_reports_the_lookup_then_eexist_then_erofs() {
    // Linux under a read-only bind mount: mkdir("missing/x") is ENOENT,
    // mkdir("file/x") ENOTDIR, an existing name (even a dangling symlink,
    // or `.`) EEXIST, only a new name EROFS.
    let (mounts, tree) = fixture();
    let mkdir = |path: &str| mkdir_at(&at(&mounts, path));
    assert_eq!(mkdir("/ro/missing/x"), Err(Errno::Noent));
    assert_eq!(mkdir("/ro/file/x"), Err(Errno::Notdir));
    assert_eq!(mkdir("/ro/loop/x"), Err(Errno::Loop));
    assert_eq!(mkdir("/ro/dir"), Err(Errno::Exist));
    assert_eq!(mkdir("/ro/dangling"), Err(Errno::Exist));
    assert_eq!(mkdir("/ro/dir/."), Err(Errno::Exist));
    assert_eq!(mkdir("/ro/dir/.."), Err(Errno::Exist));
    assert_eq!(mkdir("/ro/new"), Err(Errno::Rofs));
    assert_eq!(mkdir("/ro/new/"), Err(Errno::Rofs));
    assert!(!exists(&tree, "ro/new"));
}

#[test]
fn read_only_unlink_and_rmdir_answer_for_dot_names_then_erofs_even_when_missing() {
    let (mounts, tree) = fixture();
    let unlink = |path: &str| unlink_at(&at(&mounts, path));
    let rmdir = |path: &str| remove_dir_at(&at(&mounts, path));
    assert_eq!(unlink("/ro/missing/x"), Err(Errno::Noent));
    assert_eq!(unlink("/ro/dir/."), Err(Errno::Isdir));
    assert_eq!(unlink("/ro/dir/.."), Err(Errno::Isdir));
    assert_eq!(unlink("/ro/file"), Err(Errno::Rofs));
    assert_eq!(unlink("/ro/missing"), Err(Errno::Rofs));
    assert_eq!(rmdir("/ro/file/x"), Err(Errno::Notdir));
    assert_eq!(rmdir("/ro/dir/."), Err(Errno::Inval));
    assert_eq!(rmdir("/ro/dir/.."), Err(Errno::Notempty));
    assert_eq!(rmdir("/ro/dir"), Err(Errno::Rofs));
    assert_eq!(rmdir("/ro/missing"), Err(Errno::Rofs));
    assert!(exists(&tree, "ro/file") && exists(&tree, "ro/dir"));
}

#[test]
fn read_only_rename_answers_ebusy_for_dot_names_then_erofs() {
    let (mounts, tree) = fixture();
    let rename = |from: &str, to: &str| rename_at(|| Ok(at(&mounts, from)), || Ok(at(&mounts, to)));
    assert_eq!(rename("/ro/missing/x", "/ro/y"), Err(Errno::Noent));
    assert_eq!(rename("/ro/file", "/ro/file/y"), Err(Errno::Notdir));
    assert_eq!(rename("/ro/dir/.", "/ro/y"), Err(Errno::Busy));
    assert_eq!(rename("/ro/file", "/ro/dir/.."), Err(Errno::Busy));
    assert_eq!(rename("/ro/file", "/ro/y"), Err(Errno::Rofs));
    assert_eq!(rename("/ro/missing", "/ro/y"), Err(Errno::Rofs));
    assert!(exists(&tree, "ro/file") && !exists(&tree, "ro/y"));
}

#[test]
fn chdir_accepts_directories_and_the_way_to_mount_points() {
    let (mounts, _) = fixture();
    let mut cwd = "/".to_owned();
    assert_eq!(chdir::<_, Fake>(&mounts, &mut cwd, "data/link-dir"), Ok(()));
    assert_eq!(
        cwd, "/data/link-dir",
        "the logical path, as a shell's cd keeps it"
    );
    assert_eq!(
        chdir::<_, Fake>(&mounts, &mut cwd, "../file"),
        Err(Errno::Notdir)
    );
    assert_eq!(
        chdir::<_, Fake>(&mounts, &mut cwd, "/data/missing"),
        Err(Errno::Noent)
    );
    assert_eq!(
        chdir::<_, Fake>(&mounts, &mut cwd, "/nowhere"),
        Err(Errno::Noent)
    );
    assert_eq!(chdir::<_, Fake>(&mounts, &mut cwd, ""), Err(Errno::Noent));
    assert_eq!(cwd, "/data/link-dir", "a failed chdir leaves cwd");
    assert_eq!(chdir::<_, Fake>(&mounts, &mut cwd, "/"), Ok(()));
    assert_eq!(cwd, "/");
}

/// The tree of the host's record below, in the fake: `d/` with `sub/` and
/// `inner`, `f`, symlinks `ln-f -> f`, `ln-d -> d`, `dangling -> missing`,
/// `dangling2 -> nodir/x`, `dangling3 -> new/`, `loop-a <-> loop-b`, and
/// `fifo`, under a read-only mount.
fn linux_tree() -> Fake {
    let tree: Tree = Rc::default();
    {
        let mut t = tree.borrow_mut();
        t.insert(Vec::new(), Node::Dir);
        t.insert(p("d"), Node::Dir);
        t.insert(p("d/sub"), Node::Dir);
        t.insert(p("d/inner"), Node::File);
        t.insert(p("f"), Node::File);
        t.insert(p("fifo"), Node::Fifo);
        for (target, name) in [
            ("f", "ln-f"),
            ("d", "ln-d"),
            ("missing", "dangling"),
            ("nodir/x", "dangling2"),
            ("new/", "dangling3"),
            ("loop-b", "loop-a"),
            ("loop-a", "loop-b"),
        ] {
            t.insert(p(name), Node::Link(target.into()));
        }
    }
    Fake {
        tree,
        base: Vec::new(),
        writable: false,
        mount: 1,
    }
}

/// Linux's answers on a read-only bind mount of that tree, shared with
/// the host library's test, which replays them on a real host tree.
const LINUX: &str = include_str!("readonly_linux.txt");

/// The flags of a line of the record: `R|W|C`...
fn request(flags: &str) -> readonly::OpenRequest {
    let mut req = readonly::OpenRequest::default();
    for flag in flags.split('|') {
        match flag {
            "R" => req.read = true,
            "W" => req.write = true,
            "RW" => (req.read, req.write) = (true, true),
            "C" => req.create = true,
            "X" => req.exclusive = true,
            "T" => req.truncate = true,
            "D" => req.directory = true,
            "N" => req.nofollow = true,
            // Status flags: no part of these rules.
            "A" | "NB" => {}
            other => panic!("flag {other}"),
        }
    }
    req
}

#[test]
fn read_only_calls_fail_as_on_linux_and_change_nothing() {
    let ro = linux_tree();
    let before = ro.tree.borrow().clone().into_keys().collect::<Vec<_>>();
    let at = |rel: &str| Resolved {
        root: &ro,
        rel: rel.to_owned(),
        mount_point: false,
    };
    let mut wrong = Vec::new();
    let lines = LINUX.lines().map(str::trim);
    for line in lines.filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let words: Vec<&str> = line.split(' ').collect();
        let (got, want) = match words[..] {
            // A FIFO opened for writing is let through (`Allowed::Fifo`);
            // ENXIO, with no reader and O_NONBLOCK, is the kernel's answer
            // when the host then opens it.
            ["open", "fifo", _, "ENXIO"] => continue,
            ["open", path, flags, want] => {
                (readonly::open(&ro, path, &request(flags)).map(drop), want)
            }
            ["unlink", path, want] => (unlink_at(&at(path)), want),
            ["rmdir", path, want] => (remove_dir_at(&at(path)), want),
            ["mkdir", path, want] => (mkdir_at(&at(path)), want),
            ["rename", from, to, want] => (rename_at(|| Ok(at(from)), || Ok(at(to))), want),
            _ => panic!("bad line {line}"),
        };
        let got = got.map_or_else(Errno::name, |()| "ok");
        if got != want {
            wrong.push(format!("{line}: got {got}"));
        }
    }
    assert!(wrong.is_empty(), "unlike Linux:\n{}", wrong.join("\n"));
    let after = ro.tree.borrow().clone().into_keys().collect::<Vec<_>>();
    assert_eq!(after, before, "the read-only tree changed");
}

#[test]
fn open_checks_its_flags_then_the_table_before_the_path() {
    // Linux: O_DIRECTORY|O_CREAT is EINVAL even with no free number; a
    // full table is EMFILE before any lookup (so nothing is created).
    let mut table = crate::table::Table::new(1);
    assert_eq!(check_open(&table, true, true), Err(Errno::Inval));
    assert_eq!(check_open(&table, false, true), Ok(()));
    table.insert((), false).unwrap();
    assert_eq!(check_open(&table, true, true), Err(Errno::Inval));
    assert_eq!(check_open(&table, false, true), Err(Errno::Mfile));
    assert_eq!(check_open(&table, true, false), Err(Errno::Mfile));
}

/// A resolution a call must not make: Linux answers before the lookup.
fn never<'a>() -> Result<Resolved<'a, Fake>, Errno> {
    panic!("the path was resolved")
}

#[test]
fn symlink_checks_its_target_then_its_new_name_as_linux() {
    // Linux (ext4): symlinkat("", ...) is ENOENT before the new name is
    // looked at; an existing name, even `.` or a dangling symlink, is
    // EEXIST; a trailing slash on a missing name is ENOENT.
    let (mounts, tree) = fixture();
    let a = |path| Ok(at(&mounts, path));
    assert_eq!(symlink_at("", never), Err(Errno::Noent));
    assert_eq!(symlink_at("a\0b", never), Err(Errno::Inval));
    assert_eq!(
        symlink_at(&"x".repeat(4096), never),
        Err(Errno::Nametoolong)
    );
    for (path, errno) in [
        ("/data/file", Errno::Exist),
        ("/data/dir/", Errno::Exist),
        ("/data/dangling", Errno::Exist),
        ("/data/.", Errno::Exist),
        ("/data/dir/..", Errno::Exist),
        ("/data/new/", Errno::Noent),
        ("/data/missing/new", Errno::Noent),
        ("/data/file/new", Errno::Notdir),
    ] {
        assert_eq!(symlink_at("x", || a(path)), Err(errno), "{path}");
    }
    assert_eq!(
        symlink_at("/data/file", || a("/data/new")),
        Err(Errno::Perm),
        "an absolute target would lead out of the mount"
    );
    assert_eq!(symlink_at("/x", || a("/data/file")), Err(Errno::Exist));
    assert_eq!(symlink_at("file", || a("/data/new")), Ok(()));
    assert_eq!(
        stat_at(&at(&mounts, "/data/new"), true),
        Ok(Kind::RegularFile)
    );
    assert!(!exists(&tree, "data/dir/new"));
}

#[test]
fn symlink_under_a_read_only_mount_reports_what_the_lookup_finds_first() {
    // Linux, on a read-only bind mount: EEXIST and ENOENT come before
    // EROFS, which is the answer for a name that could be created.
    let (mounts, tree) = fixture();
    let a = |path| Ok(at(&mounts, path));
    for (path, errno) in [
        ("/ro/new", Errno::Rofs),
        ("/ro/new/", Errno::Noent),
        ("/ro/file", Errno::Exist),
        ("/ro/missing/new", Errno::Noent),
    ] {
        assert_eq!(symlink_at("x", || a(path)), Err(errno), "{path}");
    }
    assert!(!exists(&tree, "ro/new"));
}

#[test]
fn read_link_with_a_trailing_slash_follows_and_finds_no_symlink() {
    // Linux: readlink("link-file/") and readlink("file/") are ENOTDIR,
    // readlink("dir/") and readlink("link-dir/") EINVAL.
    let (mounts, _) = fixture();
    let read = |path| read_link_at(&at(&mounts, path));
    assert_eq!(read("/data/link-file"), Ok("file".to_owned()));
    assert_eq!(read("/data/file"), Err(Errno::Inval));
    assert_eq!(read("/data/link-file/"), Err(Errno::Notdir));
    assert_eq!(read("/data/file/"), Err(Errno::Notdir));
    assert_eq!(read("/data/link-dir/"), Err(Errno::Inval));
    assert_eq!(read("/data/dangling/"), Err(Errno::Noent));
    assert_eq!(read("/ro/link-dir"), Ok("dir".to_owned()));
}

#[test]
fn link_looks_up_the_old_name_then_the_new_then_compares_mounts() {
    // Linux (ext4 and a read-only bind mount of it): each answer below.
    let (mounts, tree) = fixture();
    let link = |from, to| link_at(|| Ok(at(&mounts, from)), || Ok(at(&mounts, to)));
    for (from, to, errno) in [
        ("/data/missing", "/data/file", Errno::Noent),
        ("/data/file/", "/data/new", Errno::Notdir),
        ("/data/file", "/data/file", Errno::Exist),
        ("/data/file", "/data/dir/", Errno::Exist),
        ("/data/file", "/data/.", Errno::Exist),
        ("/data/file", "/data/new/", Errno::Noent),
        ("/data/dir", "/data/new", Errno::Perm),
        ("/data/dir/", "/data/new", Errno::Perm),
        ("/data/link-dir/", "/data/new", Errno::Perm),
        ("/data/dir/", "/data/file", Errno::Exist),
        ("/data/missing", "/ro/new", Errno::Noent),
        ("/data/file", "/ro/new", Errno::Rofs),
        ("/data/file", "/ro/file", Errno::Exist),
        ("/ro/file", "/data/new", Errno::Xdev),
        ("/ro/file", "/ro/new", Errno::Rofs),
        ("/ro/dir", "/ro/new", Errno::Rofs),
    ] {
        assert_eq!(link(from, to), Err(errno), "{from} -> {to}");
    }
    assert!(!exists(&tree, "data/new") && !exists(&tree, "ro/new"));
    assert_eq!(link("/data/dangling", "/data/new"), Ok(()));
    assert_eq!(
        stat_at(&at(&mounts, "/data/new"), false),
        Ok(Kind::Symlink),
        "a final symlink is linked itself"
    );
}

#[test]
fn set_times_at_changing_nothing_succeeds_before_the_lookup() {
    // Linux: utimensat with both UTIME_OMIT succeeds even for a missing
    // path; otherwise the lookup's errors come first, then EINVAL for the
    // nanoseconds, then EROFS.
    let (mounts, _) = fixture();
    let a = |path| Ok(at(&mounts, path));
    let omit = Times {
        access: SetTime::Omit,
        modification: SetTime::Omit,
    };
    let now = Times {
        access: SetTime::Now,
        modification: SetTime::Omit,
    };
    let bad = Times {
        access: SetTime::Omit,
        modification: SetTime::At {
            seconds: -5,
            nanoseconds: 1_000_000_000,
        },
    };
    assert_eq!(set_times_at(&omit, true, never), Ok(()));
    for (times, path, follow, answer) in [
        (now, "/data/missing", true, Err(Errno::Noent)),
        (now, "/data/file/", true, Err(Errno::Notdir)),
        (now, "/data/dangling", true, Err(Errno::Noent)),
        (now, "/data/dangling", false, Ok(())),
        (bad, "/data/missing", true, Err(Errno::Noent)),
        (bad, "/data/file", true, Err(Errno::Inval)),
        (bad, "/ro/file", true, Err(Errno::Inval)),
        (now, "/ro/missing", true, Err(Errno::Noent)),
        (now, "/ro/file", true, Err(Errno::Rofs)),
        (now, "/data/file", true, Ok(())),
    ] {
        assert_eq!(set_times_at(&times, follow, || a(path)), answer, "{path}");
    }
}

#[test]
fn set_times_of_a_descriptor_in_linux_order() {
    // Linux: futimens(999, {UTIME_OMIT, UTIME_OMIT}) succeeds; a closed
    // number is EBADF before the nanoseconds are EINVAL; a file under a
    // read-only mount is EROFS.
    let omit = Times {
        access: SetTime::Omit,
        modification: SetTime::Omit,
    };
    let bad = Times {
        access: SetTime::At {
            seconds: 0,
            nanoseconds: 1_000_000_000,
        },
        modification: SetTime::Now,
    };
    let now = Times {
        access: SetTime::Now,
        modification: SetTime::Now,
    };
    let closed = || -> Result<bool, Errno> { Err(Errno::Badf) };
    let unreachable = |_: &bool| -> Result<(), Errno> { panic!("set on a refused call") };
    assert_eq!(set_times(&omit, closed, |_| true, unreachable), Ok(()));
    assert_eq!(
        set_times(&bad, closed, |_| true, unreachable),
        Err(Errno::Badf)
    );
    assert_eq!(
        set_times(&bad, || Ok(true), |w| *w, unreachable),
        Err(Errno::Inval)
    );
    assert_eq!(
        set_times(&now, || Ok(false), |w| *w, unreachable),
        Err(Errno::Rofs)
    );
    assert_eq!(set_times(&now, || Ok(true), |w| *w, |_| Ok(())), Ok(()));
}
