//! SIP session timers (RFC 4028) for one trunk call, as plain code: header values and "now"
//! in, the headers to send and the next deadline out. The dialer owns the clock and the
//! dialog; this never reads either.
//!
//! Model: our INVITE offers `Session-Expires: N` and `Min-SE: M` ([`SessionTimer::offer`]).
//! A 422 with a larger `Min-SE` is retried once with that interval
//! ([`SessionTimer::raise_after_too_small`]). The 2xx decides the session
//! ([`SessionTimer::answered`]): no `Session-Expires` means no timer; `refresher=uac` means
//! *we* refresh, with an UPDATE or a re-INVITE, half way through the interval; `refresher=uas`
//! means the trunk does, and if no refresh came by `N - min(32, N/3)` after the last one we
//! end the call ([`Deadline::Expired`]: the dialer sends BYE). A refresh from the trunk
//! ([`SessionTimer::refresh_received`]) restarts the interval and may change it or swap the
//! refresher; "uac" and "uas" always name the roles *in the transaction that carries them*,
//! so in the trunk's own refresh `refresher=uac` means the trunk.
//!
//! Invariants: a running session has an interval of at least [`MIN_HONOURED_INTERVAL_SECS`]
//! (a trunk cannot make us refresh in a tight loop); the refresher has exactly one refresh in
//! flight at a time; the deadline only moves forward with a successful refresh; the session
//! ends ([`Deadline::Expired`]) at the latest `N - min(32, N/3)` after the last refresh, on
//! either side. We refuse an incoming interval below our `Min-SE` with 422 (§9).

use std::time::Duration;

use crate::time::Millis;

/// RFC 4028 §4: no `Min-SE` may be below 90 seconds.
pub const RFC_MIN_SE_SECS: u32 = 90;
/// The shortest interval we act on. A 2xx may (wrongly, §9) carry less than our `Min-SE`:
/// it is the trunk's session, so we follow it, but never refresh more often than every 2 s.
pub const MIN_HONOURED_INTERVAL_SECS: u32 = 4;

/// What we offer in the INVITE; checked by [`crate::trunk::TrunkConfig`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerSettings {
    /// The interval we ask for (`Session-Expires`); 0 offers none.
    pub session_expires_secs: u32,
    /// The smallest interval we accept (`Min-SE`).
    pub min_se_secs: u32,
}

/// Who sends the refreshes, from our point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresher {
    Us,
    Trunk,
}

/// A `Session-Expires` header value: `1800;refresher=uac`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionExpires {
    pub interval_secs: u32,
    /// `Some(true)` for `uac`, `Some(false)` for `uas`, `None` when absent.
    pub refresher_is_uac: Option<bool>,
}

impl SessionExpires {
    /// Reads a header value; `None` for anything malformed (treated as absent) or zero.
    pub fn parse(value: &str) -> Option<SessionExpires> {
        let mut parts = value.split(';');
        let interval_secs = parts.next()?.trim().parse::<u32>().ok()?;
        if interval_secs == 0 {
            return None;
        }
        let mut refresher_is_uac = None;
        for parameter in parts {
            let Some((name, value)) = parameter.split_once('=') else {
                continue;
            };
            if name.trim().eq_ignore_ascii_case("refresher") {
                refresher_is_uac = match value.trim().to_ascii_lowercase().as_str() {
                    "uac" => Some(true),
                    "uas" => Some(false),
                    _ => None,
                };
            }
        }
        Some(SessionExpires {
            interval_secs,
            refresher_is_uac,
        })
    }
}

/// `Min-SE: 90` (parameters, if any, ignored).
pub fn parse_min_se(value: &str) -> Option<u32> {
    value.split(';').next()?.trim().parse().ok()
}

/// Whether a `Supported` or `Require` value lists the `timer` option tag.
pub fn lists_timer(value: &str) -> bool {
    value
        .split(',')
        .any(|tag| tag.trim().eq_ignore_ascii_case("timer"))
}

/// Header values for a request or response: `Session-Expires`, and `Min-SE` / `Require:
/// timer` where RFC 4028 asks for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerHeaders {
    pub session_expires: String,
    pub min_se: Option<String>,
    pub require_timer: bool,
}

/// What is due at [`SessionTimer::next_deadline`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deadline {
    /// Send a refresh (UPDATE or re-INVITE) carrying these headers.
    Refresh(TimerHeaders),
    /// No refresh succeeded in time: send BYE and end the call.
    Expired,
}

/// Why an incoming refresh is refused: 422 with our `Min-SE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntervalTooSmall {
    pub min_se_secs: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Session {
    interval_secs: u32,
    refresher: Refresher,
    refreshed_at: Millis,
    /// Our refresh is on its way (only when we are the refresher).
    refreshing: bool,
}

impl Session {
    fn interval(&self) -> Duration {
        Duration::from_secs(u64::from(self.interval_secs))
    }

    /// RFC 4028 §10: the side that does not refresh ends the session slightly before it
    /// expires; the refresher gives up at the same point.
    fn expires_at(&self) -> Millis {
        let margin = (self.interval_secs / 3).min(32);
        self.refreshed_at + Duration::from_secs(u64::from(self.interval_secs - margin))
    }

    fn refresh_due_at(&self) -> Millis {
        self.refreshed_at + self.interval() / 2
    }
}

/// One call's session timer (see the module header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTimer {
    settings: TimerSettings,
    session: Option<Session>,
    raised: bool,
}

