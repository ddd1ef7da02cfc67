//! `GET /_emulator/openapi.json` kept honest: real responses of every documented operation,
//! in both versions, validate against the document's schemas (formats included), full
//! entities carry exactly the documented properties, and every documented path is served.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::*;

pub async fn document(app: &TestApp) -> Value {
    let response = send(
        awc::Client::default().get(format!("{}/_emulator/openapi.json", app.address)),
        None,
    )
    .await;
    response.expect(200);
    assert_eq!(response.header("content-type"), "application/json");
    response.json()
}

/// The schema at `pointer` in the document, as a validator that resolves the document's
/// `#/components/...` references.
pub fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    let mut root = schema.clone();
    root["components"] = doc["components"].clone();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("a valid schema: {e}"))
}

/// Asserts the response is one the document declares for `method` on `template`, and that
/// its JSON body, if any, validates against the declared schema.
pub fn assert_documented(doc: &Value, method: &str, template: &str, response: &TestResponse) {
    let status = response.status.as_u16().to_string();
    let operation = &doc["paths"][template][method];
    assert!(
        operation.is_object(),
        "{method} {template} is not documented"
    );
    let responses = &operation["responses"];
    let class = format!("{}XX", &status[..1]);
    let mut declared = responses
        .get(&status)
        .or_else(|| responses.get(&class))
        .unwrap_or_else(|| panic!("{method} {template}: status {status} not documented"))
        .clone();
    if let Some(reference) = declared["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        declared = doc["components"]["responses"][name].clone();
    }
    match declared["content"].as_object() {
        None => assert!(
            response.body.is_empty(),
            "{method} {template} {status}: no body documented"
        ),
        Some(content) => {
            let content_type = response.header("content-type");
            let (media, entry) = content
                .iter()
                .find(|(media, _)| content_type.starts_with(media.as_str()))
                .unwrap_or_else(|| panic!("{method} {template}: {content_type} not documented"));
            let body = if media == "text/plain" {
                json!(String::from_utf8_lossy(&response.body)
                    .parse::<i64>()
                    .expect("an integer"))
            } else {
                response.json()
            };
            let validator = validator(doc, &entry["schema"]);
            let errors: Vec<String> = validator
                .iter_errors(&body)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{method} {template} {status}: {errors:#?}\n{body:#}"
            );
        }
    }
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    &doc["components"]["schemas"][name]
}

struct Version {
    segment: &'static str,
    catalogs: &'static str,
    navigation: &'static str,
    package_body: fn(&str) -> Value,
}

const VERSIONS: [Version; 2] = [
    Version {
        segment: "beta",
        catalogs: "accessPackageCatalogs",
        navigation: "accessPackageCatalog",
        package_body: |catalog| json!({"catalogId": catalog, "displayName": "Documented beta"}),
    },
    Version {
        segment: "v1.0",
        catalogs: "catalogs",
        navigation: "catalog",
        package_body: |catalog| json!({"catalog": {"id": catalog}, "displayName": "Documented v1"}),
    },
];

