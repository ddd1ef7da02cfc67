//! `microsoft.graph.accessPackageResourceRequest` (reference: elm-surface §4.1): beta
//! `accessPackageResourceRequests`, v1.0 `resourceRequests`. A request onboards a
//! resource into a catalog (`adminAdd`), refreshes it (`adminUpdate`) or removes it
//! (`adminRemove`); it is delivered at once, as the real service answers. This file holds
//! the onboarding rules: what each origin system's resource looks like, with which roles
//! and scope; `repository::resources` carries them out in one transaction.

use serde_json::Value;

use super::entity::CREATED_AT;
use super::json::Object;
use super::operation::{Answer, Behaviour, Binding, Operation};
use super::resources::{RESOURCE, ROLE, SCOPE};
use super::values::new_id;
use super::OnDelete;
use super::{
    catalog, Bind, Changes, Default, Edm, EntityType, EnumType, Member, Names, Navigation,
    Operations, PerVersion, Property, Record, Segment, Update, Writes,
};
use crate::Error;

pub static REQUEST_TYPE: EnumType = EnumType {
    name: Names::v1("microsoft.graph.accessPackageRequestType"),
    members: &[
        Member::new("adminAdd", "AdminAdd", "adminAdd"),
        Member::new("adminUpdate", "AdminUpdate", "adminUpdate"),
        Member::new("adminRemove", "AdminRemove", "adminRemove"),
    ],
};

pub static REQUEST_STATE: EnumType = EnumType {
    name: Names::v1("microsoft.graph.accessPackageRequestState"),
    members: &[
        Member::new("delivered", "Delivered", "delivered"),
        Member::new("deliveryFailed", "DeliveryFailed", "deliveryFailed"),
    ],
};

pub static RESOURCE_REQUEST: EntityType = EntityType {
    name: "accessPackageResourceRequest",
    odata_type: "microsoft.graph.accessPackageResourceRequest",
    sets: Names::differ("accessPackageResourceRequests", "resourceRequests"),
    fixture: "resourceRequests",
    table: "resource_requests",
    properties: &[
        Property::key(),
        Property::guid("catalog_id", Names::beta("catalogId")).on_create(),
        Property::internal("resource_id", "resourceId", Edm::Guid)
            .nullable()
            .read_only(),
        Property::enumeration("request_type", Names::both("requestType"), &REQUEST_TYPE)
            .required()
            .on_create(),
        Property::enumeration(
            "state",
            Names::differ("requestState", "state"),
            &REQUEST_STATE,
        )
        .read_only()
        .default_text("delivered"),
        Property::text("status", Names::beta("requestStatus"))
            .read_only()
            .default_text("Fulfilled"),
        Property::text("justification", Names::both("justification"))
            .nullable()
            .on_create(),
        // Terraform sends true; the real service answers false all the same.
        Property::new(
            "execute_immediately",
            Names::beta("executeImmediately"),
            Edm::Bool,
        )
        .default(Default::Bool(false))
        .read_only(),
        Property::new(
            "is_validation_only",
            Names::beta("isValidationOnly"),
            Edm::Bool,
        )
        .default(Default::Bool(false))
        .read_only(),
        Property::new(
            "expiration_date_time",
            Names::beta("expirationDateTime"),
            Edm::DateTimeOffset,
        )
        .nullable()
        .on_create(),
        Property {
            name: Names::v1("createdDateTime"),
            ..CREATED_AT
        },
    ],
    navigations: &[
        // The history of a catalog's resources goes with it.
        Navigation::to_one(Names::both("catalog"), || &catalog::CATALOG, "catalog_id")
            .bound(Bind {
                required: true,
                aliases: PerVersion::each(&["accessPackageCatalog"], &[]),
            })
            .on_delete(OnDelete::Cascade),
        Navigation::to_one(
            Names::differ("accessPackageResource", "resource"),
            || &RESOURCE,
            "resource_id",
        )
        .segment(Segment::Read),
    ],
    operations: Operations {
        create: true,
        update: Update::None,
        delete: false,
    },
    writes: Writes::Custom,
    example: PerVersion::each(
        r##"{"@odata.type": "#microsoft.graph.accessPackageResourceRequest", "catalogId": "{catalogs}",
            "requestType": "AdminAdd", "executeImmediately": true,
            "accessPackageResource": {"@odata.type": "#microsoft.graph.accessPackageResource",
              "originId": "{groups}", "originSystem": "AadGroup"}}"##,
        r#"{"requestType": "adminAdd", "catalog": {"id": "{catalogs}"},
            "resource": {"originId": "{groups}", "originSystem": "AadGroup"}}"#,
    ),
    // Carried out at once: the resource, its roles and scopes are onboarded or removed.
    bound: &[Operation::new(
        Names::NONE,
        Binding::Create,
        Answer::Created,
        "Onboard a resource into a catalog, or remove it",
        Behaviour::CreateResourceRequest,
    )],
    ..EntityType::BASE
};

/// The kinds of resource a catalog can hold, by their `originSystem`, in any letter case
/// (Microsoft365DSC's examples send `AADGroup`) and answered in the canonical spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Group,
    Application,
    SharePoint,
}

impl Origin {
    pub fn parse(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        [Self::Group, Self::Application, Self::SharePoint]
            .into_iter()
            .find(|origin| origin.name().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                Error::rule(
                    400,
                    "ArgumentException",
                    format!("Requested value '{text}' was not found."),
                )
            })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Group => "AadGroup",
            Self::Application => "AadApplication",
            Self::SharePoint => "SharePointOnline",
        }
    }

    /// The directory entity the resource's originId names, if any.
    pub fn directory(self) -> Option<&'static EntityType> {
        match self {
            Self::Group => Some(&super::directory::GROUP),
            Self::Application => Some(&super::directory::SERVICE_PRINCIPAL),
            Self::SharePoint => None,
        }
    }
}

