//! Positive detectors: places that show a control done right, for the
//! evidence report's code review samples. They live beside the rules of
//! their family and read the same semantic models, but they are kept apart
//! from [`Rule`](super::Rule)'s checks: a sample is never a finding, and
//! adding one changes no scan result.
//!
//! A family contributes a [`Surveyor`]: per kind of file, one function that
//! notes which kinds of authentication code the file holds ([`Surface`]s,
//! so that the report can tell "no findings" from "nothing to test") and
//! pushes [`Exhibit`]s, each naming its [`Detector`].

use std::collections::BTreeSet;
use std::ops::Range;

use serde::Serialize;

use super::{crypto, jwt, mfa, openapi, password};
use crate::lang::js::JsFile;
use crate::lang::openapi::OpenApiFile;
use crate::lang::rust::RustFile;

/// A kind of authentication code a scan can see. A control whose rules
/// need one of these is "not assessed" when none was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Surface {
    /// A JavaScript, TypeScript or Rust file that was parsed.
    SourceCode,
    /// Token signing or verification through a JWT library.
    Jwt,
    /// Password hashing or verification through a password-hashing library.
    PasswordHashing,
    /// One-time code generation or verification through an OTP library.
    OneTimeCodes,
    /// An `OpenAPI` or Swagger document.
    OpenApi,
    /// HTTP route registrations (recognised by the rate-limit rules).
    Routes,
    /// Session middleware or session cookies (recognised by the session
    /// rules).
    Sessions,
}

impl Surface {
    /// What it is, in words, for the report's basis lines.
    pub fn describe(self) -> &'static str {
        match self {
            Self::SourceCode => "JavaScript, TypeScript or Rust source",
            Self::Jwt => "JWT signing or verification",
            Self::PasswordHashing => "password hashing",
            Self::OneTimeCodes => "one-time code verification",
            Self::OpenApi => "an OpenAPI document",
            Self::Routes => "route registrations",
            Self::Sessions => "session middleware",
        }
    }

    /// Surfaces no shipped code recognises yet: the report says so rather
    /// than "none found".
    pub fn is_recognised(self) -> bool {
        !matches!(self, Self::Routes | Self::Sessions)
    }
}

/// A positive detector's identity and what it is evidence of.
#[derive(Debug)]
pub struct Detector {
    /// `family/name`, like a rule id.
    pub id: &'static str,
    /// What the sampled code does right, as a heading.
    pub title: &'static str,
    /// The controls it is evidence for, by id (`CC6.1`, `8.3.2`,
    /// `API2:2023`), as the control catalogue names them.
    pub controls: &'static [&'static str],
}

/// One place a detector found, in byte offsets, before it is rendered.
#[derive(Debug, Clone)]
pub struct Exhibit {
    pub detector: &'static Detector,
    pub range: Range<usize>,
    /// What this place shows, in one line (code in backticks).
    pub note: String,
}

/// What the surveyors found in one file.
#[derive(Debug, Default)]
pub struct Survey {
    pub exhibits: Vec<Exhibit>,
    pub surfaces: BTreeSet<Surface>,
}

impl Survey {
    pub fn saw(&mut self, surface: Surface) {
        self.surfaces.insert(surface);
    }

    pub fn exhibit(
        &mut self,
        detector: &'static Detector,
        range: Range<usize>,
        note: impl Into<String>,
    ) {
        self.exhibits.push(Exhibit {
            detector,
            range,
            note: note.into(),
        });
    }
}

/// A family's survey functions, one per kind of file it reads.
#[derive(Clone, Copy)]
pub struct Surveyor {
    pub js: Option<fn(&JsFile<'_>, &mut Survey)>,
    pub rust: Option<fn(&RustFile<'_>, &mut Survey)>,
    pub openapi: Option<fn(&OpenApiFile<'_>, &mut Survey)>,
}

impl Surveyor {
    pub const NONE: Self = Self {
        js: None,
        rust: None,
        openapi: None,
    };
}

/// Every family's surveyor.
pub static SURVEYORS: &[Surveyor] = &[
    jwt::samples::SURVEYOR,
    password::samples::SURVEYOR,
    crypto::samples::SURVEYOR,
    mfa::samples::SURVEYOR,
    openapi::samples::SURVEYOR,
];

/// Every detector, in the order the report lists samples.
pub static DETECTORS: &[&Detector] = &[
    &jwt::samples::PINNED_VERIFICATION,
    &jwt::samples::PINNED_VALIDATION,
    &password::samples::SLOW_HASH,
    &crypto::samples::CONSTANT_TIME_COMPARE,
    &mfa::samples::NARROW_OTP_WINDOW,
    &openapi::samples::DECLARED_SECURITY,
];

/// Controls whose samples depend on rules not shipped yet: what the
/// sample would show, and the controls it would serve. The report lists
/// them as "no sample detector yet" instead of staying silent.
pub static MISSING: &[(&str, &[&str])] = &[
    (
        "a rate limiter or lockout in front of the login route",
        &["8.3.4", "CC6.6"],
    ),
    (
        "`secure` and `httpOnly` session cookies with an idle timeout",
        &["8.2.8", "CC6.7", "4.2.1"],
    ),
];

pub fn find(id: &str) -> Option<&'static Detector> {
    DETECTORS.iter().copied().find(|d| d.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detector_ids_are_unique_and_name_controls() {
        let mut seen = BTreeSet::new();
        for detector in DETECTORS {
            assert!(seen.insert(detector.id), "{} twice", detector.id);
            assert!(detector.id.contains('/'), "{}", detector.id);
            assert!(!detector.controls.is_empty(), "{}", detector.id);
        }
    }
}