#[actix_web::test]
async fn real_responses_of_every_operation_validate_against_the_document() {
    // Pages of one, so lists of two carry @odata.nextLink.
    let app = spawn_app_with(|settings| settings.odata.max_page_size = 1).await;
    let doc = document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");

    for version in VERSIONS {
        let root = format!(
            "/{}/identityGovernance/entitlementManagement",
            version.segment
        );
        let packages = format!("{root}/accessPackages");
        let catalogs = format!("{root}/{}", version.catalogs);
        let package_type = format!("{}.microsoft.graph.accessPackage", version.segment);
        let catalog_type = format!("{}.microsoft.graph.accessPackageCatalog", version.segment);
        let check = |method: &str, template: &str, response: &TestResponse| {
            assert_documented(&doc, method, template, response);
        };
        let t = |suffix: &str| format!("{root}{suffix}");

        // The bodies sent are ones the document allows; one it forbids is refused.
        let catalog_body = json!({"displayName": format!("Doc catalog {}", version.segment)});
        let package_body = (version.package_body)(GENERAL);
        assert!(
            validator(&doc, schema(&doc, &format!("{catalog_type}.create")))
                .is_valid(&catalog_body)
        );
        assert!(
            validator(&doc, schema(&doc, &format!("{package_type}.create")))
                .is_valid(&package_body)
        );
        let mut bogus = package_body.clone();
        bogus["bogus"] = json!(1);
        assert!(!validator(&doc, schema(&doc, &format!("{package_type}.create"))).is_valid(&bogus));
        let refused = app.post(&packages, &bogus).await;
        check("post", &t("/accessPackages"), &refused);
        refused.expect(400);

        let catalog = app.post(&catalogs, &catalog_body).await;
        catalog.expect(201);
        check("post", &t(&format!("/{}", version.catalogs)), &catalog);
        let catalog_id = catalog.json()["id"].as_str().unwrap().to_owned();

        let created = app
            .post(&packages, &(version.package_body)(&catalog_id))
            .await;
        created.expect(201);
        check("post", &t("/accessPackages"), &created);
        let id = created.json()["id"].as_str().unwrap().to_owned();
        // A second package, so a page of one has a next link.
        let second = app.post(&packages, &package_body).await;
        check("post", &t("/accessPackages"), &second);

        // A full entity has every documented stored property: the document lists no more
        // and no fewer than the emulator writes.
        for (response, type_name) in [(&created, &package_type), (&catalog, &catalog_type)] {
            let documented: std::collections::BTreeSet<String> = schema(&doc, type_name)
                ["properties"]
                .as_object()
                .unwrap()
                .keys()
                .filter(|name| {
                    // Navigations are there for $expand, not in a plain read.
                    let navigation = entitlement_emulator::model::registry::ENTITY_TYPES
                        .iter()
                        .any(|entity| {
                            entity.navigations.iter().any(|n| {
                                n.name.beta == Some(name.as_str())
                                    || n.name.v1 == Some(name.as_str())
                            })
                        });
                    // Annotations a plain read of one kind does not write.
                    !name.starts_with('@') && !navigation && name.as_str() != version.navigation
                })
                .cloned()
                .collect();
            let mut written = keys(&response.json());
            written.remove("@odata.context");
            assert_eq!(written, documented, "{type_name}");
        }

        let item = "/accessPackages/{id}";
        for path in [
            format!("{packages}/{id}"),
            format!("{packages}/{id}?$expand={}", version.navigation),
            format!("{packages}/{id}?$select=id,displayName"),
        ] {
            let response = app.get(&path).await;
            assert_eq!(response.status.as_u16(), 200, "{path}");
            check("get", &t(item), &response);
        }
        for path in [
            format!("{packages}?$count=true&$top=1"),
            format!("{packages}?$filter=displayName eq 'nothing'"),
            format!(
                "{packages}?$expand={}&$orderby=displayName",
                version.navigation
            ),
        ] {
            let response = app.get(&path.replace(' ', "%20")).await;
            assert_eq!(response.status.as_u16(), 200, "{path}");
            check("get", &t("/accessPackages"), &response);
        }
        let paged = app.get(&packages).await;
        assert!(paged.json()["@odata.nextLink"].is_string());
        check("get", &t("/accessPackages"), &paged);

        let count = app.get(&format!("{packages}/$count")).await;
        check("get", &t("/accessPackages/$count"), &count);
        let navigation = app
            .get(&format!("{packages}/{id}/{}", version.navigation))
            .await;
        check(
            "get",
            &t(&format!("/accessPackages/{{id}}/{}", version.navigation)),
            &navigation,
        );
        let in_catalog = app
            .get(&format!(
                "{catalogs}/{catalog_id}/accessPackages?$expand=nothing"
            ))
            .await;
        in_catalog.expect(400);
        check(
            "get",
            &t(&format!("/{}/{{id}}/accessPackages", version.catalogs)),
            &in_catalog,
        );
        let catalog_got = app
            .get(&format!("{catalogs}/{catalog_id}?$expand=accessPackages"))
            .await;
        catalog_got.expect(200);
        check(
            "get",
            &t(&format!("/{}/{{id}}", version.catalogs)),
            &catalog_got,
        );
        let catalog_list = app.get(&format!("{catalogs}?$count=true")).await;
        check("get", &t(&format!("/{}", version.catalogs)), &catalog_list);

        let patch = |path: String, body: Value| {
            let request = app
                .request(Method::PATCH, &path)
                .insert_header(("Content-Type", "application/json"));
            send(request, Some(body.to_string().into()))
        };
        let update_body = json!({"description": "patched"});
        assert!(
            validator(&doc, schema(&doc, &format!("{package_type}.update"))).is_valid(&update_body)
        );
        let patched = patch(format!("{packages}/{id}"), update_body).await;
        patched.expect(204);
        check("patch", &t(item), &patched);
        let bad_patch = patch(format!("{packages}/{id}"), json!({"isHidden": "yes"})).await;
        check("patch", &t(item), &bad_patch);

        let deleted = send(
            app.request(Method::DELETE, &format!("{packages}/{id}")),
            None,
        )
        .await;
        deleted.expect(204);
        check("delete", &t(item), &deleted);
        let gone = app.get(&format!("{packages}/{id}")).await;
        gone.expect(404);
        check("get", &t(item), &gone);

        let unauthenticated = send(
            awc::Client::default().get(format!("{}{packages}", app.address)),
            None,
        )
        .await;
        unauthenticated.expect(401);
        check("get", &t("/accessPackages"), &unauthenticated);
    }

    for version in ["beta", "v1.0"] {
        let batch = app
            .post(
                &format!("/{version}/$batch"),
                &json!({"requests": [{"id": "1", "method": "GET",
                    "url": "/identityGovernance/entitlementManagement/accessPackages"}]}),
            )
            .await;
        batch.expect(200);
        assert_documented(&doc, "post", &format!("/{version}/$batch"), &batch);
        let refused = app.post(&format!("/{version}/$batch"), &json!({})).await;
        assert_documented(&doc, "post", &format!("/{version}/$batch"), &refused);
    }
    let journal = app.get("/_emulator/requests?last=5").await;
    assert_documented(&doc, "get", "/_emulator/requests", &journal);
    let exported = app.get("/_emulator/export").await;
    assert_documented(&doc, "get", "/_emulator/export", &exported);
    let seeded = app
        .post("/_emulator/seed?mode=merge", &exported.json())
        .await;
    assert_documented(&doc, "post", "/_emulator/seed", &seeded);
    let faults = app.get("/_emulator/faults").await;
    assert_documented(&doc, "get", "/_emulator/faults", &faults);
    let replaced = send(
        app.request(Method::PUT, "/_emulator/faults")
            .insert_header(("Content-Type", "application/json")),
        Some(faults.body.clone()),
    )
    .await;
    assert_documented(&doc, "put", "/_emulator/faults", &replaced);
    let health = app.get("/_emulator/health").await;
    assert_documented(&doc, "get", "/_emulator/health", &health);
    let reset = app.post("/_emulator/reset", &json!({})).await;
    assert_documented(&doc, "post", "/_emulator/reset", &reset);
    let made = app
        .post("/_emulator/tenants", &json!({"id": "docs.example.com"}))
        .await;
    assert_documented(&doc, "post", "/_emulator/tenants", &made);
    let listed = app.get("/_emulator/tenants").await;
    assert_documented(&doc, "get", "/_emulator/tenants", &listed);
    let id = made.json()["id"].as_str().expect("an id").to_owned();
    let one = app.get(&format!("/_emulator/tenants/{id}")).await;
    assert_documented(&doc, "get", "/_emulator/tenants/{id}", &one);
    let deleted = app.delete(&format!("/_emulator/tenants/{id}")).await;
    assert_documented(&doc, "delete", "/_emulator/tenants/{id}", &deleted);
}

