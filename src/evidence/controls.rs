//! The controls the evidence report speaks to, each summed up in one line
//! of our own, and which rules test it. The rules' own metadata (their
//! `owasp`, `soc2` and `pci_dss` lists) decides which rules test a
//! control, so a new rule shows up in the matrix without an edit here.

use serde::Serialize;

use crate::rules::Rule;
use crate::rules::samples::Surface;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Framework {
    #[serde(rename = "OWASP API Security Top 10 2023")]
    Owasp,
    #[serde(rename = "SOC 2")]
    Soc2,
    #[serde(rename = "PCI DSS v4.0.1")]
    PciDss,
}

impl Framework {
    pub fn name(self) -> &'static str {
        match self {
            Self::Owasp => "OWASP API Security Top 10 2023",
            Self::Soc2 => "SOC 2",
            Self::PciDss => "PCI DSS v4.0.1",
        }
    }

    /// A short prefix for control labels: `SOC 2 CC6.1`, `PCI DSS 8.3.2`.
    pub fn short(self) -> &'static str {
        match self {
            Self::Owasp => "OWASP",
            Self::Soc2 => "SOC 2",
            Self::PciDss => "PCI DSS",
        }
    }
}

#[derive(Debug)]
pub struct Control {
    pub framework: Framework,
    /// As the standard numbers it; `8.4.x` stands for every 8.4 item.
    pub id: &'static str,
    /// The control's subject in a few words.
    pub title: &'static str,
    /// What it asks for, in one line of our own.
    pub summary: &'static str,
    /// Code the rules must see before "no findings" means anything: one of
    /// these surfaces. Empty: any scanned file will do.
    pub needs: &'static [Surface],
    /// What the report should add about the control's scope.
    pub note: Option<&'static str>,
}

impl Control {
    /// `OWASP API2:2023`, `SOC 2 CC6.1`, `PCI DSS 8.3.2`.
    pub fn label(&self) -> String {
        format!("{} {}", self.framework.short(), self.id)
    }

    /// Whether a rule's mapping names this control.
    pub fn is_tested_by(&self, rule: &Rule) -> bool {
        let listed: &[&str] = match self.framework {
            Framework::Owasp => rule.owasp,
            Framework::Soc2 => rule.soc2,
            Framework::PciDss => rule.pci_dss,
        };
        listed.iter().any(|entry| self.matches(entry))
    }

    /// Whether an id as rules and detectors write it names this control:
    /// exactly, or under it for a `.x` family (`8.4` and `8.4.2` are
    /// `8.4.x`).
    pub fn matches(&self, entry: &str) -> bool {
        match self.id.strip_suffix(".x") {
            Some(family) => {
                entry == family || entry == self.id || entry.starts_with(&format!("{family}."))
            }
            None => entry == self.id,
        }
    }
}

const AUTH_CODE: &[Surface] = &[
    Surface::Jwt,
    Surface::PasswordHashing,
    Surface::OneTimeCodes,
    Surface::OpenApi,
    Surface::Sessions,
    Surface::Routes,
];

