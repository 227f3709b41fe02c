use super::*;

const AWKWARD: [&str; 4] = [
    "plain-value/1",
    "<PLACEHOLDER>",
    "a \"b\" \\ ${c} %{d} 'e' <f>\n\tg",
    "",
];

#[test]
fn cli_words_survive_the_shell() {
    for value in AWKWARD {
        let cmd = CliCommand::aws("ec2", "create-flow-logs").arg("--log-group-name", value);
        let expected = ["aws", "ec2", "create-flow-logs", "--log-group-name", value];
        assert_eq!(shell_words::split(&cmd.to_line()).unwrap(), expected, "{value:?}");
        assert_eq!(
            shell_words::split(&cmd.to_multiline()).unwrap(),
            expected,
            "{value:?}"
        );
        assert_eq!(cmd.argv(), expected);
    }
}

#[test]
fn cloudformation_values_survive_yaml_and_json() {
    for value in AWKWARD {
        let template = CfnTemplate::new(value)
            .comment(format!("two\nlines {value}"))
            .resource("R", "AWS::EC2::FlowLog", [("LogGroupName", value.into())]);
        for text in [template.to_yaml(), template.to_json()] {
            let doc: serde_norway::Value = serde_norway::from_str(&text).unwrap();
            assert_eq!(doc["Description"], value, "{text}");
            assert_eq!(
                doc["Resources"]["R"]["Properties"]["LogGroupName"], value,
                "{text}"
            );
            assert_eq!(doc["AWSTemplateFormatVersion"], "2010-09-09", "{text}");
        }
    }
}

#[test]
fn cloudformation_keeps_the_order_given() {
    let yaml = CfnTemplate::new("d")
        .resource("B", "T", [("Z", "1".into()), ("A", "2".into())])
        .resource("A", "T", [("M", "3".into())])
        .to_yaml();
    let order: Vec<usize> = [
        "AWSTemplateFormatVersion",
        "Description",
        "B:",
        "Z:",
        "A: ",
        "A:\n",
    ]
    .iter()
    .map(|k| yaml.find(k).unwrap())
    .collect();
    assert!(order.is_sorted(), "{yaml}");
}

#[test]
fn terraform_strings_survive_hcl() {
    for value in AWKWARD {
        let text = TerraformConfig::new()
            .comment("a comment")
            .resource("aws_flow_log", "x", [("log_group_name", value)])
            .to_hcl();
        let body = hcl::parse(&text).unwrap();
        let block = body.blocks().next().unwrap();
        let expr = block.body().attributes().next().unwrap().expr().clone();
        let evaluated = hcl::eval::Evaluate::evaluate(&expr, &hcl::eval::Context::new()).unwrap();
        assert_eq!(evaluated, hcl::Value::from(value), "{text}");
    }
}

#[test]
fn names_are_made_of_allowed_characters() {
    assert_eq!(cfn_logical_id("FlowLog", "vpc-0abc"), "FlowLogVpc0abc");
    assert_eq!(cfn_logical_id("FlowLog", "vpc-0a_b--c"), "FlowLogVpc0abC");
    assert_eq!(terraform_name("vpc-0abc"), "vpc_0abc");
}

#[test]
fn policies_write_one_value_as_a_string_and_conditions_sorted() {
    let policy = PolicyDocument::new(vec![
        Statement::allow(["sts:AssumeRole"])
            .for_service("vpc-flow-logs.amazonaws.com")
            .when("StringEquals", "aws:SourceAccount", "123456789012")
            .when("ArnLike", "aws:SourceArn", "arn:aws:ec2:*"),
        Statement::allow(["logs:A", "logs:B"]).sid("S").on(["r"]),
    ]);
    let json: serde_json::Value = serde_json::from_str(&policy.to_json()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                 "Action": "sts:AssumeRole",
                 "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:ec2:*"},
                               "StringEquals": {"aws:SourceAccount": "123456789012"}}},
                {"Sid": "S", "Effect": "Allow", "Action": ["logs:A", "logs:B"], "Resource": "r"},
            ]
        })
    );
    let text = policy.to_json();
    assert!(text.find("ArnLike").unwrap() < text.find("StringEquals").unwrap());
}

fn origin(id: &str) -> Origin {
    Origin::of(&cloudposture_core::ScopeId::templates("infra"), id)
}

fn terraform(id: &str) -> TfAddress {
    match origin(id) {
        Origin::Template(Declared::Terraform(address)) => address,
        other => panic!("{id}: {other:?}"),
    }
}

#[test]
fn the_scope_tells_a_live_resource_from_a_declared_one() {
    let live = cloudposture_core::ScopeId::region(Some("123456789012"), "eu-west-1");
    for id in ["vpc-0abc", "aws_vpc.main", "MyVpc"] {
        assert_eq!(Origin::of(&live, id), Origin::Live, "{id}");
    }
    assert!(matches!(
        origin("MyVpc"),
        Origin::Template(Declared::CloudFormation(_))
    ));
    assert!(matches!(
        origin("aws_vpc.main"),
        Origin::Template(Declared::Terraform(_))
    ));
    for id in [
        "vpc-0abc",
        "My_Vpc",
        "aws_vpc",
        "aws_vpc.main.cidr_block",
        "MyVpc.CidrBlock",
        "",
    ] {
        assert_eq!(origin(id), Origin::OtherTemplate, "{id}");
    }
}

