//! `incident role ROLE NAME…`: hand a role to someone, an `E` entry; the history stays.

use crate::cli::RoleArgs;
use crate::context::{Context, check_name};
use crate::error::Result;
use crate::record;
use crate::ui::Ui;
use incident_core::model::Body;

pub fn run(context: &Context, ui: &mut Ui, args: RoleArgs) -> Result<()> {
    let id = context.target()?;
    let role = check_name(&args.role, "the role")?;
    let holder = check_name(&args.holder.join(" "), "the role's holder")?;
    let stamp = context.stamp(&args.stamp)?;
    let body = Body::Role { role, holder };
    record::record_one(context, ui, &id, stamp, body, String::new())
}
