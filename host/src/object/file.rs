//! open(2) of host files and directories through a mount, with cap-std.

use super::readonly;
use super::{Directory, FileOrDir, Object};
use crate::bindings::{Errno, OpenFlags};
use cap_fs_ext::{FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt};
use cap_std::fs::{Dir, OpenOptions, OpenOptionsExt};
use rustix::fs::{FileType as HostType, OFlags};
use vfd_core::fs::readonly::Allowed;

/// open(2) `path` relative to the directory `at`, as Linux would.
///
/// cap-std resolves the path, so `..`, absolute symlinks and symlinks that
/// lead out of `at` are refused (`notcapable`) instead of followed. Under a
/// read-only mount, an open that would create, truncate or write fails as
/// under a read-only bind mount on Linux, and one that Linux lets through
/// reaches the host without any of those flags. A FIFO opened for writing
/// is a pipe object, so that writing to it never raises SIGPIPE in the
/// host; an open for reading only is not asked what it opened (see
/// [`FileOrDir`]).
pub fn open(at: &Directory, path: &str, flags: OpenFlags) -> Result<Object, Errno> {
    if !at.writable && flags.intersects(OpenFlags::WRITE | OpenFlags::TRUNCATE | OpenFlags::CREATE)
    {
        match vfd_core::fs::readonly::open(at, path, &flags.into())? {
            // Never a flag that could write: a file removed since the check
            // is then not created inside the read-only mount.
            Allowed::ReadOnly => {
                let cleared = OpenFlags::WRITE
                    | OpenFlags::CREATE
                    | OpenFlags::EXCLUSIVE
                    | OpenFlags::TRUNCATE;
                return open_host(at, path, flags & !cleared);
            }
            Allowed::Fifo => return Ok(Object::Pipe(readonly::open_fifo(at, path, flags)?)),
        }
    }
    open_host(at, path, flags)
}

/// open(2) on the host, with the guest's flags as they are.
fn open_host(at: &Directory, path: &str, flags: OpenFlags) -> Result<Object, Errno> {
    let write = flags.contains(OpenFlags::WRITE);
    let create = flags.contains(OpenFlags::CREATE);
    let exclusive = create && flags.contains(OpenFlags::EXCLUSIVE);
    let truncate = flags.contains(OpenFlags::TRUNCATE);
    let directory = flags.contains(OpenFlags::DIRECTORY);
    let mut options = OpenOptions::new();
    // O_RDONLY is 0: with neither read nor write, the file is read-only.
    options
        .read(flags.contains(OpenFlags::READ) || !write)
        .write(write)
        .maybe_dir(true);
    // These go as raw flags so that Linux's own rules apply to them: std's
    // option checks would turn O_RDONLY|O_APPEND into write access, and
    // refuse O_CREAT or O_TRUNC without it.
    let mut custom = OFlags::empty();
    custom.set(OFlags::APPEND, flags.contains(OpenFlags::APPEND));
    custom.set(OFlags::NONBLOCK, flags.contains(OpenFlags::NONBLOCK));
    custom.set(OFlags::DIRECTORY, directory);
    if write {
        options
            .create(create)
            .truncate(truncate)
            .create_new(exclusive);
    } else {
        custom.set(OFlags::CREATE, create);
        custom.set(OFlags::EXCL, exclusive);
        custom.set(OFlags::TRUNC, truncate);
    }
    if flags.contains(OpenFlags::NOFOLLOW) {
        options.follow(FollowSymlinks::No);
    }
    options.custom_flags(custom.bits() as i32);

    let file = at.dir.open_with(path, &options)?;
    if directory {
        // The host refuses O_DIRECTORY on anything else.
        return Ok(Object::Dir(Directory {
            dir: Dir::from_std_file(file.into_std()),
            writable: at.writable,
            mount: at.mount,
        }));
    }
    if !write {
        return Ok(Object::FileOrDir(FileOrDir::new(
            file,
            at.writable,
            at.mount,
        )));
    }
    // Opened for writing, so not a directory (the host says `isdir`): a
    // FIFO is written as a pipe, never raising SIGPIPE in the host.
    Ok(
        match HostType::from_raw_mode(rustix::fs::fstat(&file)?.st_mode) {
            HostType::Fifo => Object::Pipe(file.into_std().into()),
            _ => Object::File(file),
        },
    )
}
