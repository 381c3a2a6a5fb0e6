//! `incident lesson TEXT… --went well|wrong|lucky`: the lessons learned, sorted as a
//! postmortem sorts them.

use crate::cli::LessonArgs;
use crate::context::Context;
use crate::error::Result;
use crate::input::read_text;
use crate::record;
use crate::ui::Ui;
use incident_core::model::{Body, Went};

pub fn run(context: &Context, ui: &mut Ui, args: LessonArgs) -> Result<()> {
    let id = context.target()?;
    let went: Went = args.went.parse()?;
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    record::record_one(context, ui, &id, stamp, Body::Lesson { went }, text)
}
