//! The benchmark workload through the vfd guest library: every row of
//! `std-workload`, with `vfd::fs`, `vfd::io`, `vfd::pipe` and `vfd::net`
//! in place of std. Run as a wasm32-wasip2 component with vfd linked; the
//! result line goes to wasi:cli stdout, as `std-workload`'s does.

use std::io::{self, Read, Seek, SeekFrom, Write};

use vfd::fs::{File, OpenOptions};
use vfd_bench_workloads::{
    Aligned, Args, BLOCK, CHUNK, DATA_FILE, DATA_LEN, OTHER_FILE, PIPE_CHUNK, WRITE_FILE,
    WRITE_SPAN, byte, report, time_per_op, time_throughput,
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
                vfd::io::pread(&file, &mut buf, offset).map(drop)
            })?
        }
        "open-close" => {
            let path = args.path(DATA_FILE);
            time_per_op(n, |_| File::open(&path).map(drop))?
        }
        "dup-close" => {
            let file = data()?;
            time_per_op(n, |_| vfd::io::dup(&file).map(drop))?
        }
        "dup2" => {
            let sources = [data()?, File::open(args.path(OTHER_FILE))?];
            let mut target = vfd::fd::OwnedFd::from(File::open(args.path(OTHER_FILE))?);
            time_per_op(n, |i| {
                vfd::io::dup2(&sources[(i & 1) as usize], &mut target)
            })?
        }
        "pipe-rtt" => {
            let (r, w) = vfd::pipe::pipe()?;
            let (mut r, mut w) = (File::from(r), File::from(w));
            let mut buf = Aligned::new(1, 0);
            time_per_op(n, |i| {
                w.write_all(&[byte(i)])?;
                r.read_exact(&mut buf)
            })?
        }
        "pipe-64k" => {
            let (r, w) = vfd::pipe::pipe()?;
            let (mut r, mut w) = (File::from(r), File::from(w));
            let out = Aligned::new(PIPE_CHUNK, 3);
            let mut buf = Aligned::new(PIPE_CHUNK, 0);
            time_throughput(n, |_| {
                w.write_all(&out)?;
                r.read_exact(&mut buf)?;
                Ok::<_, io::Error>(PIPE_CHUNK as u64)
            })?
        }
        "tcp-echo" => {
            use vfd::net::{TcpListener, TcpStream};
            let listener = TcpListener::bind("127.0.0.1:0")?;
            let mut client = TcpStream::connect(listener.local_addr()?)?;
            let (mut server, _) = listener.accept()?;
            client.set_nodelay(true)?;
            server.set_nodelay(true)?;
            let mut buf = Aligned::new(1, 0);
            time_per_op(n, |i| {
                client.write_all(&[byte(i)])?;
                server.read_exact(&mut buf)?;
                server.write_all(&buf)?;
                client.read_exact(&mut buf)
            })?
        }
        other => unreachable!("row {other}"),
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
