//! The preview 1 entry points under what a hostile module could send: any
//! function, with pointers inside its memory, across its end and far past
//! it, any length, iovec count and flag bits, over memory the sequence
//! wrote itself (paths, iovecs, subscriptions, or noise).
//!
//! The module is generated (`module`): one page of memory and every
//! function of the linker's `wasi_snapshot_preview1` and of vfd's own
//! module (`vfd`), imported and called by an exported function of the
//! module's own, so the driver calls each one with the arguments it likes,
//! as a core module's own code would. After every call: no trap (an errno is
//! the only answer, `proc_exit` aside) and the table's invariants
//! ([`check_table`]); at the end, every host descriptor closed and nothing
//! outside the mounts changed.
//!
//! Calls that could block or fill the disk are kept from doing so: pipes
//! and socket pairs are made non-blocking and stay so, `poll_oneoff`'s
//! first subscription is a clock of at most a millisecond (its others
//! keep what the sequence wrote, their clocks shortened as well) and
//! vfd's `poll` waits at most a millisecond; the sizes of `fd_allocate`
//! and `fd_filestat_set_size` stay below 1 MiB.
//!
//! Sockets: the policy lets the module listen and bind on loopback's port
//! 0 only (the kernel picks a free port, so runs never collide) and
//! connect and send nowhere, so no call reaches a service of the machine's
//! own: `tcp_connect` must always fail. Listeners, UDP sockets and
//! accepted connections are made non-blocking, so `accept` and
//! `recv_from` never wait. An [`P1Op::Address`] hands the next call that
//! takes an address one of [`ADDRESSES`] (any other call gets whatever
//! pointer and length the sequence chose).

use crate::{Fixture, MAX_FILE_SIZE, PathArg, Run, check_table, open_host_fds};
use arbitrary::Arbitrary;
use std::sync::OnceLock;
use vfd_host::CommandCtx;
use vfd_host::p1::{MODULE, VFD_MODULE};
use wasm_encoder::{
    CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, ImportSection,
    Instruction, MemorySection, MemoryType, TypeSection, ValType as EncodedType,
};
use wasmtime::{Engine, Extern, FuncType, Linker, Module, Store, Val, ValType};
use wasmtime_wasi::{I32Exit, ResourceTable, WasiCtx};

/// The module's memory: one page, so that most raw pointers fall outside.
const MEMORY_SIZE: usize = 65536;

/// The longest a clock subscription may wait, in nanoseconds.
const MAX_WAIT_NS: u64 = 1_000_000;

/// Non-blocking in the `status` of vfd's module.
const NONBLOCK_BIT: u64 = 2;

/// Non-blocking in preview 1's `fdflags`.
const FDFLAGS_NONBLOCK: u64 = 4;

/// Address texts for the socket calls: the granted ones, ones the policy
/// refuses, and ones that do not parse.
const ADDRESSES: &[&str] = &[
    "127.0.0.1:0",
    "[::1]:0",
    "127.0.0.1:80",
    "0.0.0.0:0",
    "[::]:0",
    "[::ffff:127.0.0.1]:0",
    "localhost:0",
    "127.0.0.1:99999",
    "127.0.0.1",
    "",
];

/// The listen and bind grant of the policy (see the module's docs).
const LISTEN_GRANTS: &[&str] = &["127.0.0.1:0", "[::1]:0"];

/// One step of a module's life.
#[derive(Debug, Arbitrary)]
pub enum P1Op {
    /// Write these bytes into memory at this offset (wrapping around).
    Poke(u16, Vec<u8>),
    /// Write one of [`ADDRESSES`] into memory at this offset (wrapping
    /// around), as the address of the next call that takes one.
    Address(u16, u8),
    /// Write a path into memory at this offset (wrapping around).
    PokePath(u16, PathArg),
    /// Call the `n`-th preview 1 function (by name order, modulo how many
    /// there are) with these arguments; missing ones are 0.
    Call(u8, Vec<Arg>),
}

/// A value for one parameter, cut to the parameter's type.
#[derive(Debug, Arbitrary)]
pub enum Arg {
    /// A number that is likely open: 0 to 7 (the preopens are 3 and 4).
    Fd(u8),
    /// A small number: a count, a flag set, an enum value.
    Small(u8),
    /// A pointer into memory.
    Offset(u16),
    /// A pointer this far before the end of memory (a buffer across it).
    FromEnd(u16),
    /// Anything at all.
    Raw(u64),
}

