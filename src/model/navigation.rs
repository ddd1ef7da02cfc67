//! A navigation's declaration: where it leads, how it is stored (a foreign key, or links
//! by reference), how a create binds it, what its segment serves, and what deleting its
//! target does to the row.

use super::{EntityType, Names};

#[derive(Debug)]
pub struct Navigation {
    pub name: Names,
    /// A function, so that declarations can point at each other.
    pub target: fn() -> &'static EntityType,
    pub link: Link,
    /// How a create names the related entity, for single-valued navigations.
    pub bind: Option<Bind>,
    pub segment: Segment,
    /// Written in every answer of the entity, as if `$expand` named it (an approval's
    /// stages: Graph's reference pages show them without asking).
    pub inline: bool,
    /// A single-valued navigation to a directory object of any of these kinds (a role
    /// assignment's principal), each written with its `@odata.type`; `target` is the first.
    pub kinds: Option<&'static [fn() -> &'static EntityType]>,
    /// What deleting the entity this row names does to the row, as SQL's `ON DELETE` on
    /// the foreign key: the rule lives with the child, so a new child set is one file.
    pub on_delete: Option<OnDelete>,
    /// Its items are written in the parent's body and replace what it had (a policy's
    /// `customExtensionStageSettings`); a body that leaves it out keeps them.
    pub written_with_parent: bool,
}

/// What a delete of the row a foreign key names does to the rows naming it.
#[derive(Debug, Clone, Copy)]
pub enum OnDelete {
    /// They go with it (contained entities, history).
    Cascade,
    /// They stay and forget it: the foreign key, nullable, becomes null (an external
    /// subject outlives the connected organization it came from).
    Forget,
    /// They keep it: the delete is `status` `code`, with `message(count)`; except the rows
    /// whose `column` holds one of the `unless` values (ended assignments, finished
    /// requests), which go with it.
    Restrict(Restriction),
}

