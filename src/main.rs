fn main() {
    std::process::exit(minebrief::cli::main());
}
