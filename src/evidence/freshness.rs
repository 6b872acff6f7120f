//! Whether evidence still speaks for today: derived when read from its dates and the
//! configured windows, never a stored status that a timer has to flip.

use async_graphql::Enum;
use chrono::{Days, NaiveDate};

/// How current a piece of evidence is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Valid, and not about to expire (or valid without an end).
    Fresh,
    /// Valid for `expiring_days` more days or fewer: renew it.
    Expiring,
    /// Its `validUntil` has passed.
    Expired,
}

/// The freshness on `today` of evidence valid until `valid_until`, where evidence valid for
/// `expiring_days` more days or fewer is EXPIRING. It is valid through its last day.
pub fn of(valid_until: Option<NaiveDate>, today: NaiveDate, expiring_days: u32) -> Freshness {
    let Some(until) = valid_until else {
        return Freshness::Fresh;
    };
    if until < today {
        Freshness::Expired
    } else if until <= add_days(today, expiring_days) {
        Freshness::Expiring
    } else {
        Freshness::Fresh
    }
}

/// The `validUntil` bounds that select evidence of `freshness` on `today`: (after, through),
/// both inclusive; `None` is open.
pub fn bounds(
    freshness: Freshness,
    today: NaiveDate,
    expiring_days: u32,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let expiring_from = add_days(today, expiring_days);
    match freshness {
        Freshness::Expired => (None, today.pred_opt()),
        Freshness::Expiring => (Some(today), Some(expiring_from)),
        Freshness::Fresh => (expiring_from.succ_opt(), None),
    }
}

/// The first day on which evidence collected on `day` is no longer recent.
pub fn recent_since(today: NaiveDate, recent_days: u32) -> NaiveDate {
    today
        .checked_sub_days(Days::new(recent_days.into()))
        .unwrap_or(NaiveDate::MIN)
}

fn add_days(day: NaiveDate, days: u32) -> NaiveDate {
    day.checked_add_days(Days::new(days.into()))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn evidence_is_valid_through_its_last_day_and_expiring_within_the_window() {
        let today = day("2026-12-01");
        assert_eq!(of(None, today, 30), Freshness::Fresh);
        assert_eq!(of(Some(day("2026-11-30")), today, 30), Freshness::Expired);
        assert_eq!(of(Some(today), today, 30), Freshness::Expiring);
        assert_eq!(of(Some(day("2026-12-31")), today, 30), Freshness::Expiring);
        assert_eq!(of(Some(day("2027-01-01")), today, 30), Freshness::Fresh);
        assert_eq!(of(Some(today), today, 0), Freshness::Expiring);
        assert_eq!(of(Some(day("2026-12-02")), today, 0), Freshness::Fresh);
    }

    #[test]
    fn the_bounds_select_exactly_the_dates_of_each_freshness() {
        let today = day("2026-12-01");
        for offset in -40_i64..40 {
            let until = today + chrono::Duration::days(offset);
            for freshness in [Freshness::Fresh, Freshness::Expiring, Freshness::Expired] {
                let (after, through) = bounds(freshness, today, 30);
                let inside = after.is_none_or(|a| until >= a) && through.is_none_or(|t| until <= t);
                assert_eq!(
                    inside,
                    of(Some(until), today, 30) == freshness,
                    "{until} {freshness:?}"
                );
            }
        }
    }

    #[test]
    fn recent_is_counted_back_from_today() {
        assert_eq!(recent_since(day("2026-12-01"), 30), day("2026-11-01"));
    }
}