/// The resource a request's `accessPackageResource`/`resource` object describes.
#[derive(Debug, Default)]
pub struct Described {
    pub id: Option<String>,
    pub origin_id: Option<String>,
    pub origin_system: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
}

impl Described {
    pub fn read(value: &Value, path: &str) -> Result<Self, Error> {
        let resource = Object::of(value, path)?;
        let text = |key| resource.str(key).map(|text| text.map(str::to_owned));
        Ok(Self {
            id: text("id")?,
            origin_id: text("originId")?,
            origin_system: text("originSystem")?,
            display_name: text("displayName")?,
            description: text("description")?,
        })
    }
}

/// A newly onboarded resource in `catalog`, with its roles and root scope: a group has
/// `Member_{id}` and `Owner_{id}`, an application its app roles, a SharePoint site the
/// numbered site roles (reference §4.3). `found` is the directory object, when there is one.
pub fn onboarded(
    origin: Origin,
    catalog: &str,
    origin_id: &str,
    described: &Described,
    found: Option<&Record>,
    actor: &str,
) -> (Record, Vec<Record>, Record) {
    let name = |fallback: &str| {
        described
            .display_name
            .clone()
            .or_else(|| found.and_then(|r| r.get("display_name").as_str().map(str::to_owned)))
            .unwrap_or_else(|| fallback.to_owned())
    };
    let description = described
        .description
        .clone()
        .or_else(|| found.and_then(|r| r.get("description").as_str().map(str::to_owned)));
    let (display_name, resource_type, url) = match origin {
        Origin::Group => {
            let unified = found.is_some_and(|group| {
                group
                    .get("group_types")
                    .as_array()
                    .is_some_and(|types| types.iter().any(|t| t == "Unified"))
            });
            let url = format!("https://account.activedirectory.windowsazure.com/r#/manageMembership?objectType=Group&objectId={origin_id}");
            (
                name(origin_id),
                if unified {
                    "O365 Group"
                } else {
                    "Security Group"
                },
                url,
            )
        }
        Origin::Application => (
            name(origin_id),
            "Application",
            format!("https://myapps.microsoft.com/signin/{origin_id}"),
        ),
        Origin::SharePoint => {
            let site = origin_id
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(origin_id)
                .to_owned();
            (name(&site), "SharePoint Online Site", origin_id.to_owned())
        }
    };
    let mut resource = Record::create(&RESOURCE, Changes::default(), actor);
    for (column, value) in [
        ("catalog_id", Value::from(catalog)),
        ("origin_id", Value::from(origin_id)),
        ("origin_system", Value::from(origin.name())),
        ("display_name", Value::from(display_name)),
        ("description", description.map_or(Value::Null, Value::from)),
        ("resource_type", Value::from(resource_type)),
        ("url", Value::from(url)),
    ] {
        resource.set(column, value);
    }
    let roles: Vec<(String, String, Option<String>)> = match origin {
        Origin::Group => ["Member", "Owner"]
            .into_iter()
            .map(|role| (format!("{role}_{origin_id}"), role.to_owned(), None))
            .collect(),
        Origin::Application => found
            .and_then(|principal| principal.get("app_roles").as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|role| {
                (
                    role["id"].as_str().unwrap_or_default().to_owned(),
                    role["displayName"].as_str().unwrap_or_default().to_owned(),
                    role["description"].as_str().map(str::to_owned),
                )
            })
            .collect(),
        Origin::SharePoint => [("4", "Contributors"), ("3", "Creators"), ("5", "Viewers")]
            .into_iter()
            .map(|(id, name)| (id.to_owned(), name.to_owned(), None))
            .collect(),
    };
    let part_of = |entity: &'static EntityType,
                   origin_id: &str,
                   display_name: &str,
                   description: Option<String>| {
        let mut record = Record::create(entity, Changes::default(), actor);
        for (column, value) in [
            ("id", Value::from(new_id())),
            ("catalog_id", Value::from(catalog)),
            ("resource_id", Value::from(resource.id())),
            ("origin_id", Value::from(origin_id)),
            ("origin_system", Value::from(origin.name())),
            ("display_name", Value::from(display_name)),
            ("description", description.map_or(Value::Null, Value::from)),
        ] {
            record.set(column, value);
        }
        record
    };
    let roles = roles
        .into_iter()
        .map(|(role, name, description)| part_of(&ROLE, &role, &name, description))
        .collect();
    let scope = part_of(&SCOPE, origin_id, "Root", Some("Root Scope".to_owned()));
    (resource, roles, scope)
}
/// `adminAdd` of a resource the catalog has already: refused, as the service does.
pub fn may_onboard(onboarded_already: bool) -> Result<(), Error> {
    match onboarded_already {
        false => Ok(()),
        true => Err(Error::rule(
            400,
            "ResourceAlreadyOnboarded",
            "The specified resource is already onboarded to ELM.",
        )),
    }
}

/// `adminRemove` of a resource: refused while `granted` role scopes of packages hand out
/// one of its roles.
pub fn may_remove(resource: &Record, granted: i64) -> Result<(), Error> {
    match granted {
        0 => Ok(()),
        _ => Err(Error::rule(
            400,
            "InvalidDeleteResourceHasEntitlements",
            format!(
                "The resource: {} can not be deleted because there are active entitlements.",
                resource.text("display_name")
            ),
        )),
    }
}
