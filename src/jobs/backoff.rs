//! Retry delays: exponential with "equal jitter". The delay for attempt `n` is drawn from
//! `[d/2, d]` where `d = min(max, base · 2^(n-1))`, so delays grow from one attempt to the next
//! (until the cap) while retries of many jobs that failed together (SMTP down) spread out instead of stampeding.

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            max: Duration::from_secs(3600),
        }
    }
}

impl Backoff {
    /// The ceiling for attempt `attempt` (1-based), before jitter.
    pub fn ceiling(&self, attempt: i32) -> Duration {
        let exp = u32::try_from(attempt.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        self.base
            .checked_mul(1u32 << exp)
            .unwrap_or(self.max)
            .min(self.max)
    }

    /// The delay before the retry that follows failed attempt `attempt`.
    pub fn delay(&self, attempt: i32) -> Duration {
        let ceiling = self.ceiling(attempt);
        let half = ceiling / 2;
        half + half.mul_f64(rand::random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_with_jitter_in_the_upper_half() {
        let b = Backoff {
            base: Duration::from_millis(100),
            max: Duration::from_secs(1),
        };
        assert_eq!(b.ceiling(1), Duration::from_millis(100));
        assert_eq!(b.ceiling(2), Duration::from_millis(200));
        assert_eq!(b.ceiling(4), Duration::from_millis(800));
        assert_eq!(b.ceiling(5), Duration::from_secs(1));
        assert_eq!(b.ceiling(1000), Duration::from_secs(1));
        for attempt in 1..10 {
            for _ in 0..100 {
                let d = b.delay(attempt);
                assert!(
                    d >= b.ceiling(attempt) / 2 && d <= b.ceiling(attempt),
                    "{d:?}"
                );
                // While the ceiling doubles, equal jitter never shrinks from one attempt to the next.
                if b.ceiling(attempt + 1) >= b.ceiling(attempt) * 2 {
                    assert!(b.delay(attempt + 1) >= d);
                }
            }
        }
    }

    #[test]
    fn jitter_spreads_retries() {
        let b = Backoff::default();
        let delays: std::collections::BTreeSet<_> = (0..20).map(|_| b.delay(3)).collect();
        assert!(delays.len() > 10, "jittered delays differ");
    }
}
