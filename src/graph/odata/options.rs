//! The query string: which options a request carries, checked and resolved against a
//! schema, and the `@odata.nextLink` that continues a listing.

use std::future::{ready, Ready};
use std::marker::PhantomData;

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::filter::{self, Filter, Limits};
use super::Schema;
use crate::domain::{Field, Scalar};
use crate::graph::{ApiVersion, Beta};
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

/// An `$expand` item and its nested `$select`, resolved on the target's schema.
#[derive(Debug, Clone)]
pub struct Expand {
    pub name: &'static str,
    pub select: Option<Vec<&'static str>>,
}

/// Everything a list request asked for, resolved and typed.
#[derive(Debug, Clone)]
pub struct ListOptions {
    pub filter: Option<Filter>,
    pub select: Option<Vec<&'static str>>,
    pub expand: Vec<Expand>,
    /// The sort keys: the requested order (creation order by default), always ending with
    /// `id`, so that every row has a unique position for keyset paging.
    pub order: Vec<(Field, Direction)>,
    pub top: Option<u64>,
    pub skip: u64,
    pub count: bool,
    /// Where the previous page ended: its sort-key values, then its id.
    pub after: Option<Vec<Scalar>>,
    pub page_size: u64,
}

const OPTIONS: [&str; 8] = [
    "$filter",
    "$select",
    "$expand",
    "$orderby",
    "$top",
    "$skip",
    "$count",
    "$skiptoken",
];

/// The query options of a request, as sent (decoded, not yet parsed).
pub struct ODataQuery<V> {
    pairs: Vec<(&'static str, String)>,
    settings: ODataSettings,
    version: PhantomData<V>,
}

impl<V: ApiVersion> FromRequest for ODataQuery<V> {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let settings = req
            .app_data::<web::Data<ODataSettings>>()
            .map(|settings| *settings.get_ref());
        ready(match settings {
            None => Err(Error::internal("OData settings are not registered")),
            Some(settings) => Self::parse(req.query_string(), settings),
        })
    }
}

