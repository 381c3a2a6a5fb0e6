//! `incident synonyms`: every group of words that mean one thing (the team's, the file kept
//! by hand, the built-in ones); `synonyms WORDS…` adds a group of the team's and
//! `synonyms --remove WORDS…` takes words out of them, changed here and shared by the next
//! sync, as a contact is. Prints the groups.

use uuid::Uuid;

use crate::cli::SynonymsArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::render::synonyms::{self, Listed, Source};
use crate::ui::{Mode, Ui};
use incident_core::model::Edit;
use incident_core::search::{Added, built_in_groups};

pub fn run(context: &Context, ui: &mut Ui, args: SynonymsArgs) -> Result<()> {
    let text = args.words.join(" ");
    if args.words.is_empty() {
        if args.remove {
            return Err(Error::Usage(
                "`synonyms --remove` needs the words or phrases to take out".into(),
            ));
        }
        return list(context, ui);
    }
    let edit = Edit {
        at: context.now,
        by: context.author(&Default::default())?,
        uuid: Uuid::now_v7(),
    };
    if args.remove {
        let changed = context
            .store
            .change_team_synonyms(|team| team.remove(&text, edit).map_err(Error::from))?;
        return ui.print_by_mode(
            || synonyms::changed_json(&changed),
            || synonyms::changed_lines(&changed),
            || synonyms::changed_lines(&changed),
        );
    }
    let (added, words, group) = context.store.change_team_synonyms(|team| {
        let (added, words) = team.add(&text, edit)?;
        let group = team.group(&words).cloned();
        Ok::<_, Error>((added, words, group))
    })?;
    let change = match added {
        Added::Added => "added",
        Added::Unchanged => "unchanged",
        Added::BuiltIn => {
            ui.note("note: one built-in group holds these together already; nothing added");
            "built-in"
        }
    };
    let listed = Listed {
        source: if group.is_some() {
            Source::Team
        } else {
            Source::BuiltIn
        },
        words: &words,
        group: group.as_ref(),
    };
    ui.print_by_mode(
        || synonyms::added_json(&listed, change),
        || synonyms::added_line(&words),
        || synonyms::added_line(&words),
    )
}

/// Every group: the team's, then the file's, then the built-in ones.
fn list(context: &Context, ui: &mut Ui) -> Result<()> {
    let team = context.store.team_synonyms()?;
    let file = context.store.synonyms_file();
    let listed: Vec<Listed> = team
        .groups()
        .map(|group| Listed {
            source: Source::Team,
            words: &group.words,
            group: Some(group),
        })
        .chain(file.iter().map(|words| Listed {
            source: Source::File,
            words,
            group: None,
        }))
        .chain(built_in_groups().iter().map(|words| Listed {
            source: Source::BuiltIn,
            words,
            group: None,
        }))
        .collect();
    match ui.mode() {
        Mode::Json => ui.print(&synonyms::json(&listed)),
        Mode::Quiet => ui.print(&synonyms::groups(&listed)),
        Mode::Human => {
            let paint = ui.paint();
            ui.print(&synonyms::lines(&listed, &paint))
        }
    }
}
