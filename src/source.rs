//! One file as authlint sees it: its path, its text, the language it is
//! written in, and the table that turns byte offsets into lines and columns.
//! Files no front-end parses are [`Language::Text`]: only the rules that
//! read text (secrets) run on them, and [`TextFormat`] says which kind of
//! text it is.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::project::Project;

/// The front-end a file goes through, chosen by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    JavaScript,
    TypeScript,
    Tsx,
    Rust,
    /// Any other text: configuration, `.env`, documentation, CI files.
    Text,
}

impl Language {
    /// The language of any path: a code language by extension, otherwise
    /// [`Language::Text`].
    pub fn of_path(path: &Path) -> Self {
        Self::from_path(path).unwrap_or(Self::Text)
    }

    /// The code language of a path, or `None` for files no parser reads.
    pub fn from_path(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?;
        match extension {
            "js" | "jsx" | "mjs" | "cjs" => Some(Self::JavaScript),
            "ts" | "mts" | "cts" => Some(Self::TypeScript),
            "tsx" => Some(Self::Tsx),
            "rs" => Some(Self::Rust),
            _ => None,
        }
    }

    /// The short name used in rule metadata and statistics.
    pub fn family(self) -> LanguageFamily {
        match self {
            Self::JavaScript | Self::TypeScript | Self::Tsx => LanguageFamily::Js,
            Self::Rust => LanguageFamily::Rs,
            Self::Text => LanguageFamily::Any,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::JavaScript => "javascript",
            Self::TypeScript => "typescript",
            Self::Tsx => "tsx",
            Self::Rust => "rust",
            Self::Text => "text",
        }
    }
}

/// The language groups of the rule catalogue: `js` covers JavaScript and
/// TypeScript alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LanguageFamily {
    Js,
    Rs,
    /// In a rule's list: every file that is text, whatever its language
    /// (the rule reads text, not a syntax tree). As a file's family: text
    /// that no parser reads.
    Any,
    /// `OpenAPI` and Swagger contracts, YAML or JSON recognised by content.
    OpenApi,
}

impl LanguageFamily {
    pub fn name(self) -> &'static str {
        match self {
            Self::Js => "js",
            Self::Rs => "rs",
            Self::Any => "any",
            Self::OpenApi => "openapi",
        }
    }
}

/// The kind of a text file, from its name. Secret detectors read key/value
/// pairs differently in each; document front-ends recognised by content
/// (`OpenAPI`) look only at [`TextFormat::Yaml`] and [`TextFormat::Json`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextFormat {
    /// `.env`, `.env.local`, `production.env`: `KEY=value` lines.
    Env,
    Yaml,
    Json,
    Toml,
    /// `.ini`, `.cfg`, `.conf`, `.npmrc`, `.pypirc` and similar `key = value` files.
    Ini,
    /// Java `.properties`: `key=value` or `key: value`.
    Properties,
    /// `Dockerfile` and `Containerfile`: `ENV` and `ARG` lines.
    Dockerfile,
    /// Source code of a language authlint parses.
    Code,
    /// Anything else: documentation, scripts, templates.
    Other,
}

impl TextFormat {
    pub fn of_path(path: &Path) -> Self {
        if Language::from_path(path).is_some() {
            return Self::Code;
        }
        // Lowercased first, so the comparisons below ignore case.
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
        if name == ".env" || name.starts_with(".env.") || extension == "env" {
            return Self::Env;
        }
        if name == "dockerfile"
            || name.starts_with("dockerfile.")
            || name.ends_with(".dockerfile")
            || name == "containerfile"
        {
            return Self::Dockerfile;
        }
        if matches!(
            name.as_str(),
            ".npmrc" | ".yarnrc" | ".pypirc" | ".gitconfig"
        ) {
            return Self::Ini;
        }
        match extension {
            "yaml" | "yml" => Self::Yaml,
            "json" | "jsonc" | "json5" => Self::Json,
            "toml" => Self::Toml,
            "ini" | "cfg" | "conf" | "cnf" => Self::Ini,
            "properties" => Self::Properties,
            _ => Self::Other,
        }
    }

    /// Whether the format holds configuration as keys and values, where a
    /// secret-named key with a random-looking value is worth reporting.
    pub fn is_config(self) -> bool {
        !matches!(self, Self::Code | Self::Other)
    }
}

/// A file's text with its line table. Positions inside authlint are byte
/// offsets; they become lines and columns only here.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The path as reports print it: relative to the working directory when
    /// the file is below it, with forward slashes.
    pub display_path: String,
    pub text: String,
    pub language: Language,
    line_starts: Vec<usize>,
    project: Arc<Project>,
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: PathBuf, display_path: String, text: String, language: Language) -> Self {
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        Self {
            path,
            display_path,
            text,
            language,
            line_starts,
            project: Project::unconfigured(),
        }
    }

    /// The same file, seen as part of a configured project.
    #[must_use]
    pub fn in_project(mut self, project: Arc<Project>) -> Self {
        self.project = project;
        self
    }

    /// The project this file belongs to: its configuration.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The project, for another file read on this one's behalf.
    pub fn shared_project(&self) -> Arc<Project> {
        Arc::clone(&self.project)
    }

    /// The line and column of a byte offset (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line_index = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line_index];
        let column = self
            .text
            .get(line_start..offset)
            .map_or(offset - line_start, |prefix| prefix.chars().count());
        Position {
            line: line_index + 1,
            column: column + 1,
        }
    }

    /// The text of a 1-based line without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(
            PathBuf::from("a.js"),
            "a.js".into(),
            text.into(),
            Language::JavaScript,
        )
    }

    #[test]
    fn positions_count_characters_from_one() {
        let f = file("ab\r\nçd\nx");
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(4), Position { line: 2, column: 1 });
        // `ç` is two bytes but one column.
        assert_eq!(f.position(6), Position { line: 2, column: 2 });
        assert_eq!(f.position(8), Position { line: 3, column: 1 });
        assert_eq!(f.line_text(1), "ab");
        assert_eq!(f.line_text(2), "çd");
        assert_eq!(f.line_text(9), "");
    }

    #[test]
    fn languages_follow_extensions() {
        assert_eq!(
            Language::from_path(Path::new("x.mts")),
            Some(Language::TypeScript)
        );
        assert_eq!(Language::from_path(Path::new("x.tsx")), Some(Language::Tsx));
        assert_eq!(
            Language::from_path(Path::new("x.cjs")),
            Some(Language::JavaScript)
        );
        assert_eq!(Language::from_path(Path::new("x.rs")), Some(Language::Rust));
        assert_eq!(Language::from_path(Path::new("x.py")), None);
        assert_eq!(Language::of_path(Path::new(".env")), Language::Text);
        assert_eq!(Language::Text.family(), LanguageFamily::Any);
    }

    #[test]
    fn text_formats_follow_names() {
        let format = |name: &str| TextFormat::of_path(Path::new(name));
        assert_eq!(format("config/.env.production"), TextFormat::Env);
        assert_eq!(format("deploy/prod.env"), TextFormat::Env);
        assert_eq!(format("docker-compose.yml"), TextFormat::Yaml);
        assert_eq!(format("appsettings.json"), TextFormat::Json);
        assert_eq!(format("Cargo.toml"), TextFormat::Toml);
        assert_eq!(format(".npmrc"), TextFormat::Ini);
        assert_eq!(format("Dockerfile"), TextFormat::Dockerfile);
        assert_eq!(format("src/main.rs"), TextFormat::Code);
        assert_eq!(format("README.md"), TextFormat::Other);
        assert!(TextFormat::Env.is_config() && !TextFormat::Other.is_config());
    }
}
