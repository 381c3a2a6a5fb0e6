//! `incident option TEXT… [--consequence TEXT]` and `incident decide OPTION [TEXT…]`:
//! decisions weighed as S.O.C.S. asks: the Situation (which the report reconstructs),
//! the Options, their Consequences, and the Solution chosen, with its rationale.

use std::io::Write;

use super::{Context, optional_text, read_text, record};
use crate::cli::{DecideArgs, OptionArgs};
use crate::error::Result;
use crate::model::{Body, Label, check_text};

pub fn option(context: &Context, args: OptionArgs, out: &mut dyn Write) -> Result<()> {
    let consequence = match args.consequence {
        Some(consequence) => {
            check_text(&consequence)?;
            Some(consequence)
        }
        None => None,
    };
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    record::record_one(context, stamp, Body::Option { consequence }, text, out)
}

pub fn decide(context: &Context, args: DecideArgs, out: &mut dyn Write) -> Result<()> {
    let option: Label = args.option.parse()?;
    let rationale = optional_text(&args.text)?;
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(context, stamp, Body::Decision { option }, rationale, out)
}
