//! Entry point: parse flags, start logging, bind, serve until SIGINT or SIGTERM.

use std::io::IsTerminal;

use anyhow::Context;
use clap::Parser;
use jam_server::Config;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    let filter = match &config.log {
        Some(directives) => EnvFilter::try_new(directives).context("invalid --log filter")?,
        None => EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
    };
    // Logs go to stderr, so stdout carries only the address line.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    let shutdown = shutdown_signal()?;
    let listener = TcpListener::bind((config.host.as_str(), config.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", config.host, config.port))?;
    let addr = listener.local_addr()?;
    // One line on stdout with the address: people read it, and test harnesses parse it.
    println!("jam-server listening on http://{addr}");
    if addr.ip().is_unspecified() {
        print_reachable_urls(addr.port());
    }
    tracing::info!(%addr, "listening");
    jam_server::run(listener, config, shutdown).await?;
    tracing::info!("stopped");
    Ok(())
}

/// On a wildcard address, the URLs people can actually open: this machine's, and each network's.
fn print_reachable_urls(port: u16) {
    println!("  open http://127.0.0.1:{port} on this machine");
    let interfaces = if_addrs::get_if_addrs().unwrap_or_default();
    for interface in interfaces.iter().filter(|i| !i.is_loopback()) {
        if let std::net::IpAddr::V4(ip) = interface.ip() {
            println!("  or   http://{ip}:{port} from another device on your network");
        }
    }
}

/// Registers the SIGINT and SIGTERM handlers now (before anyone can see the address and signal us)
/// and returns a future that completes on the first of them.
#[cfg(unix)]
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut terminate = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {},
            _ = interrupt.recv() => {},
        }
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