impl Arg {
    fn value(&self) -> u64 {
        match self {
            Arg::Fd(n) => u64::from(*n % 8),
            Arg::Small(n) => u64::from(*n),
            Arg::Offset(at) => u64::from(*at),
            Arg::FromEnd(back) => (MEMORY_SIZE as u64).wrapping_sub(u64::from(*back)),
            Arg::Raw(n) => *n,
        }
    }
}

/// What every run shares: the engine, the module and the linker.
struct Shared {
    engine: Engine,
    linker: Linker<CommandCtx>,
    module: Module,
    /// The functions called: preview 1's and vfd's, by module and name.
    functions: Vec<(&'static str, String, FuncType)>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let engine = Engine::default();
        let mut linker = Linker::new(&engine);
        vfd_host::p1::add_to_linker(&mut linker).expect("preview 1 in the linker");
        let mut store = Store::new(&engine, context(&mut vfd_host::VfdCtx::builder()));
        let defined: Vec<(&str, String, wasmtime::Func)> = linker
            .iter(&mut store)
            .filter_map(|(module, name, item)| {
                let module = [MODULE, VFD_MODULE].into_iter().find(|m| *m == module)?;
                match item {
                    Extern::Func(f) => Some((module, name.to_owned(), f)),
                    _ => None,
                }
            })
            .collect();
        let mut functions: Vec<(&str, String, FuncType)> = defined
            .into_iter()
            .map(|(module, name, f)| (module, name, f.ty(&store)))
            .collect();
        functions.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let module = Module::new(&engine, module(&functions)).expect("the generated module");
        Shared {
            engine,
            linker,
            module,
            functions,
        }
    })
}

/// A module that imports every function given and exports, as
/// `MODULE.NAME`, a function of its own that passes its arguments on to
/// it (a host function learns the caller's memory only when a module's
/// code calls it), with one page of memory exported as `memory`.
fn module(functions: &[(&str, String, FuncType)]) -> Vec<u8> {
    let encoded = |t: ValType| match t {
        ValType::I32 => EncodedType::I32,
        ValType::I64 => EncodedType::I64,
        other => panic!("preview 1 has no {other} parameter"),
    };
    let (mut types, mut imports, mut bodies, mut code, mut exports) = (
        TypeSection::new(),
        ImportSection::new(),
        FunctionSection::new(),
        CodeSection::new(),
        ExportSection::new(),
    );
    let imported = functions.len() as u32;
    for (i, (module, name, ty)) in (0..).zip(functions) {
        types
            .ty()
            .function(ty.params().map(encoded), ty.results().map(encoded));
        imports.import(module, name, EntityType::Function(i));
        bodies.function(i);
        let mut body = Function::new([]);
        for arg in 0..ty.params().len() as u32 {
            body.instruction(&Instruction::LocalGet(arg));
        }
        body.instruction(&Instruction::Call(i))
            .instruction(&Instruction::End);
        code.function(&body);
        exports.export(&format!("{module}.{name}"), ExportKind::Func, imported + i);
    }
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: Some(1),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    exports.export("memory", ExportKind::Memory, 0);
    let mut module = wasm_encoder::Module::new();
    module
        .section(&types)
        .section(&imports)
        .section(&bodies)
        .section(&memories)
        .section(&exports)
        .section(&code);
    module.finish()
}

/// The fixture's context with the module's mounts preopened and the
/// network policy of the module's docs.
fn builder(fixture: &Fixture) -> vfd_host::VfdCtxBuilder {
    let mut b = fixture.builder();
    b.preopen_mounts(true);
    for grant in LISTEN_GRANTS {
        b.allow_listen(grant).expect("a listen grant");
    }
    b
}

fn context(vfd: &mut vfd_host::VfdCtxBuilder) -> CommandCtx {
    CommandCtx {
        wasi: WasiCtx::builder().build(),
        table: ResourceTable::new(),
        vfd: vfd.build().expect("build"),
    }
}

