//! open(2) of host files and directories through a mount, with cap-std.

use super::{Directory, Object};
use crate::bindings::{Errno, OpenFlags};
use cap_fs_ext::{FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt};
use cap_std::fs::{Dir, OpenOptions, OpenOptionsExt};
use rustix::fs::{FileType as HostType, OFlags};

/// open(2) `path` relative to the directory `at`, as Linux would.
///
/// cap-std resolves the path, so `..`, absolute symlinks and symlinks that
/// lead out of `at` are refused (`notcapable`) instead of followed.
pub fn open(at: &Directory, path: &str, flags: OpenFlags) -> Result<Object, Errno> {
    let write = flags.contains(OpenFlags::WRITE);
    let create = flags.contains(OpenFlags::CREATE);
    let exclusive = create && flags.contains(OpenFlags::EXCLUSIVE);
    let truncate = flags.contains(OpenFlags::TRUNCATE);
    let directory = flags.contains(OpenFlags::DIRECTORY);
    if directory && create {
        // Linux 6.4 and later refuse O_CREAT|O_DIRECTORY outright.
        return Err(Errno::Inval);
    }
    if !at.writable && (write || truncate || create) {
        read_only_mount_check(at, path, flags)?;
    }

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
    // Only a read-only open can yield a directory (Linux refuses to open one
    // for writing), so only those need the extra fstat.
    if !write && HostType::from_raw_mode(rustix::fs::fstat(&file)?.st_mode) == HostType::Directory {
        let dir = Dir::from_std_file(file.into_std());
        return Ok(Object::Dir(Directory {
            dir,
            writable: at.writable,
            mount: at.mount,
        }));
    }
    Ok(Object::File(file))
}

/// The errors Linux gives for a change under a read-only mount, in its
/// order: a missing file without `create` is `noent`, an existing one with
/// `create|exclusive` is `exist`, a directory opened for writing is `isdir`,
/// and anything else that would write is `rofs`. `create` alone on an
/// existing file opens it read-only, as on Linux.
fn read_only_mount_check(at: &Directory, path: &str, flags: OpenFlags) -> Result<(), Errno> {
    let create = flags.contains(OpenFlags::CREATE);
    let found = if flags.contains(OpenFlags::NOFOLLOW) {
        at.dir.symlink_metadata(path)
    } else {
        at.dir.metadata(path)
    };
    match found {
        Err(e) => match Errno::from(e) {
            Errno::Noent if create => Err(Errno::Rofs),
            other => Err(other),
        },
        Ok(_) if create && flags.contains(OpenFlags::EXCLUSIVE) => Err(Errno::Exist),
        Ok(meta) if meta.is_dir() && flags.contains(OpenFlags::WRITE) => Err(Errno::Isdir),
        Ok(_) if flags.intersects(OpenFlags::WRITE | OpenFlags::TRUNCATE) => Err(Errno::Rofs),
        Ok(_) => Ok(()),
    }
}
