//! The one page loop of every listing, and lookups by id in chunks.

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use cloudposture_core::{CollectError, ErrorClass};

use super::{IDS_PER_CALL, classify};
use crate::collector::Fetched;

/// Most pages one listing may take: far beyond any real account (a million items at
/// 1,000 per page), so that an endpoint that keeps answering a next token cannot make a
/// listing run forever.
pub const MAX_PAGES: u64 = 1_000;

/// The one page loop of every listing: calls `fetch` with the next token until a page
/// has none, one API call per page; `split` takes a page apart into its items and next
/// token. A token seen before (a cycle) or more than [`MAX_PAGES`] pages is an error of
/// the listing, never a short list. On failure the error counts the pages read plus the
/// failed call.
pub async fn pages<T, O, E, Fut>(
    operation: &'static str,
    mut fetch: impl FnMut(Option<String>) -> Fut,
    split: impl Fn(O) -> (Vec<T>, Option<String>),
) -> Result<Fetched<T>, CollectError>
where
    Fut: Future<Output = Result<O, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut items = Vec::new();
    let mut calls = 0;
    let mut token: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    loop {
        calls += 1;
        let page = fetch(token.take())
            .await
            .map_err(|e| classify(operation, &e, calls))?;
        let (page_items, next) = split(page);
        items.extend(page_items);
        let Some(next) = next.filter(|t| !t.is_empty()) else {
            return Ok(Fetched::new(items, calls));
        };
        let bad_answer = |detail: String| {
            let mut e = CollectError::new(operation, ErrorClass::Other, None, detail);
            e.api_calls = calls;
            e
        };
        if !seen.insert(next.clone()) {
            return Err(bad_answer(format!(
                "page {calls} answered a next token that an earlier page gave; the listing would repeat \
                 pages, so it is not complete"
            )));
        }
        if calls >= MAX_PAGES {
            return Err(bad_answer(format!(
                "still a next token after {calls} pages; the listing was stopped and is not complete"
            )));
        }
        token = Some(next);
    }
}

/// Looks `ids` up in chunks of [`IDS_PER_CALL`] (the most values an EC2 filter takes):
/// `list` lists one chunk (every page, with [`pages`]). A failure counts the calls of
/// the chunks before it.
pub async fn in_chunks<'i, T, Fut>(
    ids: &'i [String],
    mut list: impl FnMut(&'i [String]) -> Fut,
) -> Result<Fetched<T>, CollectError>
where
    Fut: Future<Output = Result<Fetched<T>, CollectError>>,
{
    let mut all = Fetched::new(Vec::new(), 0);
    for chunk in ids.chunks(IDS_PER_CALL) {
        let fetched = list(chunk).await.map_err(|e| e.after(all.api_calls))?;
        all.extend(fetched);
    }
    Ok(all)
}
