//! Colour for the terminal table (ANSI styles written by `anstyle`), used only when
//! wanted ([`crate::terminal::Terminal::color`]).

use std::fmt::{self, Display};

use anstyle::AnsiColor;
use cloudposture_core::{RiskLevel, Status};

/// A text style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Bold.
    Bold,
    /// Dimmed.
    Dim,
    /// Bold red: failures.
    Red,
    /// Bold yellow: errors (could not be judged).
    Yellow,
    /// Green: passes.
    Green,
    /// Cyan: hints.
    Cyan,
    /// Magenta: highest risks.
    Magenta,
}

impl Style {
    /// The terminal style.
    pub fn ansi(self) -> anstyle::Style {
        let plain = anstyle::Style::new();
        match self {
            Style::Bold => plain.bold(),
            Style::Dim => plain.dimmed(),
            Style::Red => plain.bold().fg_color(Some(AnsiColor::Red.into())),
            Style::Yellow => plain.bold().fg_color(Some(AnsiColor::Yellow.into())),
            Style::Green => plain.fg_color(Some(AnsiColor::Green.into())),
            Style::Cyan => plain.fg_color(Some(AnsiColor::Cyan.into())),
            Style::Magenta => plain.bold().fg_color(Some(AnsiColor::Magenta.into())),
        }
    }

    /// The style of a status word.
    pub fn of_status(status: Status) -> Style {
        match status {
            Status::Fail => Style::Red,
            Status::Error => Style::Yellow,
            Status::Pass => Style::Green,
            Status::Skipped | Status::Muted => Style::Dim,
        }
    }

    /// The style of a risk level.
    pub fn of_risk(risk: RiskLevel) -> Style {
        match risk {
            RiskLevel::Low => Style::Bold,
            RiskLevel::Medium => Style::Yellow,
            RiskLevel::High => Style::Red,
            RiskLevel::VeryHigh | RiskLevel::Extreme => Style::Magenta,
        }
    }
}

/// Paints text, or leaves it alone when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Painter {
    /// Whether to emit escape codes.
    pub enabled: bool,
}

impl Painter {
    /// `text` in `style`.
    pub fn paint<T: Display>(self, style: Style, text: T) -> Painted<T> {
        Painted {
            style: self.enabled.then_some(style),
            text,
        }
    }
}

/// Text with an optional style.
pub struct Painted<T> {
    style: Option<Style>,
    text: T,
}

impl<T: Display> Display for Painted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.style {
            Some(s) => {
                let style = s.ansi();
                write!(f, "{style}{}{style:#}", self.text)
            }
            None => self.text.fmt(f),
        }
    }
}
