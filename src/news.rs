//! What a background sync changed, told before the next command runs. A label the sync
//! renumbered names another entry now: a command that types it is refused once, with
//! the news, rather than amending, retracting or linking the wrong entry.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::ui::Ui;
use incident_core::model::Label;

pub fn heed(context: &Context, ui: &mut Ui, args: &[String]) -> Result<()> {
    let news = context.store.take_news();
    for item in &news {
        ui.note(&format!("note: a sync in the background: {}", item.line()));
    }
    let typed = args
        .iter()
        .skip(1)
        .flat_map(|arg| arg.split([',', ' ']))
        .map(str::trim);
    for word in typed {
        let label = Label::parse(word);
        let moved = news
            .iter()
            .find(|item| label.is_some() && item.from.as_deref().and_then(Label::parse) == label);
        if let Some(item) = moved {
            return Err(Error::LabelMoved { line: item.line() });
        }
    }
    Ok(())
}
