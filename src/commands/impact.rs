//! `incident impact TEXT… [--from TIME] [--to TIME]`: who or what was affected, how
//! much, and for how long.

use chrono::Local;

use crate::cli::ImpactArgs;
use crate::context::Context;
use crate::error::Result;
use crate::input::read_text;
use crate::record;
use crate::time;
use crate::ui::Ui;
use incident_core::model::Body;

pub fn run(context: &Context, ui: &mut Ui, args: ImpactArgs) -> Result<()> {
    let id = context.target()?;
    let when = |at: &Option<String>| {
        at.as_deref()
            .map(|at| time::parse_at(at, context.now, &Local))
            .transpose()
    };
    let (from, to) = (when(&args.from)?, when(&args.to)?);
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    record::record_one(context, ui, &id, stamp, Body::Impact { from, to }, text)
}