#[actix_web::test]
async fn every_documented_operation_is_served() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let package = app.create_beta_package("served").await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut operations = 0;
    for (template, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_none() {
                continue;
            }
            operations += 1;
            let id = if template.contains("/accessPackages/{id}") {
                &package
            } else {
                GENERAL
            };
            let path = template.replace("{id}", id);
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = send(
                app.request(method.clone(), &path)
                    .insert_header(("Content-Type", "application/json")),
                Some("{}".into()),
            )
            .await;
            // Served: whatever the status, it is not the router's "no such segment" (400
            // naming a segment) or 405.
            assert_ne!(response.status.as_u16(), 405, "{method} {path}");
            if response.status.as_u16() == 400 {
                let message = response.json()["error"]["message"].to_string();
                assert!(!message.contains("segment"), "{method} {path}: {message}");
            }
        }
    }
    // What the document lists at this commit, per version: $batch, each set's operations
    // and navigation segments, the declared operations (the lifecycle's actions and
    // functions, a service principal's addPassword and removePassword), the links by
    // reference (a group's members and owners, an access package's incompatible packages
    // and groups, a connected organization's sponsors: each listed, its $refs listed,
    // added and removed; the read-only
    // accessPackagesIncompatibleWith) (beta has one more: an assignment's
    // accessPackageAssignmentRequests); the settings singleton's GET and PATCH; a
    // subject's PATCH, by id and by objectId; a package's getApplicablePolicyRequirements
    // (and beta's moveToCatalog); a catalog's resource's refresh; a catalog's custom
    // workflow extensions (listed, created, read, changed, deleted: once in v1.0, under
    // both names in beta); a request's resume; the packages a user may request and the
    // approvals awaiting one; resource environments (listed, counted, read, their
    // resources, a resource's environment); applications (CRUD, $count, addPassword and
    // removePassword); the membership actions of users, groups and service principals
    // (4 each) and their memberOf and transitiveMemberOf (a group's transitiveMembers
    // too); applications and service principals by appId (get, patch, delete each); then
    // the emulator's own (18, and 4 of tenants); the PUT of the contained sets replaced whole
    // (a catalog's custom workflow extensions, 3 paths; a package's assignment policies, 2).
    // A declaration that stops being documented (or served) changes it.
    assert_eq!(
        operations,
        2 * (148 + 8 + 3 * 4 + 7 + 2 * 3) + 2 + 3 * 5 + 18 + 4 + 2 * 5 + 3 + 2,
        "operations documented"
    );
}

