//! Instances launched from a launch template (`launch_template { id = … }`,
//! `LaunchTemplate: {LaunchTemplateId: !Ref LT}`) take its metadata options, unless they
//! set their own: what an instance says wins, as AWS does. The whole `metadata_options`
//! block is the instance's or the template's, never a mix of both, each with AWS's
//! defaults for what it leaves out.
//!
//! A launch template that no declared instance is launched from (most are an Auto
//! Scaling group's or an EKS node group's, or used by nothing declared yet) is judged
//! as the instances it will launch: an instance of its own id, declared where it is.
//! One that instances are launched from is not, or their findings would be counted
//! twice.

use std::collections::BTreeSet;

use cloudposture_aws::{Instance, Instances};
use cloudposture_core::Tags;

use crate::declared::{Declared, LaunchTemplate, TemplateRef};
use crate::models;

/// Gives each instance of `unit` launched from a launch template the template's
/// metadata options (an instance whose template is not declared in `unit` cannot be
/// judged, and says why), then declares every launch template no instance is launched
/// from as an instance.
pub(crate) fn inherit(unit: &mut Declared) {
    let mut used: BTreeSet<String> = BTreeSet::new();
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
        used.insert(template.id.clone());
        let options = template.options.clone();
        if let Some(instance) = unit.instances.iter_mut().find(|i| i.id == from.instance_id) {
            instance.metadata_options = Some(options);
        }
    }
    for template in std::mem::take(&mut unit.launch_templates) {
        if !used.contains(&template.id) {
            unit.locate::<Instances>(&template.id, &template.location);
            unit.instances.push(as_instance(template));
        }
    }
}

/// What every instance `template` launches will be, as far as the rules judge it.
fn as_instance(template: LaunchTemplate) -> Instance {
    Instance {
        is_launch_template: true,
        ..models::instance(
            &template.id,
            None,
            template.instance_type,
            template.options,
            Tags::new(),
        )
    }
}
