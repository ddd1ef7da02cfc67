//! A small Graph directory, enough for what Entitlement Management names: users, groups
//! (with members and owners: `routes::directory`) and service principals with their app
//! roles and password credentials (`password_credential`). At the version roots (`/v1.0/users`), speaking the directory's error words.

use serde_json::Value;

use super::complex::schema_of;
use super::entity::CREATED_AT;
use super::json::{invalid, object, wrong_type, Object};
use super::membership::{self, ACTIONS};
use super::principal_names::{self, IDENTITIES};
use super::values::{canonical_guid, new_id};
use super::{
    password_credential, ComplexType, Constraint, Default, Edm, EntityType, Errors, Generated,
    LinkTable, Names, Navigation, PerVersion, Property, Record,
};

/// The directory's own words for a second object with the same key value.
fn upn_taken(_: &Record) -> String {
    "Another object with the same value for property userPrincipalName already exists.".to_owned()
}

fn app_id_taken(_: &Record) -> String {
    "Another object with the same value for property appId already exists.".to_owned()
}

/// An `appId` names one service principal, and one application.
pub const UNIQUE_APP_ID: Constraint = Constraint::Unique {
    columns: &["app_id"],
    status: 400,
    code: "Request_BadRequest",
    message: app_id_taken,
};

pub static USER: EntityType = EntityType {
    name: "user",
    odata_type: "microsoft.graph.user",
    sets: Names::both("users"),
    root: "",
    fixture: "users",
    table: "users",
    properties: &[
        Property::key(),
        Property::new("account_enabled", Names::both("accountEnabled"), Edm::Bool).required(),
        Property::text("display_name", Names::both("displayName")).name_like(),
        Property::text("mail_nickname", Names::both("mailNickname")).name_like(),
        Property::text("user_principal_name", Names::both("userPrincipalName")).name_like(),
        Property::text("mail", Names::both("mail")).nullable(),
        Property::text("given_name", Names::both("givenName")).nullable(),
        Property::text("surname", Names::both("surname")).nullable(),
        Property::text("job_title", Names::both("jobTitle")).nullable(),
        Property::text("department", Names::both("department")).nullable(),
        Property::text("user_type", Names::both("userType")).default_text("Member"),
        Property::new(
            "identities",
            Names::both("identities"),
            Edm::Complex(&IDENTITIES),
        )
        .default(Default::Json("[]")),
        CREATED_AT,
    ],
    derive: Some(principal_names::user_identities),
    navigations: &[MEMBER_OF, TRANSITIVE_MEMBER_OF],
    bound: &ACTIONS,
    constraints: &[
        Constraint::EndsAccess,
        Constraint::Unique {
            columns: &["user_principal_name"],
            status: 400,
            code: "Request_BadRequest",
            message: upn_taken,
        },
    ],
    // The password is never kept or returned.
    ignored: &["passwordProfile", "passwordPolicies", "usageLocation"],
    errors: Errors::Directory,
    alternate_key: Some("user_principal_name"),
    example: PerVersion::each(
        r#"{"accountEnabled": true, "displayName": "Adele Vance", "mailNickname": "AdeleV",
            "userPrincipalName": "AdeleV{unique}@contoso.com",
            "passwordProfile": {"forceChangePasswordNextSignIn": true, "password": "xWwvJ]6NMw+bWH-d"}}"#,
        r#"{"accountEnabled": true, "displayName": "Adele Vance", "mailNickname": "AdeleV",
            "userPrincipalName": "AdeleV{unique}@contoso.com",
            "passwordProfile": {"forceChangePasswordNextSignIn": true, "password": "xWwvJ]6NMw+bWH-d"}}"#,
    ),
    ..EntityType::BASE
};

/// `groupTypes`, `allowedMemberTypes`: lists of strings.
pub static STRINGS: ComplexType = ComplexType {
    name: "Collection(Edm.String)",
    decode: |_, value, path| match value {
        Value::Array(items) if items.iter().all(Value::is_string) => Ok(value.clone()),
        other => Err(wrong_type(path, other, "an array of strings")),
    },
    encode: |_, stored| stored.clone(),
    schema: |_| {
        object([
            ("type", Value::from("array")),
            ("items", object([("type", Value::from("string"))])),
        ])
    },
};

