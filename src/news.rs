//! What a background sync changed, told before the next command runs. A label the sync
//! renumbered names another entry now: a command that types it is refused once, with
//! the news, rather than amending, retracting or linking the wrong entry.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::render;
use crate::ui::Ui;
use incident_core::model::Label;
use incident_core::sharing::News;

pub fn heed(context: &Context, ui: &mut Ui, args: &[String]) -> Result<()> {
    let news = context.store.take_news();
    for item in &news {
        ui.note(&format!(
            "note: a sync in the background: {}",
            render::sync::news(item)
        ));
    }
    let typed = args
        .iter()
        .skip(1)
        .flat_map(|arg| arg.split([',', ' ']))
        .map(str::trim);
    for word in typed {
        let label = Label::parse(word);
        let moved = news.iter().find(|item| {
            matches!(item, News::Relabeled(moved)
                if label.is_some() && Label::parse(&moved.from) == label)
        });
        if let Some(item) = moved {
            return Err(Error::LabelMoved {
                line: render::sync::news(item),
            });
        }
    }
    Ok(())
}