/// A schema that says something of the value: its members, its items', a scalar type.
fn described(schema: &Value) -> bool {
    if schema["properties"]
        .as_object()
        .is_some_and(|p| !p.is_empty())
    {
        return true;
    }
    if let Some(items) = schema.get("items") {
        return described(items);
    }
    for list in ["anyOf", "oneOf"] {
        if let Some(options) = schema[list].as_array() {
            return options.iter().any(described);
        }
    }
    let scalar = |t: &Value| {
        matches!(
            t.as_str(),
            Some("string" | "integer" | "number" | "boolean")
        )
    };
    match &schema["type"] {
        Value::Array(types) => types.iter().any(scalar),
        other => scalar(other),
    }
}

/// Every complex property of every served set has a schema that describes it, so the
/// checks against the document see the shapes where the versions differ most.
#[actix_web::test]
async fn every_complex_property_has_a_schema_that_describes_it() {
    use entitlement_emulator::model::{registry, Edm, Version};
    let app = spawn_app().await;
    let doc = document(&app).await;
    let mut checked = 0;
    let mut blind = Vec::new();
    for entity in registry::ENTITY_TYPES {
        for version in [Version::Beta, Version::V1] {
            let type_name = format!("{}.{}", version.segment(), entity.odata_type);
            // Served as a set, or inside one (a role scope, an approval's stages).
            if doc["components"]["schemas"].get(&type_name).is_none() {
                continue;
            }
            for (name, property) in entity.properties_in(version) {
                if !matches!(property.edm, Edm::Complex(_) | Edm::Derived(_)) {
                    continue;
                }
                checked += 1;
                let schema = &doc["components"]["schemas"][&type_name]["properties"][name];
                if !described(schema) {
                    blind.push(format!("{type_name}.{name}: {schema}"));
                }
            }
        }
    }
    assert!(checked > 20, "{checked} complex properties");
    assert!(
        blind.is_empty(),
        "schemas that describe nothing:\n{}",
        blind.join("\n")
    );
}
