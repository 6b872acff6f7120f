//! The schema's own scalars, described for the front-end developers who map them: a point in
//! time, a calendar date and a JSON value. (async-graphql's built-in ones carry a library's generic text and no
//! `@specifiedBy`.)

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{SecondsFormat, Utc};

/// A point in time, as GraphQL's `DateTime`. Generic over the time zone only so that fields
/// keep reading `DateTime<Utc>`; the API has UTC times alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime<Tz: chrono::TimeZone = Utc>(pub chrono::DateTime<Tz>)
where
    Tz::Offset: Copy;

impl From<chrono::DateTime<Utc>> for DateTime<Utc> {
    fn from(at: chrono::DateTime<Utc>) -> Self {
        Self(at)
    }
}

/// A point in time: an RFC 3339 date-time string. Answers are in UTC with a `Z`
/// (`2026-12-01T09:40:02.123456Z`), with fractional seconds only when there are any, to the
/// microsecond the server stores. Inputs may carry any offset (`2026-12-01T10:40:02+01:00`)
/// and are read as the same instant.
#[Scalar(
    name = "DateTime",
    specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
)]
impl ScalarType for DateTime<Utc> {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => chrono::DateTime::parse_from_rfc3339(text)
                .map(|at| Self(at.with_timezone(&Utc)))
                .map_err(|_| {
                    InputValueError::custom(format!(
                        "{text:?} is not an RFC 3339 date-time such as 2026-12-01T09:40:02Z"
                    ))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

/// A calendar date, as GraphQL's `Date`: a due date, a target date, a review date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub chrono::NaiveDate);

/// A calendar date without a time or time zone: an RFC 3339 full-date string (`2026-12-01`).
#[Scalar(
    name = "Date",
    specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
)]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .filter(|_| text.len() == 10)
                .map(Self)
                .ok_or_else(|| {
                    InputValueError::custom(format!(
                        "{text:?} is not an RFC 3339 full-date such as 2026-12-01"
                    ))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// A JSON value, as GraphQL's `JSON`: on an audit entry, the record as it was before or after
/// the change, an object with the record's fields as the API names them.
#[derive(Clone, Debug, PartialEq)]
pub struct Json(pub serde_json::Value);

/// A JSON value (RFC 8259), sent as JSON itself, not as a string: an object, array, string,
/// number, boolean or null.
#[Scalar(
    name = "JSON",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc8259"
)]
impl ScalarType for Json {
    fn parse(value: Value) -> InputValueResult<Self> {
        value
            .into_json()
            .map(Self)
            .map_err(|e| InputValueError::custom(e.to_string()))
    }

    fn to_value(&self) -> Value {
        Value::from_json(self.0.clone()).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_read_any_offset_and_answer_utc() {
        let parsed = DateTime::parse(Value::String("2026-12-01T10:40:02.5+01:00".into()))
            .map(|at| at.to_value());
        assert_eq!(
            parsed.ok(),
            Some(Value::String("2026-12-01T09:40:02.500Z".into()))
        );
        assert!(DateTime::parse(Value::String("yesterday".into())).is_err());
        assert!(DateTime::parse(Value::from(1)).is_err());
    }

    #[test]
    fn dates_are_full_dates_only() {
        let parsed = Date::parse(Value::String("2027-03-31".into())).map(|d| d.to_value());
        assert_eq!(parsed.ok(), Some(Value::String("2027-03-31".into())));
        for bad in [
            "2027-02-30",
            "2027-3-31",
            "2027-03-31T00:00:00Z",
            "tomorrow",
            "",
        ] {
            assert!(Date::parse(Value::String(bad.into())).is_err(), "{bad}");
        }
        assert!(Date::parse(Value::from(20270331)).is_err());
    }
}
