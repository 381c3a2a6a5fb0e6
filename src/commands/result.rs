//! `incident result TEST TEXT… [--rules-out [H…]] [--confirms H…] [--symptom]`: what a
//! test showed.

use crate::cli::ResultArgs;
use crate::context::Context;
use crate::error::Result;
use crate::input::read_text;
use crate::record::{self, Draft};
use crate::ui::Ui;
use incident_core::model::{Body, Label, parse_labels};

pub fn run(context: &Context, ui: &mut Ui, args: ResultArgs) -> Result<()> {
    let id = context.target()?;
    let test: Label = args.test.parse()?;
    let confirms = parse_labels(&args.confirms)?;
    // `--rules-out` alone means the test's own `--for`, which is read inside the lock.
    let rules_out = args.rules_out.as_deref().map(parse_labels).transpose()?;
    let text = read_text(&args.entry.text)?;
    let stamp = context.stamp(&args.entry.stamp)?;
    let at = stamp.at;
    let also_symptom = args.symptom;
    record::record(context, ui, &id, stamp, |incident| {
        let rules_out = match rules_out {
            Some(labels) if labels.is_empty() => {
                incident.test_targets_to_rule_out(test, &confirms)?
            }
            Some(labels) => labels,
            None => Vec::new(),
        };
        let result = Body::Result {
            test,
            rules_out,
            confirms,
            run: None,
        };
        let mut drafts = vec![Draft {
            body: result,
            text: text.clone(),
            at,
        }];
        // A finished test often shows something new: it is a symptom too.
        if also_symptom {
            drafts.push(Draft {
                body: Body::Symptom,
                text,
                at,
            });
        }
        Ok(drafts)
    })
}