impl SessionTimer {
    pub fn new(settings: TimerSettings) -> SessionTimer {
        SessionTimer {
            settings,
            session: None,
            raised: false,
        }
    }

    /// For our INVITE: `Session-Expires` without a refresher (the trunk picks, §7.1) and
    /// our `Min-SE`, sent with `Supported: timer`; `None` when we offer no timer.
    pub fn offer(&self) -> Option<TimerHeaders> {
        (self.settings.session_expires_secs != 0).then(|| TimerHeaders {
            session_expires: self.settings.session_expires_secs.to_string(),
            min_se: Some(self.settings.min_se_secs.to_string()),
            require_timer: false,
        })
    }

    /// A 422 came back: raise our interval to the trunk's `Min-SE` and say whether to send
    /// the INVITE again. Only once, and only if it really asks for more than we offered.
    pub fn raise_after_too_small(&mut self, min_se: Option<&str>) -> bool {
        let Some(wanted) = min_se.and_then(parse_min_se) else {
            return false;
        };
        if self.raised || wanted <= self.settings.session_expires_secs {
            return false;
        }
        self.raised = true;
        self.settings.session_expires_secs = wanted;
        self.settings.min_se_secs = self.settings.min_se_secs.max(wanted);
        true
    }

    /// The 2xx to our INVITE, with its `Session-Expires` value if any.
    pub fn answered(&mut self, session_expires: Option<&str>, now: Millis) {
        self.session = session_expires
            .and_then(SessionExpires::parse)
            .map(|value| Session {
                interval_secs: value.interval_secs.max(MIN_HONOURED_INTERVAL_SECS),
                // The 2xx must name one (§9); if it does not, refreshing ourselves keeps the
                // session alive whatever the trunk meant.
                refresher: match value.refresher_is_uac {
                    Some(false) => Refresher::Trunk,
                    Some(true) | None => Refresher::Us,
                },
                refreshed_at: now,
                refreshing: false,
            });
    }

    /// Who refreshes, and the interval in seconds; `None` without a session timer.
    pub fn session(&self) -> Option<(Refresher, u32)> {
        self.session
            .map(|session| (session.refresher, session.interval_secs))
    }

    /// When [`SessionTimer::on_deadline`] must be called next; `None` without a timer.
    pub fn next_deadline(&self) -> Option<Millis> {
        let session = self.session?;
        Some(match (session.refresher, session.refreshing) {
            (Refresher::Us, false) => session.refresh_due_at(),
            (Refresher::Us, true) | (Refresher::Trunk, _) => session.expires_at(),
        })
    }

    /// What to do now; `None` if nothing is due yet.
    pub fn on_deadline(&mut self, now: Millis) -> Option<Deadline> {
        let deadline = self.next_deadline()?;
        let session = self.session.as_mut()?;
        if now < deadline {
            return None;
        }
        if session.refresher == Refresher::Us && !session.refreshing {
            session.refreshing = true;
            return Some(Deadline::Refresh(TimerHeaders {
                session_expires: format!("{};refresher=uac", session.interval_secs),
                min_se: Some(self.settings.min_se_secs.to_string()),
                require_timer: false,
            }));
        }
        self.session = None;
        Some(Deadline::Expired)
    }

    /// The answer to our refresh: a 2xx (with its `Session-Expires`, if any) restarts the
    /// interval; a 408 or 481 means the dialog is gone (RFC 3261 §12.2.1.2) and the call
    /// ends; any other failure leaves the session to expire unless a refresh gets through.
    pub fn refresh_answered(
        &mut self,
        status: u16,
        session_expires: Option<&str>,
        now: Millis,
    ) -> Option<Deadline> {
        let session = self.session.as_mut()?;
        session.refreshing = false;
        match status {
            200..=299 => {
                self.answered(session_expires, now);
                None
            }
            408 | 481 => {
                self.session = None;
                Some(Deadline::Expired)
            }
            _ => {
                // No second attempt: the refresher now waits for the expiry.
                session.refreshing = true;
                None
            }
        }
    }

    /// A re-INVITE or UPDATE from the trunk, with its `Session-Expires` and whether its
    /// `Supported` lists `timer`. Returns the headers for our 2xx (`None`: the session timer
    /// is off from now on, as the request asked for none), or 422 with our `Min-SE`.
    pub fn refresh_received(
        &mut self,
        session_expires: Option<&str>,
        supports_timer: bool,
        now: Millis,
    ) -> Result<Option<TimerHeaders>, IntervalTooSmall> {
        let Some(requested) = session_expires.and_then(SessionExpires::parse) else {
            self.session = None;
            return Ok(None);
        };
        if requested.interval_secs < self.settings.min_se_secs {
            return Err(IntervalTooSmall {
                min_se_secs: self.settings.min_se_secs,
            });
        }
        // In the trunk's request, "uac" is the trunk. Without a refresher the UAS picks
        // (§9): the trunk if it supports timers (it is refreshing already), else us.
        let trunk_refreshes = requested.refresher_is_uac.unwrap_or(supports_timer);
        let refresher = if trunk_refreshes {
            Refresher::Trunk
        } else {
            Refresher::Us
        };
        self.session = Some(Session {
            interval_secs: requested.interval_secs,
            refresher,
            refreshed_at: now,
            refreshing: false,
        });
        let role = if trunk_refreshes { "uac" } else { "uas" };
        Ok(Some(TimerHeaders {
            session_expires: format!("{};refresher={role}", requested.interval_secs),
            min_se: None,
            require_timer: supports_timer,
        }))
    }
}

#[cfg(test)]
mod tests;
