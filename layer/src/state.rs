//! The layer's one piece of state: the guest's table, its mounts and its
//! current directory, made on the first call.
//!
//! A component instance is single-threaded and its exports are never
//! re-entered, so a `RefCell` borrowed for the length of one call is all
//! the locking there is.

use crate::bindings::{AccessMode, Errno, FdFlags, StatusFlags};
use crate::description::Description;
use crate::object::{Directory, Object, StdioStream};
use std::cell::RefCell;
use std::rc::Rc;
use vfd_core::Stdio;
use vfd_core::limits::{DEFAULT_MAX_FDS, MAX_MAX_FDS};
use vfd_core::paths::{Mounts, Resolved};
use vfd_core::table::Table;
use wasip2::sockets::network::Network;

/// The environment variable that sets the limit on descriptor numbers
/// (`RLIMIT_NOFILE`), as `vfd run --max-fds` does for the host build:
/// `wasmtime run --env VFD_MAX_FDS=256 ...`. Default 1024, at most
/// [`MAX_MAX_FDS`]; a value that is not a number in that range is ignored.
pub const MAX_FDS_VAR: &str = "VFD_MAX_FDS";

/// The guest's descriptor state.
pub struct State {
    /// Numbers to open descriptions, with the rules shared with the host
    /// build.
    pub table: Table<Rc<Description>>,
    /// The preopens, by guest path.
    pub mounts: Mounts<Directory>,
    /// The current directory, an absolute logical path.
    pub cwd: String,
    /// The last number handed out as a pipe's or socket's inode.
    next_id: u64,
    /// The runtime's network, asked for on first use.
    network: Option<Network>,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// Run `f` on the state, making it on the first call.
pub fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    STATE.with(|cell| {
        let mut state = cell.borrow_mut();
        f(state.get_or_insert_with(State::new))
    })
}

impl State {
    fn new() -> State {
        let mut table = Table::new(max_fds());
        for which in Stdio::ALL {
            let access = if which.is_input() {
                AccessMode::ReadOnly
            } else {
                AccessMode::WriteOnly
            };
            let desc = Description::new(
                Object::Stdio(StdioStream::new(which)),
                access,
                StatusFlags::empty(),
            );
            // The limit is at least 1 but may be below 3: stdio beyond it
            // is left closed, as a Linux process under such a limit has it.
            table.replace(which.fd(), Rc::new(desc), false).ok();
        }
        let mut mounts = Mounts::default();
        for (i, (fd, name)) in wasip2::filesystem::preopens::get_directories()
            .into_iter()
            .enumerate()
        {
            mounts.add(&name, Directory::preopen(fd, i));
        }
        State {
            table,
            mounts,
            cwd: "/".to_owned(),
            next_id: 0,
            network: None,
        }
    }

    /// The open description behind `fd`.
    pub fn desc(&self, fd: u32) -> Result<&Rc<Description>, Errno> {
        Ok(&self.table.get(fd)?.object)
    }

    /// Put `desc` at the lowest free number.
    pub fn insert(&mut self, desc: Description, cloexec: bool) -> Result<u32, Errno> {
        Ok(self.table.insert(Rc::new(desc), cloexec)?)
    }

    /// `mfile` unless the table has a free number: checked before a call
    /// creates anything (a file, a connection taken off a listener).
    pub fn check_room(&self) -> Result<(), Errno> {
        Ok(self.table.check_room()?)
    }

    /// Put two new descriptions at the two lowest free numbers, or neither
    /// (pipe2, socketpair).
    pub fn insert_pair(
        &mut self,
        a: Description,
        b: Description,
        flags: FdFlags,
    ) -> Result<(u32, u32), Errno> {
        let cloexec = flags.contains(FdFlags::CLOEXEC);
        Ok(self.table.insert_pair(Rc::new(a), Rc::new(b), cloexec)?)
    }

    /// The network wasi:sockets calls go through.
    pub fn network(&mut self) -> &Network {
        self.network
            .get_or_insert_with(wasip2::sockets::instance_network::instance_network)
    }

    /// A number for a new pipe's or socket's inode.
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Resolve `path` for an `-at` call (`vfd_core::fs::resolve`): the
    /// directory at `dir` is looked up only for a relative path.
    pub fn resolve(&self, dir: u32, path: &str) -> Result<Resolved<'_, Directory>, Errno> {
        let dir_of = |fd| -> Result<&Directory, vfd_core::Errno> {
            let found = self.desc(fd).and_then(|d| d.object.as_dir());
            found.map_err(vfd_core::Errno::from)
        };
        Ok(vfd_core::fs::resolve(
            &self.mounts,
            &self.cwd,
            dir,
            path,
            dir_of,
        )?)
    }
}

/// The limit on numbers: [`MAX_FDS_VAR`] if set to a valid number, else
/// the default.
fn max_fds() -> u32 {
    wasip2::cli::environment::get_environment()
        .into_iter()
        .find(|(name, _)| name == MAX_FDS_VAR)
        .and_then(|(_, value)| value.parse::<u32>().ok())
        .filter(|n| (1..=MAX_MAX_FDS).contains(n))
        .unwrap_or(DEFAULT_MAX_FDS)
}
