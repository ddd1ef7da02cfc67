//! One page of a collection: `$top`, `$skip`, the page size, the keyset token for the next
//! page and `$count`, shared by every list endpoint.

use crate::graph::ServiceRoot;
use crate::model::{EntityType, Record};
use crate::odata::{ListOptions, ODataQuery, Scalar};
use crate::repository::{ListQuery, Repository, Within};
use crate::Error;

pub struct Page {
    pub rows: Vec<Record>,
    pub count: Option<i64>,
    /// Where the next page starts, when there is one.
    pub after: Option<Vec<Scalar>>,
}

impl Page {
    /// `@odata.nextLink`, when another page follows.
    pub fn next_link(&self, query: &ODataQuery, root: &ServiceRoot) -> Option<String> {
        let returned = self.rows.len() as u64;
        self.after
            .as_ref()
            .map(|after| query.next_link(&root.request_url(), returned, after))
    }
}

/// A page of `entity`, optionally only the rows whose `column` is `value` (a navigation).
pub async fn page(
    repository: &Repository,
    entity: &'static EntityType,
    options: &ListOptions,
    scope: Option<Within<'_>>,
) -> Result<Page, Error> {
    let wanted = options
        .top
        .map_or(options.page_size, |top| top.min(options.page_size));
    // One row more than the page tells whether another page follows.
    let mut rows = repository
        .list(
            entity,
            &ListQuery {
                filter: options.filter.as_ref(),
                scope,
                order: &options.order,
                after: options.after.as_deref(),
                skip: options.skip,
                limit: wanted.saturating_add(1),
            },
        )
        .await?;
    let more = rows.len() as u64 > wanted && options.top.is_none_or(|top| top > wanted);
    rows.truncate(usize::try_from(wanted).unwrap_or(usize::MAX));
    let after = more.then(|| rows.last()).flatten().map(|last| {
        options
            .order
            .iter()
            .map(|(column, _)| Repository::sort_key(last, column.property))
            .collect()
    });
    let count = match options.count {
        true => Some(
            repository
                .count(entity, options.filter.as_ref(), scope)
                .await?,
        ),
        false => None,
    };
    Ok(Page { rows, count, after })
}
