//! The client's address for per-IP limits. Behind a load balancer every connection comes from the
//! balancer, so for peers the operator trusts (`--trusted-proxy`) the address is read from
//! `X-Forwarded-For`: the rightmost entry that is not itself a trusted proxy (entries further left
//! were written by the client and prove nothing).

use std::net::IpAddr;

pub fn client_ip<'a>(
    peer: IpAddr,
    forwarded_for: impl DoubleEndedIterator<Item = &'a str>,
    trusted: &[IpAddr],
) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops = forwarded_for
        .rev()
        .flat_map(|header| header.rsplit(','))
        .map(|hop| hop.trim().parse::<IpAddr>());
    for hop in hops {
        match hop {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            // A garbled entry: nothing left of it can be trusted.
            Err(_) => break,
        }
    }
    peer
}

#[cfg(test)]
mod tests;
