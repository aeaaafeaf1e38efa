//! The benchmark workload written with `std::fs`, `std::io` and `std::net`.
//!
//! Built natively it is the native column; built for wasm32-wasip2 and
//! wasm32-wasip1 it is the wasmtime-wasi p2 and p1 columns. The rows WASI
//! cannot express (`dup`, `dup2`, pipes) are Unix-only, through `libc`, as
//! a native program would make those calls.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};

use vfd_bench_workloads::{
    Aligned, Args, BLOCK, CHUNK, DATA_FILE, DATA_LEN, WRITE_FILE, WRITE_SPAN, byte, report,
    time_per_op, time_throughput,
};

fn main() {
    let args = Args::from_env();
    report(run(&args));
}

fn run(args: &Args) -> io::Result<Option<f64>> {
    let n = args.iterations;
    let data = || File::open(args.path(DATA_FILE));
    let created = || {
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(args.path(WRITE_FILE))
    };
    Ok(Some(match args.row.name {
        "read-1b" => read_rows(data()?, n, 1)?,
        "read-4k" => read_rows(data()?, n, BLOCK)?,
        "read-1m" => {
            let mut file = data()?;
            let mut buf = Aligned::new(CHUNK, 0);
            time_throughput(n, |_| {
                let got = file.read(&mut buf)?;
                if got == 0 {
                    file.seek(SeekFrom::Start(0))?;
                }
                Ok::<_, io::Error>(got as u64)
            })?
        }
        "write-1b" => write_rows(created()?, n, 1)?,
        "write-4k" => write_rows(created()?, n, BLOCK)?,
        "write-1m" => {
            let mut file = created()?;
            let buf = Aligned::new(CHUNK, 7);
            let mut pos = 0;
            time_throughput(n, |_| {
                if pos + CHUNK as u64 > WRITE_SPAN {
                    file.seek(SeekFrom::Start(0))?;
                    pos = 0;
                }
                let wrote = file.write(&buf)? as u64;
                pos += wrote;
                Ok::<_, io::Error>(wrote)
            })?
        }
        "println" => {
            // println!'s own path (stdout's lock and line buffer), with the
            // error returned rather than a panic.
            let stdout = io::stdout();
            time_per_op(n, |i| writeln!(stdout.lock(), "line {i}"))?
        }
        "seek" => {
            let mut file = data()?;
            time_per_op(n, |i| file.seek(SeekFrom::Start(i & 0xffff)).map(drop))?
        }
        "pread-4k" => {
            let file = data()?;
            let mut buf = Aligned::new(BLOCK, 0);
            time_per_op(n, |i| {
                let offset = (i * BLOCK as u64) % DATA_LEN;
                pread(&file, &mut buf, offset).map(drop)
            })?
        }
        "open-close" => {
            let path = args.path(DATA_FILE);
            time_per_op(n, |_| File::open(&path).map(drop))?
        }
        "tcp-echo" => return tcp_echo(n),
        other => return descriptor_rows(other, args),
    }))
}

/// `read` of `len` bytes at a time, rewinding at end of file.
fn read_rows(mut file: File, n: u64, len: usize) -> io::Result<f64> {
    let mut buf = Aligned::new(len, 0);
    time_per_op(n, |_| {
        if file.read(&mut buf)? == 0 {
            file.seek(SeekFrom::Start(0))?;
        }
        Ok(())
    })
}

/// `write` of `len` bytes at a time, rewinding every [`WRITE_SPAN`].
fn write_rows(mut file: File, n: u64, len: usize) -> io::Result<f64> {
    let mut buf = Aligned::new(len, 0);
    let mut pos = 0;
    time_per_op(n, |i| {
        if pos + len as u64 > WRITE_SPAN {
            file.seek(SeekFrom::Start(0))?;
            pos = 0;
        }
        buf[0] = byte(i);
        pos += file.write(&buf)? as u64;
        Ok(())
    })
}

#[cfg(unix)]
fn pread(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

/// `std::os::wasi::fs::FileExt` is unstable, so wasi-libc's `pread`,
/// which is what it calls.
#[cfg(target_os = "wasi")]
fn pread(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::os::fd::AsRawFd;
    // SAFETY: `buf` is valid for writes of its length; the fd is open.
    let n = unsafe {
        libc::pread(
            file.as_raw_fd(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            offset as libc::off_t,
        )
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n as usize)
}

/// The TCP row: a connected loopback pair in one thread.
#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
fn tcp_echo(n: u64) -> io::Result<Option<f64>> {
    use std::net::{TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let mut client = TcpStream::connect(listener.local_addr()?)?;
    let (mut server, _) = listener.accept()?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    let mut buf = Aligned::new(1, 0);
    Ok(Some(time_per_op(n, |i| {
        client.write_all(&[byte(i)])?;
        server.read_exact(&mut buf)?;
        server.write_all(&buf)?;
        client.read_exact(&mut buf)
    })?))
}

/// WASI preview 1 has no way to open a socket.
#[cfg(all(target_os = "wasi", target_env = "p1"))]
fn tcp_echo(_: u64) -> io::Result<Option<f64>> {
    Ok(None)
}

/// `dup`, `dup2` and pipes: `libc` natively; WASI has none of them.
#[cfg(unix)]
fn descriptor_rows(row: &str, args: &Args) -> io::Result<Option<f64>> {
    use std::os::fd::AsRawFd;
    use vfd_bench_workloads::{OTHER_FILE, PIPE_CHUNK};
    let check = |ret: libc::c_int| {
        if ret < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(ret)
        }
    };
    let n = args.iterations;
    let file = File::open(args.path(DATA_FILE))?;
    let fd = file.as_raw_fd();
    Ok(Some(match row {
        "dup-close" => time_per_op(n, |_| {
            // SAFETY: `fd` is open; the new number is ours to close.
            let new = check(unsafe { libc::dup(fd) })?;
            check(unsafe { libc::close(new) }).map(drop)
        })?,
        "dup2" => {
            let other = File::open(args.path(OTHER_FILE))?;
            let target_file = File::open(args.path(OTHER_FILE))?;
            let sources = [fd, other.as_raw_fd()];
            let target = target_file.as_raw_fd();
            // SAFETY: every number involved is open and owned by a `File`
            // above; `target` stays open throughout.
            time_per_op(n, |i| {
                check(unsafe { libc::dup2(sources[(i & 1) as usize], target) }).map(drop)
            })?
        }
        "pipe-rtt" => {
            let (mut r, mut w) = pipe()?;
            let mut buf = Aligned::new(1, 0);
            time_per_op(n, |i| {
                w.write_all(&[byte(i)])?;
                r.read_exact(&mut buf)
            })?
        }
        "pipe-64k" => {
            let (mut r, mut w) = pipe()?;
            let out = Aligned::new(PIPE_CHUNK, 3);
            let mut buf = Aligned::new(PIPE_CHUNK, 0);
            time_throughput(n, |_| {
                w.write_all(&out)?;
                r.read_exact(&mut buf)?;
                Ok::<_, io::Error>(PIPE_CHUNK as u64)
            })?
        }
        other => unreachable!("row {other}"),
    }))
}

#[cfg(unix)]
fn pipe() -> io::Result<(File, File)> {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two numbers.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both numbers were just created and are owned by nothing else.
    Ok(unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) })
}

#[cfg(not(unix))]
fn descriptor_rows(_: &str, _: &Args) -> io::Result<Option<f64>> {
    Ok(None)
}
