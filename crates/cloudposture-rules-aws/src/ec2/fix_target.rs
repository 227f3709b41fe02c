//! What the EC2 rules' fixes share: which findings they act on, and their errors.

use cloudposture_core::{Finding, FixError, KindInfo, ResourceRef, RuleMetadata, SCOPE_WIDE_ID, Status};

/// The resource a fix changes, and its region.
pub(crate) struct FixTarget<'f> {
    pub(crate) resource: &'f ResourceRef,
    pub(crate) region: &'f str,
}

/// A [`FixError`] of `rule`.
pub(crate) fn fix_error(rule: &RuleMetadata, message: impl Into<String>) -> FixError {
    FixError {
        rule_id: rule.id.to_string(),
        message: message.into(),
    }
}

/// The resource of `finding` when it is a failing finding of `rule` about one resource of
/// `kind`; `Ok(None)` for every other finding (passing, muted, skipped, error, another
/// rule's, the scope-wide `*` of a region that could not be read, or a resource declared
/// in a template, which is fixed by changing the template). A failing finding of an
/// account without a region is an error: nothing could say where to act.
pub(crate) fn failing_target<'f>(
    finding: &'f Finding,
    rule: &RuleMetadata,
    kind: &KindInfo,
) -> Result<Option<FixTarget<'f>>, FixError> {
    let resource = &finding.resource;
    if finding.rule.id != rule.id
        || finding.status != Status::Fail
        || resource.kind != kind.name
        || resource.id == SCOPE_WIDE_ID
        || resource.is_declared()
    {
        return Ok(None);
    }
    match resource.region.as_deref().filter(|r| !r.is_empty()) {
        Some(region) => Ok(Some(FixTarget { resource, region })),
        None => Err(fix_error(
            rule,
            format!("the finding for `{}` names no region", resource.id),
        )),
    }
}
