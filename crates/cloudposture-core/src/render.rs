//! Report renderers: every output format is a small function over [`crate::Report`].
