//! The URL space. Every Entitlement Management path exists under `/beta` and `/v1.0`, and
//! unversioned (`/identityGovernance/…`, as on Microsoft's doc pages), which is beta.
//! One scope per path segment lets `graph::routing::unknown_segment` name the segment
//! that matched nothing.

mod access_packages;
mod catalogs;
mod health;

use actix_web::web::{self, ServiceConfig};

use crate::graph::routing::endpoint;
use crate::graph::{Beta, V1};
use crate::resources::{AccessPackageDialect, CatalogDialect};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(web::scope("/_emulator").service(endpoint("/health").get(health::health)))
        .service(web::scope("/beta").configure(entitlement_management::<Beta>))
        .service(web::scope("/v1.0").configure(entitlement_management::<V1>))
        .configure(entitlement_management::<Beta>);
}

fn entitlement_management<V: AccessPackageDialect + CatalogDialect>(cfg: &mut ServiceConfig) {
    let access_packages = web::scope("/accessPackages")
        .service(endpoint("").post(access_packages::create::<V>))
        .service(web::scope("/{id}").service(endpoint("").get(access_packages::get::<V>)));
    let catalogs = web::scope(&format!("/{}", <V as CatalogDialect>::ENTITY_SET))
        .service(endpoint("").post(catalogs::create::<V>))
        .service(web::scope("/{id}").service(endpoint("").get(catalogs::get::<V>)));
    cfg.service(
        web::scope("/identityGovernance").service(
            web::scope("/entitlementManagement")
                .service(access_packages)
                .service(catalogs),
        ),
    );
}
