//! `vfd`: run a WebAssembly command component with vfd descriptors.
//!
//! `vfd run` mirrors `wasmtime run`: a component gets wasmtime-wasi p2 as
//! usual, plus the `vfd:posix` interfaces over its own descriptor table; a
//! preview 1 module (`wasm32-wasip1`) gets preview 1 on that same table.
//! `vfd compose` makes a guest runnable without vfd's host code.

mod cache;
mod compose;
mod fd_spec;
mod load;
mod options;
mod signals;
mod trace;

use load::Kind;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use fd_spec::FdSpec;
use std::path::PathBuf;
use std::process::ExitCode;
use vfd_host::{LimitReached, MountPerms, VfdCtx};
use wasmtime_wasi::{FsPerms, WasiCtx};

/// `vfd --version`: vfd's version and the wasmtime it runs guests on.
fn version() -> &'static str {
    static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "{} (wasmtime {})",
            env!("CARGO_PKG_VERSION"),
            wasmtime_environ::VERSION
        )
    });
    &VERSION
}

/// POSIX-style virtual file descriptors for WebAssembly.
#[derive(Parser)]
#[command(name = "vfd", version = version(), about)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand)]
// Parsed once per process: the size of the larger variant costs nothing.
#[allow(clippy::large_enum_variant)]
enum Commands {
    /// Run a wasi:cli command component, or a preview 1 command module
    /// (wasm32-wasip1), with vfd descriptors.
    Run(RunArgs),
    /// Compose a guest with the wasm layer, to run it on a stock runtime
    /// (`wasmtime run`).
    Compose(compose::ComposeArgs),
}

#[derive(Parser)]
struct RunArgs {
    /// Mount a host directory for the guest, read-write, at GUEST (default:
    /// the same path). Repeatable.
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,

    /// Mount a host directory read-only: every change under it is EROFS.
    /// Repeatable.
    #[arg(long = "dir-ro", value_name = "HOST[::GUEST]")]
    dirs_ro: Vec<String>,

    /// Set an environment variable for the guest; NAME alone passes the
    /// host's value. Repeatable.
    #[arg(long = "env", value_name = "NAME[=VAL]")]
    envs: Vec<String>,

    /// The limit on guest descriptor numbers, like RLIMIT_NOFILE.
    #[arg(long, value_name = "N", default_value_t = vfd_host::DEFAULT_MAX_FDS)]
    max_fds: u32,

    /// Development mode: warn about double closes and stale closes, and list
    /// the descriptors the guest left open at exit.
    #[arg(long)]
    dev: bool,

    /// Hand a host object to the guest at number N. file:PATH[:MODE] opens a
    /// host file (MODE ro, the default, rw, append like the shell's >>, or
    /// create like >); tcp-listen:ADDR a listener (socket activation);
    /// tcp-connect:ADDR a connected stream; udp:ADDR a bound UDP socket;
    /// inherit:HOSTFD[:owned|borrowed] a descriptor vfd itself was started
    /// with. Repeatable.
    #[arg(long = "fd", value_name = "N=KIND:...")]
    fds: Vec<String>,

    /// Let the guest connect (TCP) and send (UDP) to matching addresses:
    /// ADDR[/PREFIX]:PORT, PORT may be *, IPv6 in brackets. Repeatable.
    #[arg(long, value_name = "ADDR[/PREFIX]:PORT")]
    allow_connect: Vec<String>,

    /// Let the guest listen (TCP) and bind (UDP) on matching addresses.
    /// Repeatable.
    #[arg(long, value_name = "ADDR[/PREFIX]:PORT")]
    allow_listen: Vec<String>,

    /// Let the guest connect and listen anywhere.
    #[arg(long)]
    allow_network: bool,

    /// Print each descriptor call of the guest as strace does, with its
    /// result and time, to FILE or stderr; and the table at exit.
    #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true)]
    trace: Option<Option<PathBuf>>,

    /// Trace only these calls (the names the trace shows: close, dup2,
    /// open-at, fd_write...). Comma-separated, repeatable; implies --trace.
    #[arg(long, value_name = "CALL,..")]
    trace_calls: Vec<String>,

    /// Trace only calls that take or make one of these descriptor numbers.
    /// Comma-separated, repeatable; implies --trace.
    #[arg(long, value_name = "FD,..")]
    trace_fds: Vec<String>,

    /// Limits on the guest's code, as `wasmtime run -W`: max-memory-size=N
    /// (bytes, each linear memory), trap-on-grow-failure[=y|n], fuel=N,
    /// timeout=N|Ns|Nms|Nus|Nns (N alone is seconds). Comma-separated,
    /// repeatable. A guest stopped by one exits with status 134.
    #[arg(short = 'W', value_name = "KEY[=VAL[,..]]")]
    wasm: Vec<String>,

    /// Compilation, as `wasmtime run -C`: cache[=y|n] keeps compiled code
    /// in $XDG_CACHE_HOME/vfd (else ~/.cache/vfd) between runs; on by
    /// default.
    #[arg(short = 'C', value_name = "KEY[=VAL[,..]]")]
    codegen: Vec<String>,

