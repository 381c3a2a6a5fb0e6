//! `incident severity N [TEXT…]`, `incident stage STAGE [TEXT…]`, `incident role ROLE
//! NAME…`: changes of the incident's state, each an `E` entry with its time.

use std::io::Write;

use super::{Context, check_name, optional_text, record};
use crate::cli::{RoleArgs, SeverityArgs, StageArgs, StageName};
use crate::error::{Error, Result};
use crate::model::{Body, Stage};

/// `1` to `5`; anything else is a typing mistake.
pub fn parse_severity(input: &str) -> Result<u8> {
    let trimmed = input.trim();
    let digits = trimmed
        .strip_prefix("sev")
        .or_else(|| trimmed.strip_prefix("SEV"))
        .unwrap_or(trimmed);
    match digits.parse::<u8>() {
        Ok(severity @ 1..=5) => Ok(severity),
        _ => Err(Error::Usage(format!(
            "{input:?} is not a severity: 1 (most severe) to 5"
        ))),
    }
}

pub fn severity(context: &Context, args: SeverityArgs, out: &mut dyn Write) -> Result<()> {
    let severity = parse_severity(&args.severity)?;
    let text = optional_text(&args.text)?;
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(context, stamp, Body::Severity { severity }, text, out)
}

pub fn stage(context: &Context, args: StageArgs, out: &mut dyn Write) -> Result<()> {
    let stage = match args.stage {
        StageName::Investigating => Stage::Investigating,
        StageName::Identified => Stage::Identified,
        StageName::Mitigated => Stage::Mitigated,
        StageName::Resolved => Stage::Resolved,
    };
    let text = optional_text(&args.text)?;
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(context, stamp, Body::Stage { stage }, text, out)
}

pub fn role(context: &Context, args: RoleArgs, out: &mut dyn Write) -> Result<()> {
    let role = check_name(&args.role, "the role")?.to_lowercase();
    let holder = check_name(&args.holder.join(" "), "the role's holder")?;
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(
        context,
        stamp,
        Body::Role { role, holder },
        String::new(),
        out,
    )
}
