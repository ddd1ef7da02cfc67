//! The query string: which options a request carries, checked and resolved against an
//! entity's declaration, and the `@odata.nextLink` that continues a listing.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::advanced;
use super::ast::{Filter, Limits};
use super::filter;
use super::{Column, Scalar, Scope, Selection};
use crate::model::{Edm, Version};
use crate::Error;

/// `[odata]` settings, registered as app data.
#[derive(Debug, Clone, Copy)]
pub struct ODataSettings {
    pub max_page_size: u64,
    pub limits: Limits,
    pub max_query_length: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

/// Everything a list request asked for, resolved and typed.
#[derive(Debug, Clone)]
pub struct ListOptions {
    pub filter: Option<Filter>,
    pub selection: Selection,
    /// The sort keys: the requested order (the entity's default, creation order, when not
    /// asked), always ending with `id`, so that every row has a unique position for keyset
    /// paging.
    pub order: Vec<(Column, Direction)>,
    pub top: Option<u64>,
    pub skip: u64,
    pub count: bool,
    /// Where the previous page ended: its sort-key values, then its id.
    pub after: Option<Vec<Scalar>>,
    pub page_size: u64,
}

/// One page of a listing that is no declared set.
#[derive(Debug)]
pub struct PlainPage {
    pub wanted: u64,
    pub top: Option<u64>,
    pub after: Option<Vec<Scalar>>,
}

impl PlainPage {
    /// Whether rows beyond `fetched` (the page plus one) follow, as `$top` allows.
    pub fn more(&self, fetched: usize) -> bool {
        fetched as u64 > self.wanted && self.top.is_none_or(|top| top > self.wanted)
    }
}

const OPTIONS: [&str; 9] = [
    "$filter",
    "$search",
    "$select",
    "$expand",
    "$orderby",
    "$top",
    "$skip",
    "$count",
    "$skiptoken",
];

/// The query options of a request, as sent (decoded, not yet parsed).
pub struct ODataQuery {
    pairs: Vec<(&'static str, String)>,
    settings: ODataSettings,
    /// `ConsistencyLevel: eventual`: the directory's advanced queries (`advanced`).
    eventual: bool,
}

impl FromRequest for ODataQuery {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let settings = req
            .app_data::<web::Data<ODataSettings>>()
            .map(|settings| *settings.get_ref());
        let version = req.app_data::<Version>().copied();
        let eventual = req
            .headers()
            .get("consistencylevel")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("eventual"));
        ready(match (settings, version) {
            (Some(settings), Some(version)) => Self::parse(req.query_string(), settings, version)
                .map(|query| Self { eventual, ..query }),
            _ => Err(Error::internal(
                "OData settings or the version are not registered",
            )),
        })
    }
}

impl ODataQuery {
    pub fn parse(query: &str, settings: ODataSettings, version: Version) -> Result<Self, Error> {
        if query.len() > settings.max_query_length {
            return Err(Error::InvalidQuery(format!(
                "The query string is longer than {} characters.",
                settings.max_query_length
            )));
        }
        // Beta lets the `$` be left out (`filter=…`); v1.0 treats such names as custom
        // options and ignores them, as Graph does.
        let dollar_optional = version == Version::Beta;
        let mut pairs: Vec<(&'static str, String)> = Vec::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let name = name.trim();
            let dollared = if name.starts_with('$') {
                name.to_ascii_lowercase()
            } else if dollar_optional {
                format!("${}", name.to_ascii_lowercase())
            } else {
                continue;
            };
            let Some(option) = OPTIONS.iter().find(|option| **option == dollared) else {
                if dollared == "$format" && value.eq_ignore_ascii_case("json") {
                    continue;
                }
                if name.starts_with('$') {
                    return Err(Error::InvalidQuery(format!(
                        "The query parameter '{name}' is not supported."
                    )));
                }
                continue;
            };
            if pairs.iter().any(|(seen, _)| seen == option) {
                return Err(Error::InvalidQuery(format!(
                    "Query option '{option}' was specified more than once, but it must be specified at most once."
                )));
            }
            pairs.push((option, value.into_owned()));
        }
        Ok(Self {
            pairs,
            settings,
            eventual: false,
        })
    }

