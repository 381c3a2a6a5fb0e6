//! `incident shell`: the prompt of its own (`src/shell/`), whose lines take the global
//! options it was given.

use crate::context::Context;
use crate::error::Result;

pub fn run(context: &Context) -> Result<()> {
    crate::shell::run(&context.global)
}