impl<V: ApiVersion> ODataQuery<V> {
    fn parse(query: &str, settings: ODataSettings) -> Result<Self, Error> {
        if query.len() > settings.max_query_length {
            return Err(Error::InvalidQuery(format!(
                "The query string is longer than {} characters.",
                settings.max_query_length
            )));
        }
        // Beta lets the `$` be left out (`filter=…`); v1.0 treats such names as custom
        // options and ignores them, as Graph does.
        let dollar_optional = V::SEGMENT == Beta::SEGMENT;
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
            version: PhantomData,
        })
    }

    fn get(&self, option: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(name, _)| *name == option)
            .map(|(_, value)| value.as_str())
    }

    /// Only `$select` and `$expand` apply to a single entity.
    pub fn entity_options(
        &self,
        schema: &Schema,
    ) -> Result<(Option<Vec<&'static str>>, Vec<Expand>), Error> {
        if let Some((option, _)) = self
            .pairs
            .iter()
            .find(|(name, _)| !matches!(*name, "$select" | "$expand"))
        {
            return Err(Error::InvalidQuery(format!(
                "The query option '{option}' cannot be applied to a single entity."
            )));
        }
        Ok((self.select(schema)?, self.expand(schema)?))
    }

    pub fn list_options(&self, schema: &Schema) -> Result<ListOptions, Error> {
        let order = match self.get("$orderby") {
            // Creation order unless asked otherwise: what users expect of a listing.
            None => vec![(Field::CreatedDateTime, Direction::Ascending)],
            Some(text) => order_by(text, schema)?,
        };
        let order = with_id_last(order);
        let after = self.get("$skiptoken").map(decode_token).transpose()?;
        // The token holds one value per sort key.
        if after
            .as_ref()
            .is_some_and(|after| after.len() != order.len())
        {
            return Err(invalid_token());
        }
        Ok(ListOptions {
            filter: self.filter(schema)?,
            select: self.select(schema)?,
            expand: self.expand(schema)?,
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
            count: match self.get("$count") {
                None => false,
                Some(text) if text.eq_ignore_ascii_case("true") => true,
                Some(text) if text.eq_ignore_ascii_case("false") => false,
                Some(text) => {
                    return Err(Error::InvalidQuery(format!(
                        "'{text}' is not a valid count option: use true or false."
                    )))
                }
            },
            after,
            page_size: self.settings.max_page_size,
        })
    }

    /// `$filter` alone, as the `/$count` segment honours it.
    pub fn filter(&self, schema: &Schema) -> Result<Option<Filter>, Error> {
        match self.get("$filter") {
            None => Ok(None),
            Some(text) if text.trim().is_empty() => Err(Error::InvalidQuery(
                "The $filter query option must not be empty.".to_owned(),
            )),
            Some(text) => filter::parse(text, schema, self.settings.limits).map(Some),
        }
    }

    fn select(&self, schema: &Schema) -> Result<Option<Vec<&'static str>>, Error> {
        self.get("$select")
            .map(|text| select(text, schema))
            .transpose()
    }

    fn expand(&self, schema: &Schema) -> Result<Vec<Expand>, Error> {
        let Some(text) = self.get("$expand") else {
            return Ok(Vec::new());
        };
        let mut expanded = Vec::new();
        for item in split_top_level(text)? {
            let (name, nested) = match item.split_once('(') {
                None => (item.trim(), None),
                Some((name, rest)) => {
                    let inner = rest.trim_end().strip_suffix(')').ok_or_else(|| {
                        Error::InvalidQuery(format!("Syntax error in $expand item '{item}'."))
                    })?;
                    (name.trim(), Some(inner))
                }
            };
            let (name, target) = schema.expandable(name)?;
            let mut select_list = None;
            // Options inside an `$expand` item are separated by `;`.
            let nested_options = nested
                .into_iter()
                .flat_map(|text| text.split(';'))
                .map(str::trim);
            for option in nested_options.filter(|option| !option.is_empty()) {
                let (key, value) = option.split_once('=').ok_or_else(|| {
                    Error::InvalidQuery(format!("Syntax error in $expand item '{item}'."))
                })?;
                let key = key.trim().to_ascii_lowercase();
                if key == "$select" || key == "select" {
                    select_list = Some(select(value, target)?);
                } else {
                    return Err(Error::InvalidQuery(format!(
                        "The query option '{key}' is not supported inside $expand; only $select is."
                    )));
                }
            }
            if expanded.iter().any(|e: &Expand| e.name == name) {
                return Err(Error::InvalidQuery(format!(
                    "'{name}' is expanded more than once."
                )));
            }
            expanded.push(Expand {
                name,
                select: select_list,
            });
        }
        Ok(expanded)
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

fn with_id_last(order: Vec<(Field, Direction)>) -> Vec<(Field, Direction)> {
    let id_direction = order
        .iter()
        .find(|(field, _)| *field == Field::Id)
        .map_or(Direction::Ascending, |(_, direction)| *direction);
    order
        .into_iter()
        .filter(|(field, _)| *field != Field::Id)
        .chain(std::iter::once((Field::Id, id_direction)))
        .collect()
}

fn non_negative(option: &str, text: &str) -> Result<u64, Error> {
    text.trim().parse::<u64>().map_err(|_| {
        Error::InvalidQuery(format!(
            "Invalid value '{text}' for {option} query option found. The {option} query option requires a non-negative integer value."
        ))
    })
}

fn select(text: &str, schema: &Schema) -> Result<Vec<&'static str>, Error> {
    let mut names = Vec::new();
    for item in text.split(',').map(str::trim) {
        if item == "*" {
            return Ok(schema.properties.iter().map(|(name, _)| *name).collect());
        }
        if item.is_empty() {
            return Err(Error::InvalidQuery(format!(
                "Syntax error in $select '{text}'."
            )));
        }
        let (name, _) = schema.property(item)?;
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Ok(names)
}

fn order_by(text: &str, schema: &Schema) -> Result<Vec<(Field, Direction)>, Error> {
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
        let field = schema.filter_path(path)?;
        if !order.iter().any(|(seen, _)| *seen == field) {
            order.push((field, direction));
        }
    }
    Ok(order)
}

/// Splits on commas outside parentheses: `a($select=x,y),b`.
fn split_top_level(text: &str) -> Result<Vec<&str>, Error> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.checked_sub(1).ok_or_else(|| {
                    Error::InvalidQuery(format!("Unbalanced parentheses in '{text}'."))
                })?
            }
            ',' if depth == 0 => {
                items.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(Error::InvalidQuery(format!(
            "Unbalanced parentheses in '{text}'."
        )));
    }
    items.push(&text[start..]);
    Ok(items
        .into_iter()
        .filter(|item| !item.trim().is_empty())
        .collect())
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

fn invalid_token() -> Error {
    Error::InvalidQuery("The $skiptoken is not valid for this request.".to_owned())
}
