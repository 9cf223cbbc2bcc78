fn main() -> std::process::ExitCode {
    licusage::main(std::env::args_os())
}
