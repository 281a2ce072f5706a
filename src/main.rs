fn main() {
    std::process::exit(minebrief::cmd::main());
}
