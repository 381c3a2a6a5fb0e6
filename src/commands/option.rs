//! `incident option TEXT… [--consequence TEXT] [--for Q]`: a course of action to weigh, as
//! S.O.C.S. asks: the Options and their Consequences, before the Solution is chosen. It
//! belongs to situation Q, else to the latest situation still undecided, else to none.

use crate::cli::OptionArgs;
use crate::context::Context;
use crate::error::Result;
use crate::input::read_text;
use crate::record::{self, Draft};
use crate::ui::Ui;
use incident_core::model::{Body, Label, check_text};

pub fn run(context: &Context, ui: &mut Ui, args: OptionArgs) -> Result<()> {
    let id = context.target()?;
    let named: Option<Label> = args.situation.as_deref().map(str::parse).transpose()?;
    let consequence = match args.consequence {
        Some(consequence) => {
            check_text(&consequence)?;
            Some(consequence)
        }
        None => None,
    };
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    let at = stamp.at;
    // The latest situation undecided as the incident stands inside its lock: two
    // terminals recording at once agree on it.
    record::record(context, ui, &id, stamp, |incident| {
        let situation = named.or_else(|| incident.state().latest_undecided_situation());
        Ok(vec![Draft {
            body: Body::Option {
                consequence,
                situation,
            },
            text,
            at,
        }])
    })
}
