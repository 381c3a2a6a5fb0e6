//! `incident option TEXT… [--consequence TEXT]`: a course of action to weigh, as S.O.C.S.
//! asks: the Options and their Consequences, before the Solution is chosen.

use crate::cli::OptionArgs;
use crate::context::Context;
use crate::error::Result;
use crate::input::read_text;
use crate::record;
use crate::ui::Ui;
use incident_core::model::{Body, check_text};

pub fn run(context: &Context, ui: &mut Ui, args: OptionArgs) -> Result<()> {
    let id = context.target()?;
    let consequence = match args.consequence {
        Some(consequence) => {
            check_text(&consequence)?;
            Some(consequence)
        }
        None => None,
    };
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    record::record_one(
        context,
        ui,
        &id,
        stamp,
        Body::Option {
            consequence,
            situation: None,
        },
        text,
    )
}
