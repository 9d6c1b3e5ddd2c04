//! The `ismsbook` command.

fn main() -> std::process::ExitCode {
    ismsbook::cli::main()
}
