//! `wasi:cli`'s stdin, stdout and stderr as vfd's descriptors 0, 1 and 2.
//!
//! A component's `println!` (Rust's std through wasi-libc, C's `printf`,
//! CPython's `print`) writes to the stream `wasi:cli/stdout.get-stdout`
//! gives it, and reads its stdin from `get-stdin`'s. Linked by
//! [`add_to_linker_with_wasi`](crate::add_to_linker_with_wasi), those
//! streams are vfd's: each call looks up what fd 0, 1 or 2 refers to at
//! that moment, so a `dup2(file, 1)` redirects std's output too, a file
//! `dup2`ed onto 0 is what `std::io::stdin()` reads, and a closed number
//! silences or ends its stream, as on Linux, where a process has one
//! table. `wasi:cli/terminal-*` answer `isatty` of the same numbers.
//!
//! wasmtime-wasi keeps a guest's streams in its `ResourceTable`. vfd's
//! stdio streams go into the same table as types of their own
//! (`StdioOutput`, `StdioInput`), and vfd defines every
//! method of `wasi:io/streams`' `output-stream` and `input-stream` again,
//! after wasmtime-wasi: a stream of vfd's is served here, any other (a
//! file's, a socket's) goes to wasmtime-wasi's own method, unchanged. The
//! check is one type test on the table entry. A guest whose context says
//! [`wasi_stdio(false)`](crate::VfdCtxBuilder::wasi_stdio) gets
//! wasmtime-wasi's stdio streams, from its `WasiCtx`.

use crate::VfdView;
use crate::bindings::Errno;
use wasmtime::StoreContextMut;
use wasmtime::component::{Linker, Resource, ResourceTable};
use wasmtime_wasi::WasiView;
use wasmtime_wasi::cli::WasiCliView as _;
use wasmtime_wasi::p2::bindings::cli::{
    stdin, terminal_input::TerminalInput, terminal_output::TerminalOutput, terminal_stderr,
    terminal_stdin, terminal_stdout,
};
use wasmtime_wasi::p2::bindings::sync::io::streams::{self, Host as _};
use wasmtime_wasi::p2::{DynInputStream, StreamError, StreamResult};

mod input;
mod output;

/// The version of the WASI interfaces wasmtime-wasi links, whose names
/// vfd defines again.
const WASI_VERSION: &str = "0.2.12";

/// wasi's resource table.
fn wasi_table<'a, T: WasiView>(store: &'a mut StoreContextMut<'_, T>) -> &'a mut ResourceTable {
    store.data_mut().ctx().table
}

/// A stream call's result as the guest receives it: wasmtime-wasi's
/// `stream-error` conversion (a trap stays a trap).
fn lower<R>(
    table: &mut ResourceTable,
    result: StreamResult<R>,
) -> wasmtime::Result<(Result<R, streams::StreamError>,)> {
    Ok((match result {
        Ok(value) => Ok(value),
        Err(e) => Err(table.convert_stream_error(e)?),
    },))
}

/// A stdio stream's failure with `e`: `last-operation-failed` with the
/// host's error, which `wasi:filesystem/types.filesystem-error-code`
/// reports as that errno (wasi-libc asks it).
fn failed(e: Errno) -> StreamError {
    StreamError::LastOperationFailed(
        std::io::Error::from_raw_os_error(vfd_core::Errno::from(e).linux()).into(),
    )
}

/// Takes over `wasi:cli/stdout` and `stderr` and the `output-stream`
/// methods. `linker` must already hold wasmtime-wasi's definitions.
pub(crate) fn add_to_linker<T: VfdView + WasiView + 'static>(
    linker: &mut Linker<T>,
) -> wasmtime::Result<()> {
    // Only for these definitions: left on, a later wasmtime-wasi
    // `add_to_linker` would silently undo them.
    linker.allow_shadowing(true);
    let defined = define(linker);
    linker.allow_shadowing(false);
    defined
}

fn define<T: VfdView + WasiView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    for (interface, fd) in [("stdout", 1), ("stderr", 2)] {
        let mut inst = linker.instance(&format!("wasi:cli/{interface}@{WASI_VERSION}"))?;
        inst.func_wrap(
            &format!("get-{interface}"),
            move |store: StoreContextMut<'_, T>, (): ()| output::get_stdio(store, fd),
        )?;
    }
    let mut inst = linker.instance(&format!("wasi:cli/stdin@{WASI_VERSION}"))?;
    inst.func_wrap("get-stdin", |mut store: StoreContextMut<'_, T>, (): ()| {
        if !store.data_mut().vfd().wasi_stdio {
            return Ok((stdin::Host::get_stdin(&mut store.data_mut().cli())?,));
        }
        let stream = wasi_table(&mut store).push(input::StdioInput::new())?;
        Ok((Resource::<DynInputStream>::new_own(stream.rep()),))
    })?;
    define_terminals(linker)?;
    let mut inst = linker.instance(&format!("wasi:io/streams@{WASI_VERSION}"))?;
    output::define(&mut inst)?;
    input::define(&mut inst)
}

/// `get-terminal-stdin`, `-stdout` and `-stderr`: whether fd 0, 1 and 2
/// are terminals now (`isatty`), for the guest's `wasi:cli` stdio.
fn define_terminals<T: VfdView + WasiView + 'static>(
    linker: &mut Linker<T>,
) -> wasmtime::Result<()> {
    fn is_terminal<T: VfdView>(store: &mut StoreContextMut<'_, T>, fd: u32) -> Option<bool> {
        let vfd = store.data_mut().vfd();
        vfd.wasi_stdio
            .then(|| crate::bindings::vfd::posix::descriptors::Host::is_terminal(vfd, fd))
            .map(|terminal| terminal.unwrap_or(false))
    }
    // The three definitions differ only in the interface, the number and
    // the resource: one shape, written once.
    macro_rules! define {
        ($name:literal, $fd:literal, $runtime:path, $resource:expr) => {
            let mut inst =
                linker.instance(&format!("wasi:cli/terminal-{}@{WASI_VERSION}", $name))?;
            inst.func_wrap(
                concat!("get-terminal-", $name),
                |mut store: StoreContextMut<'_, T>, (): ()| {
                    let terminal = match is_terminal(&mut store, $fd) {
                        None => $runtime(&mut store.data_mut().cli())?,
                        Some(false) => None,
                        Some(true) => Some(wasi_table(&mut store).push($resource)?),
                    };
                    Ok((terminal,))
                },
            )?;
        };
    }
    define!(
        "stdin",
        0,
        terminal_stdin::Host::get_terminal_stdin,
        TerminalInput {}
    );
    define!(
        "stdout",
        1,
        terminal_stdout::Host::get_terminal_stdout,
        TerminalOutput {}
    );
    define!(
        "stderr",
        2,
        terminal_stderr::Host::get_terminal_stderr,
        TerminalOutput {}
    );
    Ok(())
}
