//! What a body says through navigations. How it names the entity a single-valued
//! navigation leads to: the foreign-key property (`catalogId`), the navigation as an
//! object (`"accessPackageCatalog": {…}`, or an alias of it), or `name@odata.bind`; forms
//! that disagree are a problem. And the items of a navigation written with the entity.

use serde_json::Value;

use super::decode::{check_type, decode, not_a_guid, wrong_type, Decoder};
use crate::model::{values, Bound, Link, Mode, Navigation, Nested, Property};
use crate::Error;

impl Decoder {
    pub(super) fn written_with(&self, key: &str) -> Option<&'static Navigation> {
        self.version()
            .and_then(|version| self.entity.navigation_named(version, key))
            .filter(|navigation| navigation.written_with_parent)
    }

    /// `"customExtensionStageSettings": [{…}, …]`: each item decoded as a create of its
    /// own entity; `null` or `[]` leaves none.
    pub(super) fn nested_items(
        &mut self,
        key: &str,
        navigation: &'static Navigation,
        raw: Value,
    ) -> Result<(), Error> {
        let items = match raw {
            Value::Null => Vec::new(),
            Value::Array(items) => items,
            other => return Err(wrong_type(self.entity, key, &other, "an array")),
        };
        let items = items
            .into_iter()
            .map(|item| decode(navigation.target(), self.dialect, item, Mode::Create))
            .collect::<Result<Vec<_>, Error>>()?;
        self.nested
            .retain(|nested| !std::ptr::eq(nested.navigation, navigation));
        self.nested.push(Nested { navigation, items });
        Ok(())
    }

    /// A single-valued navigation a create can bind by this name (or an alias of it).
    pub(super) fn bindable(&self, key: &str) -> Option<&'static Navigation> {
        let version = self.version()?;
        self.entity.navigations.iter().find(|navigation| {
            navigation.bind.is_some_and(|bind| {
                navigation.name.get(version) == Some(key)
                    || bind.aliases.get(version).contains(&key)
            })
        })
    }

    /// The navigation a property binds, when it is a bindable foreign key.
    pub(super) fn binding_fk(&self, property: &Property) -> Option<&'static Navigation> {
        self.entity
            .reference(property.column)
            .filter(|navigation| navigation.bind.is_some())
    }

    /// `"catalog": {"id": "…", …}`: only the id counts; the rest (whatever the client read
    /// before) is ignored and changes nothing.
    pub(super) fn bind_object(
        &mut self,
        key: &str,
        navigation: &'static Navigation,
        raw: &Value,
    ) -> Result<(), Error> {
        let object = match raw {
            Value::Null => return Ok(()),
            Value::Object(object) => object,
            other => return Err(wrong_type(self.entity, key, other, "an object")),
        };
        if let Some(annotation) = object.get("@odata.type") {
            check_type(
                navigation.target(),
                &format!("{key}.@odata.type"),
                annotation,
            )?;
        }
        let target = format!("{key}.id");
        match object.get("id") {
            None | Some(Value::Null) => {
                if let Some(fk) = self.fk(navigation) {
                    self.missing(fk, &target);
                }
            }
            Some(Value::String(id)) => self.candidate(navigation, &target, id),
            Some(other) => return Err(wrong_type(self.entity, &target, other, "a string")),
        }
        Ok(())
    }

    pub(super) fn fk(&self, navigation: &Navigation) -> Option<&'static Property> {
        match navigation.link {
            Link::ToOne { fk } => self.entity.column(fk).map(|(_, property)| property),
            Link::ToMany { .. } | Link::Linked { .. } => None,
        }
    }

    pub(super) fn candidate(&mut self, navigation: &'static Navigation, target: &str, id: &str) {
        let Some(fk) = self.fk(navigation) else {
            return;
        };
        match values::canonical_guid(id) {
            Some(id) => self.candidates.push(Bound {
                navigation,
                fk,
                id,
                target: target.to_owned(),
            }),
            None => self.problem(fk, "InvalidValue", target, not_a_guid(target)),
        }
    }

    /// One id per navigation: forms that disagree are a problem.
    pub(super) fn settle_binds(&mut self) -> Vec<Bound> {
        let mut settled: Vec<Bound> = Vec::new();
        for candidate in std::mem::take(&mut self.candidates) {
            match settled
                .iter()
                .find(|b| std::ptr::eq(b.navigation, candidate.navigation))
            {
                Some(first) if first.id != candidate.id => {
                    let message = format!(
                        "'{}' and '{}' name different {}s; send one.",
                        first.target,
                        candidate.target,
                        candidate.navigation.target().name
                    );
                    self.problem(candidate.fk, "InvalidValue", &candidate.target, message);
                }
                Some(_) => {}
                None => settled.push(candidate),
            }
        }
        settled
    }
}
