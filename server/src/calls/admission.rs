//! Who may start a browser call right now (issue 8).
//!
//! Starting a call is anonymous and costs the server sockets, a peer connection and ICE checks
//! for up to ~15 s even when the caller never connects; it rings the issuer's phone or
//! dashboard; and each call takes one of the card's call count. So call starts are bounded
//! before the offer is even read:
//! - per caller address: starts per window, and calls alive at once;
//! - per card: starts per window, and calls alive at once (a card with one issuer behind it
//!   need not ring for a crowd);
//! - in total: calls alive at once on this process (file descriptors and CPU are finite).
//!
//! An IPv6 caller is counted by its /64, which is what one subscriber gets.
//!
//! Pure: the caller passes "now". [`CallAdmission`] wraps the rules for the server; the
//! [`AdmissionTicket`] it hands out gives the call's "alive" counts back when it is dropped,
//! whichever way the call ends.
//!
//! Invariants: the live counts equal the tickets not yet dropped; a refused start changes no
//! count; memory stays bounded under a flood of distinct addresses (`sliding_window.rs`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::sliding_window::SlidingWindows;

/// The bounds (settings `calling.*`, README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionLimits {
    pub window: Duration,
    pub starts_per_address: u32,
    pub starts_per_card: u32,
    pub live_per_address: u32,
    pub live_per_card: u32,
    pub live_total: u32,
    /// Callbacks one number may be asked for in an hour, whatever the card (`calls/callback.rs`;
    /// counted in the database, where every process sees them).
    pub callbacks_per_number_per_hour: u32,
}

impl Default for AdmissionLimits {
    fn default() -> AdmissionLimits {
        AdmissionLimits {
            window: Duration::from_secs(60),
            starts_per_address: 6,
            starts_per_card: 30,
            live_per_address: 2,
            live_per_card: 4,
            // The bridge carried 250 calls at 0 % loss on 2 cores (BENCHMARKS.md).
            live_total: 200,
            callbacks_per_number_per_hour: 3,
        }
    }
}

/// Why a start was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AdmissionRefusal {
    #[error("too many calls started from your address; try again in {retry_after_secs} s")]
    AddressStarts { retry_after_secs: u64 },
    #[error("too many calls to this card just now; try again in {retry_after_secs} s")]
    CardStarts { retry_after_secs: u64 },
    #[error("you already have calls in progress; end one first")]
    AddressLive,
    #[error("this card's line is busy; try again shortly")]
    CardLive,
    #[error("calling is at capacity; try again shortly")]
    Full,
}

/// The counting (see the module header).
#[derive(Debug)]
pub struct Admission {
    limits: AdmissionLimits,
    starts_by_address: SlidingWindows<IpAddr>,
    starts_by_card: SlidingWindows<i64>,
    live_by_address: HashMap<IpAddr, u32>,
    live_by_card: HashMap<i64, u32>,
    live_total: u32,
}

impl Admission {
    pub fn new(limits: AdmissionLimits) -> Admission {
        Admission {
            limits,
            starts_by_address: SlidingWindows::new(limits.window),
            starts_by_card: SlidingWindows::new(limits.window),
            live_by_address: HashMap::new(),
            live_by_card: HashMap::new(),
            live_total: 0,
        }
    }

    /// Admits a start from `address` to `card` at `now`, counting it, or says why not.
    pub fn admit(
        &mut self,
        address: IpAddr,
        card: i64,
        now: Instant,
    ) -> Result<(), AdmissionRefusal> {
        let address = caller_key(address);
        let limits = self.limits;
        if self.live_total >= limits.live_total {
            return Err(AdmissionRefusal::Full);
        }
        if self.live_by_address.get(&address).copied().unwrap_or(0) >= limits.live_per_address {
            return Err(AdmissionRefusal::AddressLive);
        }
        if self.live_by_card.get(&card).copied().unwrap_or(0) >= limits.live_per_card {
            return Err(AdmissionRefusal::CardLive);
        }
        if let Some(wait) =
            self.starts_by_address
                .wait(&address, limits.starts_per_address as usize, now)
        {
            return Err(AdmissionRefusal::AddressStarts {
                retry_after_secs: whole_seconds(wait),
            });
        }
        if let Some(wait) = self
            .starts_by_card
            .wait(&card, limits.starts_per_card as usize, now)
        {
            return Err(AdmissionRefusal::CardStarts {
                retry_after_secs: whole_seconds(wait),
            });
        }
        self.starts_by_address.record(address, now);
        self.starts_by_card.record(card, now);
        *self.live_by_address.entry(address).or_default() += 1;
        *self.live_by_card.entry(card).or_default() += 1;
        self.live_total += 1;
        Ok(())
    }

    /// A call admitted from `address` to `card` has ended.
    pub fn release(&mut self, address: IpAddr, card: i64) {
        let address = caller_key(address);
        decrement(&mut self.live_by_address, &address);
        decrement(&mut self.live_by_card, &card);
        self.live_total = self.live_total.saturating_sub(1);
    }

    /// Calls admitted and not yet released.
    pub fn live(&self) -> u32 {
        self.live_total
    }
}

/// One subscriber: an IPv4 address, or an IPv6 /64.
fn caller_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

fn decrement<K: std::hash::Hash + Eq>(counts: &mut HashMap<K, u32>, key: &K) {
    if let Some(count) = counts.get_mut(key) {
        *count = count.saturating_sub(1);
        if *count == 0 {
            counts.remove(key);
        }
    }
}

fn whole_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// The server's shared [`Admission`].
#[derive(Clone, Debug)]
pub struct CallAdmission {
    inner: Arc<Mutex<Admission>>,
}

impl CallAdmission {
    pub fn new(limits: AdmissionLimits) -> CallAdmission {
        CallAdmission {
            inner: Arc::new(Mutex::new(Admission::new(limits))),
        }
    }

    /// Admits a start now; the ticket holds the call's place until dropped.
    pub fn admit(&self, address: IpAddr, card: i64) -> Result<AdmissionTicket, AdmissionRefusal> {
        self.lock().admit(address, card, Instant::now())?;
        Ok(AdmissionTicket {
            admission: self.clone(),
            address,
            card,
        })
    }

    /// Calls admitted and still alive.
    pub fn live(&self) -> u32 {
        self.lock().live()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Admission> {
        // The counts stay consistent even if a holder panicked: every update is one step.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A call's place in the live counts; dropping it gives the place back.
#[derive(Debug)]
pub struct AdmissionTicket {
    admission: CallAdmission,
    address: IpAddr,
    card: i64,
}

impl Drop for AdmissionTicket {
    fn drop(&mut self) {
        self.admission.lock().release(self.address, self.card);
    }
}

#[cfg(test)]
mod tests;
