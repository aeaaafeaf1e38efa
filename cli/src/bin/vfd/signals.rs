//! SIGUSR1: the guest's table on stderr, like `lsof -p` for a guest.

use anyhow::{Result, bail};

/// The handler: one atomic store (`request_table` is async-signal-safe).
extern "C" fn on_sigusr1(_: libc::c_int) {
    vfd_host::trace::request_table();
}

/// Make SIGUSR1 print the guest's table (see
/// `vfd_host::trace::request_table`). Installed without `SA_RESTART`, so
/// that a guest blocked in a host call (an `accept`) is interrupted and
/// prints it at once; vfd makes the call again, and the guest sees
/// nothing.
pub fn table_on_sigusr1() -> Result<()> {
    // SAFETY: a zeroed `sigaction` is a valid value (no flags, an empty
    // mask) before the handler is set; the handler only stores to an
    // atomic, which is async-signal-safe.
    let result = unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigusr1 as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut())
    };
    if result != 0 {
        bail!("cannot handle SIGUSR1: {}", std::io::Error::last_os_error());
    }
    Ok(())
}