    fn get(&self, option: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(name, _)| *name == option)
            .map(|(_, value)| value.as_str())
    }

    /// Only `$select` and `$expand` apply to a single entity.
    pub fn entity_options(&self, scope: Scope) -> Result<Selection, Error> {
        if let Some((option, _)) = self
            .pairs
            .iter()
            .find(|(name, _)| !matches!(*name, "$select" | "$expand"))
        {
            return Err(Error::InvalidQuery(format!(
                "The query option '{option}' cannot be applied to a single entity."
            )));
        }
        self.selection(scope)
    }

    pub fn list_options(&self, scope: Scope) -> Result<ListOptions, Error> {
        let order = match self.get("$orderby") {
            None => scope
                .entity
                .default_order
                .iter()
                .filter_map(|column| scope.entity.column(column))
                .map(|(_, property)| (Column::own(property), Direction::Ascending))
                .collect(),
            Some(text) => order_by(text, scope)?,
        };
        let order = with_id_last(scope, order)?;
        let after = self.get("$skiptoken").map(decode_token).transpose()?;
        if after
            .as_ref()
            .is_some_and(|after| !token_fits(after, &order))
        {
            return Err(invalid_token());
        }
        let count = match self.get("$count") {
            None => false,
            Some(text) if text.eq_ignore_ascii_case("true") => true,
            Some(text) if text.eq_ignore_ascii_case("false") => false,
            Some(text) => {
                return Err(Error::InvalidQuery(format!(
                    "'{text}' is not a valid count option: use true or false."
                )))
            }
        };
        let filter = self.filter(scope)?;
        let ordered = self.get("$orderby").is_some();
        advanced::advanced_filter(filter.as_ref(), ordered, scope, self.eventual, count)?;
        Ok(ListOptions {
            filter: advanced::with_search(filter, self.get("$search"), scope, self.eventual)?,
            selection: self.selection(scope)?,
            order,
            top: self
                .get("$top")
                .map(|text| non_negative("$top", text))
                .transpose()?,
            skip: self
                .get("$skip")
                .map(|text| non_negative("$skip", text))
                .transpose()?
                .unwrap_or(0),
            count: advanced::counted(count, scope, self.eventual),
            after,
            page_size: self.settings.max_page_size,
        })
    }

    /// Paging alone, for a listing that is no declared set (a group's members, of several
    /// kinds): how many rows this page holds at most, what `$top` asked, and where the
    /// previous page ended (a token of `keys` values).
    pub fn plain_page(&self, keys: usize) -> Result<PlainPage, Error> {
        let top = self
            .get("$top")
            .map(|text| non_negative("$top", text))
            .transpose()?;
        let after = self.get("$skiptoken").map(decode_token).transpose()?;
        if after.as_ref().is_some_and(|after| after.len() != keys) {
            return Err(invalid_token());
        }
        Ok(PlainPage {
            wanted: top.map_or(self.settings.max_page_size, |top| {
                top.min(self.settings.max_page_size)
            }),
            top,
            after,
        })
    }

    /// What the `/$count` segment honours: `$filter` and, in the directory, `$search`.
    pub fn count_filter(&self, scope: Scope) -> Result<Option<Filter>, Error> {
        advanced::count_segment(scope, self.eventual)?;
        advanced::with_search(
            self.filter(scope)?,
            self.get("$search"),
            scope,
            self.eventual,
        )
    }

    /// `$filter` alone.
    pub fn filter(&self, scope: Scope) -> Result<Option<Filter>, Error> {
        match self.get("$filter") {
            None => Ok(None),
            Some(text) if text.trim().is_empty() => Err(Error::InvalidQuery(
                "The $filter query option must not be empty.".to_owned(),
            )),
            Some(text) => filter::parse(text, scope, self.settings.limits).map(Some),
        }
    }

    fn selection(&self, scope: Scope) -> Result<Selection, Error> {
        Selection::parse(scope, self.get("$select"), self.get("$expand"))
    }

    /// The absolute URL of the next page: the same options, `$skip` consumed, `$top`
    /// reduced by what was returned, and a token resuming after the last row.
    pub fn next_link(&self, request_url: &str, returned: u64, after: &[Scalar]) -> String {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &self.pairs {
            match *name {
                "$skip" | "$skiptoken" => {}
                "$top" => {
                    if let Ok(top) = value.parse::<u64>() {
                        serializer.append_pair(name, &top.saturating_sub(returned).to_string());
                    }
                }
                _ => {
                    serializer.append_pair(name, value);
                }
            }
        }
        serializer.append_pair("$skiptoken", &encode_token(after));
        // `$` is allowed in a query; Graph's links keep it readable.
        format!("{request_url}?{}", serializer.finish().replace("%24", "$"))
    }
}

