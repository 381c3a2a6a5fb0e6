//! `incident contact NAME… --reach TEXT… [--covers WORDS…]` and `contact NAME… --remove`:
//! the team's directory of whom to call, changed here and shared by the next sync, as an
//! entry is. Prints the name.

use uuid::Uuid;

use crate::cli::ContactArgs;
use crate::context::{Context, check_name};
use crate::error::{Error, Result};
use crate::render::contacts;
use crate::ui::Ui;
use incident_core::model::{Directory, Edit, Set, covers_of};
use incident_core::sanitize::one_line;

pub fn run(context: &Context, ui: &mut Ui, args: ContactArgs) -> Result<()> {
    let name = check_name(&args.name.join(" "), "the contact")?;
    let edit = Edit {
        at: context.now,
        by: context.author(&Default::default())?,
        uuid: Uuid::now_v7(),
    };
    if args.remove {
        let name = context
            .store
            .change_directory(|directory| directory.remove(&name, edit).map_err(Error::from))?;
        return ui.print_by_mode(
            || contacts::removed_json(&name),
            || format!("{}\n", one_line(&name)),
            || format!("{}\n", one_line(&name)),
        );
    }
    if args.reach.is_none() && args.covers.is_none() {
        return Err(Error::Usage(
            "`contact` needs --reach TEXT (how to reach them), --covers WORDS, or --remove".into(),
        ));
    }
    if args
        .reach
        .as_deref()
        .is_some_and(|reach| reach.trim().is_empty())
    {
        return Err(Error::Usage(
            "--reach needs how to reach them: a phone, a chat channel, a pager".into(),
        ));
    }
    let covers = args.covers.as_deref().map(covers_of).transpose()?;
    let (set, directory) = context.store.change_directory(|directory| {
        let set = directory.set(&name, args.reach.as_deref(), covers, edit)?;
        Ok::<(Set, Directory), Error>((set, directory.clone()))
    })?;
    let contact = directory
        .get(&name)
        .expect("a contact just set is in the directory");
    let change = match set {
        Set::Added => "added",
        Set::Updated => "updated",
        Set::Unchanged => "unchanged",
    };
    ui.print_by_mode(
        || contacts::changed_json(&contact, change),
        || format!("{}\n", one_line(contact.name)),
        || format!("{}\n", one_line(contact.name)),
    )
}
