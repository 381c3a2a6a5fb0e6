//! Colour for people at a terminal, and nothing at all for pipes and reports.

pub struct Paint {
    enabled: bool,
}

impl Paint {
    pub fn new(enabled: bool) -> Paint {
        Paint { enabled }
    }

    fn wrap(&self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.wrap("2", text)
    }

    pub fn struck(&self, text: &str) -> String {
        self.wrap("9", text)
    }

    pub fn green(&self, text: &str) -> String {
        self.wrap("1;32", text)
    }

    pub fn yellow(&self, text: &str) -> String {
        self.wrap("33", text)
    }
}
