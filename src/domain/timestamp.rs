//! Timestamps as Graph writes DateTimeOffset values: UTC, seven fractional digits, `Z`
//! (`2020-08-21T19:45:33.2042281Z`). Stored in this form, they also sort as text.

use time::macros::format_description;
use time::OffsetDateTime;

pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

pub fn format(instant: OffsetDateTime) -> String {
    instant
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:7]Z"
        ))
        // Only fails for years beyond 9999.
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    #[test]
    fn seven_fractional_digits_and_z() {
        assert_eq!(
            super::format(datetime!(2020-08-21 19:45:33.204228123 UTC)),
            "2020-08-21T19:45:33.2042281Z"
        );
    }
}
