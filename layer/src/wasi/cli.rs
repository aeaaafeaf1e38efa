//! `wasi:cli` standard streams and terminals as the guest sees them:
//! descriptors 0, 1 and 2 of the layer's table, looked up at each call,
//! so that a `dup2` onto 1 moves std's `println!` as it moves
//! `vfd::println!`.

use super::streams::{Input, Output};
use crate::Layer;
use crate::bindings::exports::wasi::cli::{
    stderr, stdin, stdout, terminal_stderr, terminal_stdin, terminal_stdout,
};
use crate::state;
use vfd_core::Stdio;
use wasip2::cli::terminal_input::TerminalInput;
use wasip2::cli::terminal_output::TerminalOutput;

impl stdin::Guest for Layer {
    fn get_stdin() -> stdin::InputStream {
        stdin::InputStream::new(Input::Fd(Stdio::Stdin.fd()))
    }
}

impl stdout::Guest for Layer {
    fn get_stdout() -> stdout::OutputStream {
        stdout::OutputStream::new(Output::Fd(Stdio::Stdout.fd()))
    }
}

impl stderr::Guest for Layer {
    fn get_stderr() -> stderr::OutputStream {
        stderr::OutputStream::new(Output::Fd(Stdio::Stderr.fd()))
    }
}

/// isatty(3) of descriptor `which`: false when it is closed.
fn is_terminal(which: Stdio) -> bool {
    state::with(|s| s.desc(which.fd()).is_ok_and(|d| d.is_terminal()))
}

impl terminal_stdin::Guest for Layer {
    fn get_terminal_stdin() -> Option<TerminalInput> {
        is_terminal(Stdio::Stdin)
            .then(wasip2::cli::terminal_stdin::get_terminal_stdin)
            .flatten()
    }
}

impl terminal_stdout::Guest for Layer {
    fn get_terminal_stdout() -> Option<TerminalOutput> {
        is_terminal(Stdio::Stdout)
            .then(any_output_terminal)
            .flatten()
    }
}

impl terminal_stderr::Guest for Layer {
    fn get_terminal_stderr() -> Option<TerminalOutput> {
        is_terminal(Stdio::Stderr)
            .then(any_output_terminal)
            .flatten()
    }
}

/// A terminal-output of the runtime's. The resource has no methods: what
/// the guest learns is only that the descriptor is a terminal, which
/// `isatty` answered already, whichever of the runtime's terminals stands
/// for it.
fn any_output_terminal() -> Option<TerminalOutput> {
    wasip2::cli::terminal_stdout::get_terminal_stdout()
        .or_else(wasip2::cli::terminal_stderr::get_terminal_stderr)
}