#[test]
fn terraform_addresses_give_their_references_inside_their_module() {
    let cases = [
        ("aws_vpc.main", "aws_vpc.main.id", None, "main"),
        ("aws_vpc.multi[1]", "aws_vpc.multi[1].id", None, "multi_1"),
        (
            r#"aws_vpc.by_key["a"]"#,
            r#"aws_vpc.by_key["a"].id"#,
            None,
            "by_key_a",
        ),
        (
            r#"aws_vpc.by_key["a.b:c"]"#,
            r#"aws_vpc.by_key["a.b:c"].id"#,
            None,
            "by_key_a_b_c",
        ),
        ("data.aws_vpc.shared", "data.aws_vpc.shared.id", None, "shared"),
        (
            "module.net.aws_vpc.this",
            "aws_vpc.this.id",
            Some("module.net"),
            "this",
        ),
        (
            r#"module.a[0].module.b["x"].aws_vpc.this"#,
            "aws_vpc.this.id",
            Some(r#"module.a[0].module.b["x"]"#),
            "this",
        ),
    ];
    for (id, reference, module, name) in cases {
        let address = terraform(id);
        assert_eq!(address.attribute("id").to_string(), reference, "{id}");
        assert_eq!(address.module().as_deref(), module, "{id}");
        assert_eq!(address.block_name(), name, "{id}");
        assert_eq!(address.to_string(), id, "written back as read");
    }
    let module = terraform("module.net.aws_vpc.this");
    assert_eq!(
        module.where_to_write(),
        "the module called as module.net (in its source, where aws_vpc.this is declared; every instance of \
         the module gets it)"
    );
    assert_eq!(
        terraform("aws_vpc.main").where_to_write(),
        "the configuration that declares aws_vpc.main"
    );
}

#[test]
fn implicit_defaults_are_referenced_through_their_vpc() {
    let group = terraform("aws_vpc.main.default_security_group_id");
    assert_eq!(group.implicit, Some(Implicit::DefaultSecurityGroup));
    assert_eq!(group.local(), "aws_vpc.main");
    assert_eq!(
        group.attribute("id").to_string(),
        "aws_vpc.main.default_security_group_id"
    );
    let acl = terraform("aws_vpc.multi[0].default_network_acl_id");
    assert_eq!(
        acl.attribute("id").to_string(),
        "aws_vpc.multi[0].default_network_acl_id"
    );

    let Origin::Template(Declared::CloudFormation(group)) = origin("MyVpc.DefaultSecurityGroup") else {
        panic!()
    };
    assert_eq!(group.implicit, Some(Implicit::DefaultSecurityGroup));
    assert_eq!(
        group.reference(),
        serde_json::json!({"Fn::GetAtt": ["MyVpc", "DefaultSecurityGroup"]})
    );
    assert_eq!(group.get_att("GroupId"), group.reference());
    let Origin::Template(Declared::CloudFormation(web)) = origin("WebSg") else {
        panic!()
    };
    assert_eq!(
        web.get_att("GroupId"),
        serde_json::json!({"Fn::GetAtt": ["WebSg", "GroupId"]})
    );
}

#[test]
fn ids_qualified_with_their_template_keep_it_for_where_to_write() {
    let Origin::Template(Declared::CloudFormation(vpc)) = origin("dup/b.yaml:Vpc") else {
        panic!()
    };
    assert_eq!(vpc.logical_id, "Vpc");
    assert_eq!(vpc.where_to_write(), "dup/b.yaml, the template that declares Vpc");
    let address = terraform("net/a:aws_vpc.main");
    assert_eq!(address.template.as_deref(), Some("net/a"));
    assert_eq!(address.attribute("id").to_string(), "aws_vpc.main.id");
}

#[test]
fn yaml_writes_intrinsics_in_their_short_form_and_json_in_their_long_form() {
    let template = CfnTemplate::addition().resource(
        "R",
        "AWS::EC2::SecurityGroupIngress",
        [
            (
                "GroupId",
                serde_json::json!({"Fn::GetAtt": ["MyVpc", "DefaultSecurityGroup"]}),
            ),
            ("Other", serde_json::json!({"Ref": "X"})),
            ("Plain", serde_json::json!({"Ref": "X", "Not": "an intrinsic"})),
        ],
    );
    let yaml = template.to_yaml();
    assert!(
        yaml.contains("GroupId: !GetAtt MyVpc.DefaultSecurityGroup\n"),
        "{yaml}"
    );
    assert!(yaml.contains("Other: !Ref X\n"), "{yaml}");
    assert!(!yaml.contains("AWSTemplateFormatVersion"), "{yaml}");
    let json: serde_json::Value = serde_json::from_str(&template.to_json()).unwrap();
    assert_eq!(
        json["Resources"]["R"]["Properties"]["Other"],
        serde_json::json!({"Ref": "X"})
    );
    assert_eq!(
        json["Resources"]["R"]["Properties"]["Plain"]["Not"],
        "an intrinsic"
    );
}
