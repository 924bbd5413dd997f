//! The `emulator` command: parse flags, start the server, print its address, run until Ctrl-C.

use std::io::Write;

use emulator::{Config, EmulatorError, Server};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = match Config::from_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(EmulatorError::InvalidArgument(text)) if text == emulator::USAGE => {
            println!("{text}");
            return std::process::ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("emulator: {e}\n{}", emulator::USAGE);
            return std::process::ExitCode::from(2);
        }
    };
    let server = match Server::start(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("emulator: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "emulator listening on {}", server.url());
    let _ = writeln!(
        stdout,
        "agent and fault API token (header {}): {}",
        emulator::TOKEN_HEADER,
        server.api_token()
    );
    let _ = stdout.flush();
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    std::process::ExitCode::SUCCESS
}
