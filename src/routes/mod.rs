//! The URL space. Every Entitlement Management path exists under `/beta` and `/v1.0`, and
//! unversioned (`/identityGovernance/…`, as on Microsoft's doc pages), which is beta.
//! One scope per path segment lets `graph::routing::unknown_segment` name the segment
//! that matched nothing.

mod access_packages;
mod admin;
pub mod batch;
mod catalogs;
mod health;
mod listing;

use actix_web::web::{self, ServiceConfig};

use crate::graph::routing::endpoint;
use crate::graph::{Beta, V1};
use crate::resources::catalog::ACCESS_PACKAGES;
use crate::resources::{AccessPackageDialect, CatalogDialect};

/// An API version's spelling of every resource type served.
pub trait Dialect: AccessPackageDialect + CatalogDialect {}

impl<V: AccessPackageDialect + CatalogDialect> Dialect for V {}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        web::scope("/_emulator")
            .service(endpoint("/health").get(health::health))
            .service(endpoint("/openapi.json").get(admin::openapi))
            .service(endpoint("/reset").post(admin::reset))
            .service(endpoint("/seed").post(admin::seed))
            .service(endpoint("/export").get(admin::export))
            .service(
                endpoint("/faults")
                    .get(admin::faults)
                    .put(admin::replace_faults)
                    .delete(admin::clear_faults),
            )
            .service(
                endpoint("/requests")
                    .get(admin::requests)
                    .delete(admin::clear_requests),
            ),
    )
    .service(
        web::scope("/beta")
            .service(endpoint("/$batch").post(batch::batch::<Beta>))
            .configure(entitlement_management::<Beta>),
    )
    .service(
        web::scope("/v1.0")
            .service(endpoint("/$batch").post(batch::batch::<V1>))
            .configure(entitlement_management::<V1>),
    )
    .configure(entitlement_management::<Beta>);
}

fn entitlement_management<V: Dialect>(cfg: &mut ServiceConfig) {
    // `/$count` is registered before `/{id}`, which would otherwise take it for an id.
    let access_packages = web::scope("/accessPackages")
        .service(
            endpoint("")
                .get(access_packages::list::<V>)
                .post(access_packages::create::<V>),
        )
        .service(endpoint("/$count").get(access_packages::count::<V>))
        .service(
            web::scope("/{id}")
                .service(
                    endpoint("")
                        .get(access_packages::get::<V>)
                        .patch(access_packages::update::<V>)
                        .delete(access_packages::delete),
                )
                .service(
                    endpoint(&format!("/{}", V::CATALOG_NAVIGATION))
                        .get(access_packages::catalog::<V>),
                ),
        );
    let catalogs = web::scope(&format!("/{}", <V as CatalogDialect>::ENTITY_SET))
        .service(
            endpoint("")
                .get(catalogs::list::<V>)
                .post(catalogs::create::<V>),
        )
        .service(endpoint("/$count").get(catalogs::count::<V>))
        .service(
            web::scope("/{id}")
                .service(
                    endpoint("")
                        .get(catalogs::get::<V>)
                        .patch(catalogs::update::<V>)
                        .delete(catalogs::delete),
                )
                .service(
                    endpoint(&format!("/{ACCESS_PACKAGES}"))
                        .get(access_packages::list_in_catalog::<V>),
                ),
        );
    cfg.service(
        web::scope("/identityGovernance").service(
            web::scope("/entitlementManagement")
                .service(access_packages)
                .service(catalogs),
        ),
    );
}
