//! `AWS::EC2::LaunchTemplate` and the `AWS::EC2::Instance`s launched from it (see
//! [`crate::launch_templates`]).

use cloudposture_aws::MetadataOptions;
use cloudposture_core::Location;

use super::Props;
use crate::declared::{Declared, FromTemplate, LaunchTemplate, TemplateRef};
use crate::models;

/// `MetadataOptions`, AWS's defaults for what it (or its absence) leaves out.
pub(super) fn metadata_options(options: Option<&Props<'_>>) -> Result<MetadataOptions, String> {
    let (tokens, endpoint, hops) = match options {
        Some(o) => (
            o.str("HttpTokens")?,
            o.str("HttpEndpoint")?,
            o.int("HttpPutResponseHopLimit")?,
        ),
        None => (None, None, None),
    };
    Ok(models::metadata_options(tokens, endpoint, hops))
}

/// Records the launch template `id` (its `LaunchTemplateData.MetadataOptions`), declared
/// at `location`.
pub(super) fn declare(
    p: &Props<'_>,
    id: &str,
    location: &Location,
    unit: &mut Declared,
) -> Result<(), String> {
    let data = p.object("LaunchTemplateData")?;
    let (options, instance_type) = match &data {
        Some(data) => (
            metadata_options(data.object("MetadataOptions")?.as_ref())?,
            data.str("InstanceType").ok().flatten(),
        ),
        None => (metadata_options(None)?, None),
    };
    unit.launch_templates.push(LaunchTemplate {
        id: id.to_string(),
        name: p.str("LaunchTemplateName").ok().flatten(),
        options,
        instance_type,
        location: location.clone(),
    });
    Ok(())
}

/// Records that the instance `id` takes the metadata options of its `LaunchTemplate`
/// (`LaunchTemplateId` or `LaunchTemplateName`), if it has one.
pub(super) fn from_template(p: &Props<'_>, id: &str, unit: &mut Declared) -> Result<(), String> {
    let Some(template) = p.object("LaunchTemplate")? else {
        return Ok(());
    };
    let template = match (
        template.str("LaunchTemplateId")?,
        template.str("LaunchTemplateName")?,
    ) {
        (Some(id), _) => TemplateRef::Id(id),
        (None, Some(name)) => TemplateRef::Name(name),
        (None, None) => {
            return Err(format!(
                "{}: LaunchTemplate names no LaunchTemplateId or LaunchTemplateName",
                p.place
            ));
        }
    };
    unit.from_templates.push(FromTemplate {
        instance_id: id.to_string(),
        template,
        source: p.place.to_string(),
    });
    Ok(())
}
