//! `incident update TEXT… [--to AUDIENCE]`: a stakeholder update, as sent (`U1`).
//! `incident update --draft [--format markdown|slack|text]`: an update drafted from the
//! log, to edit and send; nothing is recorded.

use serde::Serialize;

use crate::cli::{DraftFormat, UpdateArgs};
use crate::context::{Context, check_name};
use crate::error::{Error, Result};
use crate::input::read_text;
use crate::record;
use crate::render::update;
use crate::ui::{Mode, Ui};
use incident_core::model::Body;

pub fn run(context: &Context, ui: &mut Ui, args: UpdateArgs) -> Result<()> {
    let id = context.target()?;
    if args.draft {
        return draft(context, ui, &id, args);
    }
    let to = check_name(&args.to, "the audience")?;
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    record::record_one(context, ui, &id, stamp, Body::Update { to }, text)
}

#[derive(Serialize)]
struct DraftJson<'a> {
    incident: &'a str,
    format: &'a str,
    draft: &'a str,
}

fn draft(context: &Context, ui: &mut Ui, id: &str, args: UpdateArgs) -> Result<()> {
    if !args.entry.text.is_empty() {
        return Err(Error::Usage(
            "--draft writes an update from the log and takes no text; \
             to record an update as sent, leave out --draft"
                .into(),
        ));
    }
    let stamp = &args.entry.stamp;
    if stamp.at.is_some() || stamp.by.is_some() || stamp.key {
        return Err(Error::Usage(
            "--draft records nothing: --at, --by and --key are for recording".into(),
        ));
    }
    let incident = context.store.load(id)?;
    let draft = update::draft(&incident, context.now);
    let format = args.format.unwrap_or(DraftFormat::Markdown);
    let text = match format {
        DraftFormat::Markdown => update::markdown(&draft),
        DraftFormat::Slack => update::slack(&draft),
        DraftFormat::Text => update::plain(&draft),
    };
    if ui.mode() == Mode::Json {
        let name = clap::ValueEnum::to_possible_value(&format)
            .expect("every format can be typed")
            .get_name()
            .to_string();
        return ui.print_json(&DraftJson {
            incident: &incident.id,
            format: &name,
            draft: &text,
        });
    }
    ui.print(&text)
}
