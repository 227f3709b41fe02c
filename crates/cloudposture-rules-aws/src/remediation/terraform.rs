//! Terraform blocks as data, built and written with `hcl-rs`.

use cloudposture_core::{Snippet, SnippetKind};
use hcl::{Block, Body, Expression};

/// Terraform configuration: comments and blocks, written by `hcl-rs` (which quotes and
/// escapes strings, `${` included).
#[derive(Debug, Clone, PartialEq)]
pub struct TerraformConfig {
    comments: Vec<String>,
    blocks: Vec<Block>,
}

impl Default for TerraformConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl TerraformConfig {
    /// No blocks.
    pub fn new() -> Self {
        TerraformConfig {
            comments: Vec::new(),
            blocks: Vec::new(),
        }
    }

    /// A comment written above the blocks (each line with `# `).
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comments.push(text.into());
        self
    }

    /// Adds `resource "TYPE" "NAME" { … }` with these attributes, in order.
    pub fn resource<K: Into<String>, V: Into<Expression>>(
        self,
        resource_type: &str,
        name: &str,
        attributes: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let block = attributes
            .into_iter()
            .fold(
                Block::builder("resource")
                    .add_label(resource_type)
                    .add_label(name),
                |block, (key, value)| block.add_attribute((key.into(), value.into())),
            )
            .build();
        self.block(block)
    }

    /// Adds any block.
    pub fn block(mut self, block: Block) -> Self {
        self.blocks.push(block);
        self
    }

    /// The configuration as HCL, after its comments.
    pub fn to_hcl(&self) -> String {
        let body = Body::from_iter(self.blocks.iter().cloned());
        // A body of blocks and attributes always formats; an empty text would show if not.
        super::with_comments(&self.comments, hcl::to_string(&body).unwrap_or_default())
    }

    /// The configuration as a [`SnippetKind::Terraform`] snippet.
    pub fn snippet(&self, title: impl Into<String>) -> Snippet {
        Snippet {
            kind: SnippetKind::Terraform,
            title: title.into(),
            content: self.to_hcl(),
        }
    }
}

/// A Terraform name for the resource of `id`: letters, digits and `_` (`vpc-0abc` →
/// `vpc_0abc`).
pub fn terraform_name(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}