/// A group's members and owners; delivered assignments add and remove rows too
/// (`managed`, the view `granted_memberships`).
pub static GROUP_MEMBERS: LinkTable = LinkTable {
    table: "group_members",
    source: "group_id",
    relation: "relation",
    target: "member_id",
    target_type: "member_type",
    added: "added",
    kept: "managed = 0",
};

pub static GROUP: EntityType = EntityType {
    name: "group",
    odata_type: "microsoft.graph.group",
    sets: Names::both("groups"),
    root: "",
    fixture: "groups",
    table: "groups",
    properties: &[
        Property::key(),
        Property::text("display_name", Names::both("displayName")).name_like(),
        Property::text("description", Names::both("description")).nullable(),
        Property::new("mail_enabled", Names::both("mailEnabled"), Edm::Bool).required(),
        Property::text("mail_nickname", Names::both("mailNickname")).name_like(),
        Property::new(
            "security_enabled",
            Names::both("securityEnabled"),
            Edm::Bool,
        )
        .required(),
        Property::new(
            "group_types",
            Names::both("groupTypes"),
            Edm::Complex(&STRINGS),
        )
        .default(Default::Json("[]")),
        Property::text("mail", Names::both("mail")).nullable(),
        Property::text("visibility", Names::both("visibility")).nullable(),
        CREATED_AT,
    ],
    ignored: &["members@odata.bind", "owners@odata.bind"],
    errors: Errors::Directory,
    example: PerVersion::each(
        r#"{"displayName": "Sales", "description": "Sales team", "mailEnabled": false, "mailNickname": "sales",
            "securityEnabled": true, "groupTypes": []}"#,
        r#"{"displayName": "Sales", "description": "Sales team", "mailEnabled": false, "mailNickname": "sales",
            "securityEnabled": true, "groupTypes": []}"#,
    ),
    // Directory objects of any kind, by reference.
    navigations: &[
        Navigation::linked(Names::both("members"), || &USER, &GROUP_MEMBERS, "members")
            .of_kinds(PRINCIPALS),
        Navigation::linked(Names::both("owners"), || &USER, &GROUP_MEMBERS, "owners")
            .of_kinds(PRINCIPALS),
        Navigation::linked(
            Names::both("transitiveMembers"),
            || &USER,
            &GROUP_MEMBERS,
            "members",
        )
        .of_kinds(PRINCIPALS)
        .transitive(),
        MEMBER_OF,
        TRANSITIVE_MEMBER_OF,
    ],
    bound: &ACTIONS,
    ..EntityType::BASE
};

/// An app role as OpenAPI describes it.
#[derive(schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct AppRole {
    allowed_member_types: Vec<String>,
    description: Option<String>,
    display_name: Option<String>,
    id: String,
    is_enabled: bool,
    value: Option<String>,
}

/// A service principal's `appRoles`: each gets an id when it has none, and is enabled
/// unless said.
pub static APP_ROLES: ComplexType = ComplexType {
    name: "Collection(microsoft.graph.appRole)",
    decode: |_, value, path| {
        let Value::Array(items) = value else {
            return Err(wrong_type(path, value, "an array"));
        };
        let mut roles = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let at = format!("{path}[{index}]");
            let role = Object::of(item, &at)?;
            let id = match role.str("id")? {
                Some(id) => canonical_guid(id)
                    .ok_or_else(|| invalid(&role.path("id"), "An app role's id is a GUID."))?,
                None => new_id(),
            };
            let members = role.array("allowedMemberTypes")?;
            roles.push(object([
                (
                    "allowedMemberTypes",
                    Value::Array(if members.is_empty() {
                        vec![Value::from("User")]
                    } else {
                        members.to_vec()
                    }),
                ),
                (
                    "description",
                    role.str("description")?.map_or(Value::Null, Value::from),
                ),
                (
                    "displayName",
                    role.str("displayName")?.map_or(Value::Null, Value::from),
                ),
                ("id", Value::from(id)),
                (
                    "isEnabled",
                    Value::Bool(role.bool("isEnabled")?.unwrap_or(true)),
                ),
                ("origin", Value::from("Application")),
                ("value", role.str("value")?.map_or(Value::Null, Value::from)),
            ]));
        }
        Ok(Value::Array(roles))
    },
    encode: |_, stored| stored.clone(),
    schema: |_| schema_of::<Vec<AppRole>>(),
};