#[derive(Debug, Clone, Copy)]
pub struct Restriction {
    pub unless: Option<(&'static str, &'static [&'static str])>,
    pub status: u16,
    pub code: &'static str,
    pub message: fn(i64) -> String,
}

#[derive(Debug, Clone, Copy)]
pub enum Link {
    /// This entity's column `fk` holds the related entity's id.
    ToOne { fk: &'static str },
    /// The related entities' column `fk` holds this entity's id.
    ToMany { fk: &'static str },
    /// A many-to-many link: the rows of `table` under `relation` pair this entity (their
    /// source) with the related ones (their targets), in the order they were added.
    /// `reverse`: this entity is the target, the related ones the sources
    /// (`accessPackagesIncompatibleWith`, read-only).
    Linked {
        table: &'static LinkTable,
        relation: &'static str,
        reverse: bool,
        /// Through nested groups too: what the links reach, link by link (a group's
        /// `transitiveMembers`, a user's `transitiveMemberOf`). Read-only.
        transitive: bool,
    },
}

/// A table of links by reference: each row pairs a source with a target under a
/// relation's name. A target of several kinds is told apart by `target_type`, its table.
#[derive(Debug)]
pub struct LinkTable {
    pub table: &'static str,
    pub source: &'static str,
    pub relation: &'static str,
    pub target: &'static str,
    pub target_type: &'static str,
    /// A number that grows with each link, for the order of listings and their pages.
    pub added: &'static str,
    /// Which rows are a client's links, kept in fixtures (a condition on the table):
    /// group memberships that delivered assignments grant are made again from them.
    pub kept: &'static str,
}

/// The links Entitlement Management keeps (`incompatibleAccessPackages`, sponsors, …).
/// Ids are GUIDs, so one table serves every relation; a row goes when either end does
/// (a trigger per table, which `tests/api/declarations.rs` checks).
pub static LINKS: LinkTable = LinkTable {
    table: "links",
    source: "source_id",
    relation: "relation",
    target: "target_id",
    target_type: "target_type",
    added: "added",
    kept: "TRUE",
};

/// A create binds a single-valued navigation by the foreign-key property, by the
/// navigation as an object `{"id": …}` (or an alias of it), or by `name@odata.bind`.
/// Once set, it cannot change.
#[derive(Debug, Clone, Copy)]
pub struct Bind {
    pub required: bool,
    /// More object names accepted per version (azuread 2.x sends v1.0's `catalog` on beta).
    pub aliases: super::PerVersion<&'static [&'static str]>,
}

/// Whether `/{set}/{id}/{navigation}` is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    None,
    /// GET only.
    Read,
    /// GET on the collection and its items; POST, PATCH (or PUT) and DELETE as the target's
    /// operations allow.
    Contained,
    /// A link by reference: GET the collection and `…/$ref`, `POST …/$ref` with
    /// `{"@odata.id": …}`, `DELETE …/{key}/$ref`.
    Ref,
}

impl Navigation {
    pub const fn to_one(
        name: Names,
        target: fn() -> &'static EntityType,
        fk: &'static str,
    ) -> Self {
        Self::new(name, target, Link::ToOne { fk })
    }

    pub const fn to_many(
        name: Names,
        target: fn() -> &'static EntityType,
        fk: &'static str,
    ) -> Self {
        Self::new(name, target, Link::ToMany { fk })
    }

    /// Links by reference, kept in `table` under `relation`; served as `$ref` links.
    pub const fn linked(
        name: Names,
        target: fn() -> &'static EntityType,
        table: &'static LinkTable,
        relation: &'static str,
    ) -> Self {
        Self::through(name, target, (table, relation), false)
    }

    /// The other end of a link: the sources that name this entity under `relation`, read
    /// only.
    pub const fn linking(
        name: Names,
        source: fn() -> &'static EntityType,
        table: &'static LinkTable,
        relation: &'static str,
    ) -> Self {
        Self::through(name, source, (table, relation), true)
    }

    const fn through(
        name: Names,
        related: fn() -> &'static EntityType,
        (table, relation): (&'static LinkTable, &'static str),
        reverse: bool,
    ) -> Self {
        let link = Link::Linked {
            table,
            relation,
            reverse,
            transitive: false,
        };
        let segment = if reverse { Segment::Read } else { Segment::Ref };
        Self::new(name, related, link).segment(segment)
    }

    const fn new(name: Names, target: fn() -> &'static EntityType, link: Link) -> Self {
        Self {
            name,
            target,
            link,
            bind: None,
            segment: Segment::None,
            inline: false,
            kinds: None,
            on_delete: None,
            written_with_parent: false,
        }
    }

    /// What the links reach through any number of them, read only.
    pub const fn transitive(self) -> Self {
        let link = match self.link {
            Link::Linked {
                table,
                relation,
                reverse,
                ..
            } => Link::Linked {
                table,
                relation,
                reverse,
                transitive: true,
            },
            other => other,
        };
        Self {
            link,
            segment: Segment::Read,
            ..self
        }
    }

    pub const fn written_with_parent(self) -> Self {
        Self {
            written_with_parent: true,
            ..self
        }
    }

    /// What a delete of the entity this navigation names does to the row.
    pub const fn on_delete(self, rule: OnDelete) -> Self {
        Self {
            on_delete: Some(rule),
            ..self
        }
    }

    /// The related entity is of any of `kinds`, told apart by where its id is found.
    pub const fn of_kinds(self, kinds: &'static [fn() -> &'static EntityType]) -> Self {
        Self {
            kinds: Some(kinds),
            ..self
        }
    }

    /// The foreign key the row holds, when it names one entity set's row: a navigation to
    /// several kinds is no foreign key (its `references` check it).
    pub fn foreign_key(&self) -> Option<&'static str> {
        match (self.link, self.kinds) {
            (Link::ToOne { fk }, None) => Some(fk),
            _ => None,
        }
    }

    /// Every entity the navigation may lead to.
    pub fn targets(&self) -> Vec<&'static EntityType> {
        match self.kinds {
            Some(kinds) => kinds.iter().map(|kind| kind()).collect(),
            None => vec![self.target()],
        }
    }

    pub const fn inline(self) -> Self {
        Self {
            inline: true,
            ..self
        }
    }

    pub const fn bound(self, bind: Bind) -> Self {
        Self {
            bind: Some(bind),
            ..self
        }
    }

    pub const fn segment(self, segment: Segment) -> Self {
        Self { segment, ..self }
    }

    pub fn target(&self) -> &'static EntityType {
        (self.target)()
    }

    pub fn is_collection(&self) -> bool {
        !matches!(self.link, Link::ToOne { .. })
    }
}
