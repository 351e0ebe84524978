//! OS chaos: real threads, perturbed (rr's chaos mode in miniature).
//!
//! For code that synchronises through `std::sync`, atomics or channels, the grader cannot
//! decide who runs next: the OS does. [`Chaos`] makes unlikely interleavings likely instead:
//! seeded random yields and short delays at every `threading` point and in the print
//! callbacks, *starvation windows* (a thread held back for up to tens of milliseconds) at
//! thread start and occasionally in a callback, and sleeps shortened to a random fraction so
//! that sleeping to order threads stops working.

use std::sync::Mutex;
use std::time::Duration;
use threading::schedule::{Operation, Point, Scheduler};

/// How hard a run is shaken; picked per run from its seed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    /// Chance (per mille) of a yield at a perturbation site.
    pub yield_per_mille: u32,
    /// Chance (per mille) of a short sleep at a perturbation site.
    pub sleep_per_mille: u32,
    /// Upper bound of a short sleep.
    pub short_sleep: Duration,
    /// Chance (per mille) of a starvation window when a thread starts.
    pub starve_per_mille: u32,
    /// Upper bound of a starvation window.
    pub window: Duration,
}

impl Profile {
    /// The profile for a run seeded with `seed`: from gentle to rough.
    ///
    /// ```
    /// use threadlab_grader::core::schedule::chaos::Profile;
    /// assert_eq!(Profile::for_seed(3), Profile::for_seed(3));
    /// ```
    pub fn for_seed(seed: u64) -> Profile {
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x5EED_C4A0_5000);
        match rng.u32(0..4) {
            0 => Profile {
                yield_per_mille: 100,
                sleep_per_mille: 5,
                short_sleep: Duration::from_micros(200),
                starve_per_mille: 300,
                window: Duration::from_millis(2),
            },
            1 => Profile {
                yield_per_mille: 300,
                sleep_per_mille: 20,
                short_sleep: Duration::from_micros(500),
                starve_per_mille: 500,
                window: Duration::from_millis(5),
            },
            2 => Profile {
                yield_per_mille: 500,
                sleep_per_mille: 50,
                short_sleep: Duration::from_millis(1),
                starve_per_mille: 300,
                window: Duration::from_millis(20),
            },
            _ => Profile {
                yield_per_mille: 50,
                sleep_per_mille: 2,
                short_sleep: Duration::from_micros(100),
                starve_per_mille: 150,
                window: Duration::from_millis(50),
            },
        }
    }
}

/// The perturbing scheduler: only observes `threading`'s points, never controls them.
#[derive(Debug)]
pub struct Chaos {
    rng: Mutex<fastrand::Rng>,
    profile: Profile,
}

impl Profile {
    /// A light profile for long runs (hundreds of tokens): yields and short starvation
    /// windows at thread start only. Long runs look for counting bugs, not timing ones, and
    /// each injected sleep costs milliseconds on a loaded machine.
    pub fn light() -> Profile {
        Profile {
            yield_per_mille: 100,
            sleep_per_mille: 0,
            short_sleep: Duration::ZERO,
            starve_per_mille: 300,
            window: Duration::from_millis(2),
        }
    }
}

impl Chaos {
    /// A perturber seeded with `seed`, for a run expected to print `tokens` tokens.
    pub fn new(seed: u64, tokens: usize) -> Chaos {
        let profile = if tokens > 200 { Profile::light() } else { Profile::for_seed(seed) };
        Chaos { rng: Mutex::new(fastrand::Rng::with_seed(seed)), profile }
    }

    fn roll(&self, below: u32) -> u32 {
        self.rng.lock().unwrap_or_else(|e| e.into_inner()).u32(0..below.max(1))
    }

    fn duration_up_to(&self, max: Duration) -> Duration {
        let micros = max.as_micros().max(1) as u64;
        Duration::from_micros(self.rng.lock().unwrap_or_else(|e| e.into_inner()).u64(0..=micros))
    }

    /// Maybe yields or sleeps briefly: called at every point and around every printed token.
    pub fn perturb(&self) {
        let roll = self.roll(1000);
        if roll < self.profile.sleep_per_mille {
            std::thread::sleep(self.duration_up_to(self.profile.short_sleep));
        } else if roll < self.profile.sleep_per_mille + self.profile.yield_per_mille {
            std::thread::yield_now();
        } else if roll == 999 && !self.profile.short_sleep.is_zero() {
            // Rarely, a starvation window in the middle of the work.
            std::thread::sleep(self.duration_up_to(self.profile.window));
        }
    }

    /// Maybe holds the calling thread back for a while: called when a thread starts.
    pub fn starve(&self) {
        if self.roll(1000) < self.profile.starve_per_mille {
            std::thread::sleep(self.duration_up_to(self.profile.window));
        } else {
            self.perturb();
        }
    }
}

impl Scheduler for Chaos {
    fn point(&self, point: &Point<'_>) {
        // A sleep is perturbed by `sleep` below; a yield in a spin loop stays a yield.
        if point.operation != Operation::Sleep {
            self.perturb();
        }
    }

    fn sleep(&self, duration: Duration) {
        if duration.is_zero() {
            std::thread::yield_now();
            return;
        }
        // Any relative timing is possible on a loaded machine: a sleep gives no ordering.
        let scaled = duration.mul_f64(f64::from(self.roll(1001)) / 1000.0);
        std::thread::sleep(scaled.min(duration));
    }
}