fn with_id_last(
    scope: Scope,
    order: Vec<(Column, Direction)>,
) -> Result<Vec<(Column, Direction)>, Error> {
    let (_, id) = scope
        .entity
        .column("id")
        .ok_or_else(|| Error::internal("an entity without an id column"))?;
    let id = Column::own(id);
    let id_direction = order
        .iter()
        .find(|(column, _)| *column == id)
        .map_or(Direction::Ascending, |(_, direction)| *direction);
    Ok(order
        .into_iter()
        .filter(|(column, _)| *column != id)
        .chain(std::iter::once((id, id_direction)))
        .collect())
}

fn non_negative(option: &str, text: &str) -> Result<u64, Error> {
    text.trim().parse::<u64>().map_err(|_| {
        Error::InvalidQuery(format!(
            "Invalid value '{text}' for {option} query option found. The {option} query option requires a non-negative integer value."
        ))
    })
}

fn order_by(text: &str, scope: Scope) -> Result<Vec<(Column, Direction)>, Error> {
    let mut order = Vec::new();
    for item in text.split(',') {
        let mut words = item.split_whitespace();
        let path = words
            .next()
            .ok_or_else(|| Error::InvalidQuery(format!("Syntax error in $orderby '{text}'.")))?;
        let direction = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => Direction::Ascending,
            Some("desc") => Direction::Descending,
            Some(other) => {
                return Err(Error::InvalidQuery(format!(
                    "Syntax error in $orderby: '{other}' is neither asc nor desc."
                )))
            }
        };
        if words.next().is_some() {
            return Err(Error::InvalidQuery(format!(
                "Syntax error in $orderby '{text}'."
            )));
        }
        let column = scope.filter_path(path)?;
        if column.via.is_some() {
            return Err(Error::InvalidQuery(format!(
                "Ordering by '{path}' is not supported; order by this entity's own properties."
            )));
        }
        if !order.iter().any(|(seen, _)| *seen == column) {
            order.push((column, direction));
        }
    }
    Ok(order)
}

fn encode_token(after: &[Scalar]) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(after).unwrap_or_default())
}

fn decode_token(token: &str) -> Result<Vec<Scalar>, Error> {
    let bytes = URL_SAFE_NO_PAD
        .decode(token.trim())
        .map_err(|_| invalid_token())?;
    serde_json::from_slice(&bytes).map_err(|_| invalid_token())
}

/// A token holds one value per sort key, each of its key's kind. One of another kind (a
/// forged token) would be compared with the column in the database: SQLite compares any
/// two values, PostgreSQL refuses the statement.
fn token_fits(after: &[Scalar], order: &[(Column, Direction)]) -> bool {
    let fits = |value: &Scalar, column: &Column| match value {
        Scalar::Null => true,
        Scalar::Int(_) | Scalar::Bool(_) => matches!(column.property.edm, Edm::Bool | Edm::Int32),
        Scalar::Text(_) => !matches!(column.property.edm, Edm::Bool | Edm::Int32),
    };
    after.len() == order.len()
        && after
            .iter()
            .zip(order)
            .all(|(value, (column, _))| fits(value, column))
}

fn invalid_token() -> Error {
    Error::InvalidQuery("The $skiptoken is not valid for this request.".to_owned())
}
