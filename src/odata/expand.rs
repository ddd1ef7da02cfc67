//! `$select` and `$expand`, resolved against the declarations into a tree: which properties
//! each level writes and which navigations it embeds, with their own `$select`/`$expand`
//! (`$expand=accessPackageResourceRoleScopes($expand=accessPackageResourceRole,…)`).

use super::Scope;
use crate::model::{Navigation, Property};
use crate::Error;

/// Expansions nest at most this deep: deep enough for every documented client query.
const MAX_DEPTH: usize = 4;

/// What one level of a response writes.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `None`: every property.
    pub select: Option<Vec<&'static Property>>,
    pub expand: Vec<Expansion>,
    /// Properties this version writes only when expanded (v1.0's policy `questions`).
    pub expand_properties: Vec<&'static Property>,
}

/// A navigation to embed, by the name the request's version gives it.
#[derive(Debug, Clone)]
pub struct Expansion {
    pub name: &'static str,
    pub navigation: &'static Navigation,
    pub selection: Selection,
}

impl Selection {
    pub fn parse(scope: Scope, select: Option<&str>, expand: Option<&str>) -> Result<Self, Error> {
        Self::parse_at(scope, select, expand, 0)
    }

    fn parse_at(
        scope: Scope,
        select: Option<&str>,
        expand: Option<&str>,
        depth: usize,
    ) -> Result<Self, Error> {
        if depth > MAX_DEPTH {
            return Err(Error::InvalidQuery(format!(
                "$expand is nested more than {MAX_DEPTH} levels deep."
            )));
        }
        let (select, selected_navigations) = match select {
            None => (None, Vec::new()),
            Some(text) => {
                let (properties, navigations) = parse_select(scope, text)?;
                (Some(properties), navigations)
            }
        };
        let mut expanded: Vec<Expansion> = Vec::new();
        let mut expand_properties: Vec<&'static Property> = Vec::new();
        for item in expand.map(split_items).transpose()?.unwrap_or_default() {
            let (name, options) = match item.split_once('(') {
                None => (item.trim(), None),
                Some((name, rest)) => {
                    let inner = rest.trim_end().strip_suffix(')').ok_or_else(|| {
                        Error::InvalidQuery(format!("Syntax error in $expand item '{item}'."))
                    })?;
                    (name.trim(), Some(inner))
                }
            };
            if let Some(property) = scope
                .entity
                .property_named(scope.version.into(), name)
                .filter(|property| property.expand_only == Some(scope.version))
            {
                if options.is_some() {
                    return Err(Error::InvalidQuery(format!(
                        "'{name}' takes no options inside $expand."
                    )));
                }
                expand_properties.push(property);
                continue;
            }
            let navigations: Vec<(&'static str, &'static Navigation)> = if name == "*" {
                expand_properties.extend(
                    scope
                        .entity
                        .properties
                        .iter()
                        .filter(|property| property.expand_only == Some(scope.version)),
                );
                scope.entity.navigations_in(scope.version).collect()
            } else {
                let navigation = scope.navigation(name)?;
                let name = navigation.name.get(scope.version).unwrap_or_default();
                vec![(name, navigation)]
            };
            let (nested_select, nested_expand) = nested_options(item, options)?;
            for (name, navigation) in navigations {
                if expanded
                    .iter()
                    .any(|e| std::ptr::eq(e.navigation, navigation))
                {
                    return Err(Error::InvalidQuery(format!(
                        "'{name}' is expanded more than once."
                    )));
                }
                let target = Scope::new(navigation.target(), scope.version);
                expanded.push(Expansion {
                    name,
                    navigation,
                    selection: Self::parse_at(target, nested_select, nested_expand, depth + 1)?,
                });
            }
        }
        // Navigations the entity always writes, unless `$select` chose what to write.
        let inline = scope
            .entity
            .navigations_in(scope.version)
            .filter(|(_, navigation)| navigation.inline && select.is_none());
        // A navigation named in `$select` (azuread 2.x's
        // `…RoleScopes($select=accessPackageResourceRole,…)`) comes back embedded.
        for (name, navigation) in selected_navigations.into_iter().chain(inline) {
            if !expanded
                .iter()
                .any(|e| std::ptr::eq(e.navigation, navigation))
            {
                expanded.push(Expansion {
                    name,
                    navigation,
                    selection: Selection::default(),
                });
            }
        }
        Ok(Self {
            select,
            expand: expanded,
            expand_properties,
        })
    }

