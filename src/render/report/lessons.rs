//! `## Lessons learned`: what went well, what went wrong, where we got lucky.

use std::fmt::Write;

use super::shared::Report;
use super::text::{ITEM, how_to_record, text};
use incident_core::model::{Kind, Went};

impl Report<'_> {
    pub(super) fn has_lessons(&self) -> bool {
        self.incident.entries_of(Kind::Lesson).next().is_some()
    }

    /// What went well, what went wrong, where we got lucky; retracted lessons left out.
    pub(super) fn lessons(&self, out: &mut String) {
        for (went, title) in [
            (Went::Well, "What went well"),
            (Went::Wrong, "What went wrong"),
            (Went::Lucky, "Where we got lucky"),
        ] {
            let _ = writeln!(out, "{title}:\n");
            let lessons = self.state.lessons(went);
            if lessons.is_empty() {
                let _ = writeln!(
                    out,
                    "Nothing recorded yet. {}\n",
                    how_to_record(&[&format!("incident lesson TEXT --went {}", went.name())])
                );
                continue;
            }
            for lesson in lessons {
                let _ = writeln!(
                    out,
                    "- **{}** {} (by {}){}",
                    lesson.id,
                    text(self.state.text(lesson), ITEM),
                    text(&lesson.by, ITEM),
                    self.corrections(lesson, ITEM)
                );
            }
            out.push('\n');
        }
        self.left_out(out, Kind::Lesson);
    }
}
