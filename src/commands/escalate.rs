//! `incident escalate NAME [TEXT…]`: someone was called in, and why, an `E` entry; the
//! reports tell how long until they engaged.

use crate::cli::EscalateArgs;
use crate::context::{Context, check_name};
use crate::error::Result;
use crate::input::optional_text;
use crate::record;
use crate::ui::Ui;
use incident_core::model::Body;

pub fn run(context: &Context, ui: &mut Ui, args: EscalateArgs) -> Result<()> {
    let id = context.target()?;
    let (name, why) = called(context, &args);
    let name = check_name(&name, "who was called")?;
    let text = optional_text(&why)?;
    let stamp = context.stamp(&args.stamp)?;
    record::record_one(context, ui, &id, stamp, Body::Escalation { name }, text)
}

/// Who was called and why. A contact's name of several words, typed unquoted
/// (`escalate Dana DBA pool exhausted`), is the name (`Dana DBA`), as typed, and the
/// words after it the why; the longest name in the directory wins.
/// Otherwise NAME is the one word, as typed. A directory that cannot be read changes
/// nothing here: whoever was called is recorded as typed.
fn called(context: &Context, args: &EscalateArgs) -> (String, Vec<String>) {
    let as_typed = (args.name.clone(), args.text.clone());
    if matches!(args.text.as_slice(), [dash] if dash == "-") {
        return as_typed;
    }
    let Ok(directory) = context.store.directory() else {
        return as_typed;
    };
    let words: Vec<&str> = std::iter::once(args.name.as_str())
        .chain(args.text.iter().map(String::as_str))
        .collect();
    match directory.name_at_start(&words) {
        Some(count) if count > 1 => (
            words[..count].join(" "),
            words[count..].iter().map(|word| word.to_string()).collect(),
        ),
        _ => as_typed,
    }
}