/// Which arguments of a call are an address's pointer and length.
fn address_args(name: &str) -> Option<usize> {
    match name {
        "vfd.tcp_connect" | "vfd.tcp_listen" | "vfd.udp_bind" => Some(0),
        "vfd.send_to" => Some(3),
        _ => None,
    }
}

/// Keep a call from blocking or filling the disk (see the module's docs).
fn tame(name: &str, args: &mut [u64], memory: &mut [u8]) {
    match name {
        "vfd.pipe" | "vfd.socketpair" | "vfd.set_status_flags" => args[1] |= NONBLOCK_BIT,
        "vfd.accept" => args[2] |= NONBLOCK_BIT,
        "vfd.udp_bind" => args[3] |= NONBLOCK_BIT,
        "vfd.tcp_listen" => args[4] |= NONBLOCK_BIT,
        "wasi_snapshot_preview1.fd_fdstat_set_flags" => args[1] |= FDFLAGS_NONBLOCK,
        "vfd.poll" => args[2] %= 2,
        "wasi_snapshot_preview1.fd_allocate" => {
            args[1] %= MAX_FILE_SIZE;
            args[2] %= MAX_FILE_SIZE;
        }
        "wasi_snapshot_preview1.fd_filestat_set_size" => args[1] %= MAX_FILE_SIZE,
        "wasi_snapshot_preview1.poll_oneoff" => {
            // A subscription: userdata (8), tag (1, 0 for a clock), then
            // the clock's id (at 16), timeout (24), precision and flags
            // (40, 1 for an absolute time). The first becomes a clock, so
            // that a wait on an empty pipe ends.
            args[2] %= 9;
            for k in 0..args[2] as usize {
                let at = (args[0] as u32 as usize).saturating_add(48 * k);
                if at + 48 > memory.len() {
                    break;
                }
                if k == 0 {
                    memory[at + 8] = 0;
                    memory[at + 16..at + 20].copy_from_slice(&1u32.to_le_bytes());
                }
                if memory[at + 8] != 0 {
                    continue;
                }
                let timeout = u64::from_le_bytes(memory[at + 24..at + 32].try_into().unwrap());
                memory[at + 24..at + 32].copy_from_slice(&(timeout % MAX_WAIT_NS).to_le_bytes());
                memory[at + 40..at + 42].fill(0);
            }
        }
        _ => {}
    }
}

/// Write `bytes` into `memory` from `at`, wrapping around its end.
fn poke(memory: &mut [u8], at: u16, bytes: &[u8]) {
    for (i, b) in bytes.iter().enumerate() {
        let k = (usize::from(at) + i) % memory.len();
        memory[k] = *b;
    }
}