/// The catalogue, in the order the report lists it.
pub static CONTROLS: &[Control] = &[
    Control {
        framework: Framework::Owasp,
        id: "API2:2023",
        title: "Broken authentication",
        summary: "An API's authentication resists forged or replayed tokens, credential stuffing and weakly stored or exposed credentials.",
        needs: AUTH_CODE,
        note: None,
    },
    Control {
        framework: Framework::Soc2,
        id: "CC6.1",
        title: "Logical access security",
        summary: "Access to protected systems and data goes through authentication that is designed and built soundly: credentials, tokens and keys included.",
        needs: AUTH_CODE,
        note: None,
    },
    Control {
        framework: Framework::Soc2,
        id: "CC6.2",
        title: "User registration and removal",
        summary: "People are registered and approved before they receive credentials, and lose them when they no longer need access.",
        needs: &[],
        note: Some("provisioning and de-provisioning are processes, not patterns in code"),
    },
    Control {
        framework: Framework::Soc2,
        id: "CC6.3",
        title: "Role-based access",
        summary: "Access rights follow roles and least privilege, and change or end when a person's role does.",
        needs: &[],
        note: Some(
            "authorisation (who may do what) is outside authlint's scope, which is authentication",
        ),
    },
    Control {
        framework: Framework::Soc2,
        id: "CC6.6",
        title: "Threats from outside the boundary",
        summary: "The system keeps out attacks from beyond its boundary, such as automated guessing against its login.",
        needs: &[Surface::Routes],
        note: None,
    },
    Control {
        framework: Framework::Soc2,
        id: "CC6.7",
        title: "Data in transit",
        summary: "Data, credentials and session cookies included, are protected while they travel between systems.",
        needs: &[Surface::SourceCode, Surface::OpenApi],
        note: None,
    },
    Control {
        framework: Framework::Soc2,
        id: "CC7.1",
        title: "Detecting vulnerabilities",
        summary: "Configurations and code are checked on a schedule for vulnerabilities and for changes that weaken security.",
        needs: &[],
        note: Some(
            "this report is itself the record of one such check, of the commit named in the scan record",
        ),
    },
    Control {
        framework: Framework::Soc2,
        id: "CC8.1",
        title: "Change management",
        summary: "Changes to software are reviewed, tested and approved before release, and accepted exceptions are documented.",
        needs: &[],
        note: Some("the exceptions section lists every suppression with its reason and author"),
    },
    Control {
        framework: Framework::PciDss,
        id: "6.2.4",
        title: "Secure coding against common attacks",
        summary: "Software is built with techniques that stop common attacks on it, such as forged tokens, predictable secrets and timing leaks.",
        needs: &[Surface::SourceCode],
        note: None,
    },
    Control {
        framework: Framework::PciDss,
        id: "8.2.8",
        title: "Idle session timeout",
        summary: "A session idle for more than 15 minutes makes the user authenticate again.",
        needs: &[Surface::Jwt, Surface::Sessions],
        note: None,
    },
    Control {
        framework: Framework::PciDss,
        id: "8.3.1",
        title: "Every access is authenticated",
        summary: "Every user's access to system components is authenticated with at least one factor: something they know, have or are.",
        needs: &[Surface::Jwt, Surface::OpenApi],
        note: None,
    },
    Control {
        framework: Framework::PciDss,
        id: "8.3.2",
        title: "Strong cryptography for authentication factors",
        summary: "Passwords and other authentication factors are unreadable, by strong cryptography, wherever they are stored or sent.",
        needs: &[Surface::PasswordHashing],
        note: None,
    },
    Control {
        framework: Framework::PciDss,
        id: "8.3.4",
        title: "Lockout after failed attempts",
        summary: "After at most 10 failed attempts the account is locked for at least 30 minutes or until identity is confirmed.",
        needs: &[Surface::Routes],
        note: None,
    },
    Control {
        framework: Framework::PciDss,
        id: "8.3.6",
        title: "Password length and complexity",
        summary: "Passwords are at least 12 characters long and mix letters and digits.",
        needs: &[Surface::PasswordHashing],
        note: Some(
            "a policy that is missing altogether is not detected; only length checks written below 12 are",
        ),
    },
    Control {
        framework: Framework::PciDss,
        id: "8.4.x",
        title: "Multi-factor authentication",
        summary: "Administrative and remote access to the cardholder data environment requires more than one factor.",
        needs: &[Surface::OneTimeCodes],
        note: Some(
            "authlint checks how one-time codes are verified, not whether MFA is required where it should be",
        ),
    },
    Control {
        framework: Framework::PciDss,
        id: "8.5.1",
        title: "MFA that resists replay",
        summary: "Multi-factor systems cannot be replayed or bypassed, and need every factor before granting access.",
        needs: &[Surface::OneTimeCodes],
        note: None,
    },
    Control {
        framework: Framework::PciDss,
        id: "8.6.2",
        title: "No hard-coded account passwords",
        summary: "Passwords and keys of application and system accounts are never written into source, scripts or configuration files.",
        needs: &[],
        note: None,
    },
    Control {
        framework: Framework::PciDss,
        id: "4.2.1",
        title: "Strong cryptography in transit",
        summary: "Data sent over open networks is protected by strong cryptography with trusted, verified certificates.",
        needs: &[Surface::SourceCode, Surface::OpenApi],
        note: None,
    },
];

pub fn find(id: &str) -> Option<&'static Control> {
    CONTROLS.iter().find(|c| c.matches(id) || c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_match_their_items() {
        let mfa = find("8.4.x").unwrap();
        assert!(mfa.matches("8.4"));
        assert!(mfa.matches("8.4.2"));
        assert!(!mfa.matches("8.41"));
        assert!(!find("8.3.2").unwrap().matches("8.3.21"));
    }

    #[test]
    fn every_detector_names_controls_of_the_catalogue() {
        for detector in crate::rules::samples::DETECTORS {
            for id in detector.controls {
                assert!(find(id).is_some(), "{}: {id}", detector.id);
            }
        }
        for (_, ids) in crate::rules::samples::MISSING {
            for id in *ids {
                assert!(find(id).is_some(), "{id}");
            }
        }
    }
}
