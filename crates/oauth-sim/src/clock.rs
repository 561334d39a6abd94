//! The simulated clock: real time plus an offset tests move forward to expire codes and tokens.

/// Unix seconds as the simulator sees them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    offset: i64,
}

impl Clock {
    /// Simulated Unix time in seconds.
    pub fn now(&self) -> i64 {
        let real = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        real.saturating_add(self.offset)
    }

    pub fn advance(&mut self, secs: i64) {
        self.offset = self.offset.saturating_add(secs);
    }

    pub fn offset(&self) -> i64 {
        self.offset
    }
}