/// Run `ops` against a fresh module over a fresh fixture, its mounts
/// preopened, checking the invariants after every step and the host's
/// descriptors at the end.
pub fn run_p1(ops: &[P1Op]) {
    let shared = shared();
    let fixture = Fixture::new().expect("fixture");
    let outside = fixture.outside();
    let fds_before = open_host_fds();
    {
        let data = context(&mut builder(&fixture));
        let mut store = Store::new(&shared.engine, data);
        let instance = shared
            .linker
            .instantiate(&mut store, &shared.module)
            .expect("instantiate");
        let memory = instance.get_memory(&mut store, "memory").unwrap();
        let host_fds = open_host_fds() - store.data().vfd.descriptors().len();
        // The address the next call that takes one gets: pointer, length.
        let mut address: Option<(u64, u64)> = None;
        for op in ops {
            match op {
                P1Op::Poke(at, bytes) => poke(memory.data_mut(&mut store), *at, bytes),
                P1Op::Address(at, which) => {
                    let text = ADDRESSES[usize::from(*which) % ADDRESSES.len()];
                    poke(memory.data_mut(&mut store), *at, text.as_bytes());
                    address = Some((u64::from(*at), text.len() as u64));
                }
                P1Op::PokePath(at, path) => {
                    poke(memory.data_mut(&mut store), *at, Run::path(path).as_bytes())
                }
                P1Op::Call(n, args) => {
                    let (module, name, ty) =
                        &shared.functions[usize::from(*n) % shared.functions.len()];
                    let name = format!("{module}.{name}");
                    let mut values: Vec<u64> = (0..ty.params().len())
                        .map(|i| args.get(i).map_or(0, Arg::value))
                        .collect();
                    if let Some(i) = address_args(&name)
                        && let Some((at, len)) = address.take()
                    {
                        values[i] = at;
                        values[i + 1] = len;
                    }
                    tame(&name, &mut values, memory.data_mut(&mut store));
                    let params: Vec<Val> = ty
                        .params()
                        .zip(&values)
                        .map(|(t, v)| match t {
                            ValType::I64 => Val::I64(*v as i64),
                            _ => Val::I32(*v as u32 as i32),
                        })
                        .collect();
                    let func = instance.get_func(&mut store, &name).unwrap();
                    let mut results = vec![Val::I32(0); ty.results().len()];
                    match func.call(&mut store, &params, &mut results) {
                        Ok(()) => {}
                        Err(e) if name.ends_with(".proc_exit") && e.is::<I32Exit>() => break,
                        Err(e) => panic!("{name}{values:?} trapped: {e:?}"),
                    }
                    // The policy grants no connection.
                    if name == "vfd.tcp_connect" {
                        assert_ne!(results[0].unwrap_i32(), 0, "connected without a grant");
                    }
                }
            }
            check_table(&store.data().vfd, host_fds);
        }
    }
    assert_eq!(open_host_fds(), fds_before, "host descriptors leaked");
    assert_eq!(
        fixture.outside(),
        outside,
        "something outside the mount changed"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A call of vfd's function `name`.
    fn call(name: &str, args: Vec<Arg>) -> P1Op {
        let n = shared()
            .functions
            .iter()
            .position(|(module, f, _)| *module == VFD_MODULE && f == name)
            .expect("a vfd function");
        P1Op::Call(n as u8, args)
    }

    /// The socket calls under granted, refused and broken addresses, on
    /// the numbers they made and with pointers across the end of memory:
    /// nothing blocks, traps or leaks (the fixture has no stdio, so the
    /// listener is 0 and the UDP socket 1).
    #[test]
    fn socket_calls_with_granted_and_hostile_arguments() {
        use Arg::{Fd, FromEnd, Offset, Small};
        // A string result's buffer, capacity and length, good or across
        // the end of memory.
        let text = |mut args: Vec<Arg>, at: Arg| {
            args.extend([at, Small(64), Offset(200)]);
            args
        };
        let mut ops = Vec::new();
        for (which, maker) in [(0, "tcp_listen"), (0, "udp_bind"), (2, "tcp_listen")] {
            ops.push(P1Op::Address(0, which));
            let mut args = vec![
                Offset(0),
                Small(0),
                Small(8),
                Small(0),
                Small(0),
                Offset(64),
            ];
            if maker == "udp_bind" {
                args.remove(2);
            }
            ops.push(call(maker, args));
        }
        let accept = || vec![Fd(0), Small(0), Small(0), Offset(64)];
        let recv = |buf: Arg| vec![Fd(1), buf, Small(16), Offset(64)];
        let send =
            |buf: Arg, len: u8| vec![Fd(1), buf, Small(4), Offset(0), Small(len), Offset(64)];
        ops.extend([
            call("local_address", text(vec![Fd(0)], Offset(100))),
            call("local_address", text(vec![Fd(0)], FromEnd(3))),
            call("peer_address", text(vec![Fd(0)], Offset(100))),
            call("accept", text(accept(), FromEnd(2))),
            call("accept", text(accept(), Offset(100))),
            call("set_nodelay", vec![Fd(0), Small(1)]),
            call("get_nodelay", vec![Fd(0), FromEnd(1)]),
            call("set_reuseaddr", vec![Fd(1), Small(7)]),
            P1Op::Address(300, 0),
            call("send_to", send(Offset(0), 0)),
            call("send_to", send(FromEnd(2), 11)),
            call("recv_from", text(recv(Offset(0)), Offset(100))),
            call("recv_from", text(recv(FromEnd(8)), Offset(100))),
            call("shutdown", vec![Fd(0), Small(2)]),
            call("shutdown", vec![Fd(0), Small(3)]),
            P1Op::Address(0, 0),
            call(
                "tcp_connect",
                vec![Offset(0), Small(0), Small(0), Small(0), Offset(64)],
            ),
        ]);
        run_p1(&ops);
    }
}
