//! A statement's text and its binds, built together.
//!
//! sqlx's `QueryBuilder<Any>` writes every bind as `?`, which PostgreSQL refuses (sqlx
//! issue #3000, open): `Any` learns the backend only when the statement runs. Numbered
//! `$n` binds are what both backends read (sqlx's SQLite driver takes `$n` as `?n`), so
//! this builder numbers them itself; everything else is sqlx's `Any` arguments.

use sqlx::any::{Any, AnyArguments, AnyRow};
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Arguments, Encode, FromRow, Type};

#[derive(Default)]
pub(in crate::repository) struct Sql {
    text: String,
    arguments: AnyArguments<'static>,
    binds: usize,
}

impl Sql {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    pub fn push(&mut self, text: impl AsRef<str>) -> &mut Self {
        self.text.push_str(text.as_ref());
        self
    }

    /// Writes `$n` for the next bind and binds `value` to it.
    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: Encode<'static, Any> + Type<Any> + Send + 'static,
    {
        self.binds += 1;
        if let Err(error) = self.arguments.add(value) {
            // `Any` encodes the texts and integers bound here without fail; were one to fail,
            // a NULL keeps the later binds in their places.
            tracing::error!(%error, "a bind could not be encoded: NULL is bound instead");
            let _ = self.arguments.add(Option::<i64>::None);
        }
        self.text.push('$');
        self.text.push_str(&self.binds.to_string());
        self
    }

    /// `$n, $n+1, …`: one bind per value, comma-separated (an `IN (…)` list).
    pub fn push_binds<T>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self
    where
        T: Encode<'static, Any> + Type<Any> + Send + 'static,
    {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.push_bind(value);
        }
        self
    }

    /// The statement, with the binds moved into it.
    pub fn build(&mut self) -> Query<'_, Any, AnyArguments<'_>> {
        sqlx::query_with(&self.text, std::mem::take(&mut self.arguments))
    }

    pub fn build_query_as<O>(&mut self) -> QueryAs<'_, Any, O, AnyArguments<'_>>
    where
        O: for<'r> FromRow<'r, AnyRow>,
    {
        sqlx::query_as_with(&self.text, std::mem::take(&mut self.arguments))
    }

    pub fn build_query_scalar<O>(&mut self) -> QueryScalar<'_, Any, O, AnyArguments<'_>>
    where
        (O,): for<'r> FromRow<'r, AnyRow>,
    {
        sqlx::query_scalar_with(&self.text, std::mem::take(&mut self.arguments))
    }
}