/// `appRoles` of a service principal or an application.
pub const APP_ROLES_PROPERTY: Property = Property::new(
    "app_roles",
    Names::both("appRoles"),
    Edm::Complex(&APP_ROLES),
)
.default(Default::Json("[]"));

pub static SERVICE_PRINCIPAL: EntityType = EntityType {
    name: "servicePrincipal",
    odata_type: "microsoft.graph.servicePrincipal",
    sets: Names::both("servicePrincipals"),
    root: "",
    fixture: "servicePrincipals",
    table: "service_principals",
    properties: &[
        Property::key(),
        Property::guid("app_id", Names::both("appId"))
            .required()
            .on_create(),
        Property::text("display_name", Names::both("displayName")).nullable(),
        Property::new("account_enabled", Names::both("accountEnabled"), Edm::Bool)
            .default(Default::Bool(true)),
        Property::text(
            "service_principal_type",
            Names::both("servicePrincipalType"),
        )
        .default_text("Application"),
        APP_ROLES_PROPERTY,
        password_credential::PROPERTY,
        Property::new(
            "service_principal_names",
            Names::both("servicePrincipalNames"),
            Edm::Complex(&STRINGS),
        )
        .default(Default::Json("[]")),
        // Kept for listings' order; the directory does not show it.
        Property::internal("created_date_time", "createdDateTime", Edm::DateTimeOffset)
            .read_only()
            .generated(Generated::CreatedAt),
    ],
    constraints: &[Constraint::EndsAccess, UNIQUE_APP_ID],
    errors: Errors::Directory,
    example: PerVersion::each(
        r#"{"appId": "{uuid}", "displayName": "Payroll", "appRoles": [{"displayName": "Admin", "value": "admin",
            "description": "Administers payroll", "allowedMemberTypes": ["User"]}]}"#,
        r#"{"appId": "{uuid}", "displayName": "Payroll", "appRoles": [{"displayName": "Admin", "value": "admin",
            "description": "Administers payroll", "allowedMemberTypes": ["User"]}]}"#,
    ),
    // Client secrets it signs in with (`signin`).
    bound: &[
        password_credential::ADD_PASSWORD,
        password_credential::REMOVE_PASSWORD,
        membership::CHECK_MEMBER_GROUPS,
        membership::GET_MEMBER_GROUPS,
        membership::CHECK_MEMBER_OBJECTS,
        membership::GET_MEMBER_OBJECTS,
    ],
    derive: Some(principal_names::service_principal_names),
    keys: &[("appId", "app_id")],
    navigations: &[MEMBER_OF, TRANSITIVE_MEMBER_OF],
    ..EntityType::BASE
};

/// The groups an object is a member of: directly, and through nested groups too.
const MEMBER_OF: Navigation = Navigation::linking(
    Names::both("memberOf"),
    || &GROUP,
    &GROUP_MEMBERS,
    "members",
)
.of_kinds(GROUPS);
pub const TRANSITIVE_MEMBER_OF: Navigation = Navigation::linking(
    Names::both("transitiveMemberOf"),
    || &GROUP,
    &GROUP_MEMBERS,
    "members",
)
.of_kinds(GROUPS)
.transitive();
const GROUPS: &[fn() -> &'static EntityType] = &[|| &GROUP];

/// The kinds a member, owner or principal may be.
pub const PRINCIPALS: &[fn() -> &'static EntityType] =
    &[|| &USER, || &GROUP, || &SERVICE_PRINCIPAL];

/// `#microsoft.graph.user`: how a directory object says what it is in a mixed list.
pub fn odata_type(entity: &EntityType) -> String {
    format!("#{}", entity.odata_type)
}
