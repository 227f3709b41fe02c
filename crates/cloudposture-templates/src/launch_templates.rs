//! Instances launched from a launch template (`launch_template { id = … }`,
//! `LaunchTemplate: {LaunchTemplateId: !Ref LT}`) take its metadata options, unless they
//! set their own: what an instance says wins, as AWS does. The whole `metadata_options`
//! block is the instance's or the template's, never a mix of both, each with AWS's
//! defaults for what it leaves out.

use cloudposture_aws::Instances;

use crate::declared::{Declared, TemplateRef};

/// Gives each instance of `unit` launched from a launch template the template's
/// metadata options; an instance whose template is not declared in `unit` cannot be
/// judged, and says why.
pub(crate) fn inherit(unit: &mut Declared) {
    for from in std::mem::take(&mut unit.from_templates) {
        let template = unit.launch_templates.iter().find(|t| match &from.template {
            TemplateRef::Id(id) => t.id == *id,
            TemplateRef::Name(name) => t.name.as_deref() == Some(name.as_str()),
        });
        let Some(template) = template else {
            let (how, named) = match &from.template {
                TemplateRef::Id(id) => ("", id),
                TemplateRef::Name(name) => ("named ", name),
            };
            unit.unresolved::<Instances>(format!(
                "{}: launch template {how}`{named}` is not declared in the templates, so its metadata options are unknown",
                from.source
            ));
            continue;
        };
        let options = template.options.clone();
        if let Some(instance) = unit.instances.iter_mut().find(|i| i.id == from.instance_id) {
            instance.metadata_options = Some(options);
        }
    }
}
