//! `incident done ACTION… [TEXT…]`: action items finished, and how, optionally.

use crate::cli::DoneArgs;
use crate::context::Context;
use crate::error::Result;
use crate::input::optional_text;
use crate::record;
use crate::ui::Ui;
use incident_core::model::{Body, Kind, Label, parse_labels};

pub fn run(context: &Context, ui: &mut Ui, args: DoneArgs) -> Result<()> {
    let id = context.target()?;
    // The leading words that name action items (`A1 A3`, `A1,A3`); the rest says how.
    let names_actions = |word: &String| {
        word.split(',').filter(|part| !part.is_empty()).all(|part| {
            part.parse::<Label>()
                .is_ok_and(|label| label.series == Kind::Action.series())
        })
    };
    let count = args
        .words
        .iter()
        .take_while(|word| names_actions(word))
        .count();
    let (labels, words) = args.words.split_at(count.max(1));
    let actions = parse_labels(labels)?;
    let text = optional_text(words)?;
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(context, ui, &id, stamp, Body::Done { actions }, text)
}
