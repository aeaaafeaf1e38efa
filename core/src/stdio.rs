//! The three standard streams, as a guest's table starts with them.

/// Which standard stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stdio {
    /// Standard input, the guest's fd 0.
    Stdin,
    /// Standard output, the guest's fd 1.
    Stdout,
    /// Standard error, the guest's fd 2.
    Stderr,
}

impl Stdio {
    /// The three, in the order of their numbers.
    pub const ALL: [Stdio; 3] = [Stdio::Stdin, Stdio::Stdout, Stdio::Stderr];

    /// The number the stream has in a new guest's table: 0, 1 or 2.
    pub const fn fd(self) -> u32 {
        self as u32
    }

    /// The stream's name, for messages: `stdin`, `stdout`, `stderr`.
    pub const fn name(self) -> &'static str {
        match self {
            Stdio::Stdin => "stdin",
            Stdio::Stdout => "stdout",
            Stdio::Stderr => "stderr",
        }
    }

    /// Whether the guest reads it (standard input) rather than writes it:
    /// the access mode its number starts with.
    pub const fn is_input(self) -> bool {
        matches!(self, Stdio::Stdin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_names_and_direction() {
        let fds: Vec<u32> = Stdio::ALL.iter().map(|s| s.fd()).collect();
        assert_eq!(fds, [0, 1, 2]);
        let names: Vec<&str> = Stdio::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(names, ["stdin", "stdout", "stderr"]);
        assert!(Stdio::Stdin.is_input() && !Stdio::Stdout.is_input());
    }
}
