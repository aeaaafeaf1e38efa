//! `vfd`: run a WebAssembly command component with vfd descriptors.
//!
//! `vfd run` mirrors `wasmtime run`: the guest gets wasmtime-wasi p2 as
//! usual, plus the `vfd:posix` interfaces over its own descriptor table.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use vfd_host::{MountPerms, Ownership, VfdCtx, VfdView};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtx, WasiCtxView, WasiView};

/// POSIX-style virtual file descriptors for WebAssembly.
#[derive(Parser)]
#[command(name = "vfd", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand)]
enum Commands {
    /// Run a wasi:cli command component with vfd descriptors.
    Run(RunArgs),
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

    /// Hand a host file to the guest at number N (owned by the guest). MODE
    /// is ro (the default), rw, append (like the shell's >>) or create (like
    /// >: create or truncate). Repeatable.
    #[arg(long = "fd", value_name = "N=file:PATH[:MODE]")]
    fds: Vec<String>,

    /// The component to run (a wasm32-wasip2 program).
    #[arg(value_name = "COMPONENT")]
    component: PathBuf,

    /// Arguments for the guest.
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    args: Vec<String>,
}

struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    vfd: VfdCtx,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl VfdView for State {
    fn vfd(&mut self) -> &mut VfdCtx {
        &mut self.vfd
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Commands::Run(args) => run(args),
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

/// A `--fd N=file:PATH[:MODE]` flag, opened on the host.
fn open_fd_flag(spec: &str) -> Result<(u32, std::fs::File)> {
    let (n, what) = spec
        .split_once('=')
        .with_context(|| format!("--fd {spec}: expected N=file:PATH[:MODE]"))?;
    let n: u32 = n
        .parse()
        .with_context(|| format!("--fd {spec}: {n:?} is not a descriptor number"))?;
    let Some(rest) = what.strip_prefix("file:") else {
        bail!(
            "--fd {spec}: expected file:PATH (only host files can be handed in with --fd so far)"
        );
    };
    let (path, mode) = match rest.rsplit_once(':') {
        Some((p, m @ ("ro" | "rw" | "append" | "create"))) => (p, m),
        _ => (rest, "ro"),
    };
    let mut options = std::fs::OpenOptions::new();
    match mode {
        "ro" => options.read(true),
        "rw" => options.read(true).write(true),
        "append" => options.append(true).create(true),
        _ => options.write(true).create(true).truncate(true),
    };
    let file = options
        .open(path)
        .with_context(|| format!("--fd {spec}: cannot open {path}"))?;
    Ok((n, file))
}

fn run(args: RunArgs) -> Result<u8> {
    let mut wasi = WasiCtx::builder();
    let mut vfd = VfdCtx::builder();
    wasi.inherit_stdio();
    let name = args.component.display().to_string();
    wasi.args(&[&name]).args(&args.args);
    for env in &args.envs {
        match env.split_once('=') {
            Some((k, v)) => wasi.env(k, v),
            None => wasi.env(env, std::env::var(env).unwrap_or_default()),
        };
    }
    let mounts = args.dirs.iter().map(|d| (d, MountPerms::ReadWrite));
    for (spec, perms) in mounts.chain(args.dirs_ro.iter().map(|d| (d, MountPerms::ReadOnly))) {
        let (host, guest) = split_dir(spec);
        vfd.mount(host, guest, perms)?;
        // The same tree is preopened for wasi:filesystem, so std::fs in the
        // guest sees what vfd does, as under `wasmtime run --dir`.
        let fs_perms = match perms {
            MountPerms::ReadWrite => FsPerms::ReadWrite,
            MountPerms::ReadOnly => FsPerms::ReadOnly,
        };
        wasi.preopened_dir(host, guest, fs_perms)
            .map_err(|e| anyhow::Error::from(e).context(format!("--dir {spec}")))?;
    }
    for spec in &args.fds {
        let (n, file) = open_fd_flag(spec)?;
        if n >= args.max_fds {
            bail!("--fd {spec}: {n} is at or above --max-fds {}", args.max_fds);
        }
        vfd.insert(n, file, Ownership::Owned)?;
    }
    vfd.max_fds(args.max_fds).dev_mode(args.dev);

    let engine = vfd_host::engine()?;
    let component = Component::from_file(&engine, &args.component)
        .map_err(|e| anyhow::Error::from(e).context(format!("cannot load {name}")))?;
    run_command(&engine, &component, wasi.build(), vfd.build()?)
}

fn run_command(engine: &Engine, component: &Component, wasi: WasiCtx, vfd: VfdCtx) -> Result<u8> {
    let mut linker = Linker::<State>::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    vfd_host::add_to_linker(&mut linker)?;
    let state = State {
        wasi,
        table: ResourceTable::new(),
        vfd,
    };
    let mut store = Store::new(engine, state);
    let command = Command::instantiate(&mut store, component, &linker)?;
    let result = command.wasi_cli_run().call_run(&mut store);
    // Release the guest's descriptors (and, in dev mode, report the ones it
    // left open) before the exit status is decided.
    drop(store);
    match result {
        Ok(Ok(())) => Ok(0),
        Ok(Err(())) => Ok(1),
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => Ok(exit.0 as u8),
            None => {
                eprintln!("vfd: error: {e:?}");
                // As `wasmtime run` does for a trap: 128 + SIGABRT.
                Ok(134)
            }
        },
    }
}