    /// The program to run: a component (wasm32-wasip2), or a core module
    /// (wasm32-wasip1), whose mounts are its preopened directories at 3,
    /// 4, ... in the order given, before any --fd number.
    #[arg(value_name = "WASM")]
    component: PathBuf,

    /// Arguments for the guest.
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    args: Vec<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Commands::Run(args) => run(args),
        Commands::Compose(args) => compose::compose(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("vfd: error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// `HOST[::GUEST]` as `wasmtime run --dir` reads it.
fn split_dir(spec: &str) -> (&str, &str) {
    spec.split_once("::").unwrap_or((spec, spec))
}

fn run(args: RunArgs) -> Result<u8> {
    let limits = options::wasm_options(&args.wasm)?;
    let codegen = options::codegen_options(&args.codegen)?;
    if let Some(trace) =
        trace::TraceOptions::from_flags(args.trace, &args.trace_calls, &args.trace_fds)?
    {
        trace.install()?;
    }
    signals::table_on_sigusr1()?;
    let mut wasi = WasiCtx::builder();
    let mut vfd = VfdCtx::builder();
    wasi.inherit_stdio();
    let name = args.component.display().to_string();
    let kind = Kind::of(&args.component).with_context(|| format!("cannot load {name}"))?;
    // A module finds its mounts as preview 1 preopens.
    vfd.preopen_mounts(kind == Kind::Module);
    wasi.args(&[&name]).args(&args.args);
    for env in &args.envs {
        match env.split_once('=') {
            Some((k, v)) => wasi.env(k, v),
            None => wasi.env(env, std::env::var(env).unwrap_or_default()),
        };
    }
    // Descriptors vfd inherited are taken over first, before opening
    // anything (mounts, files) can put a new host descriptor on a number
    // that an `inherit:` flag names.
    let mut inherited = std::collections::HashSet::new();
    let (inherits, others): (Vec<_>, Vec<_>) =
        args.fds.iter().partition(|s| s.contains("=inherit:"));
    for spec in inherits.into_iter().chain(others) {
        let given = FdSpec::open(spec)?;
        if given.fd >= args.max_fds {
            bail!(
                "--fd {spec}: {} is at or above --max-fds {}",
                given.fd,
                args.max_fds
            );
        }
        if let Some(host) = given.inherited
            && !inherited.insert(host)
        {
            bail!("--fd {spec}: host descriptor {host} is already handed in");
        }
        vfd.insert(given.fd, given.object);
    }
    let mounts = args.dirs.iter().map(|d| (d, MountPerms::ReadWrite));
    for (spec, perms) in mounts.chain(args.dirs_ro.iter().map(|d| (d, MountPerms::ReadOnly))) {
        let (host, guest) = split_dir(spec);
        vfd.mount(host, guest, perms)?;
        if kind == Kind::Module {
            continue;
        }
        // The same tree is preopened for a component's wasi:filesystem, so
        // std::fs in the guest sees what vfd does, as under `wasmtime run
        // --dir`.
        let fs_perms = match perms {
            MountPerms::ReadWrite => FsPerms::ReadWrite,
            MountPerms::ReadOnly => FsPerms::ReadOnly,
        };
        wasi.preopened_dir(host, guest, fs_perms)
            .map_err(|e| anyhow::Error::from(e).context(format!("--dir {spec}")))?;
    }
    for pattern in &args.allow_connect {
        vfd.allow_connect(pattern).context("--allow-connect")?;
    }
    for pattern in &args.allow_listen {
        vfd.allow_listen(pattern).context("--allow-listen")?;
    }
    if args.allow_network {
        vfd.allow_network();
    }
    vfd.max_fds(args.max_fds).dev_mode(args.dev);

    let engine = limits.engine()?;
    let vfd = vfd.build()?;
    let cache = codegen.cache.then(cache::CodeCache::user).flatten();
    let program = load::load(&engine, &args.component, kind, cache.as_ref())
        .with_context(|| format!("cannot load {name}"))?;
    let status = match program {
        load::Program::Component(component) => {
            vfd_host::run_command_within(&engine, &component, wasi.build(), vfd, &limits)
        }
        load::Program::Module(module) => {
            vfd_host::run_module_within(&engine, &module, wasi.build(), vfd, &limits)
        }
    };
    exit_status(status, &args.wasm)
}

fn exit_status(status: wasmtime::Result<i32>, wasm: &[String]) -> Result<u8> {
    match status {
        Ok(status) => Ok(status as u8),
        Err(e) => {
            match LimitReached::of(&e) {
                Some(limit) => eprintln!("vfd: error: {limit} (-W {}): {e:?}", wasm.join(",")),
                None => eprintln!("vfd: error: {e:?}"),
            }
            // As `wasmtime run` does for a trap: 128 + SIGABRT.
            Ok(134)
        }
    }
}
