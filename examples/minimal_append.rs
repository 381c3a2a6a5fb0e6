//! The floor that `incident symptom` is measured against in `bench/run`: a minimal
//! durable append. Lock, read and parse the document, append an entry, write a temp file,
//! fsync it, rename it over the document, fsync the folder.
//!
//! Usage: `minimal_append DOCUMENT TEXT`

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(document), Some(text)) = (args.next(), args.next()) else {
        return Err("usage: minimal_append DOCUMENT TEXT".into());
    };
    let document = Path::new(&document);
    let folder = document.parent().ok_or("the document needs a folder")?;
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(document.with_extension("lock"))?;
    lock.lock()?;
    let mut incident: serde_json::Value = serde_json::from_slice(&fs::read(document)?)?;
    let entries = incident["entries"]
        .as_array_mut()
        .ok_or("the document has no entries")?;
    let label = format!("S{}", entries.len() + 1);
    entries.push(serde_json::json!({
        "id": label,
        "kind": "symptom",
        "uuid": "00000000-0000-7000-8000-000000000000",
        "at": "2026-11-21T03:30:00Z",
        "recorded_at": "2026-11-21T03:30:00Z",
        "by": "bench",
        "text": text,
    }));
    let temp = folder.join(".minimal_append.tmp");
    let mut file = File::create(&temp)?;
    file.write_all(&serde_json::to_vec(&incident)?)?;
    file.sync_all()?;
    fs::rename(&temp, document)?;
    File::open(folder)?.sync_all()?;
    println!("{label}");
    Ok(())
}
