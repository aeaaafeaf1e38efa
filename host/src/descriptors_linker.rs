//! The `descriptors` interface added to a `Linker` by hand.
//!
//! `bindgen!` lifts every `list<u8>` parameter into a fresh `Vec<u8>`: for
//! `write` and `pwrite` that is an allocation and a copy of every byte
//! written, which costs as much as the write itself at 1 MiB. Here those
//! two take the list as a [`WasmList`] and hand the kernel the guest's own
//! memory. Every other function is the generated [`Host`] method, wired
//! exactly as `bindgen!` wires it; the instance is type-checked against the
//! component's imports at instantiation, as a generated one is.

use crate::bindings::vfd::posix::descriptors::Host;
use crate::bindings::{Advice, Errno, FdFlags, NewTimestamp, OpenFlags, StatusFlags, Whence};
use crate::descriptors::PendingWrite;
use crate::linker::wire;
use crate::trace::{self, Args};
use crate::{VfdCtx, VfdView};
use std::time::Instant;
use wasmtime::StoreContextMut;
use wasmtime::component::{Linker, WasmList};

/// The instance name the guest imports.
const INTERFACE: &str = "vfd:posix/descriptors@0.1.0";

/// Add `vfd:posix/descriptors` to `linker`.
pub(crate) fn add_to_linker<T: VfdView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    let mut inst = linker.instance(INTERFACE)?;

    // One generated `Host` method, as `bindgen!` would wire it.
    macro_rules! host {
        ($($method:tt)*) => {
            wire!(inst, Host, $($method)*)
        };
    }

    host!("open", open(path: String, flags: OpenFlags));
    host!("open-at", open_at(dir: u32, path: String, flags: OpenFlags));
    host!("close", close(fd: u32));
    host!("dup", dup(fd: u32));
    host!("dup2", dup2(fd: u32, target: u32));
    host!("dup3", dup3(fd: u32, target: u32, flags: FdFlags));
    host!("dup-min", dup_min(fd: u32, min: u32, flags: FdFlags));
    host!(restart "read", read(fd: u32, len: u32));
    host!(restart "pread", pread(fd: u32, len: u32, offset: u64));
    host!("seek", seek(fd: u32, offset: i64, whence: Whence));
    host!("stat", stat(fd: u32));
    host!("stat-at", stat_at(dir: u32, path: String, follow: bool));
    host!("truncate", truncate(fd: u32, size: u64));
    host!("sync", sync(fd: u32));
    host!(
        "set-times",
        set_times(fd: u32, access: NewTimestamp, modify: NewTimestamp)
    );
    host!(
        "advise",
        advise(fd: u32, offset: u64, len: u64, advice: Advice)
    );
    host!("allocate", allocate(fd: u32, offset: u64, len: u64));
    host!("get-fd-flags", get_fd_flags(fd: u32));
    host!("set-fd-flags", set_fd_flags(fd: u32, flags: FdFlags));
    host!("get-status-flags", get_status_flags(fd: u32));
    host!("set-status-flags", set_status_flags(fd: u32, flags: StatusFlags));
    host!("get-access-mode", get_access_mode(fd: u32));
    host!("is-terminal", is_terminal(fd: u32));
    host!("read-dir", read_dir(fd: u32));
    host!("mkdir-at", mkdir_at(dir: u32, path: String));
    host!("unlink-at", unlink_at(dir: u32, path: String));
    host!("remove-dir-at", remove_dir_at(dir: u32, path: String));
    host!(
        "rename-at",
        rename_at(dir: u32, path: String, new_dir: u32, new_path: String)
    );
    host!(
        "symlink-at",
        symlink_at(target: String, dir: u32, path: String)
    );
    host!("readlink-at", readlink_at(dir: u32, path: String));
    host!(
        "link-at",
        link_at(dir: u32, path: String, new_dir: u32, new_path: String)
    );
    host!(
        "set-times-at",
        set_times_at(
            dir: u32,
            path: String,
            access: NewTimestamp,
            modify: NewTimestamp,
            follow: bool
        )
    );
    host!("chdir", chdir(path: String));
    host!("getcwd", getcwd());

    inst.func_wrap(
        "write",
        |store: StoreContextMut<'_, T>, (fd, data): (u32, WasmList<u8>)| {
            let traced = |args: &mut Args, bytes: &[u8]| {
                args.push("fd", &fd);
                args.push_data(bytes);
                args.push("len", &bytes.len());
            };
            write_in_place(store, "write", data, traced, |vfd| {
                vfd.pending_write(fd, None)
            })
        },
    )?;
    inst.func_wrap(
        "pwrite",
        |store: StoreContextMut<'_, T>, (fd, data, offset): (u32, WasmList<u8>, u64)| {
            let traced = |args: &mut Args, bytes: &[u8]| {
                args.push("fd", &fd);
                args.push_data(bytes);
                args.push("len", &bytes.len());
                args.push("offset", &offset);
            };
            write_in_place(store, "pwrite", data, traced, |vfd| {
                vfd.pending_write(fd, Some(offset))
            })
        },
    )?;
    Ok(())
}

/// Finishes a write with the guest's bytes in place. `pending` checks the
/// arguments and takes the description (and its `Arc`) first, because
/// vfd's table and the guest's memory are both borrowed from the store.
/// When calls are traced, `traced` gives the call's arguments for the
/// event, with the bytes written.
pub(crate) fn write_in_place<T: VfdView>(
    mut store: StoreContextMut<'_, T>,
    call: &'static str,
    data: WasmList<u8>,
    traced: impl FnOnce(&mut Args, &[u8]),
    mut pending: impl FnMut(&VfdCtx) -> Result<PendingWrite, Errno>,
) -> wasmtime::Result<(Result<u32, Errno>,)> {
    let start = trace::enabled().then(Instant::now);
    let written = loop {
        let vfd = store.data_mut().vfd();
        vfd.answer_table_request();
        let written = pending(vfd).and_then(|w| w.write(data.as_le_slice(&store)));
        // A write a table request interrupted wrote nothing: made again.
        if !trace::interrupted(&written) {
            break written;
        }
    };
    if let Some(start) = start {
        let elapsed = start.elapsed();
        let mut args = Args::default();
        traced(&mut args, data.as_le_slice(&store));
        trace::emit(call, args, &written, elapsed);
    }
    Ok((written,))
}