    /// `(displayName,id,catalog(id))` for `@odata.context`, or nothing when all is
    /// returned. As in OData 4.0, an expansion is listed only when it narrows its own.
    pub fn context_clause(&self, scope: Scope) -> String {
        let inner = self.clause_items(scope);
        if inner.is_empty() {
            String::new()
        } else {
            format!("({inner})")
        }
    }

    fn clause_items(&self, scope: Scope) -> String {
        let mut items: Vec<String> = self
            .select
            .iter()
            .flatten()
            .map(|property| scope.name_of(property).to_owned())
            .collect();
        for expansion in &self.expand {
            let target = Scope::new(expansion.navigation.target(), scope.version);
            let nested = expansion.selection.clause_items(target);
            if !nested.is_empty() {
                items.push(format!("{}({nested})", expansion.name));
            }
        }
        items.join(",")
    }
}

/// The properties `$select` names, and the navigations it names (to embed).
type Selected = (
    Vec<&'static Property>,
    Vec<(&'static str, &'static Navigation)>,
);

fn parse_select(scope: Scope, text: &str) -> Result<Selected, Error> {
    let mut properties: Vec<&'static Property> = Vec::new();
    let mut navigations = Vec::new();
    for item in text.split(',').map(str::trim) {
        if item == "*" {
            let all = scope
                .entity
                .properties_in(scope.version)
                .map(|(_, property)| property)
                .filter(|property| property.expand_only != Some(scope.version))
                .collect();
            return Ok((all, navigations));
        }
        if let Some(navigation) = scope.entity.navigation_named(scope.version, item) {
            navigations.push((
                navigation.name.get(scope.version).unwrap_or_default(),
                navigation,
            ));
            continue;
        }
        if item.is_empty() {
            return Err(Error::InvalidQuery(format!(
                "Syntax error in $select '{text}'."
            )));
        }
        let property = scope.property(item)?;
        if !properties.iter().any(|seen| std::ptr::eq(*seen, property)) {
            properties.push(property);
        }
    }
    Ok((properties, navigations))
}

/// The `$select` and `$expand` inside an `$expand` item's parentheses, `;`-separated, with
/// or without their `$`.
fn nested_options<'a>(
    item: &str,
    options: Option<&'a str>,
) -> Result<(Option<&'a str>, Option<&'a str>), Error> {
    let (mut select, mut expand) = (None, None);
    for option in options
        .map(|text| split_outside(text, ';'))
        .transpose()?
        .unwrap_or_default()
    {
        let (key, value) = option.split_once('=').ok_or_else(|| {
            Error::InvalidQuery(format!("Syntax error in $expand item '{item}'."))
        })?;
        match key.trim().trim_start_matches('$').to_ascii_lowercase().as_str() {
            "select" => select = Some(value),
            "expand" => expand = Some(value),
            other => {
                return Err(Error::InvalidQuery(format!(
                    "The query option '${other}' is not supported inside $expand; only $select and $expand are."
                )))
            }
        }
    }
    Ok((select, expand))
}

/// The items of `$expand`: commas outside parentheses.
fn split_items(text: &str) -> Result<Vec<&str>, Error> {
    split_outside(text, ',')
}

/// Splits on `separator` outside parentheses: `a($select=x,y),b`. Empty items are dropped.
fn split_outside(text: &str, separator: char) -> Result<Vec<&str>, Error> {
    let unbalanced = || Error::InvalidQuery(format!("Unbalanced parentheses in '{text}'."));
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1).ok_or_else(unbalanced)?,
            c if c == separator && depth == 0 => {
                items.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(unbalanced());
    }
    items.push(&text[start..]);
    Ok(items
        .into_iter()
        .filter(|item| !item.trim().is_empty())
        .collect())
}
