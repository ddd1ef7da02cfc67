//! One page of a collection: `$top`, `$skip`, the page size, the keyset token for the next
//! page and `$count`, shared by every list endpoint.

use crate::domain::{Field, Scalar};
use crate::graph::odata::{ListOptions, ODataQuery};
use crate::graph::{ApiVersion, ServiceRoot};
use crate::repository::query::{ListQuery, Table};
use crate::repository::Repository;
use crate::Error;

pub struct Page<T> {
    pub rows: Vec<T>,
    pub count: Option<i64>,
    /// Where the next page starts, when there is one.
    pub after: Option<Vec<Scalar>>,
}

impl<T> Page<T> {
    /// `@odata.nextLink`, when another page follows.
    pub fn next_link<V: ApiVersion>(
        &self,
        query: &ODataQuery<V>,
        root: &ServiceRoot<V>,
    ) -> Option<String> {
        let returned = self.rows.len() as u64;
        self.after
            .as_ref()
            .map(|after| query.next_link(&root.request_url(), returned, after))
    }
}

pub async fn page<T: Table>(
    repository: &Repository,
    options: &ListOptions,
    scope: Option<(Field, &str)>,
) -> Result<Page<T>, Error> {
    let wanted = options
        .top
        .map_or(options.page_size, |top| top.min(options.page_size));
    // One row more than the page tells whether another page follows.
    let mut rows = repository
        .list::<T>(&ListQuery {
            filter: options.filter.as_ref(),
            scope,
            order: &options.order,
            after: options.after.as_deref(),
            skip: options.skip,
            limit: wanted.saturating_add(1),
        })
        .await?;
    let more = rows.len() as u64 > wanted && options.top.is_none_or(|top| top > wanted);
    rows.truncate(usize::try_from(wanted).unwrap_or(usize::MAX));
    let after = more.then(|| rows.last()).flatten().map(|last| {
        options
            .order
            .iter()
            .map(|(field, _)| last.value(*field))
            .collect()
    });
    let count = match options.count {
        true => Some(
            repository
                .count::<T>(options.filter.as_ref(), scope)
                .await?,
        ),
        false => None,
    };
    Ok(Page { rows, count, after })
}
