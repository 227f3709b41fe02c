//! The `ports` setting as a config file gives it: parsed, validated, with messages that
//! say what is allowed.

use cloudposture_core::settings::parse;

use super::*;
use crate::ec2::ec2_001_002_world_open_admin_ports::{AdminPortSettings, EC2_001 as METADATA};

fn settings(raw: serde_json::Value) -> Result<AdminPortSettings, String> {
    parse::<AdminPortSettings>(METADATA.id, raw.as_object().unwrap()).map_err(|e| e.to_string())
}

#[test]
fn default_ports_are_ssh_and_rdp() {
    assert_eq!(settings(json!({})).unwrap().ports.as_slice(), [22, 3389]);
    assert_eq!(
        settings(json!({"ports": [22, 5985]})).unwrap().ports.as_slice(),
        [22, 5985]
    );
}

#[test]
fn bad_ports_are_refused_with_what_is_allowed() {
    for (raw, expected) in [
        (
            json!({"ports": []}),
            "rule `EC2-001` setting `ports`: the list is empty, so no port would be checked; list at least \
             one port, e.g. [22, 3389]",
        ),
        (
            json!({"ports": [22, 70000]}),
            "rule `EC2-001` setting `ports`: `70000` is not a port number; ports are whole numbers from 0 to \
             65535",
        ),
        (
            json!({"ports": ["ssh"]}),
            "rule `EC2-001` setting `ports`: `\"ssh\"` is not a port number; ports are whole numbers from 0 \
             to 65535",
        ),
        (
            json!({"ports": [22, 3389, 22]}),
            "rule `EC2-001` setting `ports`: port 22 is listed twice",
        ),
        (
            json!({"ports": 22}),
            "rule `EC2-001` setting `ports`: expected a list, found the integer `22`",
        ),
    ] {
        assert_eq!(settings(raw.clone()).unwrap_err(), expected, "{raw}");
    }
}

#[test]
fn an_unknown_setting_names_the_known_ones() {
    assert_eq!(
        settings(json!({"port": [22]})).unwrap_err(),
        "rule `EC2-001` has no setting `port`; its settings are: ports"
    );
}

#[test]
fn the_engine_refuses_bad_settings_before_a_scan() {
    let rule = erase(EC2_002);
    let err = rule
        .configure(json!({"ports": [-1]}).as_object().unwrap())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "rule `EC2-002` setting `ports`: `-1` is not a port number; ports are whole numbers from 0 to 65535"
    );
}
